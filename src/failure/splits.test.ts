import { describe, expect, it } from 'vitest';
import { splitByEntityAndTime } from './splits.js';

const MIN = 60_000;

describe('splitByEntityAndTime', () => {
  const entities: string[] = [];
  const times: number[] = [];
  for (let h = 0; h < 20; h++) for (let t = 0; t < 100; t++) {
    entities.push(`h${h}`);
    times.push(t * MIN);
  }
  const failing = new Set(['h1', 'h2', 'h3', 'h4', 'h5']);

  it('never puts an entity on both sides, spreads failing entities, and is seeded', () => {
    const s = splitByEntityAndTime(entities, times, { testShare: 0.4, failingEntities: failing, seed: 3 });
    for (const e of s.testEntities) expect(s.trainEntities.has(e)).toBe(false);
    expect(s.train.length + s.test.length).toBe(entities.length);
    expect([...s.testEntities].filter((e) => failing.has(e))).toHaveLength(2);
    expect(s.testEntities.size).toBe(8);
    for (const i of s.test) expect(s.testEntities.has(entities[i])).toBe(true);
    expect(splitByEntityAndTime(entities, times, { testShare: 0.4, failingEntities: failing, seed: 3 }).testEntities).toEqual(s.testEntities);
  });

  it('with a cutoff: training labels end before it (t + H ≤ cutoff), test windows start at it', () => {
    const cutoff = 60 * MIN;
    const H = 30 * MIN;
    const s = splitByEntityAndTime(entities, times, { cutoff, horizonMs: H, seed: 1 });
    expect(Math.max(...Array.from(s.train, (i) => times[i])) + H).toBeLessThanOrEqual(cutoff);
    expect(Math.min(...Array.from(s.test, (i) => times[i]))).toBe(cutoff);
    // The gap of one horizon is dropped from training, not moved anywhere.
    expect(s.train.length).toBe(s.trainEntities.size * 31);
  });

  it('rejects what cannot be split', () => {
    expect(() => splitByEntityAndTime(['a', 'a'], [0, 1])).toThrow(/at least 2 entities/);
    expect(() => splitByEntityAndTime(['a'], [0, 1])).toThrow(/differ in length/);
    expect(() => splitByEntityAndTime(['a', 'b'], [0, 1], { testShare: 1 })).toThrow(/testShare/);
  });
});
