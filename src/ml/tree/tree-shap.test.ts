import { describe, expect, it } from 'vitest';
import { matrix, Random } from '../core/index.js';
import type { FlatForest } from './flat-tree.js';
import { blobs, logistic } from './fixtures/synthetic.js';
import { GradientBoostedTrees } from './gradient-boosting.js';

/** Shapley values by enumerating every coalition (the definition TreeSHAP computes fast). */
function bruteForceShap(forest: FlatForest, x: number[], base: number): number[] {
  const M = x.length;
  const { feature, threshold, left, right, missing, cover, value, roots } = forest.arrays;
  const expect = (node: number, S: number): number => {
    const f = feature[node];
    if (f < 0) return value[node];
    if (S & (1 << f)) {
      const v = x[f];
      return expect(v <= threshold[node] ? left[node] : v > threshold[node] ? right[node] : missing[node], S);
    }
    return (cover[left[node]] * expect(left[node], S) + cover[right[node]] * expect(right[node], S)) / cover[node];
  };
  const v = (S: number) => base + Array.from(roots).reduce((s, root) => s + expect(root, S), 0);
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Array(M + 1).fill(0);
  for (let i = 0; i < M; i++) {
    for (let S = 0; S < 1 << M; S++) {
      if (S & (1 << i)) continue;
      const size = S.toString(2).split('1').length - 1;
      phi[i] += ((fact(size) * fact(M - size - 1)) / fact(M)) * (v(S | (1 << i)) - v(S));
    }
  }
  phi[M] = v(0);
  return phi;
}

describe('TreeSHAP', () => {
  it('contributions plus the bias sum to the raw margin (binary, with missing values)', async () => {
    const { X, y } = logistic(2000, 6, 1);
    const rng = new Random(1);
    for (let i = 0; i < X.data.length; i++) if (rng.float() < 0.05) X.data[i] = NaN;
    const model = await new GradientBoostedTrees({ nEstimators: 50, maxDepth: 6, subsample: 0.8, threads: 1 }).fit(X, y, { seed: 1 });
    const test = matrix(X.data.slice(0, 300 * 6), 300, 6);
    const phi = model.shapValues(test);
    const raw = model.predictRaw(test);
    expect(phi.length).toBe(300 * 7);
    for (let r = 0; r < 300; r++) {
      let sum = 0;
      for (let j = 0; j < 7; j++) sum += phi[r * 7 + j];
      expect(Math.abs(sum - raw[r])).toBeLessThan(1e-6);
    }
    // Same bias for every row.
    expect(phi[6]).toBe(phi[7 * 299 + 6]);
  });

  it('sums to each class margin for multiclass', async () => {
    const { X, y } = blobs(1500, 4, 3, 1.5, 2);
    const model = await new GradientBoostedTrees({ objective: 'multiclass', nEstimators: 20, threads: 1 }).fit(X, y, { seed: 1 });
    const test = matrix(X.data.slice(0, 100 * 4), 100, 4);
    const phi = model.shapValues(test);
    const raw = model.predictRaw(test);
    expect(phi.length).toBe(100 * 3 * 5);
    for (let r = 0; r < 100; r++) {
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        for (let j = 0; j < 5; j++) sum += phi[(r * 3 + k) * 5 + j];
        expect(Math.abs(sum - raw[r * 3 + k])).toBeLessThan(1e-6);
      }
    }
  });

  it('equals the Shapley values enumerated over every coalition', async () => {
    const { X, y } = logistic(1500, 4, 3);
    const model = await new GradientBoostedTrees({ nEstimators: 8, maxDepth: 4, threads: 1 }).fit(X, y, { seed: 1 });
    for (let r = 0; r < 5; r++) {
      const x = Array.from(X.data.subarray(r * 4, r * 4 + 4));
      if (r === 4) x[2] = NaN;
      const fast = model.shapValues(matrix(Float64Array.from(x), 1, 4));
      const slow = bruteForceShap(model.forest, x, model.baseScore[0]);
      for (let j = 0; j < 5; j++) expect(fast[j]).toBeCloseTo(slow[j], 10);
    }
  });

  it('gives two symmetric features equal attribution', async () => {
    // y = x0 AND x1 with every combination equally often: the fitted function and the covers
    // are symmetric in the two features, so their attributions must be too.
    const n = 4000;
    const X = new Float64Array(n * 3);
    const y = new Float64Array(n);
    const rng = new Random(4);
    for (let i = 0; i < n; i++) {
      const a = i % 2;
      const b = (i >> 1) % 2;
      X.set([a, b, rng.normal()], 3 * i);
      y[i] = a & b;
    }
    // lambda 0: L2 shrinkage would treat the x0 = 0 leaf (2 cells) and the (1, 0) leaf (1 cell) differently.
    const model = await new GradientBoostedTrees({ objective: 'regression', nEstimators: 20, maxDepth: 2, lambda: 0, threads: 1 }).fit(matrix(X, n, 3), y, { seed: 1 });
    const phi = model.shapValues(matrix(Float64Array.from([1, 1, 0, 1, 0, 0, 0, 1, 0]), 3, 3));
    expect(phi[0]).toBeCloseTo(phi[1], 9);
    expect(phi[0]).toBeGreaterThan(0.3);
    expect(Math.abs(phi[2])).toBeLessThan(1e-9);
    // (1, 0) and (0, 1) are mirror images.
    expect(phi[4]).toBeCloseTo(phi[8 + 1], 9);
    expect(phi[5]).toBeCloseTo(phi[8], 9);
  });

  it('has the mean training prediction as bias when covers are row counts', async () => {
    const { X, y } = logistic(1000, 3, 5);
    const model = await new GradientBoostedTrees({ objective: 'regression', nEstimators: 10, threads: 1 }).fit(X, y, { seed: 1 });
    const raw = model.predictRaw(X);
    const mean = raw.reduce((s, v) => s + v, 0) / raw.length;
    expect(model.shapValues(matrix(X.data.slice(0, 3), 1, 3))[3]).toBeCloseTo(mean, 9);
  });
});
