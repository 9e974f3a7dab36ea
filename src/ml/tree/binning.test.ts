import { describe, expect, it } from 'vitest';
import { fromRows, matrix, MLInputError, Random } from '../core/index.js';
import { MISSING_BIN, QuantileBinner } from './binning.js';
import { sortFloat32, sortFloat64 } from './radix-sort.js';

function column(values: number[]) {
  return matrix(Float64Array.from(values), values.length, 1);
}

describe('QuantileBinner', () => {
  it('gives each distinct value of a low-cardinality feature its own bin, NaN bin 0', () => {
    const X = column([3, 1, 2, 3, NaN, 5, 1, 1, 2, 5]);
    const b = new QuantileBinner().fit(X);
    expect(b.numBins(0)).toBe(1 + 4); // missing + {1, 2, 3, 5}
    const bins = b.transform(X);
    expect(Array.from(bins)).toEqual([3, 1, 2, 3, MISSING_BIN, 4, 1, 1, 2, 4]);
  });

  it('cuts continuous features into near-equal-count bins within maxBins', () => {
    const rng = new Random(7);
    const n = 20_000;
    const X = matrix(Float64Array.from({ length: n }, () => Math.exp(rng.normal() * 2)), n, 1);
    const b = new QuantileBinner({ maxBins: 33 }).fit(X);
    expect(b.numBins(0)).toBe(33);
    const counts = new Array(33).fill(0);
    for (const v of b.transform(X)) counts[v]++;
    expect(counts[0]).toBe(0);
    const used = counts.slice(1);
    expect(Math.min(...used)).toBeGreaterThan((n / 32) * 0.8);
    expect(Math.max(...used)).toBeLessThan((n / 32) * 1.2);
  });

  it('routes raw values exactly as their bins: bin <= t iff value <= threshold(t)', () => {
    const rng = new Random(3);
    const n = 5000;
    const values = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? Math.round(rng.normal()) : rng.normal()));
    const X = column(values);
    const b = new QuantileBinner({ maxBins: 64 }).fit(X);
    const bins = b.transform(X);
    for (let t = 0; t < b.numBins(0) - 1; t++) {
      const thr = b.threshold(0, t);
      for (let i = 0; i < n; i += 7) expect(bins[i] <= t).toBe(values[i] <= thr);
    }
    expect(b.threshold(0, 0)).toBe(-Infinity);
  });

  it('gives a heavy value a bin of its own and still uses the other bins', () => {
    const rng = new Random(5);
    const values = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? 0 : rng.normal()));
    const b = new QuantileBinner({ maxBins: 17 }).fit(column(values));
    const bins = b.transform(column(values));
    const zeroBin = bins[0];
    for (let i = 0; i < values.length; i++) expect(bins[i] === zeroBin).toBe(values[i] === 0);
    expect(b.numBins(0)).toBeGreaterThanOrEqual(15);
  });

  it('writes a column-major matrix and bins rows it never saw', () => {
    const X = fromRows([
      [1, 10],
      [2, 20],
      [3, NaN],
    ]);
    const b = new QuantileBinner().fit(X);
    const bins = b.transform(X);
    // feature 0 of rows 0..2, then feature 1 of rows 0..2
    expect(Array.from(bins)).toEqual([1, 2, 3, 1, 2, MISSING_BIN]);
    expect(Array.from(b.transform(fromRows([[0, 16], [100, NaN]])))).toEqual([1, 3, 2, MISSING_BIN]);
  });

  it('samples rows with a seed: same seed, same edges; the sample size is honoured', () => {
    const rng = new Random(9);
    const n = 3000;
    const X = matrix(Float64Array.from({ length: n * 2 }, () => rng.normal()), n, 2);
    const a = new QuantileBinner({ sampleSize: 500 }).fit(X, 1).toJSON();
    const b = new QuantileBinner({ sampleSize: 500 }).fit(X, 1).toJSON();
    const c = new QuantileBinner({ sampleSize: 500 }).fit(X, 2).toJSON();
    expect(a).toEqual(b);
    expect(a.edges.base64).not.toBe(c.edges.base64);
    // At most one bin per sampled distinct value.
    expect(new QuantileBinner({ sampleSize: 100 }).fit(X, 1).numBins(0)).toBeLessThanOrEqual(101);
  });

  it('round-trips through JSON with identical bins', () => {
    const rng = new Random(2);
    const X = matrix(Float64Array.from({ length: 2000 }, () => (rng.float() < 0.1 ? NaN : rng.normal())), 1000, 2);
    const b = new QuantileBinner({ maxBins: 50 }).fit(X);
    const back = QuantileBinner.fromJSON(JSON.parse(JSON.stringify(b.toJSON())));
    expect(Array.from(back.transform(X))).toEqual(Array.from(b.transform(X)));
  });

  it('reads Float32 data like the same values as doubles', () => {
    const rng = new Random(4);
    const f32 = Float32Array.from({ length: 4000 }, () => rng.normal());
    const a = new QuantileBinner({ maxBins: 40 }).fit(matrix(f32, 2000, 2));
    const b = new QuantileBinner({ maxBins: 40 }).fit(matrix(Float64Array.from(f32), 2000, 2));
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(Array.from(a.transform(matrix(f32, 2000, 2)))).toEqual(Array.from(b.transform(matrix(Float64Array.from(f32), 2000, 2))));
  });

  it('rejects bad settings and shapes', () => {
    expect(() => new QuantileBinner({ maxBins: 257 }).fit(column([1, 2]))).toThrow(MLInputError);
    expect(() => new QuantileBinner({ maxBins: 1 }).fit(column([1, 2]))).toThrow(MLInputError);
    expect(() => new QuantileBinner().fit(matrix(new Float64Array(0), 0, 3))).toThrow(/empty/);
    const b = new QuantileBinner().fit(column([1, 2]));
    expect(() => b.transform(fromRows([[1, 2]]))).toThrow(/columns/);
    expect(() => new QuantileBinner().transform(column([1]))).toThrow(/not fitted/);
  });
});

describe('radix sorts', () => {
  it('sort floats and doubles like the built-in sort, signed zeros and infinities included', () => {
    const rng = new Random(1);
    for (const n of [8, 300, 20_000]) {
      const a = Float64Array.from({ length: n }, () => (rng.float() - 0.5) * (rng.float() < 0.1 ? 1e300 : 10));
      a.set([-0, 0, -Infinity, Infinity, 5e-324, -5e-324]);
      const expected = a.slice().sort();
      expect(Array.from(sortFloat64(a.slice())).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual(Array.from(expected).map((v) => Object.is(v, -0) ? '-0' : v));
      const f = Float32Array.from(a);
      expect(Array.from(sortFloat32(f.slice()))).toEqual(Array.from(f.slice().sort()));
    }
  });
});
