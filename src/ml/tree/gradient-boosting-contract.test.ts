import { describe, expect, it } from 'vitest';
import { FitCancelledError, fromRows, matrix, MLInputError, NotFittedError, UnknownParameterError } from '../core/index.js';
import { blobs, logistic, noisySine } from './fixtures/synthetic.js';
import { GradientBoostedTrees, type GradientBoostingParams } from './gradient-boosting.js';

const stateOf = (m: GradientBoostedTrees) => JSON.stringify(m.toJSON().state);

describe('GradientBoostedTrees contract', () => {
  it('round-trips through JSON with identical predictions (batch and single row)', async () => {
    const { X, y } = logistic(1500, 6, 1);
    X.data[7] = NaN;
    for (const params of [{ nEstimators: 20 }, { objective: 'multiclass', numClasses: 3, nEstimators: 10 }, { objective: 'regression', nEstimators: 10 }] as GradientBoostingParams[]) {
      const labels = params.objective === 'multiclass' ? blobs(1500, 6, 3, 1, 2).y : y;
      const model = await new GradientBoostedTrees({ ...params, threads: 1 }).fit(X, labels, { seed: 3 });
      const back = GradientBoostedTrees.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      expect(Array.from(back.predictRaw(X))).toEqual(Array.from(model.predictRaw(X)));
      expect(Array.from(back.predict(X))).toEqual(Array.from(model.predict(X)));
      expect(back.toJSON()).toEqual(model.toJSON());
      const row = X.data.subarray(0, 6);
      expect(back.predictRow(row)).toBe(model.predictRow(row));
      // The serving path and the batch path sum the same trees in the same order.
      const raw = model.predictRaw(matrix(Float64Array.from(row), 1, 6));
      expect(Array.from(model.predictRowRaw(row))).toEqual(Array.from(raw));
    }
  });

  it('is deterministic: same seed, same model; another seed differs when sampling', async () => {
    const { X, y } = logistic(2000, 8, 2);
    const params = { nEstimators: 15, subsample: 0.7, colsampleByTree: 0.6, threads: 1 };
    const a = await new GradientBoostedTrees(params).fit(X, y, { seed: 11 });
    const b = await new GradientBoostedTrees(params).fit(X, y, { seed: 11 });
    const c = await new GradientBoostedTrees(params).fit(X, y, { seed: 12 });
    expect(stateOf(a)).toBe(stateOf(b));
    expect(stateOf(a)).not.toBe(stateOf(c));
  });

  it('gives the same model bit for bit on 2 threads as on 1', async () => {
    const { X, y } = logistic(3000, 9, 3);
    X.data[5] = NaN;
    const base = { nEstimators: 12, maxDepth: 5, subsample: 0.8, colsampleByTree: 0.8 };
    const one = await new GradientBoostedTrees({ ...base, threads: 1 }).fit(X, y, { seed: 5 });
    const two = await new GradientBoostedTrees({ ...base, threads: 2 }).fit(X, y, { seed: 5 });
    expect(stateOf(two)).toBe(stateOf(one));
    const mc = blobs(2000, 5, 3, 1.2, 4);
    const mc1 = await new GradientBoostedTrees({ objective: 'multiclass', nEstimators: 5, growPolicy: 'lossguide', maxLeaves: 9, threads: 1 }).fit(mc.X, mc.y, { seed: 5 });
    const mc2 = await new GradientBoostedTrees({ objective: 'multiclass', nEstimators: 5, growPolicy: 'lossguide', maxLeaves: 9, threads: 2 }).fit(mc.X, mc.y, { seed: 5 });
    expect(stateOf(mc2)).toBe(stateOf(mc1));
    const q = noisySine(2000, 0.3, 5);
    const q1 = await new GradientBoostedTrees({ objective: 'quantile', quantileAlpha: 0.8, nEstimators: 5, threads: 1 }).fit(q.X, q.y, { seed: 5 });
    const q2 = await new GradientBoostedTrees({ objective: 'quantile', quantileAlpha: 0.8, nEstimators: 5, threads: 2 }).fit(q.X, q.y, { seed: 5 });
    expect(stateOf(q2)).toBe(stateOf(q1));
  });

  it('reports progress with the validation metric', async () => {
    const { X, y } = logistic(1000, 4, 4);
    const fractions: number[] = [];
    const metrics: number[] = [];
    await new GradientBoostedTrees({ nEstimators: 5, threads: 1 }).fit(X, y, {
      validation: { X, y },
      onProgress: (p) => {
        fractions.push(p.fraction);
        metrics.push(p.metrics!.validation_logloss);
      },
    });
    expect(fractions).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    for (let i = 1; i < metrics.length; i++) expect(metrics[i]).toBeLessThan(metrics[i - 1]);
  });

  it('is cancelled through its signal, on the calling thread and on workers', async () => {
    const { X, y } = logistic(2000, 4, 5);
    for (const threads of [1, 2]) {
      const ac = new AbortController();
      const model = new GradientBoostedTrees({ nEstimators: 1000, threads });
      const fit = model.fit(X, y, { signal: ac.signal, onProgress: (p) => p.fraction >= 0.003 && ac.abort() });
      await expect(fit).rejects.toThrow(FitCancelledError);
      expect(() => model.predict(X)).toThrow(NotFittedError);
    }
    const ac = new AbortController();
    ac.abort();
    await expect(new GradientBoostedTrees().fit(X, y, { signal: ac.signal })).rejects.toThrow(FitCancelledError);
  });

  it('rejects bad input with clear errors', async () => {
    const { X, y } = logistic(100, 3, 6);
    const fit = (params: GradientBoostingParams, Xb = X, yb: ArrayLike<number> = y, opts = {}) => new GradientBoostedTrees({ threads: 1, ...params }).fit(Xb, yb, opts);
    await expect(fit({}, X, y.subarray(0, 50))).rejects.toThrow(/50 labels for 100 rows/);
    await expect(fit({}, matrix(new Float64Array(0), 0, 3), [])).rejects.toThrow(/empty/);
    const nanY = y.slice();
    nanY[3] = NaN;
    await expect(fit({}, X, nanY)).rejects.toThrow(/label 3/);
    await expect(fit({ nEstimator: 10 } as GradientBoostingParams)).rejects.toThrow(UnknownParameterError);
    await expect(fit({}, X, y.map((v) => v * 2))).rejects.toThrow(/binary labels must be 0 or 1/);
    await expect(fit({ objective: 'multiclass', numClasses: 2 }, X, y.map((v, i) => i % 3))).rejects.toThrow(/0\.\.1/);
    await expect(fit({ maxBins: 300 })).rejects.toThrow(/maxBins/);
    await expect(fit({ learningRate: 0 })).rejects.toThrow(/learningRate/);
    await expect(fit({ subsample: 1.5 })).rejects.toThrow(/subsample/);
    await expect(fit({ earlyStoppingRounds: 5 })).rejects.toThrow(/validation/);
    await expect(fit({ classWeights: { 1: 2 }, objective: 'regression' })).rejects.toThrow(/classification/);
    await expect(fit({ classWeights: { 3: 2 } })).rejects.toThrow(/class 3/);
    await expect(fit({}, X, y, { validation: { X: fromRows([[1, 2]]), y: [1] } })).rejects.toThrow(/validation X has 2 columns/);
    const bad = fromRows([[1, Infinity, 2]]);
    await expect(fit({}, bad, [1])).rejects.toThrow(/infinite/);
    const model = await fit({ nEstimators: 2 });
    expect(() => model.predict(fromRows([[1, 2]]))).toThrow(/2 columns/);
    expect(() => model.predictRow([1, 2])).toThrow(/2 values/);
    expect(() => model.featureImportance('cover' as 'gain')).toThrow(MLInputError);
    expect(() => new GradientBoostedTrees().predict(X)).toThrow(NotFittedError);
    const regression = await fit({ objective: 'regression', nEstimators: 2 });
    expect(() => regression.predictProba(X)).toThrow(/classification/);
  });

  it('refuses a serialised model of another kind, version or a corrupt forest', async () => {
    const { X, y } = logistic(200, 3, 7);
    const json = (await new GradientBoostedTrees({ nEstimators: 3, threads: 1 }).fit(X, y)).toJSON();
    expect(() => GradientBoostedTrees.fromJSON({ ...json, kind: 'RandomForestClassifier' })).toThrow(/expected a serialised GradientBoostedTrees/);
    expect(() => GradientBoostedTrees.fromJSON({ ...json, formatVersion: 99 })).toThrow(/format version 99/);
    const corrupt = JSON.parse(JSON.stringify(json));
    corrupt.state.nFeatures = 1;
    expect(() => GradientBoostedTrees.fromJSON(corrupt)).toThrow(/feature/);
  });
});
