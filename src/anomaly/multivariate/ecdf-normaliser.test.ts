import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/random.js';
import { EcdfNormaliser } from './ecdf-normaliser.js';

describe('EcdfNormaliser', () => {
  it('gives the empirical upper-tail probability (1 + #{c ≥ s}) / (n + 1) inside the body', () => {
    const e = new EcdfNormaliser().fit([5, 1, 3, 2, 4]); // too few points for a tail model
    expect(e.tailProbability(3)).toBeCloseTo(4 / 6, 15); // 3, 4, 5 are ≥ 3
    expect(e.tailProbability(0)).toBeCloseTo(1, 15);
    expect(e.tailProbability(5.5)).toBeCloseTo(1 / 6, 15);
    expect(e.surprisal(5.5)).toBeCloseTo(Math.log10(6), 12);
    expect(e.size).toBe(5);
  });

  it('keeps ordering far beyond the calibration maximum with an exponential tail, monotonically', () => {
    const rng = new Random(1);
    const cal = Float64Array.from({ length: 2000 }, () => rng.normal());
    const e = new EcdfNormaliser({ tailShare: 0.05 }).fit(cal);
    const max = Math.max(...cal);
    const grid = Array.from({ length: 400 }, (_, i) => -4 + i * 0.1);
    let prev = Infinity;
    for (const s of grid) {
      const p = e.tailProbability(s);
      expect(p).toBeLessThanOrEqual(prev);
      prev = p;
    }
    // Past the largest calibration score the empirical tail would be flat at 1/(n+1).
    expect(e.surprisal(max + 1)).toBeGreaterThan(e.surprisal(max + 0.5));
    expect(e.surprisal(max + 100)).toBeGreaterThan(30); // finite and large, no underflow to 1 − p = 1
    expect(Number.isFinite(e.surprisal(1e6))).toBe(true);
    // The body still matches the data: about 1 % of normal scores beat the 99 % quantile.
    const sorted = Float64Array.from(cal).sort();
    expect(e.tailProbability(sorted[1979])).toBeGreaterThan(0.005);
    expect(e.tailProbability(sorted[1979])).toBeLessThan(0.02);
  });

  it('treats NaN as no evidence and rejects infinities', () => {
    const e = new EcdfNormaliser().fit([1, NaN, 2, 3]);
    expect(e.size).toBe(3);
    expect(e.tailProbability(NaN)).toBe(1);
    expect(() => new EcdfNormaliser().fit([1, Infinity])).toThrow(/infinite/);
    expect(() => new EcdfNormaliser().fit([NaN])).toThrow(/at least one/);
    expect(() => new EcdfNormaliser({ tailShare: 1 })).toThrow(/tailShare/);
  });

  it('round-trips through JSON exactly', () => {
    const rng = new Random(2);
    const e = new EcdfNormaliser().fit(Float64Array.from({ length: 500 }, () => rng.float() ** 3));
    const back = EcdfNormaliser.fromJSON(JSON.parse(JSON.stringify(e.toJSON())));
    for (const s of [-1, 0, 0.1, 0.5, 0.99, 1, 3, 50]) expect(back.surprisal(s)).toBe(e.surprisal(s));
    expect(() => EcdfNormaliser.fromJSON({ ...e.toJSON(), tail: { u: 0, k: 0, beta: -1 } })).toThrow(/tail/);
  });
});
