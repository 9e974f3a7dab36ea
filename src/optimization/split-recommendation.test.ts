import { describe, expect, it } from 'vitest';
import { ClusterState, USAGE_PACKING } from './cluster-state.js';
import { recommendSplits, recommendSplitsInState, splitToRecommendation } from './split-recommendation.js';

const hosts = [
  { id: 'std', cores: 96, memoryGiB: 512 },
  { id: 'small', cores: 32, memoryGiB: 128 },
];

describe('recommendSplits', () => {
  it('splits only a VM that fits no host, into the fewest instances that do', () => {
    const r = recommendSplits(
      [
        { id: 'fits', cores: 96, memoryGiB: 512 },
        { id: 'wide', cores: 100, memoryGiB: 64 },
        { id: 'fat', cores: 8, memoryGiB: 1100 },
      ],
      hosts,
    );
    expect(r.map((s) => [s.vm, s.instances])).toEqual([
      ['wide', 2],
      ['fat', 3],
    ]);
    const wide = r[0];
    expect(wide.perInstance).toEqual({ cores: 50, memoryGiB: 32 });
    expect(wide.sizedFor.host).toBe('std');
    expect(wide.reasons[0]).toMatch(/100\.0 cores > 96\.0/);
    expect(wide.reasons[1]).toMatch(/2 instances of 50\.00 cores.*anti-affinity/);
    expect(r[1].reasons[0]).toMatch(/1100\.0 GiB > 512\.0 GiB/);
  });

  it('honours packing targets and a maximum fraction of a host', () => {
    // 80 cores fit a 96-core host at 100 %, not at an 80 % target (76.8): 2 instances of 40.
    expect(recommendSplits([{ id: 'v', cores: 80, memoryGiB: 8 }], hosts)).toEqual([]);
    expect(recommendSplits([{ id: 'v', cores: 80, memoryGiB: 8 }], hosts, { policy: USAGE_PACKING })[0].instances).toBe(2);
    // No VM above half a host: 60 cores > 48 → 2.
    const half = recommendSplits([{ id: 'v', cores: 60, memoryGiB: 8 }], hosts, { maxHostFraction: 0.5 });
    expect(half[0].instances).toBe(2);
    expect(half[0].reasons[0]).toMatch(/at most 50% of a host/);
    // Hosts in maintenance do not count.
    expect(recommendSplits([{ id: 'v', cores: 60, memoryGiB: 8 }], [{ ...hosts[0], maintenance: true }, hosts[1]])[0].instances).toBe(2);
  });

  it('reads a ClusterState under its policy and maps to the NovaCron Recommendation shape', () => {
    const state = ClusterState.from(
      [{ id: 'h', cores: 16, memoryGiB: 64 }],
      [
        { id: 'big', host: 'h', cores: 16, memoryGiB: 32, usage: { cores: 14, memoryGiB: 20 } },
        { id: 'ok', host: 'h', cores: 2, memoryGiB: 4, usage: { cores: 1, memoryGiB: 2 } },
      ],
      USAGE_PACKING,
    );
    const [s] = recommendSplitsInState(state);
    expect(s).toMatchObject({ vm: 'big', instances: 2, perInstance: { cores: 7, memoryGiB: 10 } });
    const wire = splitToRecommendation(s, Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(wire).toEqual({
      action: 'split',
      target_resources: { cpu_cores: 7, memory_gb: 10, storage_gb: 0 },
      expected_impact: { performance_change: 0, cost_change: 0, efficiency_change: 0, resource_utilization_change: 0 },
      confidence: 0.7,
      reasoning: s.reasons,
      priority: 2,
      timestamp: '2026-01-02T03:04:05.000Z',
    });
  });
});
