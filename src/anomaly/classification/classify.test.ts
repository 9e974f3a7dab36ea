import { describe, expect, it } from 'vitest';
import { classifyAnomaly } from './index.js';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const MINUTE = 60_000;

describe('classifyAnomaly', () => {
  it('classifies a CPU level shift on a host end to end', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i >= 48 ? 0.97 : 0.41) + 0.005 * Math.sin(i * 1.7));
    const timestamps = values.map((_, i) => T0 + i * MINUTE);
    const c = classifyAnomaly({
      score: 0.72,
      persistencePoints: 12,
      persistenceSeconds: 12 * 60,
      metrics: [
        { name: 'memory_usage', value: 0.66, expected: 0.6, contribution: 0.1 },
        { name: 'cpu_usage', value: 0.97, expected: 0.41, contribution: 0.9 },
      ],
      window: { timestamps, values },
      resource: { kind: 'host', id: 'h-12' },
    });
    expect(c.severity).toBe('critical'); // high by score, sustained 12 min
    expect(c.severityDetail).toMatchObject({ scoreSeverity: 'high', adjustment: 1 });
    expect(c.pattern).toBe('level_shift');
    expect(c.patternDetail.startIndex).toBe(48);
    expect(c.primaryType).toBe('resource');
    expect(c.types).toEqual(['resource']);
    expect(c.affectedMetrics).toEqual(['cpu_usage', 'memory_usage']);
    expect(c.description).toBe(
      'cpu_usage on host h-12 rose to 97% (expected ≈ 41%) — a level shift lasting 12 min. Also affected: memory_usage at 66% (expected ≈ 60%).',
    );
    expect(c.recommendations[0]).toMatch(/^Act now/);
    expect(c.recommendations.join(' ')).toMatch(/Migrate one or more VMs off host h-12/);
  });

  it('answers a one-shot request (no window, unknown persistence) with the contract thresholds', () => {
    const c = classifyAnomaly({
      score: 0.85,
      persistencePoints: 0,
      metrics: [{ name: 'temperature', value: 88, expected: 60 }],
      resource: { kind: 'host', id: 'node-001' },
    });
    expect(c.severity).toBe('critical');
    expect(c.pattern).toBe('spike');
    expect(c.primaryType).toBe('hardware');
    expect(c.description).toContain('temperature on host node-001 spiked to 88 °C (expected ≈ 60 °C)');
  });

  it('calls a long run without a window a level shift', () => {
    const c = classifyAnomaly({
      score: 0.5,
      persistencePoints: 20,
      metrics: [{ name: 'disk_read_latency_ms', value: 60, expected: 5 }],
      resource: { kind: 'disk', id: 'h-3:sdb' },
    });
    expect(c.pattern).toBe('level_shift');
    expect(c.severity).toBe('high');
    expect(c.primaryType).toBe('performance');
    expect(c.description).toContain('over 20 points');
  });

  it('ranks metrics by relative deviation when no contribution is given', () => {
    const c = classifyAnomaly({
      score: 0.3,
      persistencePoints: 1,
      metrics: [
        { name: 'cpu_usage', value: 0.5, expected: 0.4 },
        { name: 'network_rx_errors', value: 50, expected: 1 },
      ],
      resource: { kind: 'vm', id: 'vm-1' },
    });
    expect(c.affectedMetrics).toEqual(['network_rx_errors', 'cpu_usage']);
    expect(c.primaryType).toBe('network'); // tie at weight 1 each → the more specific type
    expect(c.types).toEqual(['network', 'resource']);
    expect(c.severity).toBe('low');
  });

  it('uses the window’s last timestamp for the odd-hours rule', () => {
    const at3am = Date.UTC(2025, 0, 15, 3, 0, 0);
    const values = Array.from({ length: 20 }, (_, i) => (i === 19 ? 9e8 : 1e7 + 1e5 * Math.cos(i)));
    const c = classifyAnomaly({
      score: 0.9,
      persistencePoints: 1,
      metrics: [{ name: 'network_tx_bytes_per_s', value: 9e8, expected: 1e7 }],
      window: { values, timestamps: values.map((_, i) => at3am - (19 - i) * MINUTE) },
      resource: { kind: 'vm', id: 'vm-9', hostId: 'h-2' },
    });
    expect(c.primaryType).toBe('security');
    expect(c.pattern).toBe('spike');
    expect(c.recommendations.join(' ')).toMatch(/outbound traffic/);
  });
});
