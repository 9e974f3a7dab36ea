import { describe, expect, it } from 'vitest';
import { Random } from '../ml/core/index.js';
import { averagePrecision } from '../ml/metrics/index.js';
import { StackedScore } from './stacking.js';

describe('StackedScore', () => {
  const rng = new Random(4);
  const n = 2000;
  const y = Float64Array.from({ length: n }, () => (rng.float() < 0.1 ? 1 : 0));
  // Member a: informative (probability-like); b: informative on another scale (and weaker);
  // c: pure noise on a huge scale (would dominate a raw average).
  const a = Float64Array.from(y, (v) => 1 / (1 + Math.exp(-(2 * v - 1 + rng.normal()))));
  const b = Float64Array.from(y, (v) => 100 * (v + 1.5 * rng.normal()));
  const c = Float64Array.from(y, () => 1e6 * rng.normal());

  it('learns weights on the simplex, drops a useless member, and beats every member alone', () => {
    const s = StackedScore.fit(['a', 'b', 'c'], [a, b, c], y);
    expect(s.weights.reduce((x, w) => x + w, 0)).toBeCloseTo(1, 12);
    expect(s.weights[2]).toBeLessThanOrEqual(0.05);
    expect(s.weights[0]).toBeGreaterThan(s.weights[1]);
    const combined = s.scoreAll([a, b, c]);
    for (const m of [a, b, c]) expect(averagePrecision(y, combined)).toBeGreaterThanOrEqual(averagePrecision(y, m) - 1e-9);
    for (const x of combined) expect(Number.isFinite(x)).toBe(true);
  });

  it('keeps the order of the top scores beyond anything seen in validation (no saturation)', () => {
    const s = StackedScore.fit(['a'], [a], y);
    const top = Math.max(...a);
    const above = [top + (1 - top) / 3, top + (2 * (1 - top)) / 3];
    expect(s.score([above[1]])).toBeGreaterThan(s.score([above[0]]));
    expect(s.score([above[0]])).toBeGreaterThan(s.score([top]));
  });

  it('round-trips through JSON and reads NaN as no evidence (the validation median)', () => {
    const s = StackedScore.fit(['a', 'b'], [a, b], y);
    const t = StackedScore.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(t.score([a[5], b[5]])).toBe(s.score([a[5], b[5]]));
    expect(t.score([NaN, NaN])).toBe(0);
    expect(Math.abs(t.score([0.5, 0]))).toBeLessThan(Math.abs(t.score([0.999, 300])));
  });

  it('rejects what it cannot learn from', () => {
    expect(() => StackedScore.fit(['a'], [a], new Float64Array(n))).toThrow(/positives and negatives/);
    expect(() => StackedScore.fit(['a', 'b'], [a], y)).toThrow(/member names/);
    expect(() => StackedScore.fromJSON({ members: ['a'], weights: [], scales: [] })).toThrow(/malformed/);
  });
});
