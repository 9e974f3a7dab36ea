import { describe, expect, it } from 'vitest';
import { classifyAnomalyType, isOddHour, typeOfMetric, type AnomalyType } from './anomaly-type.js';
import { displayUnit, metricFamily } from './metric-family.js';

const WEDNESDAY_NOON = Date.UTC(2025, 0, 15, 12, 0, 0);
const WEDNESDAY_3AM = Date.UTC(2025, 0, 15, 3, 0, 0);
const SATURDAY_NOON = Date.UTC(2025, 0, 18, 12, 0, 0);

function typeOf(name: string, value = 2, expected = 1, timestamp?: number): AnomalyType {
  return typeOfMetric({ name, value, expected }, { timestamp }).type;
}

describe('metric families', () => {
  it('recognises canonical, scheduler, collector and qualified names', () => {
    const cases: Array<[string, string]> = [
      ['cpu_utilization', 'cpu'],
      ['cpu_usage', 'cpu'],
      ['vm.cpu.usage', 'cpu'],
      ['cpu_load_5m', 'cpu'],
      ['cpu_steal', 'cpu_contention'],
      ['cpu_temperature', 'thermal'],
      ['temperature:cpu0', 'thermal'],
      ['fan_speed_rpm', 'thermal'],
      ['memory_usage_percent', 'memory'],
      ['oom_kills', 'memory'],
      ['swap_utilization', 'swap'],
      ['disk_utilization', 'disk_space'],
      ['disk_usage', 'disk_space'],
      ['disk_read_latency_ms:vda', 'disk_latency'],
      ['disk_write_iops', 'disk_io'],
      ['disk_io_errors', 'io_errors'],
      ['smart_5_raw', 'smart'],
      ['smart_197_normalized', 'smart'],
      ['ecc_uncorrectable_errors', 'memory_errors'],
      ['ecc_ce', 'memory_errors'],
      ['machine_check_exceptions', 'memory_errors'],
      ['psu_voltage_deviation', 'power'],
      ['network_rx_errors', 'network_errors'],
      ['network_tx_dropped', 'network_errors'],
      ['vm.network.rx_errors', 'network_errors'],
      ['network_link_flaps', 'network_errors'],
      ['packet_loss', 'network_quality'],
      ['network_latency_ms', 'network_quality'],
      ['network_tx_bytes_per_s', 'network_traffic'],
      ['tcp_connections', 'connections'],
      ['active_connections', 'connections'],
      ['failed_login_attempts', 'auth'],
      ['firewall_blocks', 'auth'],
      ['response_time', 'latency'],
      ['error_rate', 'app_errors'],
      ['process_count', 'processes'],
      ['uptime_seconds', 'inventory'],
      ['my_custom_gauge', 'unknown'],
    ];
    for (const [name, family] of cases) expect([name, metricFamily(name)]).toEqual([name, family]);
  });

  it('uses the catalogue category only for names it cannot place', () => {
    expect(metricFamily('acme_widget', 'smart')).toBe('smart');
    expect(metricFamily('cpu_usage', 'network')).toBe('cpu');
  });

  it('knows how values read', () => {
    expect(displayUnit('cpu_usage')).toBe('fraction');
    expect(displayUnit('memory_usage_percent')).toBe('percent');
    expect(displayUnit('disk_read_latency_ms')).toBe('ms');
    expect(displayUnit('temperature')).toBe('celsius');
    expect(displayUnit('memory_used_bytes')).toBe('bytes');
    expect(displayUnit('network_rx_bytes_per_s')).toBe('bytes_per_second');
    expect(displayUnit('disk_read_iops')).toBe('per_second');
  });
});

describe('anomaly type per metric', () => {
  it('maps families to the six NovaCron types', () => {
    expect(typeOf('smart_5_raw')).toBe('hardware');
    expect(typeOf('temperature')).toBe('hardware');
    expect(typeOf('ecc_correctable_errors')).toBe('hardware');
    expect(typeOf('network_rx_errors')).toBe('network');
    expect(typeOf('packet_loss')).toBe('network');
    expect(typeOf('cpu_usage', 0.97, 0.41)).toBe('resource');
    expect(typeOf('memory_utilization', 0.96, 0.6)).toBe('resource');
    expect(typeOf('disk_read_latency_ms', 80, 5)).toBe('performance');
    expect(typeOf('disk_write_iops', 9000, 300)).toBe('performance');
    expect(typeOf('response_time', 900, 100)).toBe('performance');
    expect(typeOf('cpu_steal', 0.3, 0.01)).toBe('performance');
    expect(typeOf('failed_login_attempts', 300, 2)).toBe('security');
    expect(typeOf('process_count', 900, 200)).toBe('behavioral');
    expect(typeOf('my_custom_gauge')).toBe('behavioral');
  });

  it('calls a drop in CPU or memory behavioral, not saturation', () => {
    expect(typeOf('cpu_usage', 0.02, 0.41)).toBe('behavioral');
    expect(typeOf('memory_utilization', 0.1, 0.6)).toBe('behavioral');
  });

  it('treats connection counts as security when they jump ≥ 3× or rise at odd hours', () => {
    expect(typeOf('tcp_connections', 130, 100, WEDNESDAY_NOON)).toBe('network');
    expect(typeOf('tcp_connections', 400, 100, WEDNESDAY_NOON)).toBe('security');
    expect(typeOf('tcp_connections', 130, 100, WEDNESDAY_3AM)).toBe('security');
    expect(typeOf('tcp_connections', 50, 100, WEDNESDAY_3AM)).toBe('network');
  });

  it('treats egress surges at odd hours as security, in business hours as network', () => {
    expect(typeOf('network_tx_bytes_per_s', 5e8, 1e7, WEDNESDAY_3AM)).toBe('security');
    expect(typeOf('network_tx_bytes_per_s', 5e8, 1e7, SATURDAY_NOON)).toBe('security');
    expect(typeOf('network_tx_bytes_per_s', 5e8, 1e7, WEDNESDAY_NOON)).toBe('network');
    expect(typeOf('network_rx_bytes_per_s', 5e8, 1e7, WEDNESDAY_3AM)).toBe('network'); // ingress
    expect(typeOf('network_tx_bytes_per_s', 5e8, 1e7)).toBe('network'); // no time, no odd-hours rule
  });

  it('honours business hours in the fleet’s time zone', () => {
    expect(isOddHour(WEDNESDAY_3AM)).toBe(true);
    expect(isOddHour(WEDNESDAY_3AM, { utcOffsetMinutes: 8 * 60 })).toBe(false); // 11:00 in UTC+8
    expect(isOddHour(SATURDAY_NOON, { weekendsOdd: false })).toBe(false);
  });
});

describe('classifyAnomalyType', () => {
  it('weighs metrics by contribution and lists every type heaviest first', () => {
    const r = classifyAnomalyType([
      { name: 'cpu_usage', value: 0.97, expected: 0.4, contribution: 0.6 },
      { name: 'temperature', value: 85, expected: 60, contribution: 0.3 },
      { name: 'disk_read_latency_ms', value: 40, expected: 5, contribution: 0.1 },
    ]);
    expect(r.primaryType).toBe('resource');
    expect(r.types).toEqual(['resource', 'hardware', 'performance']);
    expect(r.weights.resource).toBeCloseTo(0.6, 10);
    expect(r.weights.hardware).toBeCloseTo(0.3, 10);
    expect(r.weights.network).toBe(0);
  });

  it('breaks ties toward the more specific type', () => {
    const r = classifyAnomalyType([
      { name: 'cpu_usage', value: 0.97, expected: 0.4 },
      { name: 'smart_5_raw', value: 40, expected: 0 },
    ]);
    expect(r.types).toEqual(['hardware', 'resource']);
    expect(r.primaryType).toBe('hardware');
  });

  it('ignores zero-contribution metrics when others contribute', () => {
    const r = classifyAnomalyType([
      { name: 'network_rx_errors', value: 10, expected: 0, contribution: 0 },
      { name: 'memory_utilization', value: 0.97, expected: 0.5, contribution: 1 },
    ]);
    expect(r.types).toEqual(['resource']);
  });

  it('is behavioral when there is nothing to go on', () => {
    expect(classifyAnomalyType([])).toMatchObject({ primaryType: 'behavioral', types: ['behavioral'] });
  });
});
