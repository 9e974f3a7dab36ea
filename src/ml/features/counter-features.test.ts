import { describe, expect, it } from 'vitest';
import { RATIO_CAP } from './change-features.js';
import { computeCounter, COUNTER } from './counter-features.js';
import { groupFeatures } from './test-helpers.js';
import { WindowWorkspace } from './window-workspace.js';

/** The group on its own, for windows shorter than the extractor's minimum of 8 points. */
function counterOf(x: number[]): Record<string, number> {
  const ws = new WindowWorkspace(x.length);
  expect(ws.load(x, 1)).toBe(true);
  const out = new Float64Array(COUNTER.size);
  computeCounter(ws, out, 0);
  return Object.fromEntries(COUNTER.features.map((f, i) => [f.name, out[i]]));
}

describe('counter features', () => {
  it('reads 0, 0, 1, 1, 3 as 3 new events in 2 increases', () => {
    const f = counterOf([0, 0, 1, 1, 3]);
    expect(f.counter_total_increase).toBe(3);
    expect(f.counter_increase_steps).toBe(2);
    expect(f.counter_max_increase).toBe(2);
    expect(f.counter_increase_last5).toBe(3);
    expect(f.counter_increase_last10).toBe(3);
    expect(f.counter_resets).toBe(0);
    expect(f.counter_total_decrease).toBe(0);
    expect(f.counter_steps_since_increase).toBe(0);
    // Steps 0, 1, 0, 2: the recent third is the last ⌊4/3⌋ = 1 step (+2), the earlier 3 steps gave +1.
    expect(f.counter_recent_increase_share).toBeCloseTo(2 / 3, 12);
    expect(f.counter_recent_rate_ratio).toBeCloseTo(2 / 1 / (1 / 3), 12);
    expect(f.counter_longest_increase_run).toBe(1);
  });

  it('counts a reset separately and never subtracts it', () => {
    // Steps: 0, +1, 0, 0, −6 (reset), 0, +1, 0, 0, +3, 0.
    const f = groupFeatures('counter', [5, 5, 6, 6, 6, 0, 0, 1, 1, 1, 4, 4]);
    expect(f.counter_total_increase).toBe(5);
    expect(f.counter_increase_steps).toBe(3);
    expect(f.counter_max_increase).toBe(3);
    expect(f.counter_resets).toBe(1);
    expect(f.counter_total_decrease).toBe(6);
    expect(f.counter_increase_last5).toBe(4); // last 5 steps: +1, 0, 0, +3, 0
    expect(f.counter_increase_last10).toBe(5);
    expect(f.counter_steps_since_increase).toBe(1);
    // Recent = last ⌊11/3⌋ = 3 steps (+3 at rate 1); earlier 8 steps (+2 at rate 0.25).
    expect(f.counter_recent_rate_ratio).toBeCloseTo(4, 12);
    expect(f.counter_recent_increase_share).toBeCloseTo(0.6, 12);
  });

  it('guards the rate ratio: nothing → 0, new errors after a quiet start → RATIO_CAP', () => {
    const quiet = groupFeatures('counter', new Array(12).fill(0));
    expect(quiet.counter_total_increase).toBe(0);
    expect(quiet.counter_recent_rate_ratio).toBe(0);
    expect(quiet.counter_steps_since_increase).toBe(12);
    expect(quiet.counter_recent_increase_share).toBe(0);
    const waking = groupFeatures('counter', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect(waking.counter_recent_rate_ratio).toBe(RATIO_CAP);
    expect(waking.counter_longest_increase_run).toBe(2);
    expect(waking.counter_recent_increase_share).toBe(1);
  });
});
