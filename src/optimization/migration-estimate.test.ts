import { describe, expect, it } from 'vitest';
import { ClusterState } from './cluster-state.js';
import { DEFAULT_COST_MODEL, migrationCost } from './cost-model.js';
import { DEFAULT_DIRTY_RATE_MIBPS, estimateMigration, estimateVms, perMigrationLink } from './migration-estimate.js';

const LINK = { bandwidthMiBps: 1024, maxDowntimeS: 0.3, maxRounds: 30, switchoverS: 0.05, setupS: 1 };

describe('estimateMigration: pre-copy', () => {
  it('matches the hand-computed geometric series (8 GiB, dirty rate a quarter of the bandwidth)', () => {
    // M = 8192 MiB, B = 1024 MiB/s, D = 256 MiB/s, r = 1/4. Rounds send 8192, 2048, 512 MiB
    // (8 s, 2 s, 0.5 s); the remaining 128 MiB take 0.125 s ≤ 0.3 s, so stop-and-copy.
    const e = estimateMigration({ memoryGiB: 8, dirtyRateMiBps: 256 }, LINK);
    expect(e.rounds).toBe(3);
    expect(e.converges).toBe(true);
    expect(e.strategy).toBe('pre-copy');
    expect(e.dirtyRatio).toBe(0.25);
    // Closed form of the pre-copy time: (M/B)(1 − rⁿ)/(1 − r) = 8 · (63/64) / 0.75 = 10.5 s.
    const precopy = (8 * (1 - 0.25 ** 3)) / 0.75;
    expect(precopy).toBeCloseTo(10.5, 12);
    expect(e.downtimeS).toBeCloseTo(0.125 + 0.05, 12);
    expect(e.durationS).toBeCloseTo(1 + precopy + 0.125 + 0.05, 12);
    expect(e.transferredGiB).toBeCloseTo((8192 + 2048 + 512 + 128) / 1024, 12);
    expect(e.postCopy).toEqual({ durationS: 1 + 0.05 + 8, downtimeS: 0.05 });
  });

  it('a VM small enough to send within the pause target is stopped and copied at once', () => {
    const e = estimateMigration({ memoryGiB: 0.25, dirtyRateMiBps: 500 }, LINK);
    expect(e.rounds).toBe(0);
    expect(e.converges).toBe(true);
    expect(e.downtimeS).toBeCloseTo(256 / 1024 + 0.05, 12);
    expect(e.transferredGiB).toBeCloseTo(0.25, 12);
  });

  it('non-convergent when the dirty rate reaches the bandwidth: max rounds, a long pause, post-copy recommended', () => {
    const e = estimateMigration({ memoryGiB: 8, dirtyRateMiBps: 2048 }, LINK);
    // Every round resends all 8 GiB (the dirty set is capped by memory), 30 rounds, then 8 s pause.
    expect(e.converges).toBe(false);
    expect(e.rounds).toBe(30);
    expect(e.dirtyRatio).toBe(2);
    expect(e.downtimeS).toBeCloseTo(8 + 0.05, 12);
    expect(e.durationS).toBeCloseTo(1 + 30 * 8 + 8.05, 9);
    expect(e.transferredGiB).toBeCloseTo(31 * 8, 9);
    expect(e.strategy).toBe('post-copy');
    expect(e.reasons.join(' ')).toMatch(/cannot converge.*≥ bandwidth/);
    expect(e.postCopy.downtimeS).toBe(0.05);
    // Exactly at the bandwidth it does not converge either.
    expect(estimateMigration({ memoryGiB: 8, dirtyRateMiBps: 1024 }, LINK).converges).toBe(false);
    // Without post-copy: migrate in a quiet window.
    expect(estimateMigration({ memoryGiB: 8, dirtyRateMiBps: 2048 }, { ...LINK, postCopyAllowed: false }).strategy).toBe('quiet-window');
  });

  it('r < 1 but too slow for the round budget: stops after maxRounds with the geometric remainder', () => {
    // r = 0.9, 5 rounds: remaining = 8192 · 0.9⁵ MiB, pre-copy time = 8 · (1 − 0.9⁵) / 0.1 s.
    const e = estimateMigration({ memoryGiB: 8, dirtyRateMiBps: 0.9 * 1024 }, { ...LINK, maxRounds: 5 });
    expect(e.converges).toBe(false);
    expect(e.rounds).toBe(5);
    expect(e.downtimeS).toBeCloseTo(8 * 0.9 ** 5 + 0.05, 9);
    expect(e.durationS).toBeCloseTo(1 + (8 * (1 - 0.9 ** 5)) / 0.1 + 8 * 0.9 ** 5 + 0.05, 9);
    expect(e.reasons[0]).toMatch(/does not reach the 300 ms pause in 5 rounds/);
  });

  it('a writable working set smaller than memory caps what each round resends', () => {
    const e = estimateMigration({ memoryGiB: 8, dirtyRateMiBps: 4096, workingSetGiB: 0.25 }, LINK);
    // Round 0 sends 8 GiB; from then on at most 256 MiB are dirty, sent in 0.25 s ≤ 0.3 s.
    expect(e.rounds).toBe(1);
    expect(e.converges).toBe(true);
    expect(e.downtimeS).toBeCloseTo(0.25 + 0.05, 12);
  });

  it('rejects a link without bandwidth', () => {
    expect(() => estimateMigration({ memoryGiB: 1, dirtyRateMiBps: 1 }, { bandwidthMiBps: 0 })).toThrow(RangeError);
  });
});

describe('estimateVms', () => {
  it('shares a host link among concurrent migrations and prices each pause with the cost model', () => {
    expect(perMigrationLink({ link: { bandwidthMiBps: 1000 }, maxConcurrentPerHost: 4 }).bandwidthMiBps).toBe(250);
    const state = ClusterState.from(
      [{ id: 'a', cores: 8, memoryGiB: 32 }],
      [
        { id: 'v1', host: 'a', cores: 2, memoryGiB: 4, migration: { memoryGiB: 2, dirtyRateMiBps: 100 } },
        { id: 'v2', host: 'a', cores: 2, memoryGiB: 4 },
      ],
    );
    const { estimates, costs } = estimateVms(state, { link: { bandwidthMiBps: 2048 }, maxConcurrentPerHost: 2 });
    expect(estimates[0]).toEqual(estimateMigration({ memoryGiB: 2, dirtyRateMiBps: 100 }, { bandwidthMiBps: 1024 }));
    // v2: its allocated memory and the default dirty rate.
    expect(estimates[1]).toEqual(estimateMigration({ memoryGiB: 4, dirtyRateMiBps: DEFAULT_DIRTY_RATE_MIBPS }, { bandwidthMiBps: 1024 }));
    expect(costs[0]).toBeCloseTo(migrationCost(DEFAULT_COST_MODEL, estimates[0].downtimeS), 12);
  });
});
