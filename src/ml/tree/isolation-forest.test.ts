import { describe, expect, it } from 'vitest';
import { FitCancelledError, MLInputError, NotFittedError, UnknownParameterError } from '../core/errors.js';
import { fromRows, matrix, type Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { decodeArray } from '../core/typed-array-codec.js';
import { averagePathLength, IsolationForest, isolationForestParallelism } from './isolation-forest.js';

/** n Gaussian rows × cols; the first `outliers` rows are pushed ±7σ out in column (i mod cols). */
function planted(n: number, cols: number, outliers: number, seed = 1): Matrix {
  const rng = new Random(seed);
  const data = new Float64Array(n * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  for (let i = 0; i < outliers; i++) data[i * cols + (i % cols)] = (i % 2 ? -1 : 1) * 7;
  return matrix(data, n, cols);
}

function topK(scores: Float64Array, k: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a])
    .slice(0, k);
}

describe('IsolationForest', () => {
  it('c(n) follows the standard normaliser (sklearn values)', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(3)).toBeCloseTo(2 * (Math.log(2) + 0.5772156649) - 4 / 3, 12);
    expect(averagePathLength(3)).toBeCloseTo(1.2073924, 6);
    expect(averagePathLength(256)).toBeCloseTo(10.2447709, 6);
  });

  it('ranks planted outliers first, scores in (0, 1], and scoreSamples is −anomalyScore', async () => {
    // ψ = n so every tree sees the outliers: a point beyond a subsample's range only follows the
    // path of that subsample's extreme rows (scores saturate), as in sklearn.
    const X = planted(1000, 5, 10);
    const m = await new IsolationForest({ nEstimators: 100, maxSamples: 1000, threads: 1 }).fit(X, undefined, { seed: 3 });
    const s = m.anomalyScore(X);
    for (const v of s) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    const top = topK(s, 10);
    expect(top.filter((i) => i < 10).length).toBeGreaterThanOrEqual(9);
    // Outliers score high, the bulk below the 0.5 'auto' threshold.
    for (let i = 0; i < 10; i++) expect(s[i]).toBeGreaterThan(0.55);
    const median = Float64Array.from(s).sort()[500];
    expect(median).toBeLessThan(0.45);
    expect(Array.from(m.scoreSamples(X))).toEqual(Array.from(s, (v) => -v));
    expect(m.maxSamplesUsed).toBe(1000);
    expect(m.threshold).toBe(0.5);
    const p = m.predict(X);
    expect(p.slice(0, 10).every((v) => v === 1)).toBe(true);
    const share = p.reduce((a, b) => a + b, 0) / p.length;
    expect(share).toBeLessThan(0.05);
  });

  it('a numeric contamination flags about that share of the training rows', async () => {
    const X = planted(3000, 4, 0);
    for (const c of [0.02, 0.1]) {
      const m = await new IsolationForest({ contamination: c, threads: 1 }).fit(X, undefined, { seed: 5 });
      const p = m.predict(X);
      const share = p.reduce((a, b) => a + b, 0) / p.length;
      expect(share).toBeGreaterThan(c - 0.002);
      expect(share).toBeLessThan(c + 0.002);
      const d = m.decisionFunction(X);
      const s = m.anomalyScore(X);
      for (let i = 0; i < 50; i++) expect(d[i] < 0).toBe(s[i] > m.threshold);
    }
  });

  it('attributes a point’s score to the feature that was perturbed', async () => {
    const X = planted(2000, 6, 12, 9);
    const m = await new IsolationForest({ threads: 1 }).fit(X, undefined, { seed: 2 });
    let weakestTop = 1;
    for (let i = 0; i < 12; i++) {
      const a = m.featureAttribution(X.data.subarray(i * 6, i * 6 + 6));
      expect(a.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
      const order = Array.from(a.keys()).sort((p, q) => a[q] - a[p]);
      expect(order[0]).toBe(i % 6);
      expect(a[order[0]]).toBeGreaterThan(2 * a[order[1]]);
      weakestTop = Math.min(weakestTop, a[order[0]]);
    }
    // Normal points spread their attribution more than any planted outlier does.
    for (let i = 500; i < 510; i++) expect(Math.max(...m.featureAttribution(X.data.subarray(i * 6, i * 6 + 6)))).toBeLessThan(weakestTop);
    const all = m.featureAttributions(X);
    expect(Array.from(all.data.subarray(0, 6))).toEqual(Array.from(m.featureAttribution(X.data.subarray(0, 6))));
  });

  it('gives all-duplicate data the neutral score 0.5 and no attribution', async () => {
    const X = fromRows(Array.from({ length: 50 }, () => [1, 2, 3]));
    const m = await new IsolationForest({ nEstimators: 10, threads: 1 }).fit(X);
    expect(Array.from(m.anomalyScore(X)).every((v) => Math.abs(v - 0.5) < 1e-12)).toBe(true);
    expect(Array.from(m.featureAttribution([1, 2, 3]))).toEqual([0, 0, 0]);
  });

  it('maxFeatures restricts each tree to a subset of columns; fractional maxSamples', async () => {
    const X = planted(1000, 8, 0);
    const m = await new IsolationForest({ maxFeatures: 0.25, maxSamples: 0.1, nEstimators: 20, threads: 1 }).fit(X, undefined, { seed: 1 });
    expect(m.maxSamplesUsed).toBe(100);
    // Each tree splits on at most 2 distinct features (read back from the serialised forest).
    const st = m.toJSON().state;
    const f = { feature: decodeArray(st.feature, 'i32'), roots: decodeArray(st.roots, 'i32') };
    for (let t = 0; t < f.roots.length; t++) {
      const end = t + 1 < f.roots.length ? f.roots[t + 1] : f.feature.length;
      const used = new Set(Array.from(f.feature.subarray(f.roots[t], end)).filter((v) => v >= 0));
      expect(used.size).toBeLessThanOrEqual(2);
    }
  });

  it('threads = 2 grows and scores exactly like threads = 1 (workers over shared memory)', async () => {
    // Send every job to the workers, whatever its size.
    const saved = { ...isolationForestParallelism };
    isolationForestParallelism.minBuildWork = 0;
    isolationForestParallelism.minScoreWork = 0;
    try {
      const X = planted(20_000, 6, 20, 4);
      const opts = { nEstimators: 60, maxSamples: 512, contamination: 0.01 } as const;
      const one = await new IsolationForest({ ...opts, threads: 1 }).fit(X, undefined, { seed: 11 });
      const progress: number[] = [];
      const two = await new IsolationForest({ ...opts, threads: 2 }).fit(X, undefined, { seed: 11, onProgress: (p) => progress.push(p.fraction) });
      expect(two.offset).toBe(one.offset);
      expect(JSON.stringify(two.toJSON().state)).toBe(JSON.stringify(one.toJSON().state));
      expect(progress.length).toBeGreaterThan(4);
      expect(progress[progress.length - 1]).toBe(1);
      // Float32 input, scored on workers.
      const X32 = matrix(Float32Array.from(X.data), X.rows, X.cols);
      expect(Array.from(await two.anomalyScoreAsync(X32, { threads: 2 }))).toEqual(Array.from(one.anomalyScore(X32)));
      // Cancelling a parallel fit.
      const ac = new AbortController();
      const fit = new IsolationForest({ nEstimators: 200, threads: 2 }).fit(X, undefined, { signal: ac.signal, onProgress: () => ac.abort() });
      await expect(fit).rejects.toThrow(FitCancelledError);
    } finally {
      Object.assign(isolationForestParallelism, saved);
    }
  });

  it('round-trips exactly through JSON and is deterministic per seed', async () => {
    const X = planted(500, 3, 5);
    const a = await new IsolationForest({ nEstimators: 30, contamination: 0.05, threads: 1 }).fit(X, undefined, { seed: 7 });
    const b = await new IsolationForest({ nEstimators: 30, contamination: 0.05, threads: 1 }).fit(X, undefined, { seed: 7 });
    const c = await new IsolationForest({ nEstimators: 30, contamination: 0.05, threads: 1 }).fit(X, undefined, { seed: 8 });
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    expect(JSON.stringify(a.toJSON())).not.toBe(JSON.stringify(c.toJSON()));
    const back = IsolationForest.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(Array.from(back.anomalyScore(X))).toEqual(Array.from(a.anomalyScore(X)));
    expect(Array.from(back.predict(X))).toEqual(Array.from(a.predict(X)));
    expect(back.offset).toBe(a.offset);
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(a.toJSON()));
    // Float32 input scores like its Float64 copy.
    const X32 = matrix(Float32Array.from(X.data), X.rows, X.cols);
    const m32 = await new IsolationForest({ nEstimators: 30, threads: 1 }).fit(X32, undefined, { seed: 7 });
    expect(m32.anomalyScore(X32).length).toBe(500);
  });

  it('rejects bad input and parameters with clear errors; honours cancellation', async () => {
    const X = planted(100, 3, 0);
    await expect(new IsolationForest({ nEstimator: 10 } as never).fit(X)).rejects.toThrow(UnknownParameterError);
    await expect(new IsolationForest({ contamination: 0.7 }).fit(X)).rejects.toThrow(/contamination/);
    await expect(new IsolationForest({ maxSamples: -1 }).fit(X)).rejects.toThrow(/maxSamples/);
    await expect(new IsolationForest({ maxFeatures: 9 }).fit(X)).rejects.toThrow(/maxFeatures/);
    await expect(new IsolationForest({ nEstimators: 0 }).fit(X)).rejects.toThrow(/nEstimators/);
    await expect(new IsolationForest().fit(fromRows([[1, NaN]]))).rejects.toThrow(MLInputError);
    await expect(new IsolationForest().fit(fromRows([[1, 2]]))).rejects.toThrow(/at least 2 rows/);
    expect(() => new IsolationForest().anomalyScore(X)).toThrow(NotFittedError);
    const m = await new IsolationForest({ nEstimators: 5, threads: 1 }).fit(X);
    expect(() => m.anomalyScore(fromRows([[1, 2]]))).toThrow(/columns/);
    expect(() => m.anomalyScore(fromRows([[1, 2, NaN]]))).toThrow(/non-finite/);
    expect(() => m.featureAttribution([1, 2])).toThrow(/3/);
    expect(() => IsolationForest.fromJSON({ ...m.toJSON(), kind: 'Other' })).toThrow(MLInputError);
    expect(() => IsolationForest.fromJSON({ ...m.toJSON(), formatVersion: 99 })).toThrow(/format version/);
    const ac = new AbortController();
    ac.abort();
    await expect(new IsolationForest({ threads: 1 }).fit(X, undefined, { signal: ac.signal })).rejects.toThrow(FitCancelledError);
  });
});
