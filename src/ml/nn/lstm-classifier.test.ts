import { beforeAll, describe, expect, it } from 'vitest';
import { FitCancelledError, MLInputError, NotFittedError, UnknownParameterError } from '../core/errors.js';
import { matrix, type Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { LstmSequenceClassifier } from './lstm-classifier.js';

const T = 16;
const F = 2;

/**
 * Windows of two metrics. Metric 0 follows the class — 0: falling, 1: rising, 2: flat — from a
 * random level with a random slope and noise; metric 1 is noise. Classes alternate row by row.
 */
function sequences(n: number, seed: number, classes = 2): { X: Matrix; y: Int32Array } {
  const rng = new Random(seed);
  const data = new Float64Array(n * T * F);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    const level = 5 * rng.normal();
    const slope = (c === 0 ? -1 : c === 1 ? 1 : 0) * (0.1 + 0.4 * rng.float());
    for (let t = 0; t < T; t++) {
      data[i * T * F + t * F] = level + slope * t + 0.15 * rng.normal();
      data[i * T * F + t * F + 1] = rng.normal();
    }
  }
  return { X: matrix(data, n, T * F), y };
}

function accuracy(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

describe('LstmSequenceClassifier', () => {
  const binary = new LstmSequenceClassifier({ windowSize: T, hiddenUnits: 12, epochs: 10, batchSize: 32, learningRate: 0.02, validationSplit: 0.2 });
  const multi = new LstmSequenceClassifier({ windowSize: T, hiddenUnits: 12, layers: 2, dropout: 0.1, epochs: 12, batchSize: 32, learningRate: 0.01 });
  const epochsSeen: number[] = [];

  beforeAll(async () => {
    const a = sequences(192, 1);
    const b = sequences(300, 2, 3);
    await Promise.all([
      binary.fit(a.X, a.y, { seed: 1, onProgress: (p) => p.metrics?.epoch !== undefined && epochsSeen.push(p.metrics.epoch) }),
      multi.fit(b.X, b.y, { seed: 1 }),
    ]);
  }, 60_000);

  it('learns to tell rising from falling sequences', () => {
    const test = sequences(200, 3);
    expect(accuracy(binary.predict(test.X), test.y)).toBeGreaterThan(0.9);
    const p = binary.predictProba(test.X);
    expect(p.length).toBe(200);
    for (let i = 0; i < 200; i++) {
      expect(p[i]).toBeGreaterThanOrEqual(0);
      expect(p[i]).toBeLessThanOrEqual(1);
      expect(binary.predict(test.X)[i]).toBe(p[i] >= 0.5 ? 1 : 0);
    }
    expect(binary.numClasses).toBe(2);
    expect(epochsSeen).toEqual(Array.from({ length: 10 }, (_, k) => k + 1));
    expect(binary.history.valLoss.length).toBe(10);
    expect(binary.history.loss.at(-1)!).toBeLessThan(binary.history.loss[0]);
  });

  it('separates three classes with stacked layers and dropout (softmax)', () => {
    const test = sequences(240, 4, 3);
    expect(multi.numClasses).toBe(3);
    expect(accuracy(multi.predict(test.X), test.y)).toBeGreaterThan(0.85);
    const p = multi.predictProba(test.X);
    expect(p.length).toBe(240 * 3);
    for (let i = 0; i < 240; i++) expect(p[3 * i] + p[3 * i + 1] + p[3 * i + 2]).toBeCloseTo(1, 10);
  });

  it('round-trips through JSON with identical outputs', () => {
    const test = sequences(50, 5, 3);
    for (const m of [binary, multi]) {
      const back = LstmSequenceClassifier.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
      expect(Array.from(back.predictProba(test.X))).toEqual(Array.from(m.predictProba(test.X)));
      expect(back.toJSON()).toEqual(m.toJSON());
    }
  });

  it('predicts in a worker thread with the same numbers', { timeout: 60_000 }, async () => {
    const test = sequences(300, 8, 3);
    expect(Array.from(await multi.predictProbaAsync(test.X))).toEqual(Array.from(multi.predictProba(test.X)));
  });

  it('is deterministic with dropout, and class weights shift the probabilities toward the up-weighted class', async () => {
    // Labels independent of the windows: the best constant answer is P(1) = w1 / (w0 + w1).
    const rng = new Random(11);
    const { X } = sequences(96, 7);
    const y = Int32Array.from({ length: 96 }, (_, i) => (i < 48 ? 0 : 1));
    rng.shuffle(y);
    const params = { windowSize: T, hiddenUnits: 4, layers: 2, dropout: 0.2, epochs: 6, batchSize: 32, learningRate: 0.05 };
    const [a, b, weighted] = await Promise.all([
      new LstmSequenceClassifier(params).fit(X, y, { seed: 2 }),
      new LstmSequenceClassifier(params).fit(X, y, { seed: 2 }),
      new LstmSequenceClassifier({ ...params, classWeights: { 1: 5 } }).fit(X, y, { seed: 2 }),
    ]);
    expect(a.toJSON().state.weights).toEqual(b.toJSON().state.weights);
    expect(Array.from(a.predictProba(X))).toEqual(Array.from(b.predictProba(X)));
    const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean(a.predictProba(X))).toBeLessThan(0.65);
    expect(mean(weighted.predictProba(X))).toBeGreaterThan(mean(a.predictProba(X)) + 0.15);
  }, 60_000);

  it('stops when the signal aborts', async () => {
    const { X, y } = sequences(64, 1);
    const ac = new AbortController();
    const m = new LstmSequenceClassifier({ windowSize: T, hiddenUnits: 8, epochs: 100_000, batchSize: 32 });
    const fit = m.fit(X, y, { signal: ac.signal, onProgress: (p) => p.metrics?.epoch === 1 && ac.abort() });
    await expect(fit).rejects.toThrow(FitCancelledError);
    expect(() => m.predict(X)).toThrow(NotFittedError);
    // An exception from the progress callback fails the fit rather than escaping as an uncaught error.
    const throwing = m.fit(X, y, {
      onProgress: (p) => {
        if (p.metrics?.epoch === 1) throw new Error('progress sink is gone');
      },
    });
    await expect(throwing).rejects.toThrow('progress sink is gone');
  }, 60_000);

  it('rejects bad input with clear errors', async () => {
    const { X, y } = sequences(8, 1);
    const fit = (params: object, yy: ArrayLike<number> | undefined = y) => new LstmSequenceClassifier({ windowSize: T, ...params }).fit(X, yy);
    await expect(fit({ hiddenUnit: 3 })).rejects.toThrow(UnknownParameterError);
    await expect(new LstmSequenceClassifier({ windowSize: T }).fit(X)).rejects.toThrow(/needs labels/);
    await expect(fit({}, y.subarray(0, 7))).rejects.toThrow(/7 labels for 8 rows/);
    await expect(fit({}, Float64Array.from(y, (v) => v + 0.5))).rejects.toThrow(/label 0 is 0.5/);
    await expect(fit({}, Int32Array.from(y, (v) => v - 1))).rejects.toThrow(/label 0 is -1/);
    await expect(fit({}, new Int32Array(8))).rejects.toThrow(/single class/);
    await expect(fit({ numClasses: 2 }, Int32Array.from(y, (v, i) => (i === 3 ? 2 : v)))).rejects.toThrow(/numClasses is 2/);
    await expect(fit({ classWeights: { 2: 1 } })).rejects.toThrow(/classWeights has class 2/);
    await expect(fit({ classWeights: { 1: -1 } })).rejects.toThrow(/classWeights\[1\]/);
    await expect(fit({ dropout: 1 })).rejects.toThrow(/dropout must be a number in \[0, 1\)/);
    await expect(fit({ layers: 0 })).rejects.toThrow(/layers must be an integer >= 1/);
    await expect(fit({ windowSize: 5 })).rejects.toThrow(/not a multiple of windowSize 5/);
    expect(() => binary.predict(matrix(new Float64Array(T), 1, T))).toThrow(MLInputError);
    const json = JSON.parse(JSON.stringify(binary.toJSON()));
    json.state.weights.pop();
    expect(() => LstmSequenceClassifier.fromJSON(json)).toThrow(/expected 4 weight tensors, got 3/);
  });
});
