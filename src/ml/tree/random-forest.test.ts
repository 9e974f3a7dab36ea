import { describe, expect, it } from 'vitest';
import { FitCancelledError, fromRows, matrix, NotFittedError, Random, UnknownParameterError } from '../core/index.js';
import { accuracy, auc, blobs, logistic, noisySine, split } from './fixtures/synthetic.js';
import { RandomForestClassifier, RandomForestRegressor } from './random-forest.js';

const stateOf = (m: RandomForestClassifier | RandomForestRegressor) => JSON.stringify(m.toJSON().state);

function r2(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i] / y.length;
  let ss = 0;
  let tot = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (y[i] - p[i]) ** 2;
    tot += (y[i] - mean) ** 2;
  }
  return 1 - ss / tot;
}

function walk(m: RandomForestClassifier, visit: (node: number, depth: number) => void): void {
  const { feature, left, right, roots } = m.forest.arrays;
  const go = (node: number, d: number) => {
    visit(node, d);
    if (feature[node] >= 0) {
      go(left[node], d + 1);
      go(right[node], d + 1);
    }
  };
  for (const root of roots) go(root, 0);
}

describe('RandomForestClassifier', () => {
  it('classifies, with an out-of-bag score close to the held-out accuracy', async () => {
    const data = logistic(4000, 8, 1);
    const { train, test } = split(data, 3000);
    const model = await new RandomForestClassifier({ nEstimators: 60, oobScore: true, threads: 1 }).fit(train.X, train.y, { seed: 1 });
    const p = model.predictProba(test.X);
    const acc = accuracy(test.y, model.predict(test.X));
    const bayesAcc = accuracy(test.y, Array.from(data.logit.subarray(3000), (z) => (z > 0 ? 1 : 0)));
    expect(acc).toBeGreaterThan(bayesAcc - 0.06);
    expect(auc(test.y, p)).toBeGreaterThan(0.8);
    expect(Math.abs(model.oobScore! - acc)).toBeLessThan(0.03);
    for (let i = 0; i < 20; i++) expect(model.predictRow(test.X.data.subarray(i * 8, i * 8 + 8))).toBe(p[i]);
  });

  it('separates several classes and returns a distribution per row', async () => {
    const { train, test } = split(blobs(2000, 4, 3, 1, 2), 1500);
    const model = await new RandomForestClassifier({ nEstimators: 30, threads: 1 }).fit(train.X, train.y, { seed: 1 });
    expect(accuracy(test.y, model.predict(test.X))).toBeGreaterThan(0.9);
    const proba = model.predictProba(test.X);
    expect(proba.length).toBe(500 * 3);
    for (let i = 0; i < 500; i++) expect(proba[3 * i] + proba[3 * i + 1] + proba[3 * i + 2]).toBeCloseTo(1, 12);
  });

  it('is deterministic per seed and independent of the thread count', async () => {
    const { X, y } = logistic(1500, 6, 3);
    X.data[4] = NaN;
    const a = await new RandomForestClassifier({ nEstimators: 12, oobScore: true, threads: 1 }).fit(X, y, { seed: 7 });
    const b = await new RandomForestClassifier({ nEstimators: 12, oobScore: true, threads: 1 }).fit(X, y, { seed: 7 });
    const c = await new RandomForestClassifier({ nEstimators: 12, oobScore: true, threads: 1 }).fit(X, y, { seed: 8 });
    const d = await new RandomForestClassifier({ nEstimators: 12, oobScore: true, threads: 2 }).fit(X, y, { seed: 7 });
    expect(stateOf(a)).toBe(stateOf(b));
    expect(stateOf(a)).not.toBe(stateOf(c));
    expect(stateOf(d)).toBe(stateOf(a));
  });

  it('round-trips through JSON with identical predictions', async () => {
    const { X, y } = logistic(1000, 5, 4);
    const model = await new RandomForestClassifier({ nEstimators: 10, threads: 1 }).fit(X, y, { seed: 1 });
    const back = RandomForestClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(back.predictProba(X))).toEqual(Array.from(model.predictProba(X)));
    expect(back.toJSON()).toEqual(model.toJSON());
    expect(() => RandomForestRegressor.fromJSON(model.toJSON())).toThrow(/RandomForestRegressor/);
  });

  it('honours maxDepth, minSamplesLeaf and learns where missing values go', async () => {
    const { X, y } = logistic(2000, 5, 5);
    const shallow = await new RandomForestClassifier({ nEstimators: 5, maxDepth: 3, minSamplesLeaf: 20, threads: 1 }).fit(X, y, { seed: 1 });
    const { feature, cover } = shallow.forest.arrays;
    walk(shallow, (node, d) => {
      expect(d).toBeLessThanOrEqual(3);
      if (feature[node] < 0) expect(cover[node]).toBeGreaterThanOrEqual(20);
    });
    const rng = new Random(5);
    const n = 1500;
    const Xm = new Float64Array(n);
    const ym = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      Xm[i] = i % 4 === 0 ? NaN : rng.float();
      ym[i] = i % 4 === 0 ? 1 : Xm[i] > 0.7 ? 1 : 0;
    }
    const miss = await new RandomForestClassifier({ nEstimators: 10, threads: 1 }).fit(matrix(Xm, n, 1), ym, { seed: 1 });
    expect(miss.predictRow([NaN])).toBeGreaterThan(0.9);
    expect(miss.predictRow([0.2])).toBeLessThan(0.1);
  });

  it('explains its probabilities with TreeSHAP (contributions sum to the output)', async () => {
    const { X, y } = logistic(800, 4, 6);
    const model = await new RandomForestClassifier({ nEstimators: 8, maxDepth: 6, threads: 1 }).fit(X, y, { seed: 1 });
    const test = matrix(X.data.slice(0, 40), 10, 4);
    const phi = model.shapValues(test);
    const p = model.predictProba(test);
    for (let r = 0; r < 10; r++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += phi[(r * 2 + 1) * 5 + j];
      expect(s).toBeCloseTo(p[r], 9);
    }
  });

  it('rejects bad input and is cancellable', async () => {
    const { X, y } = logistic(300, 3, 7);
    await expect(new RandomForestClassifier({ nTrees: 3 } as never).fit(X, y)).rejects.toThrow(UnknownParameterError);
    await expect(new RandomForestClassifier({ maxFeatures: 1.5 }).fit(X, y)).rejects.toThrow(/maxFeatures/);
    await expect(new RandomForestClassifier({ oobScore: true, bootstrap: false }).fit(X, y)).rejects.toThrow(/bootstrap/);
    await expect(new RandomForestClassifier().fit(X, y.map((v) => v + 0.5))).rejects.toThrow(/class indices/);
    await expect(new RandomForestClassifier().fit(X, y.subarray(1))).rejects.toThrow(/labels for 300 rows/);
    await expect(new RandomForestClassifier().fit(matrix(new Float64Array(0), 0, 3), [])).rejects.toThrow(/empty/);
    const nanY = y.slice();
    nanY[2] = NaN;
    await expect(new RandomForestRegressor().fit(X, nanY)).rejects.toThrow(/label 2/);
    expect(() => new RandomForestClassifier().predict(X)).toThrow(NotFittedError);
    const model = await new RandomForestClassifier({ nEstimators: 2, threads: 1 }).fit(X, y);
    expect(() => model.predict(fromRows([[1, 2]]))).toThrow(/2 columns/);
    for (const threads of [1, 2]) {
      const ac = new AbortController();
      const fit = new RandomForestClassifier({ nEstimators: 500, threads }).fit(X, y, { signal: ac.signal, onProgress: () => ac.abort() });
      await expect(fit).rejects.toThrow(FitCancelledError);
    }
  });
});

describe('RandomForestRegressor', () => {
  it('fits a noisy sine, with an out-of-bag R² close to the held-out R²', async () => {
    const { train, test } = split(noisySine(3000, 0.2, 8), 2000);
    const model = await new RandomForestRegressor({ nEstimators: 50, minSamplesLeaf: 3, oobScore: true, threads: 1 }).fit(train.X, train.y, { seed: 1 });
    const score = r2(test.y, model.predict(test.X));
    expect(score).toBeGreaterThan(0.85);
    expect(Math.abs(model.oobScore! - score)).toBeLessThan(0.03);
    const back = RandomForestRegressor.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(back.predict(test.X))).toEqual(Array.from(model.predict(test.X)));
    expect(model.featureImportance('gain')[0]).toBeGreaterThan(model.featureImportance('gain')[1] * 10);
  });
});
