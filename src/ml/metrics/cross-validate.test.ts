import { describe, expect, it } from 'vitest';
import { FitCancelledError, fromRows, MLInputError, type FitOptions, type Matrix } from '../core/index.js';
import { accuracy, crossValidate, kFold, mae, r2, rocAuc, stratifiedKFold, type Fold } from './index.js';

/** Predicts the training mean of y: the simplest model whose fold scores we can compute by hand. */
class MeanModel {
  mean = NaN;
  seeds: number[] = [];
  async fit(_X: Matrix, y: ArrayLike<number>, opts?: FitOptions): Promise<this> {
    await new Promise((r) => setTimeout(r, 1)); // genuinely asynchronous, like a worker-thread fit
    this.seeds.push(opts?.seed ?? -1);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    this.mean = s / y.length;
    return this;
  }
  predict(X: Matrix): Float64Array {
    return new Float64Array(X.rows).fill(this.mean);
  }
}

/** Scores by the first feature; predicts class 1 above a threshold learned as the midpoint of class means. */
class StumpModel {
  threshold = NaN;
  probaCalls = 0;
  fit(X: Matrix, y: ArrayLike<number>): this {
    let s0 = 0;
    let n0 = 0;
    let s1 = 0;
    let n1 = 0;
    for (let i = 0; i < X.rows; i++) {
      if (y[i] === 1) (s1 += X.data[i * X.cols], n1++);
      else (s0 += X.data[i * X.cols], n0++);
    }
    this.threshold = (s0 / n0 + s1 / n1) / 2;
    return this;
  }
  predict(X: Matrix): Float64Array {
    return Float64Array.from({ length: X.rows }, (_, i) => (X.data[i * X.cols] > this.threshold ? 1 : 0));
  }
  predictProba(X: Matrix): Float64Array {
    this.probaCalls++;
    return Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols]);
  }
}

describe('crossValidate', () => {
  const X = fromRows([[1], [2], [3], [4], [5], [6]]);
  const y = [1, 2, 3, 4, 5, 9];

  it('fits a fresh model per fold and reports per-fold scores and mean ± std', async () => {
    const folds = kFold(6, 3); // tests {0,1}, {2,3}, {4,5}
    const models: MeanModel[] = [];
    const progress: number[] = [];
    const res = await crossValidate(
      () => {
        const m = new MeanModel();
        models.push(m);
        return m;
      },
      X,
      y,
      folds,
      { mae },
      { seed: 5, onProgress: (p) => progress.push(p.fraction) },
    );
    // By hand: train means 21/4, 17/4, 10/4 → MAE on the test pairs 3.75, 0.75, 4.5.
    expect(res.folds.map((f) => f.scores.mae)).toEqual([3.75, 0.75, 4.5]);
    expect(res.folds.map((f) => [f.nTrain, f.nTest])).toEqual([[4, 2], [4, 2], [4, 2]]);
    expect(res.summary.mae.mean).toBeCloseTo(3, 15);
    expect(res.summary.mae.std).toBeCloseTo(Math.sqrt((0.75 ** 2 + 2.25 ** 2 + 1.5 ** 2) / 3), 15);
    expect(res.summary.mae.undefinedFolds).toBe(0);
    expect(models).toHaveLength(3);
    expect(progress).toEqual([1 / 3, 2 / 3, 1]);
    // Every fold gets its own seed, the same on a rerun with the same seed.
    const seeds = models.map((m) => m.seeds[0]);
    expect(new Set(seeds).size).toBe(3);
    const again: MeanModel[] = [];
    await crossValidate(() => (again.push(new MeanModel()), again[again.length - 1]), X, y, folds, { mae }, { seed: 5 });
    expect(again.map((m) => m.seeds[0])).toEqual(seeds);
    // r2 of a constant prediction is ≤ 0 on every fold.
    const r = await crossValidate(() => new MeanModel(), X, y, folds, { r2 });
    expect(r.summary.r2.values.every((v) => v <= 0)).toBe(true);
  });

  it('runs other output methods once per fold and counts folds where a score is undefined', async () => {
    const Xc = fromRows([[0.1], [0.9], [0.2], [0.8], [0.3], [0.7], [0.35], [0.4]]);
    const yc = [0, 1, 0, 1, 0, 1, 0, 0];
    const models: StumpModel[] = [];
    const auc = { score: rocAuc, method: 'predictProba' };
    const res = await crossValidate(() => (models.push(new StumpModel()), models[models.length - 1]), Xc, yc, kFold(8, 4), {
      accuracy,
      auc,
      auc2: auc,
    });
    expect(models.every((m) => m.probaCalls === 1)).toBe(true);
    // Folds {0,1}, {2,3}, {4,5} are separable (AUC 1); fold {6,7} holds only negatives → NaN.
    expect(Array.from(res.summary.auc.values.subarray(0, 3))).toEqual([1, 1, 1]);
    expect(res.summary.auc.values[3]).toBeNaN();
    expect(res.summary.auc).toMatchObject({ mean: 1, std: 0, undefinedFolds: 1 });
    expect(res.summary.accuracy.values).toHaveLength(4);
    const strat = await crossValidate(() => new StumpModel(), Xc, yc, stratifiedKFold(yc, 3), { auc });
    expect(strat.summary.auc.undefinedFolds).toBe(0);
  });

  it('stops when cancelled and rejects bad input', async () => {
    const folds = kFold(6, 3);
    const ac = new AbortController();
    ac.abort();
    await expect(crossValidate(() => new MeanModel(), X, y, folds, { mae }, { signal: ac.signal })).rejects.toThrow(FitCancelledError);
    await expect(crossValidate(() => new MeanModel(), X, y.slice(1), folds, { mae })).rejects.toThrow(/5 labels for 6 rows/);
    await expect(crossValidate(() => new MeanModel(), X, y, folds, {})).rejects.toThrow(/no scorers/);
    const bad: Fold[] = [{ train: Uint32Array.of(0, 1), test: Uint32Array.of(9) }];
    await expect(crossValidate(() => new MeanModel(), X, y, bad, { mae })).rejects.toThrow(/out of range/);
    await expect(crossValidate(() => new MeanModel(), X, y, folds, { p: { score: mae, method: 'predictProba' } })).rejects.toThrow(MLInputError);
  });
});
