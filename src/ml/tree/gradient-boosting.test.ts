import { describe, expect, it } from 'vitest';
import { matrix, Random } from '../core/index.js';
import { accuracy, auc, blobs, logistic, noisySine, split, xor } from './fixtures/synthetic.js';
import { GradientBoostedTrees } from './gradient-boosting.js';

describe('GradientBoostedTrees learns', () => {
  it('XOR (no single feature separates the classes)', async () => {
    const { train, test } = split(xor(3000, 1), 2000);
    const model = await new GradientBoostedTrees({ nEstimators: 60, maxDepth: 3, learningRate: 0.3, threads: 1 }).fit(train.X, train.y, { seed: 1 });
    expect(accuracy(test.y, model.predict(test.X))).toBeGreaterThan(0.97);
  });

  it('a noisy sine (regression, R² > 0.9)', async () => {
    const { train, test } = split(noisySine(4000, 0.2, 2), 3000);
    const model = await new GradientBoostedTrees({ objective: 'regression', nEstimators: 150, maxDepth: 4, threads: 1 }).fit(train.X, train.y, { seed: 1 });
    const pred = model.predict(test.X);
    let ss = 0;
    let tot = 0;
    const mean = test.y.reduce((s, v) => s + v, 0) / test.y.length;
    for (let i = 0; i < pred.length; i++) {
      ss += (pred[i] - test.y[i]) ** 2;
      tot += (test.y[i] - mean) ** 2;
    }
    expect(1 - ss / tot).toBeGreaterThan(0.9);
  });

  it('a binary problem to near the Bayes AUC (XGBoost 1.7 scores 0.862 on this split)', async () => {
    const data = logistic(6000, 8, 3);
    const { train, test } = split(data, 4000);
    const model = await new GradientBoostedTrees({ nEstimators: 120, maxDepth: 4, threads: 1 }).fit(train.X, train.y, { seed: 1 });
    const p = model.predictProba(test.X);
    const bayes = auc(test.y, data.logit.subarray(4000));
    expect(auc(test.y, p)).toBeGreaterThan(bayes - 0.035);
    for (const v of p) expect(v > 0 && v < 1).toBe(true);
  });

  it('multiclass softmax: accurate labels, probabilities that sum to 1', async () => {
    const { train, test } = split(blobs(3000, 4, 4, 1, 4), 2000);
    const model = await new GradientBoostedTrees({ objective: 'multiclass', nEstimators: 40, maxDepth: 4, threads: 1 }).fit(train.X, train.y, { seed: 1 });
    expect(model.numOutputs).toBe(4);
    expect(model.forest.numTrees).toBe(40 * 4);
    expect(accuracy(test.y, model.predict(test.X))).toBeGreaterThan(0.9);
    const proba = model.predictProba(test.X);
    expect(proba.length).toBe(test.X.rows * 4);
    for (let i = 0; i < test.X.rows; i++) expect(proba[4 * i] + proba[4 * i + 1] + proba[4 * i + 2] + proba[4 * i + 3]).toBeCloseTo(1, 12);
  });

  it('the quantile objective covers about alpha of the targets', async () => {
    const rng = new Random(5);
    const n = 6000;
    const X = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[i] = rng.float() * 4;
      y[i] = X[i] + (0.5 + X[i]) * rng.normal(); // heteroscedastic: the band widens with x
    }
    const { train, test } = split({ X: matrix(X, n, 1), y }, 4000);
    for (const alpha of [0.1, 0.9]) {
      const model = await new GradientBoostedTrees({ objective: 'quantile', quantileAlpha: alpha, nEstimators: 100, maxDepth: 3, threads: 1 }).fit(train.X, train.y, { seed: 1 });
      const q = model.predict(test.X);
      let below = 0;
      for (let i = 0; i < q.length; i++) if (test.y[i] <= q[i]) below++;
      expect(below / q.length).toBeGreaterThan(alpha - 0.04);
      expect(below / q.length).toBeLessThan(alpha + 0.04);
    }
  });

  it('stops early when the validation loss stops improving, keeping the best round', async () => {
    const { train, test } = split(logistic(3000, 5, 6), 2000);
    const model = new GradientBoostedTrees({ nEstimators: 500, maxDepth: 6, learningRate: 0.5, earlyStoppingRounds: 10, threads: 1 });
    const seen: number[] = [];
    await model.fit(train.X, train.y, { seed: 1, validation: test, onProgress: (p) => seen.push(p.metrics!.validation_logloss) });
    const scores = Array.from(model.validationScores);
    expect(scores.length).toBeLessThan(500);
    expect(scores.length).toBe(model.rounds + 10);
    expect(Math.min(...scores)).toBe(scores[model.rounds - 1]);
    expect(seen).toEqual(scores);
    expect(model.forest.numTrees).toBe(model.rounds);
  });

  it('learns where missing values go', async () => {
    const rng = new Random(7);
    const n = 2000;
    for (const nanLabel of [0, 1]) {
      const X = new Float64Array(n);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (i % 5 === 0) {
          X[i] = NaN;
          y[i] = nanLabel;
        } else {
          X[i] = rng.float();
          y[i] = X[i] > 0.5 ? 1 : 0;
        }
      }
      const model = await new GradientBoostedTrees({ nEstimators: 30, maxDepth: 2, threads: 1 }).fit(matrix(X, n, 1), y, { seed: 1 });
      expect(model.predictRow([NaN]) > 0.5 ? 1 : 0).toBe(nanLabel);
      expect(model.predictRow([0.9])).toBeGreaterThan(0.9);
      expect(model.predictRow([0.1])).toBeLessThan(0.1);
      expect(accuracy(y, model.predict(matrix(X, n, 1)))).toBeGreaterThan(0.995);
    }
  });

  it('sends NaN to the heavier side of a split that saw no missing values', async () => {
    const { X, y } = xor(2000, 8);
    const model = await new GradientBoostedTrees({ nEstimators: 5, maxDepth: 2, threads: 1 }).fit(X, y, { seed: 1 });
    const { feature, missing, left, right, cover } = model.forest.arrays;
    for (let i = 0; i < feature.length; i++) {
      if (feature[i] < 0) continue;
      const heavier = cover[left[i]] >= cover[right[i]] ? left[i] : right[i];
      expect(missing[i]).toBe(heavier);
    }
    expect(Number.isFinite(model.predictRow([NaN, NaN]))).toBe(true);
  });

  it('class weights shift the predicted probabilities toward the up-weighted class', async () => {
    const { X, y } = logistic(3000, 5, 9);
    const plain = await new GradientBoostedTrees({ nEstimators: 30, threads: 1 }).fit(X, y, { seed: 1 });
    const weighted = await new GradientBoostedTrees({ nEstimators: 30, classWeights: { 1: 5 }, threads: 1 }).fit(X, y, { seed: 1 });
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(weighted.predictProba(X))).toBeGreaterThan(mean(plain.predictProba(X)) + 0.1);
  });

  it('ranks informative features first by gain and counts splits', async () => {
    const { X, y } = logistic(4000, 10, 10);
    const model = await new GradientBoostedTrees({ nEstimators: 40, maxDepth: 3, threads: 1 }).fit(X, y, { seed: 1 });
    const gain = model.featureImportance('gain');
    const splits = model.featureImportance('split');
    const top = Array.from(gain.keys()).sort((a, b) => gain[b] - gain[a]);
    expect(top.slice(0, 2).sort()).toEqual([0, 1]);
    for (let f = 5; f < 10; f++) expect(gain[f]).toBeLessThan(gain[0] / 10);
    const internal = Array.from(model.forest.arrays.feature).filter((f) => f >= 0).length;
    expect(splits.reduce((s, v) => s + v, 0)).toBe(internal);
  });

  it('grows loss-guided trees within maxLeaves, and depth-wise trees within maxDepth', async () => {
    const { X, y } = logistic(3000, 6, 11);
    const lossguide = await new GradientBoostedTrees({ growPolicy: 'lossguide', maxLeaves: 7, nEstimators: 10, threads: 1 }).fit(X, y, { seed: 1 });
    const depthwise = await new GradientBoostedTrees({ maxDepth: 2, nEstimators: 10, threads: 1 }).fit(X, y, { seed: 1 });
    const shape = (m: GradientBoostedTrees) => {
      const { feature, left, right, roots } = m.forest.arrays;
      return Array.from(roots, (root) => {
        let leaves = 0;
        let depth = 0;
        const walk = (node: number, d: number) => {
          depth = Math.max(depth, d);
          if (feature[node] < 0) leaves++;
          else {
            walk(left[node], d + 1);
            walk(right[node], d + 1);
          }
        };
        walk(root, 0);
        return { leaves, depth };
      });
    };
    for (const t of shape(lossguide)) expect(t.leaves).toBe(7);
    expect(Math.max(...shape(lossguide).map((t) => t.depth))).toBeGreaterThan(2);
    for (const t of shape(depthwise)) expect(t.depth).toBeLessThanOrEqual(2);
  });

  it('grows wide loss-guided trees (hundreds of live histograms) on 1 and 2 threads alike', async () => {
    const { X, y } = logistic(6000, 6, 13);
    const params = { growPolicy: 'lossguide' as const, maxLeaves: 300, minChildWeight: 0.01, nEstimators: 3 };
    const one = await new GradientBoostedTrees({ ...params, threads: 1 }).fit(X, y, { seed: 1 });
    const two = await new GradientBoostedTrees({ ...params, threads: 2 }).fit(X, y, { seed: 1 });
    const leaves = Array.from(one.forest.arrays.feature).filter((f) => f < 0).length;
    expect(leaves).toBeGreaterThan(600);
    expect(JSON.stringify(two.toJSON().state)).toBe(JSON.stringify(one.toJSON().state));
  });

  it('regularises: a large minSplitGain leaves stumps, L1 shrinks leaf values', async () => {
    const { X, y } = logistic(2000, 4, 12);
    const gamma = await new GradientBoostedTrees({ minSplitGain: 1e9, nEstimators: 3, threads: 1 }).fit(X, y, { seed: 1 });
    expect(gamma.forest.numNodes).toBe(3);
    const plain = await new GradientBoostedTrees({ nEstimators: 5, maxDepth: 3, threads: 1 }).fit(X, y, { seed: 1 });
    const l1 = await new GradientBoostedTrees({ nEstimators: 5, maxDepth: 3, alpha: 20, threads: 1 }).fit(X, y, { seed: 1 });
    const absSum = (m: GradientBoostedTrees) => Array.from(m.forest.arrays.value).reduce((s, v) => s + Math.abs(v), 0);
    expect(absSum(l1)).toBeLessThan(absSum(plain) * 0.8);
  });
});
