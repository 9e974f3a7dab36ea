import { describe, expect, it } from 'vitest';
import { medianInPlace, SampledSelector, selectKth, selectKthBranchFree, sortedQuantile } from './selection.js';

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

  it('selects without branches like a sort, leaving the input alone', () => {
    let seed = 5;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const a = new Float64Array(3000);
    const b = new Float64Array(3000);
    for (let t = 0; t < 300; t++) {
      const len = 1 + Math.floor(rnd() * (t < 200 ? 80 : 3000));
      const src = Float64Array.from({ length: len }, (_, i) => (t % 4 === 0 ? Math.floor(rnd() * 3) : t % 4 === 1 ? i : rnd() - 0.5));
      const copy = Float64Array.from(src);
      const sorted = Float64Array.from(src).sort();
      for (const k of [0, Math.floor(rnd() * len), len >> 1, len - 1]) expect(selectKthBranchFree(src, len, k, a, b)).toBe(sorted[k]);
      expect(src).toEqual(copy);
    }
  });

  it('finds ranks k and k + 1 by sampled brackets and value buckets exactly as a sort', () => {
    let seed = 9;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const sel = new SampledSelector(5000);
    for (let t = 0; t < 200; t++) {
      const len = 2 + Math.floor(rnd() * (t < 100 ? 300 : 5000));
      const kind = t % 5;
      const values = Float64Array.from({ length: len }, (_, i) => {
        if (kind === 0) return rnd() - 0.5;
        if (kind === 1) return Math.floor(rnd() * 5); // ties
        if (kind === 2) return rnd() < 0.02 ? 1e6 * rnd() : rnd(); // outliers stretch the range
        if (kind === 3) return i % 17; // structured order
        return 7; // constant
      });
      const sorted = Float64Array.from(values).sort();
      const k = Math.floor(rnd() * (len - 1));
      expect(sel.kthAndNext(Float64Array.from(values), len, k, true)).toBe(sorted[k]);
      expect(sel.next).toBe(sorted[k + 1]);
      expect(sel.kthInRange(values, len, k, true, sorted[0], sorted[len - 1])).toBe(sorted[k]);
      expect(sel.next).toBe(sorted[k + 1]);
      const h = len >> 1;
      expect(sel.median(values, len)).toBe(len % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2);
    }
  });
});
