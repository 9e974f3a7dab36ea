/**
 * The series the simulator emits, all under their canonical catalogue names
 * (src/telemetry/metric-catalogue.ts), with the decimals each is rounded to: real collectors
 * report finite precision, and short numbers keep the NDJSON small.
 */
export const HOST_METRICS = [
  'cpu_utilization',
  'memory_utilization',
  'disk_read_iops',
  'disk_write_iops',
  'disk_read_latency_ms',
  'network_rx_bytes_per_s',
  'network_tx_bytes_per_s',
  'cpu_temperature',
  'inlet_temperature',
  'fan_speed_rpm',
  'power_watts',
  'psu_voltage',
  'smart_5_raw',
  'smart_197_raw',
  'smart_187_raw',
  'ecc_correctable_errors',
  'ecc_uncorrectable_errors',
  'network_rx_errors',
  'network_rx_dropped',
  'network_link_flaps',
  'oom_kills',
  'uptime_seconds',
] as const;
export type HostMetric = (typeof HOST_METRICS)[number];

/** Index of each host metric in a host's value array. */
export const HM = Object.fromEntries(HOST_METRICS.map((m, i) => [m, i])) as { readonly [K in HostMetric]: number };

const HOST_DECIMALS: Readonly<Record<HostMetric, number>> = {
  cpu_utilization: 4,
  memory_utilization: 4,
  disk_read_iops: 1,
  disk_write_iops: 1,
  disk_read_latency_ms: 2,
  network_rx_bytes_per_s: 0,
  network_tx_bytes_per_s: 0,
  cpu_temperature: 1,
  inlet_temperature: 1,
  fan_speed_rpm: 0,
  power_watts: 1,
  psu_voltage: 3,
  smart_5_raw: 0,
  smart_197_raw: 0,
  smart_187_raw: 0,
  ecc_correctable_errors: 0,
  ecc_uncorrectable_errors: 0,
  network_rx_errors: 0,
  network_rx_dropped: 0,
  network_link_flaps: 0,
  oom_kills: 0,
  uptime_seconds: 0,
};

/** Scale factors for rounding, by host metric index. */
export const HOST_ROUNDING = Float64Array.from(HOST_METRICS, (m) => 10 ** HOST_DECIMALS[m]);

/** Per-VM series. */
export const VM_METRICS = ['cpu_utilization', 'memory_utilization'] as const;
export const VM_ROUNDING = 1e4;

