/**
 * The host metrics the failure model reads and how each is summarised (history-features.ts).
 * Counters are cumulative and are read by their increases; SMART 5 (reallocated) and 187
 * (uncorrectable) are cumulative counts although the catalogue files SMART raws as gauges;
 * SMART 197 (pending sectors) goes down as well as up, so it stays a gauge.
 */
import type { HistoryFeatureSpec } from './history-features.js';

export const FAILURE_GAUGES = [
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
  'smart_197_raw',
  'uptime_seconds',
] as const;

export const FAILURE_COUNTERS = [
  'smart_5_raw',
  'smart_187_raw',
  'ecc_correctable_errors',
  'ecc_uncorrectable_errors',
  'network_rx_errors',
  'network_rx_dropped',
  'network_link_flaps',
  'oom_kills',
] as const;

/** Every metric the model reads, gauges first. */
export const FAILURE_METRICS: readonly string[] = [...FAILURE_GAUGES, ...FAILURE_COUNTERS];

export const HOST_FAILURE_FEATURES: HistoryFeatureSpec = {
  metrics: [...FAILURE_GAUGES.map((name) => ({ name, kind: 'gauge' as const })), ...FAILURE_COUNTERS.map((name) => ({ name, kind: 'counter' as const }))],
  derived: [
    // A fan failure shows as heat the load does not explain; a load spike raises both.
    { name: 'cpu_temperature_above_inlet', inputs: ['cpu_temperature', 'inlet_temperature'], op: 'difference' },
    // Fan controllers spin up with temperature: a fan that delivers less per degree is failing.
    { name: 'fan_rpm_per_degree', inputs: ['fan_speed_rpm', 'cpu_temperature_above_inlet'], op: 'ratio' },
    { name: 'watts_per_cpu_utilization', inputs: ['power_watts', 'cpu_utilization'], op: 'ratio' },
  ],
  stepMs: 60_000,
};
