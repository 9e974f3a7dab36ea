import { describe, expect, it } from 'vitest';
import { medianInPlace, selectKth, sortedQuantile } from './selection.js';

describe('selection', () => {
  it('selects like a sort, and leaves the array partitioned around the k-th value', () => {
    let seed = 21;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let t = 0; t < 400; t++) {
      const len = 1 + Math.floor(rnd() * (t < 300 ? 40 : 3000)); // above 600 the sampling step runs
      const a = Float64Array.from({ length: len }, () => (t % 3 === 0 ? Math.floor(rnd() * 4) : rnd() - 0.5));
      const sorted = Float64Array.from(a).sort();
      const k = Math.floor(rnd() * len);
      const b = Float64Array.from(a);
      const v = selectKth(b, len, k);
      expect(v).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(b[i]).toBeLessThanOrEqual(v);
      for (let i = k + 1; i < len; i++) expect(b[i]).toBeGreaterThanOrEqual(v);
      const median = len % 2 ? sorted[len >> 1] : (sorted[len / 2 - 1] + sorted[len / 2]) / 2;
      expect(medianInPlace(Float64Array.from(a), len)).toBe(median);
    }
    expect(medianInPlace(new Float64Array(0), 0)).toBeNaN();
  });

  it('interpolates quantiles like numpy', () => {
    const s = Float64Array.from([1, 2, 3, 4]);
    expect(sortedQuantile(s, 4, 0)).toBe(1);
    expect(sortedQuantile(s, 4, 1)).toBe(4);
    expect(sortedQuantile(s, 4, 0.5)).toBe(2.5);
    expect(sortedQuantile(s, 4, 0.1)).toBeCloseTo(1.3, 12);
  });
});
