import { beforeAll, describe, expect, it } from 'vitest';
import { FitCancelledError, MLInputError, NotFittedError, UnknownParameterError } from '../core/errors.js';
import type { FitProgress } from '../core/estimator.js';
import { matrix, type Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { LstmAutoencoder } from './lstm-autoencoder.js';

const T = 20;
const F = 2;

/**
 * Windows of two metrics: a sine and a cosine of the same random phase (period 10 steps), with a
 * little noise; `anomaly` replaces metric `feature` of the second half of the window.
 */
function windows(n: number, seed: number, anomaly?: { kind: 'noise' | 'spike'; feature: number }): Matrix {
  const rng = new Random(seed);
  const data = new Float64Array(n * T * F);
  for (let i = 0; i < n; i++) {
    const phase = rng.float() * 2 * Math.PI;
    for (let t = 0; t < T; t++) {
      const a = phase + (2 * Math.PI * t) / 10;
      data[i * T * F + t * F] = Math.sin(a) + 0.05 * rng.normal();
      data[i * T * F + t * F + 1] = 0.5 + 0.3 * Math.cos(a) + 0.02 * rng.normal();
      if (anomaly && t >= T / 2) {
        const o = i * T * F + t * F + anomaly.feature;
        const scale = anomaly.feature === 0 ? 1 : 0.3;
        data[o] = anomaly.kind === 'noise' ? (anomaly.feature === 0 ? 0 : 0.5) + scale * 1.5 * rng.normal() : data[o] + scale * 3;
      }
    }
  }
  return matrix(data, n, T * F);
}

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0) / a.length;

describe('LstmAutoencoder', () => {
  const model = new LstmAutoencoder({ windowSize: T, hiddenUnits: 16, latentUnits: 8, epochs: 25, batchSize: 32, learningRate: 0.01, validationSplit: 0.125 });
  const progress: FitProgress[] = [];
  let ticks = 0;
  let maxGap = 0;
  let fitMs = 0;

  beforeAll(async () => {
    // A timer on the calling thread keeps firing while the model trains in its worker thread.
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 10);
    const started = performance.now();
    try {
      await model.fit(windows(256, 1), undefined, { seed: 7, onProgress: (p) => progress.push(p) });
    } finally {
      clearInterval(timer);
    }
    fitMs = performance.now() - started;
  }, 60_000);

  it('trains in a worker thread: the event loop keeps ticking during fit', () => {
    expect(fitMs).toBeGreaterThan(500);
    expect(ticks).toBeGreaterThan(fitMs / 10 / 4);
    expect(maxGap).toBeLessThan(Math.min(500, fitMs / 4));
  });

  it('reports progress per epoch with the training and validation loss', () => {
    const epochs = progress.filter((p) => p.metrics?.epoch !== undefined);
    expect(epochs.map((p) => p.metrics!.epoch)).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    for (let k = 1; k < progress.length; k++) expect(progress[k].fraction).toBeGreaterThanOrEqual(progress[k - 1].fraction);
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(epochs.every((p) => Number.isFinite(p.metrics!.valLoss))).toBe(true);
    expect(epochs.at(-1)!.metrics!.loss).toBeLessThan(0.3 * epochs[0].metrics!.loss);
    expect(model.history.loss).toEqual(epochs.map((p) => p.metrics!.loss));
    expect(model.trainedOn).toBe('wasm');
  });

  it('reconstructs normal windows well and anomalous ones badly', () => {
    const normal = model.reconstructionError(windows(64, 2));
    const noisy = model.reconstructionError(windows(64, 3, { kind: 'noise', feature: 0 }));
    const spiked = model.reconstructionError(windows(64, 4, { kind: 'spike', feature: 1 }));
    const sorted = Float64Array.from(normal).sort();
    const p95 = sorted[Math.floor(0.95 * sorted.length)];
    expect(mean(normal)).toBeLessThan(0.25);
    expect(mean(noisy)).toBeGreaterThan(4 * mean(normal));
    expect(mean(spiked)).toBeGreaterThan(4 * mean(normal));
    // Nearly every anomalous window scores above the 95th percentile of the normal ones.
    expect(Array.from(noisy).filter((e) => e > p95).length).toBeGreaterThanOrEqual(60);
    expect(Array.from(spiked).filter((e) => e > p95).length).toBeGreaterThanOrEqual(60);
    // scoreSamples is −error: lower is more anomalous.
    expect(Array.from(model.scoreSamples(windows(4, 2)))).toEqual(Array.from(normal.subarray(0, 4), (e) => -e));
  });

  it('attributes the error to the metric that misbehaves', () => {
    for (const feature of [0, 1]) {
      const { perWindow, perFeature } = model.reconstructionErrors(windows(32, 10 + feature, { kind: 'spike', feature }));
      let right = 0;
      for (let i = 0; i < 32; i++) {
        const e0 = perFeature.data[i * F];
        const e1 = perFeature.data[i * F + 1];
        if ((feature === 0 ? e0 > e1 : e1 > e0)) right++;
        expect((e0 + e1) / 2).toBeCloseTo(perWindow[i], 10);
      }
      expect(right).toBeGreaterThanOrEqual(30);
    }
  });

  it('scores in a worker thread with the same numbers', { timeout: 60_000 }, async () => {
    const X = windows(300, 9, { kind: 'spike', feature: 0 });
    const sync = model.reconstructionErrors(X);
    const ac = new AbortController();
    const pending = model.reconstructionErrorsAsync(X, { signal: ac.signal });
    ac.abort();
    await expect(pending).rejects.toThrow(/aborted/);
    const async_ = await model.reconstructionErrorsAsync(X);
    expect(Array.from(async_.perWindow)).toEqual(Array.from(sync.perWindow));
    expect(Array.from(async_.perFeature.data)).toEqual(Array.from(sync.perFeature.data));
  });

  it('reconstructs in the input units and layout', () => {
    const X = windows(8, 5);
    const R = model.reconstruct(X);
    expect([R.rows, R.cols]).toEqual([8, T * F]);
    // Metric 1 lives around 0.5 ± 0.3: the reconstruction is in those units, not standardised ones.
    const m1 = mean(Array.from({ length: 8 * T }, (_, k) => R.data[k * F + 1]));
    expect(m1).toBeGreaterThan(0.4);
    expect(m1).toBeLessThan(0.6);
    expect(Array.from(model.predict(X))).toEqual(Array.from(R.data));
  });

  it('round-trips through JSON with identical outputs', () => {
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.kind).toBe('LstmAutoencoder');
    expect(json.state.weights.map((w: { name: string }) => w.name)).toContain('decoder/kernel');
    const back = LstmAutoencoder.fromJSON(json);
    const X = windows(40, 6, { kind: 'noise', feature: 1 });
    expect(Array.from(back.reconstructionError(X))).toEqual(Array.from(model.reconstructionError(X)));
    expect(Array.from(back.reconstruct(X).data)).toEqual(Array.from(model.reconstruct(X).data));
    expect(back.toJSON()).toEqual(model.toJSON());
  });

  it('is deterministic: the same seed gives the same weights bit for bit', async () => {
    const X = windows(48, 8);
    const small = () => new LstmAutoencoder({ windowSize: T, hiddenUnits: 6, latentUnits: 3, epochs: 2, batchSize: 16, learningRate: 0.01 });
    const [a, b] = await Promise.all([small().fit(X, undefined, { seed: 3 }), small().fit(X, undefined, { seed: 3 })]);
    expect(a.toJSON().state.weights).toEqual(b.toJSON().state.weights);
    expect(Array.from(a.reconstructionError(X))).toEqual(Array.from(b.reconstructionError(X)));
  }, 60_000);

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    const m = new LstmAutoencoder({ windowSize: T, hiddenUnits: 8, latentUnits: 4, epochs: 100_000, batchSize: 32 });
    const started = performance.now();
    const fit = m.fit(windows(64, 1), undefined, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.metrics?.epoch === 1) ac.abort();
      },
    });
    await expect(fit).rejects.toThrow(FitCancelledError);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(() => m.reconstructionError(windows(2, 1))).toThrow(NotFittedError);
    const already = new AbortController();
    already.abort();
    await expect(new LstmAutoencoder({ windowSize: T }).fit(windows(4, 1), undefined, { signal: already.signal })).rejects.toThrow(FitCancelledError);
  }, 60_000);

  it('rejects bad input with clear errors', async () => {
    const X = windows(8, 1);
    await expect(new LstmAutoencoder({ windowSize: T, hidenUnits: 4 } as never).fit(X)).rejects.toThrow(UnknownParameterError);
    await expect(new LstmAutoencoder({}).fit(X)).rejects.toThrow(/windowSize is required/);
    await expect(new LstmAutoencoder({ windowSize: 3 }).fit(X)).rejects.toThrow(/not a multiple of windowSize 3/);
    await expect(new LstmAutoencoder({ windowSize: T, epochs: 0 }).fit(X)).rejects.toThrow(/epochs must be an integer >= 1/);
    await expect(new LstmAutoencoder({ windowSize: T, learningRate: -1 }).fit(X)).rejects.toThrow(/learningRate/);
    await expect(new LstmAutoencoder({ windowSize: T, validationSplit: 0.05 }).fit(X)).rejects.toThrow(/holds out no row/);
    await expect(new LstmAutoencoder({ windowSize: T }).fit(matrix(new Float64Array(0), 0, T * F))).rejects.toThrow(/empty/);
    const bad = windows(4, 1);
    bad.data[5] = NaN;
    await expect(new LstmAutoencoder({ windowSize: T }).fit(bad)).rejects.toThrow(/non-finite value at row 0, column 5/);
    expect(() => new LstmAutoencoder({ windowSize: T }).reconstructionError(X)).toThrow(NotFittedError);
    expect(() => model.reconstructionError(matrix(new Float64Array(2 * 30), 2, 30))).toThrow(/30 columns, the model was fitted on 40/);
    expect(() => model.reconstructionError(bad)).toThrow(MLInputError);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(() => LstmAutoencoder.fromJSON({ ...json, kind: 'IsolationForest' })).toThrow(/expected a serialised LstmAutoencoder/);
    json.state.weights[2].shape = [16, 9];
    expect(() => LstmAutoencoder.fromJSON(json)).toThrow(/latent\/kernel/);
  });
});
