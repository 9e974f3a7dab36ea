import { describe, expect, it } from 'vitest';
import { describeAnomaly, formatDuration, formatMetricValue, recommendActions, type NarrativeInput } from './narrative.js';

const base: NarrativeInput = {
  resource: { kind: 'host', id: 'h-12' },
  metrics: [{ name: 'cpu_usage', value: 0.97, expected: 0.41 }],
  pattern: { pattern: 'level_shift', direction: 'up', durationMs: 12 * 60_000 },
  severity: 'high',
  primaryType: 'resource',
  types: ['resource'],
};

describe('describeAnomaly', () => {
  it('names the metric, the resource, the value, the expected value and the pattern', () => {
    expect(describeAnomaly(base)).toBe('cpu_usage on host h-12 rose to 97% (expected ≈ 41%) — a level shift lasting 12 min.');
  });

  it('reads utilisations sent in percent the same way', () => {
    const text = describeAnomaly({ ...base, metrics: [{ name: 'cpu_usage', value: 97, expected: 41 }] });
    expect(text).toContain('rose to 97% (expected ≈ 41%)');
  });

  it('prefers the persistence duration and words each pattern', () => {
    expect(describeAnomaly({ ...base, persistenceSeconds: 45 })).toContain('lasting 45 s');
    expect(describeAnomaly({ ...base, pattern: { pattern: 'spike', direction: 'up' } })).toBe(
      'cpu_usage on host h-12 spiked to 97% (expected ≈ 41%) — a spike.',
    );
    expect(describeAnomaly({ ...base, pattern: { pattern: 'trend', direction: 'up' }, persistencePoints: 7 })).toContain('climbed steadily to 97% (expected ≈ 41%) — a rising trend over 7 points');
    expect(
      describeAnomaly({ ...base, metrics: [{ name: 'memory_utilization', value: 0.1, expected: 0.6 }], pattern: { pattern: 'dip', direction: 'down' } }),
    ).toContain('memory_utilization on host h-12 dropped to 10% (expected ≈ 60%) — a dip');
    expect(describeAnomaly({ ...base, pattern: { pattern: 'level_shift', direction: 'up', durationMs: 3 * 3600_000, startedBeforeWindow: true } })).toContain(
      'lasting at least 3 h',
    );
    expect(describeAnomaly({ ...base, pattern: { pattern: 'variance_change', direction: 'up' } })).toContain('became erratic around 97%');
  });

  it('formats units and lists other affected metrics', () => {
    const text = describeAnomaly({
      ...base,
      resource: { kind: 'vm', id: 'vm-7', name: 'web-1' },
      metrics: [
        { name: 'disk_read_latency_ms', value: 84.2, expected: 4.1 },
        { name: 'disk_read_iops', value: 12000, expected: 800 },
        { name: 'temperature', value: 71.5, expected: 55 },
        { name: 'memory_used_bytes', value: 7.5 * 2 ** 30, expected: 4 * 2 ** 30 },
        { name: 'network_rx_errors', value: 3, expected: 0 },
      ],
    });
    expect(text).toBe(
      'disk_read_latency_ms on VM web-1 (vm-7) rose to 84.2 ms (expected ≈ 4.1 ms) — a level shift lasting 12 min. ' +
        'Also affected: disk_read_iops at 12000/s (expected ≈ 800/s), temperature at 71.5 °C (expected ≈ 55 °C), memory_used_bytes at 7.5 GiB (expected ≈ 4 GiB) and 1 more.',
    );
  });

  it('formats durations and values', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(52 * 3600_000)).toBe('2 d 4 h');
    expect(formatMetricValue('cpu_usage', 0.053)).toBe('5.3%');
    expect(formatMetricValue('packet_loss', 0.004)).toBe('0.4%');
    expect(formatMetricValue('network_tx_bytes_per_s', 125_000_000)).toBe('119 MiB/s');
    expect(formatMetricValue('smart_5_raw', 12)).toBe('12');
  });
});

describe('recommendActions', () => {
  it('suggests finding the CPU hog and migrating VMs off a saturated host', () => {
    const recs = recommendActions(base);
    expect(recs[0]).toBe('Look into this within the hour.');
    expect(recs).toContain('Find the process or VM driving CPU on host h-12 (top, virsh domstats, or the VM\'s own metrics).');
    expect(recs).toContain('Migrate one or more VMs off host h-12 or rebalance load across the cluster.');
  });

  it('does not suggest migration for a low-severity CPU rise and says nothing is needed yet', () => {
    const recs = recommendActions({ ...base, severity: 'low' });
    expect(recs.join(' ')).not.toMatch(/Migrate/);
    expect(recs[recs.length - 1]).toMatch(/No action needed yet/);
  });

  it('words recommendations per type', () => {
    const smart = recommendActions({ ...base, severity: 'critical', primaryType: 'hardware', types: ['hardware'], metrics: [{ name: 'smart_5_raw', value: 120, expected: 0 }] });
    expect(smart[0]).toMatch(/^Act now/);
    expect(smart.join(' ')).toMatch(/SMART long test/);
    expect(smart.join(' ')).toMatch(/Move VMs and data off the affected drive now/);

    const ue = recommendActions({ ...base, resource: { kind: 'vm', id: 'vm-3', hostId: 'h-9' }, primaryType: 'hardware', types: ['hardware'], metrics: [{ name: 'ecc_uncorrectable_errors', value: 2, expected: 0 }] });
    expect(ue.join(' ')).toMatch(/migrate VMs off host h-9 now/);

    const net = recommendActions({ ...base, primaryType: 'network', types: ['network'], metrics: [{ name: 'network_rx_errors', value: 500, expected: 0 }] });
    expect(net.join(' ')).toMatch(/NIC, cable and switch port/);

    const sec = recommendActions({
      ...base,
      primaryType: 'security',
      types: ['security'],
      metrics: [{ name: 'network_tx_bytes_per_s', value: 5e8, expected: 1e7, type: 'security' }],
    });
    expect(sec.join(' ')).toMatch(/outbound traffic.*rate-limit/);
    expect(sec.join(' ')).toMatch(/isolating host h-12/);

    const mem = recommendActions({ ...base, pattern: { pattern: 'trend', direction: 'up' }, metrics: [{ name: 'memory_utilization', value: 0.93, expected: 0.6 }] });
    expect(mem.join(' ')).toMatch(/leak is likely/);
  });

  it('adds one line per secondary type, caps at five, and is deterministic', () => {
    const input: NarrativeInput = { ...base, severity: 'critical', types: ['resource', 'hardware', 'network', 'performance', 'behavioral'] };
    const recs = recommendActions(input);
    expect(recs.length).toBe(5);
    expect(new Set(recs).size).toBe(5);
    expect(recommendActions(input)).toEqual(recs);
  });
});
