import { describe, expect, it } from 'vitest';
import { Random } from '../core/random.js';
import { WorkerPool } from '../core/worker-pool.js';
import {
  autoencoderForward,
  autoencoderGradients,
  autoencoderOutputs,
  classifierForward,
  classifierLogits,
  classifierLoss,
  classifierGradients,
  initialWeights,
  lstmForward,
  makeBatch,
  makeDropoutMasks,
  standardizeWindows,
  trainNet,
  weightInfo,
  type AutoencoderNetSpec,
  type ClassifierNetSpec,
} from './lstm-net.js';
import * as tfjs from '@tensorflow/tfjs';
import { tf, tfjsBackend } from './tfjs-backend.js';

function randomWindows(rows: number, len: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: rows * len }, () => rng.normal());
}

/** Largest |a − b| relative to the largest |b| of the tensor. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let maxDiff = 0;
  let scale = 1e-8;
  for (let k = 0; k < a.length; k++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return maxDiff / scale;
}

describe('LSTM network on tfjs', () => {
  it('runs on the WASM backend with SIMD, without leaving Emscripten\'s crash-on-rejection handlers behind', () => {
    expect(tfjsBackend.name).toBe('wasm');
    expect(tfjsBackend.fallbackReason).toBeUndefined();
    expect(tfjsBackend.simd).toBe(true);
    const rethrowing = [...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')].filter((l) => /ExitStatus|throw reason/.test(String(l)));
    expect(rethrowing).toEqual([]);
  });

  it("falls back to the 'cpu' backend, saying why, when WASM cannot start", async () => {
    const pool = new WorkerPool(new URL('./fixtures/fallback-worker.ts', import.meta.url), 1);
    try {
      const r = await pool.runOn<{ info: { name: string; fallbackReason?: string }; warnings: string[]; sum: number[] }>(0, '/nonexistent-wasm-dir/');
      expect(r.info.name).toBe('cpu');
      expect(r.info.fallbackReason).toMatch(/tfjs-backend-wasm(-simd)?\.wasm is not in \/nonexistent-wasm-dir/);
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(/WASM backend could not start .*'cpu' backend/);
      expect(r.sum).toEqual([4, 6]);
    } finally {
      await pool.close();
    }
  });

  it('computes the same LSTM as tf.layers.lstm (Keras) with the same weights', () => {
    const T = 7, B = 5, F = 3, H = 6;
    const spec: ClassifierNetSpec = { type: 'classifier', windowSize: T, nFeatures: F, hiddenUnits: H, layers: 1, nOutputs: 1 };
    const [W, b] = initialWeights(spec, 3);
    // Perturb the bias so every gate's bias matters.
    const rng = new Random(9);
    for (let k = 0; k < b.length; k++) b[k] += 0.3 * rng.normal();
    const X = randomWindows(B, T * F, 1);
    const ours = tf.tidy(() => {
      const batch = makeBatch(X, [0, 1, 2, 3, 4], 0, B, T, F);
      const hs = lstmForward(tf.tensor2d(W, [F + H, 4 * H]), tf.tensor1d(b), (t) => batch.xs[t], T, B, H);
      return tf.stack(hs, 1).dataSync(); // [B, T, H]
    });
    const keras = tf.tidy(() => {
      const layer = tfjs.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [T, F] });
      const model = tfjs.sequential({ layers: [layer] });
      model.setWeights([tf.tensor2d(W.subarray(0, F * 4 * H), [F, 4 * H]), tf.tensor2d(W.subarray(F * 4 * H), [H, 4 * H]), tf.tensor1d(b)]);
      return (model.predict(tf.tensor3d(X, [B, T, F])) as tf.Tensor).dataSync();
    });
    expect(relErr(ours, keras)).toBeLessThan(1e-5);
  });

  it('initialises Keras-style: orthogonal recurrent rows, unit forget bias, a pure function of the seed', () => {
    const spec: AutoencoderNetSpec = { type: 'autoencoder', windowSize: 4, nFeatures: 2, hiddenUnits: 8, latentUnits: 3 };
    const w = initialWeights(spec, 5);
    expect(w.map((a) => a.length)).toEqual(weightInfo(spec).map((i) => i.shape.reduce((x, y) => x * y, 1)));
    expect(initialWeights(spec, 5)).toEqual(w);
    expect(initialWeights(spec, 6)[0]).not.toEqual(w[0]);
    const H = 8, I = 2;
    const U = w[0].subarray(I * 4 * H); // H rows of length 4H
    for (let r = 0; r < H; r++) {
      for (let s = 0; s < H; s++) {
        let dot = 0;
        for (let j = 0; j < 4 * H; j++) dot += U[r * 4 * H + j] * U[s * 4 * H + j];
        expect(dot).toBeCloseTo(r === s ? 1 : 0, 5);
      }
    }
    expect(Array.from(w[1].subarray(H, 2 * H))).toEqual(new Array(H).fill(1));
    expect(Array.from(w[1].subarray(0, H))).toEqual(new Array(H).fill(0));
  });

  it('autoencoder gradients equal tfjs autodiff', () => {
    const spec: AutoencoderNetSpec = { type: 'autoencoder', windowSize: 6, nFeatures: 3, hiddenUnits: 5, latentUnits: 2 };
    const info = weightInfo(spec);
    const init = initialWeights(spec, 11);
    const X = randomWindows(4, 6 * 3, 2);
    tf.tidy(() => {
      const w = init.map((a, k) => tf.tensor(a, info[k].shape));
      const batch = makeBatch(X, [0, 1, 2, 3], 0, 4, 6, 3);
      const ours = autoencoderGradients(spec, w, batch);
      const ref = tf.valueAndGrads((...ws: tf.Tensor[]) => tf.mean(tf.square(tf.sub(autoencoderForward(spec, ws, batch, false).Y, batch.X))) as tf.Scalar)(w);
      expect(ours.loss).toBeCloseTo(ref.value.dataSync()[0], 6);
      for (let k = 0; k < w.length; k++) expect(relErr(ours.grads[k].dataSync(), ref.grads[k].dataSync()), info[k].name).toBeLessThan(1e-4);
    });
  });

  it('classifier gradients equal tfjs autodiff: two layers, dropout, class weights, binary and softmax', () => {
    for (const nOutputs of [1, 3]) {
      const spec: ClassifierNetSpec = { type: 'classifier', windowSize: 5, nFeatures: 2, hiddenUnits: 4, layers: 2, nOutputs };
      const info = weightInfo(spec);
      const init = initialWeights(spec, 21);
      const X = randomWindows(6, 5 * 2, 3);
      const y = nOutputs === 1 ? [0, 1, 1, 0, 1, 0] : [0, 1, 2, 2, 1, 0];
      const cw = nOutputs === 1 ? [1, 3] : [1, 2, 0.5];
      tf.tidy(() => {
        const w = init.map((a, k) => tf.tensor(a, info[k].shape));
        const batch = makeBatch(X, [0, 1, 2, 3, 4, 5], 0, 6, 5, 2);
        const masks = makeDropoutMasks(spec, 6, 0.3, new Random(4));
        const ours = classifierGradients(spec, w, batch, y, cw, masks);
        const wRow = tf.tensor1d(y.map((c) => cw[c]));
        const ref = tf.valueAndGrads((...ws: tf.Tensor[]) => {
          const logits = classifierForward(spec, ws, batch, false, masks).logits;
          if (nOutputs === 1) {
            const z = tf.reshape(logits, [-1]);
            return tf.mean(tf.mul(wRow, tf.sub(tf.softplus(z), tf.mul(tf.tensor1d(y), z)))) as tf.Scalar;
          }
          const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), nOutputs);
          return tf.mean(tf.mul(wRow, tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, onehot), 1)))) as tf.Scalar;
        })(w);
        expect(ours.loss).toBeCloseTo(ref.value.dataSync()[0], 5);
        for (let k = 0; k < w.length; k++) expect(relErr(ours.grads[k].dataSync(), ref.grads[k].dataSync()), `${nOutputs}: ${info[k].name}`).toBeLessThan(1e-4);
      });
    }
  });

  it('trains reproducibly: the same seed gives the same weights bit for bit, another seed others', () => {
    const spec: ClassifierNetSpec = { type: 'classifier', windowSize: 5, nFeatures: 2, hiddenUnits: 4, layers: 2, nOutputs: 1 };
    const X = randomWindows(40, 10, 5);
    const y = Int32Array.from({ length: 40 }, (_, i) => i % 2);
    const config = { seed: 1, epochs: 2, batchSize: 8, learningRate: 0.01, validationSplit: 0.25, clipNorm: 5, dropout: 0.3, classWeights: [1, 2], standardize: true };
    const before = tf.memory().numTensors;
    const a = trainNet(spec, { X, rows: 40, y }, config);
    const b = trainNet(spec, { X, rows: 40, y }, config);
    const c = trainNet(spec, { X, rows: 40, y }, { ...config, seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.weights).toEqual(b.weights);
    expect(a.history).toEqual(b.history);
    expect(c.weights[0]).not.toEqual(a.weights[0]);
    expect(a.history.valLoss.length).toBe(2);
    expect(a.weights.every((w) => w.every(Number.isFinite))).toBe(true);
  });

  it('reports the validation loss of the held-out last rows with their own labels', () => {
    const spec: ClassifierNetSpec = { type: 'classifier', windowSize: 5, nFeatures: 2, hiddenUnits: 4, layers: 1, nOutputs: 3 };
    const X = randomWindows(40, 10, 6);
    const y = Int32Array.from({ length: 40 }, (_, i) => (i < 30 ? i % 2 : 2));
    const r = trainNet(spec, { X, rows: 40, y }, { seed: 1, epochs: 1, batchSize: 8, learningRate: 0.01, validationSplit: 0.25, clipNorm: 5, dropout: 0, classWeights: [1, 1, 3], standardize: true });
    const Z = standardizeWindows(X.subarray(30 * 10), 10 * 10, 2, r.mean, r.std);
    const expected = classifierLoss(classifierLogits(spec, r.weights, Z, 10), y.subarray(30), 3, [1, 1, 3]).loss;
    expect(r.history.valLoss[0]).toBeCloseTo(expected, 6);
  });

  it('does not leak tensors', () => {
    const spec: AutoencoderNetSpec = { type: 'autoencoder', windowSize: 4, nFeatures: 2, hiddenUnits: 4, latentUnits: 2 };
    const info = weightInfo(spec);
    const w = initialWeights(spec, 1).map((a, k) => tf.tensor(a, info[k].shape));
    const X = randomWindows(3, 8, 1);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      autoencoderGradients(spec, w, makeBatch(X, [0, 1, 2], 0, 3, 4, 2));
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(w);
    const after = tf.memory().numTensors;
    autoencoderOutputs(spec, initialWeights(spec, 1), X, 3);
    const cspec: ClassifierNetSpec = { type: 'classifier', windowSize: 4, nFeatures: 2, hiddenUnits: 3, layers: 2, nOutputs: 3 };
    classifierLogits(cspec, initialWeights(cspec, 1), X, 3);
    expect(tf.memory().numTensors).toBe(after);
  });
});
