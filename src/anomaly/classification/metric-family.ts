/**
 * What a metric measures, from its name: the family drives the anomaly type and the wording of
 * descriptions and recommendations. Names are matched loosely so canonical catalogue names
 * (`cpu_utilization`, `disk_read_latency_ms`, `smart_5_raw`), the Go scheduler's names
 * (`cpu_usage`), NovaCron collector names (`vm.cpu.usage`), qualified series (`temperature:cpu0`)
 * and the ai-engine feature names (`failed_login_attempts`, `response_time`) all land in a family.
 *
 * The telemetry catalogue's `category` may be passed as a hint; it is used only when the name
 * itself says nothing (custom metrics). This file deliberately does not import the telemetry
 * capability: classification stays pure and dependency-free.
 */

export type MetricFamily =
  | 'cpu'
  | 'cpu_contention'
  | 'memory'
  | 'swap'
  | 'disk_space'
  | 'disk_io'
  | 'disk_latency'
  | 'latency'
  | 'throughput'
  | 'app_errors'
  | 'network_traffic'
  | 'network_errors'
  | 'network_quality'
  | 'connections'
  | 'auth'
  | 'thermal'
  | 'power'
  | 'energy'
  | 'smart'
  | 'memory_errors'
  | 'io_errors'
  | 'processes'
  | 'inventory'
  | 'unknown';

/** How a metric's values read: drives number formatting in narratives. */
export type DisplayUnit = 'fraction' | 'percent' | 'celsius' | 'ms' | 'bytes' | 'bytes_per_second' | 'per_second' | 'rpm' | 'watts' | 'volts' | 'plain';

/** Lower-case, qualifier dropped, separators as `_`, a leading `vm_`/`host_`/`node_` dropped before a resource word. */
export function normaliseMetricName(name: string): string {
  const colon = name.indexOf(':');
  let n = (colon < 0 ? name : name.slice(0, colon)).toLowerCase().replace(/[.\-/\s]+/g, '_');
  n = n.replace(/^(vm|host|node|system|guest)_(?=(cpu|memory|mem|disk|network|net|swap)_)/, '');
  return n;
}

const RULES: Array<[RegExp, MetricFamily]> = [
  [/^smart_/, 'smart'],
  [/fan_speed|fan_rpm|temperature|^temp_|_temp$|_temp_c$|^temp$/, 'thermal'],
  [/^psu_|voltage/, 'power'],
  [/(^|_)ecc(_|$)|machine_check|^mce(_|$)|edac|dimm_errors/, 'memory_errors'],
  [/disk_io_errors|kernel_errors|^io_errors|nvme_.*errors|raid_|bad_blocks/, 'io_errors'],
  [/failed_login|login_fail|auth_fail|privilege|sudo|firewall_block|port_scan|ddos|malware|suspicious|intrusion|unusual_user|file_modification|brute|successful_logins|^logins?$/, 'auth'],
  [/^(network|net|nic)_.*(errors|dropped|drops|discards)$|^network_errors$|link_flap|crc_errors/, 'network_errors'],
  [/packet_loss|jitter|network_latency|^ping|_rtt|^rtt/, 'network_quality'],
  [/connections?$|_conns?$|^tcp_|^udp_|sockets/, 'connections'],
  [/^(network|net|nic)_|bandwidth|egress|ingress/, 'network_traffic'],
  [/^cpu_(steal|ready|iowait|wait)/, 'cpu_contention'],
  [/^cpu_count$/, 'inventory'],
  [/^cpu_|^cpu$|^load(_?avg)?(_?1|_?5|_?15)?(m|min)?$/, 'cpu'],
  [/swap/, 'swap'],
  [/oom|^memory_|^mem_|page_faults|balloon/, 'memory'],
  [/disk_(read_|write_)?(latency|await)|^disk_await|io_wait_ms|^await/, 'disk_latency'],
  [/^disk_(utilization|utilisation|usage|used|free|total|usage_percent)|storage_util|filesystem|inode|^fs_/, 'disk_space'],
  [/^disk_|iops|^io_|^storage_|^blk_|^block_/, 'disk_io'],
  [/latency|response_time|_p9\d|duration|query_time|_time_ms$/, 'latency'],
  [/throughput|requests?_per|^rps$|^qps$/, 'throughput'],
  [/error_rate|errors?$|5xx|exceptions$|failures$/, 'app_errors'],
  [/power_watts|energy|^power$/, 'energy'],
  [/process|thread|zombie|context_switch|deadlock|db_locks/, 'processes'],
  [/uptime|vm_count|vm_active|_count$/, 'inventory'],
];

const CATEGORY_FAMILY: Record<string, MetricFamily> = {
  cpu: 'cpu',
  memory: 'memory',
  disk: 'disk_io',
  network: 'network_traffic',
  thermal: 'thermal',
  power: 'power',
  errors: 'io_errors',
  smart: 'smart',
  system: 'processes',
};

/** The family of a metric; `category` (the telemetry catalogue's) is a fallback for unknown names. */
export function metricFamily(name: string, category?: string): MetricFamily {
  const n = normaliseMetricName(name);
  for (const [re, family] of RULES) if (re.test(n)) return family;
  return (category && CATEGORY_FAMILY[category]) || 'unknown';
}

/** Whether a traffic metric measures data leaving the resource (egress). */
export function isEgressMetric(name: string): boolean {
  const n = normaliseMetricName(name);
  return /(^|_)(tx|egress|out|outbound|sent|transmit)(_|$)/.test(n);
}

/** How the metric's values should be shown. */
export function displayUnit(name: string): DisplayUnit {
  const n = normaliseMetricName(name);
  if (/percent|_pct$/.test(n)) return 'percent';
  if (/utili[sz]ation|_usage$|^cpu_(user|system|iowait|steal|ready)$|packet_loss|disk_busy|_ratio$|error_rate|^cpu$|^memory$/.test(n)) return 'fraction';
  if (/fan_speed|rpm/.test(n)) return 'rpm';
  if (/temperature|^temp|_temp$|_temp_c$/.test(n)) return 'celsius';
  if (/bytes_per_s|_bps$|bytes_sec/.test(n)) return 'bytes_per_second';
  if (/_bytes$|^bytes$/.test(n)) return 'bytes';
  if (/_ms$|latency|response_time|await|query_time/.test(n)) return 'ms';
  if (/iops|per_s$|_per_second$|packets_per|page_faults|context_switches/.test(n)) return 'per_second';
  if (/watts|^power$/.test(n)) return 'watts';
  if (/volt/.test(n)) return 'volts';
  return 'plain';
}
