/**
 * The canonical metric catalogue. Inside the engine every metric has one name, one unit and a
 * valid range; utilisations are fractions 0–1. Other spellings (NovaCron's collector names, the
 * seed API's names, the Go scheduler's names) map onto canonical ones with a scale factor, so
 * `vm.cpu.usage` in percent becomes `cpu_utilization` as a fraction.
 *
 * A metric name may carry a qualifier after a colon (`disk_read_iops:vda`, `temperature:cpu0`):
 * the qualifier keeps per-device series apart while the base name gives unit and range.
 */
export type MetricUnit =
  | 'fraction'
  | 'celsius'
  | 'bytes'
  | 'bytes_per_second'
  | 'per_second'
  | 'count'
  | 'milliseconds'
  | 'seconds'
  | 'hours'
  | 'rpm'
  | 'watts'
  | 'volts'
  | 'load'
  | 'mbps'
  | 'mhz';

export type MetricCategory = 'cpu' | 'memory' | 'disk' | 'network' | 'thermal' | 'power' | 'errors' | 'smart' | 'system';

export interface MetricSpec {
  name: string;
  unit: MetricUnit;
  kind: 'gauge' | 'counter';
  category: MetricCategory;
  min: number;
  max: number;
  description: string;
}

export interface MetricAlias {
  alias: string;
  canonical: string;
  /** Multiply the sent value by this to get the canonical unit (0.01 for percent → fraction). */
  scale: number;
  source: 'novacron' | 'seed' | 'scheduler' | 'common';
}

const INF = Number.POSITIVE_INFINITY;

function m(name: string, unit: MetricUnit, kind: MetricSpec['kind'], category: MetricCategory, description: string, min = 0, max = INF): MetricSpec {
  return { name, unit, kind, category, min, max, description };
}

const BASE: MetricSpec[] = [
  // CPU
  m('cpu_utilization', 'fraction', 'gauge', 'cpu', 'Share of CPU time busy (all cores)', 0, 1),
  m('cpu_user', 'fraction', 'gauge', 'cpu', 'Share of CPU time in user mode', 0, 1),
  m('cpu_system', 'fraction', 'gauge', 'cpu', 'Share of CPU time in kernel mode', 0, 1),
  m('cpu_iowait', 'fraction', 'gauge', 'cpu', 'Share of CPU time waiting for I/O', 0, 1),
  m('cpu_steal', 'fraction', 'gauge', 'cpu', 'Share of CPU time stolen by the hypervisor', 0, 1),
  m('cpu_ready', 'fraction', 'gauge', 'cpu', 'Share of time a vCPU was ready but not scheduled', 0, 1),
  m('cpu_load_1m', 'load', 'gauge', 'cpu', '1-minute load average'),
  m('cpu_load_5m', 'load', 'gauge', 'cpu', '5-minute load average'),
  m('cpu_load_15m', 'load', 'gauge', 'cpu', '15-minute load average'),
  m('cpu_frequency_mhz', 'mhz', 'gauge', 'cpu', 'Current CPU clock in MHz'),
  m('cpu_count', 'count', 'gauge', 'cpu', 'Number of logical CPUs'),
  m('context_switches', 'per_second', 'gauge', 'cpu', 'Context switches per second'),
  // Memory
  m('memory_utilization', 'fraction', 'gauge', 'memory', 'Share of memory in use', 0, 1),
  m('memory_used_bytes', 'bytes', 'gauge', 'memory', 'Memory in use'),
  m('memory_total_bytes', 'bytes', 'gauge', 'memory', 'Memory installed or allocated'),
  m('memory_free_bytes', 'bytes', 'gauge', 'memory', 'Memory free'),
  m('memory_cached_bytes', 'bytes', 'gauge', 'memory', 'Page cache'),
  m('swap_utilization', 'fraction', 'gauge', 'memory', 'Share of swap in use', 0, 1),
  m('swap_used_bytes', 'bytes', 'gauge', 'memory', 'Swap in use'),
  m('swap_total_bytes', 'bytes', 'gauge', 'memory', 'Swap size'),
  m('memory_balloon_target_bytes', 'bytes', 'gauge', 'memory', 'Balloon driver target'),
  m('memory_balloon_current_bytes', 'bytes', 'gauge', 'memory', 'Balloon driver current size'),
  m('page_faults', 'per_second', 'gauge', 'memory', 'Page faults per second'),
  m('major_page_faults', 'per_second', 'gauge', 'memory', 'Major page faults per second'),
  m('oom_kills', 'count', 'counter', 'memory', 'Out-of-memory kills (cumulative)'),
  // Disk
  m('disk_utilization', 'fraction', 'gauge', 'disk', 'Share of disk space used', 0, 1),
  m('disk_busy', 'fraction', 'gauge', 'disk', 'Share of time the device was busy (iostat %util)', 0, 1),
  m('disk_used_bytes', 'bytes', 'gauge', 'disk', 'Disk space used'),
  m('disk_total_bytes', 'bytes', 'gauge', 'disk', 'Disk size'),
  m('disk_read_iops', 'per_second', 'gauge', 'disk', 'Read operations per second'),
  m('disk_write_iops', 'per_second', 'gauge', 'disk', 'Write operations per second'),
  m('disk_read_bytes_per_s', 'bytes_per_second', 'gauge', 'disk', 'Read throughput'),
  m('disk_write_bytes_per_s', 'bytes_per_second', 'gauge', 'disk', 'Write throughput'),
  m('disk_read_latency_ms', 'milliseconds', 'gauge', 'disk', 'Mean read latency'),
  m('disk_write_latency_ms', 'milliseconds', 'gauge', 'disk', 'Mean write latency'),
  m('disk_queue_depth', 'count', 'gauge', 'disk', 'Outstanding I/O requests'),
  m('disk_io_errors', 'count', 'counter', 'errors', 'Block I/O errors (cumulative)'),
  // Network
  m('network_utilization', 'fraction', 'gauge', 'network', 'Share of link bandwidth in use', 0, 1),
  m('network_rx_bytes_per_s', 'bytes_per_second', 'gauge', 'network', 'Received bytes per second'),
  m('network_tx_bytes_per_s', 'bytes_per_second', 'gauge', 'network', 'Transmitted bytes per second'),
  m('network_rx_packets_per_s', 'per_second', 'gauge', 'network', 'Received packets per second'),
  m('network_tx_packets_per_s', 'per_second', 'gauge', 'network', 'Transmitted packets per second'),
  m('network_rx_errors', 'count', 'counter', 'errors', 'Receive errors (cumulative)'),
  m('network_tx_errors', 'count', 'counter', 'errors', 'Transmit errors (cumulative)'),
  m('network_rx_dropped', 'count', 'counter', 'network', 'Received packets dropped (cumulative)'),
  m('network_tx_dropped', 'count', 'counter', 'network', 'Transmitted packets dropped (cumulative)'),
  m('network_errors', 'count', 'counter', 'errors', 'Network errors of any direction (cumulative)'),
  m('network_link_flaps', 'count', 'counter', 'network', 'Link up/down transitions (cumulative)'),
  m('network_latency_ms', 'milliseconds', 'gauge', 'network', 'Round-trip latency'),
  m('packet_loss', 'fraction', 'gauge', 'network', 'Share of packets lost', 0, 1),
  m('tcp_connections', 'count', 'gauge', 'network', 'Established TCP connections'),
  // Thermal and power
  m('temperature', 'celsius', 'gauge', 'thermal', 'Hottest sensor reading', -60, 150),
  m('cpu_temperature', 'celsius', 'gauge', 'thermal', 'CPU package temperature', -60, 150),
  m('inlet_temperature', 'celsius', 'gauge', 'thermal', 'Air inlet temperature', -60, 150),
  m('disk_temperature', 'celsius', 'gauge', 'thermal', 'Drive temperature', -60, 150),
  m('fan_speed_rpm', 'rpm', 'gauge', 'thermal', 'Fan speed', 0, 100_000),
  m('power_watts', 'watts', 'gauge', 'power', 'Power draw', 0, 100_000),
  m('psu_voltage', 'volts', 'gauge', 'power', 'Power supply output voltage', 0, 1000),
  m('psu_voltage_deviation', 'fraction', 'gauge', 'power', 'Relative deviation of PSU output from nominal', 0, 1),
  // Error counters
  m('ecc_correctable_errors', 'count', 'counter', 'errors', 'Corrected memory ECC errors (cumulative)'),
  m('ecc_uncorrectable_errors', 'count', 'counter', 'errors', 'Uncorrectable memory ECC errors (cumulative)'),
  m('machine_check_exceptions', 'count', 'counter', 'errors', 'Machine-check exceptions (cumulative)'),
  m('kernel_errors', 'count', 'counter', 'errors', 'Kernel error log lines (cumulative)'),
  // System
  m('uptime_seconds', 'seconds', 'gauge', 'system', 'Time since boot'),
  m('process_count', 'count', 'gauge', 'system', 'Running processes'),
  m('vm_count', 'count', 'gauge', 'system', 'VMs on the host'),
  m('vm_active_count', 'count', 'gauge', 'system', 'Running VMs on the host'),
];

/** SMART attributes as Backblaze names them: `smart_<id>_raw` and `smart_<id>_normalized`. */
const SMART_ATTRIBUTES: [number, string][] = [
  [1, 'Read error rate'],
  [3, 'Spin-up time'],
  [4, 'Start/stop count'],
  [5, 'Reallocated sectors count'],
  [7, 'Seek error rate'],
  [9, 'Power-on hours'],
  [10, 'Spin retry count'],
  [12, 'Power cycle count'],
  [183, 'SATA downshift errors'],
  [184, 'End-to-end errors'],
  [187, 'Reported uncorrectable errors'],
  [188, 'Command timeouts'],
  [189, 'High fly writes'],
  [190, 'Airflow temperature'],
  [191, 'G-sense error rate'],
  [192, 'Power-off retract count'],
  [193, 'Load cycle count'],
  [194, 'Temperature'],
  [195, 'Hardware ECC recovered'],
  [196, 'Reallocation events'],
  [197, 'Current pending sectors'],
  [198, 'Offline uncorrectable sectors'],
  [199, 'UltraDMA CRC errors'],
  [200, 'Multi-zone error rate'],
  [220, 'Disk shift'],
  [222, 'Loaded hours'],
  [223, 'Load retry count'],
  [224, 'Load friction'],
  [226, 'Load-in time'],
  [240, 'Head flying hours'],
  [241, 'Total LBAs written'],
  [242, 'Total LBAs read'],
];

const SMART: MetricSpec[] = SMART_ATTRIBUTES.flatMap(([id, label]) => [
  m(`smart_${id}_raw`, 'count', 'gauge', 'smart', `SMART ${id} (${label}), raw value`),
  m(`smart_${id}_normalized`, 'count', 'gauge', 'smart', `SMART ${id} (${label}), normalised value (vendor scale, higher is healthier)`, 0, 255),
]);

export const METRICS: readonly MetricSpec[] = [...BASE, ...SMART];

const PERCENT = 0.01;
const a = (alias: string, canonical: string, scale: number, source: MetricAlias['source']): MetricAlias => ({ alias, canonical, scale, source });

/** Other names for canonical metrics, with their unit conversion. */
export const ALIASES: readonly MetricAlias[] = [
  // NovaCron collector names (backend/core/monitoring): percentages 0–100, bytes, per-second rates.
  a('vm.cpu.usage', 'cpu_utilization', PERCENT, 'novacron'),
  a('vm.cpu.steal_time', 'cpu_steal', PERCENT, 'novacron'),
  a('vm.cpu.ready_time', 'cpu_ready', PERCENT, 'novacron'),
  a('vm.cpu.system_time', 'cpu_system', PERCENT, 'novacron'),
  a('vm.cpu.user_time', 'cpu_user', PERCENT, 'novacron'),
  a('vm.cpu.iowait_time', 'cpu_iowait', PERCENT, 'novacron'),
  a('vm.memory.usage_percent', 'memory_utilization', PERCENT, 'novacron'),
  a('vm.memory.used', 'memory_used_bytes', 1, 'novacron'),
  a('vm.memory.total', 'memory_total_bytes', 1, 'novacron'),
  a('vm.memory.free', 'memory_free_bytes', 1, 'novacron'),
  a('vm.memory.swap_used', 'swap_used_bytes', 1, 'novacron'),
  a('vm.memory.swap_total', 'swap_total_bytes', 1, 'novacron'),
  a('vm.memory.balloon_target', 'memory_balloon_target_bytes', 1, 'novacron'),
  a('vm.memory.balloon_current', 'memory_balloon_current_bytes', 1, 'novacron'),
  a('vm.memory.page_faults', 'page_faults', 1, 'novacron'),
  a('vm.memory.major_page_faults', 'major_page_faults', 1, 'novacron'),
  a('vm.disk.usage_percent', 'disk_utilization', PERCENT, 'novacron'),
  a('vm.disk.used', 'disk_used_bytes', 1, 'novacron'),
  a('vm.disk.size', 'disk_total_bytes', 1, 'novacron'),
  a('vm.disk.read_iops', 'disk_read_iops', 1, 'novacron'),
  a('vm.disk.write_iops', 'disk_write_iops', 1, 'novacron'),
  a('vm.disk.read_throughput', 'disk_read_bytes_per_s', 1, 'novacron'),
  a('vm.disk.write_throughput', 'disk_write_bytes_per_s', 1, 'novacron'),
  a('vm.disk.read_latency', 'disk_read_latency_ms', 1, 'novacron'),
  a('vm.disk.write_latency', 'disk_write_latency_ms', 1, 'novacron'),
  a('vm.network.rx_bytes', 'network_rx_bytes_per_s', 1, 'novacron'),
  a('vm.network.tx_bytes', 'network_tx_bytes_per_s', 1, 'novacron'),
  a('vm.network.rx_packets', 'network_rx_packets_per_s', 1, 'novacron'),
  a('vm.network.tx_packets', 'network_tx_packets_per_s', 1, 'novacron'),
  a('vm.network.rx_dropped', 'network_rx_dropped', 1, 'novacron'),
  a('vm.network.tx_dropped', 'network_tx_dropped', 1, 'novacron'),
  a('vm.network.rx_errors', 'network_rx_errors', 1, 'novacron'),
  a('vm.network.tx_errors', 'network_tx_errors', 1, 'novacron'),
  a('system.memory.used', 'memory_used_bytes', 1, 'novacron'),
  a('system.memory.total', 'memory_total_bytes', 1, 'novacron'),
  a('system.cpu.count', 'cpu_count', 1, 'novacron'),
  a('vm.count', 'vm_count', 1, 'novacron'),
  a('vm.active', 'vm_active_count', 1, 'novacron'),
  a('cpu_usage_percent', 'cpu_utilization', PERCENT, 'novacron'),
  a('memory_usage_percent', 'memory_utilization', PERCENT, 'novacron'),
  a('disk_usage_percent', 'disk_utilization', PERCENT, 'novacron'),
  // The Go resource scheduler's node metrics (fractions already).
  a('cpu_usage', 'cpu_utilization', 1, 'scheduler'),
  a('memory_usage', 'memory_utilization', 1, 'scheduler'),
  a('disk_usage', 'disk_utilization', 1, 'scheduler'),
  a('network_usage', 'network_utilization', 1, 'scheduler'),
  // The seed API and its test fixtures.
  a('storage_utilization', 'disk_utilization', 1, 'seed'),
  a('network_latency', 'network_latency_ms', 1, 'seed'),
  a('cpu_load_1min', 'cpu_load_1m', 1, 'seed'),
  a('cpu_load_5min', 'cpu_load_5m', 1, 'seed'),
  a('cpu_load_15min', 'cpu_load_15m', 1, 'seed'),
  a('cpu_steal_time', 'cpu_steal', 1, 'seed'),
  a('cpu_wait_time', 'cpu_iowait', 1, 'seed'),
  a('disk_await', 'disk_read_latency_ms', 1, 'seed'),
  // Common exporter spellings.
  a('temperature_celsius', 'temperature', 1, 'common'),
  a('ecc_ce', 'ecc_correctable_errors', 1, 'common'),
  a('ecc_ue', 'ecc_uncorrectable_errors', 1, 'common'),
];

const BY_NAME = new Map(METRICS.map((s) => [s.name, s]));
const BY_ALIAS = new Map(ALIASES.map((x) => [x.alias.toLowerCase(), x]));

export const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_.\-/]{0,127}(:[A-Za-z0-9_.\-/]{1,64})?$/;

export interface ResolvedMetric {
  /** Canonical name, with the qualifier kept (`disk_read_iops:vda`). */
  name: string;
  spec: MetricSpec | undefined;
  scale: number;
}

/**
 * Resolves a sent metric name to its canonical name, spec and unit scale. Unknown but
 * well-formed names are custom metrics: stored as sent, checked only for finiteness.
 */
export function resolveMetric(sent: string): ResolvedMetric | undefined {
  if (!METRIC_NAME.test(sent)) return undefined;
  const colon = sent.indexOf(':');
  const base = colon < 0 ? sent : sent.slice(0, colon);
  const qualifier = colon < 0 ? '' : sent.slice(colon);
  const spec = BY_NAME.get(base);
  if (spec) return { name: sent, spec, scale: 1 };
  const alias = BY_ALIAS.get(base.toLowerCase());
  if (alias) return { name: alias.canonical + qualifier, spec: BY_NAME.get(alias.canonical), scale: alias.scale };
  const lower = base.toLowerCase();
  const lowerSpec = BY_NAME.get(lower);
  if (lowerSpec) return { name: lower + qualifier, spec: lowerSpec, scale: 1 };
  return { name: sent, spec: undefined, scale: 1 };
}
