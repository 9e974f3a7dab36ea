/**
 * The networks behind LstmAutoencoder and LstmSequenceClassifier, on TensorFlow.js tensors:
 * the forward pass, hand-written backpropagation through time, Adam, and the training loop that
 * the worker thread runs (`trainNet`). Inference (`autoencoderOutputs`, `classifierLogits`) runs
 * the same forward code on whichever thread calls it.
 *
 * The LSTM is Keras's (Hochreiter & Schmidhuber with a forget gate, sigmoid gates, tanh cell):
 *
 *   [i f g o] = [x_t, h_{t−1}] · W + b        (columns in Keras's gate order i, f, c, o)
 *   i, f, o = σ(·);  g = tanh(·);  c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)
 *
 * W is Keras's `kernel` (rows 0..I−1) stacked on its `recurrent_kernel` (rows I..I+H−1), so a
 * weight set loads into `tf.layers.lstm` by splitting rows (the tests check the two agree).
 *
 * Why not `tf.layers.lstm` + `model.fit`: on the WASM backend in Node the same autoencoder built
 * from tfjs-layers took 17–18 s of CPU per epoch on 2,000 windows of 60×4 (hidden 32, batch 64)
 * against 2.8 s here (6.1–6.4× in the same process on this 2-core machine). Its RNN loop emits
 * ~18,000 small kernels per batch (per-step gate splits, autodiff bookkeeping), and WASM kernels
 * such as Split/Unpack/Slice copy their entire input for every output. Here every gate has its
 * own matrix product with the bias and sigmoid fused, nothing large is sliced inside the time
 * loop, and the backward pass is written out (~6,200 kernels per batch in all) with each weight
 * gradient taken as one matrix product over all steps. The forward and backward passes are
 * checked against tfjs autodiff, and the LSTM against tf.layers.lstm, in the tests.
 *
 * Determinism: initial weights, the shuffling order and dropout masks all come from our seeded
 * `Random` (never from tfjs or Math.random), and the WASM backend in Node is single-threaded, so
 * the same seed and data give the same weights bit for bit on the same backend.
 */
import { Random } from '../core/random.js';
import { tf } from './tfjs-backend.js';

// Rank-generic aliases: the code tracks shapes itself (2-D [rows, cols] and 1-D biases).
type T2 = tf.Tensor;
type T1 = tf.Tensor;

export interface AutoencoderNetSpec {
  type: 'autoencoder';
  windowSize: number;
  nFeatures: number;
  hiddenUnits: number;
  latentUnits: number;
}

export interface ClassifierNetSpec {
  type: 'classifier';
  windowSize: number;
  nFeatures: number;
  hiddenUnits: number;
  layers: number;
  /** 1: one logit (sigmoid, binary); K ≥ 3: K logits (softmax). */
  nOutputs: number;
}

export type NetSpec = AutoencoderNetSpec | ClassifierNetSpec;

export interface WeightInfo {
  name: string;
  shape: number[];
}

/** The network's weight tensors in order (the order of `initialWeights`, gradients and artifacts). */
export function weightInfo(spec: NetSpec): WeightInfo[] {
  const H = spec.hiddenUnits;
  const F = spec.nFeatures;
  if (spec.type === 'autoencoder') {
    const L = spec.latentUnits;
    return [
      { name: 'encoder/kernel', shape: [F + H, 4 * H] },
      { name: 'encoder/bias', shape: [4 * H] },
      { name: 'latent/kernel', shape: [H, L] },
      { name: 'latent/bias', shape: [L] },
      { name: 'decoder/kernel', shape: [L + H, 4 * H] },
      { name: 'decoder/bias', shape: [4 * H] },
      { name: 'output/kernel', shape: [H, F] },
      { name: 'output/bias', shape: [F] },
    ];
  }
  const out: WeightInfo[] = [];
  for (let l = 0; l < spec.layers; l++) {
    out.push({ name: `lstm${l}/kernel`, shape: [(l === 0 ? F : H) + H, 4 * H] });
    out.push({ name: `lstm${l}/bias`, shape: [4 * H] });
  }
  out.push({ name: 'head/kernel', shape: [H, spec.nOutputs] });
  out.push({ name: 'head/bias', shape: [spec.nOutputs] });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Initialisation (Keras's defaults, drawn from our seeded generator)

function glorotUniform(rng: Random, fanIn: number, fanOut: number, out: Float32Array, offset: number, count: number): void {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let k = 0; k < count; k++) out[offset + k] = (2 * rng.float() - 1) * limit;
}

/** Writes an H×(4H) matrix with orthonormal rows (Keras's orthogonal recurrent initialiser) into out at row-major offset. */
function orthogonalRows(rng: Random, rows: number, cols: number, out: Float32Array, offset: number): void {
  // Gram–Schmidt (twice, for stability) on `rows` Gaussian vectors of length `cols` (rows ≤ cols).
  const q = new Float64Array(rows * cols);
  for (let k = 0; k < q.length; k++) q[k] = rng.normal();
  for (let r = 0; r < rows; r++) {
    const v = q.subarray(r * cols, (r + 1) * cols);
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < r; p++) {
        const u = q.subarray(p * cols, (p + 1) * cols);
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += u[j] * v[j];
        for (let j = 0; j < cols; j++) v[j] -= dot * u[j];
      }
    }
    let norm = 0;
    for (let j = 0; j < cols; j++) norm += v[j] * v[j];
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < cols; j++) v[j] /= norm;
  }
  for (let k = 0; k < q.length; k++) out[offset + k] = q[k];
}

/** Keras LSTM initialisation: Glorot-uniform input kernel, orthogonal recurrent kernel, zero bias with the forget gate's at 1. */
function lstmInit(rng: Random, inputSize: number, units: number): [Float32Array, Float32Array] {
  const H = units;
  const W = new Float32Array((inputSize + H) * 4 * H);
  glorotUniform(rng, inputSize, 4 * H, W, 0, inputSize * 4 * H);
  orthogonalRows(rng, H, 4 * H, W, inputSize * 4 * H);
  const b = new Float32Array(4 * H);
  b.fill(1, H, 2 * H);
  return [W, b];
}

function denseInit(rng: Random, inputs: number, outputs: number): [Float32Array, Float32Array] {
  const W = new Float32Array(inputs * outputs);
  glorotUniform(rng, inputs, outputs, W, 0, W.length);
  return [W, new Float32Array(outputs)];
}

/** Fresh weights for `spec`, a pure function of the seed. */
export function initialWeights(spec: NetSpec, seed: number): Float32Array[] {
  const rng = new Random(seed);
  const H = spec.hiddenUnits;
  if (spec.type === 'autoencoder') {
    return [...lstmInit(rng, spec.nFeatures, H), ...denseInit(rng, H, spec.latentUnits), ...lstmInit(rng, spec.latentUnits, H), ...denseInit(rng, H, spec.nFeatures)];
  }
  const out: Float32Array[] = [];
  for (let l = 0; l < spec.layers; l++) out.push(...lstmInit(rng, l === 0 ? spec.nFeatures : H, H));
  out.push(...denseInit(rng, H, spec.nOutputs));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The LSTM layer

/** What the backward pass needs from one layer's forward pass, per time step. */
export interface LstmCache {
  xh: T2[];
  i: T2[];
  f: T2[];
  g: T2[];
  o: T2[];
  c: T2[];
  tc: T2[];
}

function newCache(): LstmCache {
  return { xh: [], i: [], f: [], g: [], o: [], c: [], tc: [] };
}

/** tanh(x) = 2σ(2x) − 1 (see lstmForward). */
function fastTanh(x: T2, one: tf.Scalar, two: tf.Scalar): T2 {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, two)), two), one);
}

/**
 * Runs one LSTM layer over `steps` time steps from zero state; returns h_t for every step.
 * `input(t)` gives x_t as [batch, I]. With `cache`, keeps what `lstmBackward` needs.
 */
export function lstmForward(W: T2, b: T1, input: (t: number) => T2, steps: number, batch: number, units: number, cache?: LstmCache): T2[] {
  const H = units;
  const two = tf.scalar(2);
  const one = tf.scalar(1);
  // The cell input uses tanh(z) = 2σ(2z) − 1 with the 2 folded into its weights: the WASM
  // backend's tanh kernel is scalar and several times slower than its vectorised sigmoid.
  const Wk = [0, 1, 2, 3].map((k) => (k === 2 ? tf.mul(tf.slice(W, [0, k * H], [-1, H]), two) : tf.slice(W, [0, k * H], [-1, H])));
  const bk = [0, 1, 2, 3].map((k) => (k === 2 ? tf.mul(tf.slice(b, [k * H], [H]), two) : tf.slice(b, [k * H], [H])));
  let h = tf.zeros([batch, H]) as T2;
  let c = tf.zeros([batch, H]) as T2;
  const hs: T2[] = [];
  for (let t = 0; t < steps; t++) {
    const xh = tf.concat([input(t), h], 1);
    const i = tf.fused.matMul({ a: xh, b: Wk[0], bias: bk[0], activation: 'sigmoid' });
    const f = tf.fused.matMul({ a: xh, b: Wk[1], bias: bk[1], activation: 'sigmoid' });
    const g = tf.sub(tf.mul(tf.fused.matMul({ a: xh, b: Wk[2], bias: bk[2], activation: 'sigmoid' }), two), one);
    const o = tf.fused.matMul({ a: xh, b: Wk[3], bias: bk[3], activation: 'sigmoid' });
    c = tf.add(tf.mul(f, c), tf.mul(i, g));
    const tc = fastTanh(c, one, two);
    h = tf.mul(o, tc);
    hs.push(h);
    if (cache) {
      cache.xh.push(xh);
      cache.i.push(i);
      cache.f.push(f);
      cache.g.push(g);
      cache.o.push(o);
      cache.c.push(c);
      cache.tc.push(tc);
    }
  }
  return hs;
}

export interface LstmGradients {
  dW: T2;
  db: T1;
  /** dLoss/d(pre-activation gates) for every step, stacked time-major: [steps·batch, 4H]. */
  dZ: T2;
}

/**
 * Backpropagation through time for one layer. `dH[t]` is dLoss/dh_t from above (null where the
 * step's output is unused). The gradient with respect to the layer's inputs, when wanted, is
 * dZ · W[0..I)ᵀ (see `inputGradient`).
 */
export function lstmBackward(W: T2, cache: LstmCache, dH: (T2 | null)[], inputSize: number, units: number): LstmGradients {
  const H = units;
  const steps = cache.xh.length;
  const Ut = tf.transpose(tf.slice(W, [inputSize, 0], [H, 4 * H])); // [4H, H]
  const one = tf.scalar(1);
  const dsig = (s: T2) => tf.sub(s, tf.square(s));
  const dZ: T2[] = new Array(steps);
  let dhNext: T2 | null = null;
  let dcNext: T2 | null = null;
  for (let t = steps - 1; t >= 0; t--) {
    let dh = dH[t] ?? null;
    if (dhNext) dh = dh ? tf.add(dh, dhNext) : dhNext;
    if (!dh) dh = tf.zerosLike(cache.o[t]);
    const i = cache.i[t];
    const f = cache.f[t];
    const g = cache.g[t];
    const o = cache.o[t];
    const tc = cache.tc[t];
    let dc = tf.mul(tf.mul(dh, o), tf.sub(one, tf.square(tc)));
    if (dcNext) dc = tf.add(dc, dcNext);
    const dzi = tf.mul(tf.mul(dc, g), dsig(i));
    const dzf = t > 0 ? tf.mul(tf.mul(dc, cache.c[t - 1]), dsig(f)) : tf.zerosLike(f);
    const dzg = tf.mul(tf.mul(dc, i), tf.sub(one, tf.square(g)));
    const dzo = tf.mul(tf.mul(dh, tc), dsig(o));
    dZ[t] = tf.concat([dzi, dzf, dzg, dzo], 1);
    if (t > 0) {
      dhNext = tf.matMul(dZ[t], Ut);
      dcNext = tf.mul(dc, f);
    }
  }
  const dZall = tf.concat(dZ, 0);
  const XH = tf.concat(cache.xh, 0);
  // Transposing first is several times faster on WASM than matMul's transposeA.
  const dW = tf.matMul(tf.transpose(XH), dZall);
  const db = tf.sum(dZall, 0) as T1;
  return { dW, db, dZ: dZall };
}

/** dLoss/dx_t for every step, stacked time-major [steps·batch, I], from a layer's dZ. */
export function inputGradient(W: T2, dZ: T2, inputSize: number): T2 {
  return tf.matMul(dZ, tf.transpose(tf.slice(W, [0, 0], [inputSize, -1])));
}

/** Splits a time-major stack [steps·batch, C] into `steps` tensors [batch, C] (one read, no per-step copies of the whole). */
export function splitSteps(x: T2, steps: number): T2[] {
  const [rows, cols] = x.shape;
  const n = rows / steps;
  const d = x.dataSync() as Float32Array;
  const out: T2[] = new Array(steps);
  for (let t = 0; t < steps; t++) out[t] = tf.tensor2d(d.subarray(t * n * cols, (t + 1) * n * cols), [n, cols]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Batches: rows of X are windows, time-major within a row (value (t, f) at t·F + f)

export interface Batch {
  /** x_t as [batch, F] for each step. */
  xs: T2[];
  /** All steps stacked time-major: [T·batch, F]. */
  X: T2;
  size: number;
}

/** Builds a batch from rows `idx[from..to)` of X (windows × T·F, already standardised). */
export function makeBatch(X: Float32Array, idx: ArrayLike<number>, from: number, to: number, T: number, F: number): Batch {
  const B = to - from;
  const buf = new Float32Array(T * B * F);
  const rowLen = T * F;
  for (let r = 0; r < B; r++) {
    const src = idx[from + r] * rowLen;
    for (let t = 0; t < T; t++) {
      const d = (t * B + r) * F;
      const s = src + t * F;
      for (let f = 0; f < F; f++) buf[d + f] = X[s + f];
    }
  }
  const xs: T2[] = new Array(T);
  for (let t = 0; t < T; t++) xs[t] = tf.tensor2d(buf.subarray(t * B * F, (t + 1) * B * F), [B, F]);
  return { xs, X: tf.tensor2d(buf, [T * B, F]), size: B };
}

// ---------------------------------------------------------------------------------------------
// Autoencoder: encoder LSTM → Dense(latent, tanh) → repeat T times → decoder LSTM → Dense(F) per step

interface AutoencoderForward {
  /** Reconstruction, time-major [T·batch, F]. */
  Y: T2;
  hEnc: T2;
  z: T2;
  HS: T2;
  enc?: LstmCache;
  dec?: LstmCache;
}

export function autoencoderForward(spec: AutoencoderNetSpec, w: tf.Tensor[], batch: Batch, keep: boolean): AutoencoderForward {
  const T = spec.windowSize;
  const H = spec.hiddenUnits;
  const B = batch.size;
  const enc = keep ? newCache() : undefined;
  const dec = keep ? newCache() : undefined;
  const hsEnc = lstmForward(w[0] as T2, w[1] as T1, (t) => batch.xs[t], T, B, H, enc);
  const hEnc = hsEnc[T - 1];
  const z = tf.tanh(tf.fused.matMul({ a: hEnc, b: w[2] as T2, bias: w[3] }));
  const hsDec = lstmForward(w[4] as T2, w[5] as T1, () => z, T, B, H, dec);
  const HS = tf.concat(hsDec, 0);
  const Y = tf.fused.matMul({ a: HS, b: w[6] as T2, bias: w[7] });
  return { Y, hEnc, z, HS, enc, dec };
}

/** Mean squared reconstruction error of the batch and the gradient of every weight. */
export function autoencoderGradients(spec: AutoencoderNetSpec, w: tf.Tensor[], batch: Batch): { loss: number; grads: tf.Tensor[] } {
  const T = spec.windowSize;
  const H = spec.hiddenUnits;
  const L = spec.latentUnits;
  const F = spec.nFeatures;
  const B = batch.size;
  const fw = autoencoderForward(spec, w, batch, true);
  const diff = tf.sub(fw.Y, batch.X);
  const loss = tf.mean(tf.square(diff)).dataSync()[0];
  const dY = tf.mul(diff, 2 / (T * B * F));
  const dWout = tf.matMul(tf.transpose(fw.HS), dY);
  const dbOut = tf.sum(dY, 0);
  const dHS = tf.matMul(dY, w[6] as T2, false, true);
  const dec = lstmBackward(w[4] as T2, fw.dec!, splitSteps(dHS, T), L, H);
  // The latent code feeds every decoder step: its gradient is the sum over steps.
  const dZsum = tf.sum(tf.reshape(dec.dZ, [T, B, 4 * H]), 0) as T2;
  const dz = tf.matMul(dZsum, tf.transpose(tf.slice(w[4] as T2, [0, 0], [L, -1])));
  const dPre = tf.mul(dz, tf.sub(tf.scalar(1), tf.square(fw.z)));
  const dWlat = tf.matMul(tf.transpose(fw.hEnc), dPre);
  const dbLat = tf.sum(dPre, 0);
  const dhEnc = tf.matMul(dPre, w[2] as T2, false, true);
  const dH: (T2 | null)[] = new Array(T).fill(null);
  dH[T - 1] = dhEnc;
  const enc = lstmBackward(w[0] as T2, fw.enc!, dH, F, H);
  return { loss, grads: [enc.dW, enc.db, dWlat, dbLat, dec.dW, dec.db, dWout, dbOut] };
}

// ---------------------------------------------------------------------------------------------
// Classifier: stacked LSTMs (dropout on each layer's outputs) → last step → Dense(K)

/** Inverted-dropout masks (0 or 1/(1−p)): per lower layer a [T·batch, H] stack, and one for the head's input. */
export interface DropoutMasks {
  layers: { all: T2; steps: T2[] }[];
  head: T2;
}

export function makeDropoutMasks(spec: ClassifierNetSpec, B: number, rate: number, rng: Random): DropoutMasks {
  const T = spec.windowSize;
  const H = spec.hiddenUnits;
  const keep = 1 - rate;
  const fill = (n: number) => {
    const a = new Float32Array(n);
    for (let k = 0; k < n; k++) a[k] = rng.float() < keep ? 1 / keep : 0;
    return a;
  };
  const layers: DropoutMasks['layers'] = [];
  for (let l = 0; l < spec.layers - 1; l++) {
    const a = fill(T * B * H);
    const steps: T2[] = [];
    for (let t = 0; t < T; t++) steps.push(tf.tensor2d(a.subarray(t * B * H, (t + 1) * B * H), [B, H]));
    layers.push({ all: tf.tensor2d(a, [T * B, H]), steps });
  }
  return { layers, head: tf.tensor2d(fill(B * H), [B, H]) };
}

interface ClassifierForward {
  logits: T2;
  /** Input of the head (the last step of the top layer, after dropout). */
  top: T2;
  caches: LstmCache[];
}

export function classifierForward(spec: ClassifierNetSpec, w: tf.Tensor[], batch: Batch, keep: boolean, masks?: DropoutMasks): ClassifierForward {
  const T = spec.windowSize;
  const H = spec.hiddenUnits;
  const B = batch.size;
  const caches: LstmCache[] = [];
  let input = (t: number) => batch.xs[t];
  let hs: T2[] = [];
  for (let l = 0; l < spec.layers; l++) {
    const cache = keep ? newCache() : undefined;
    hs = lstmForward(w[2 * l] as T2, w[2 * l + 1] as T1, input, T, B, H, cache);
    if (cache) caches.push(cache);
    const out = hs;
    const m = masks && l < spec.layers - 1 ? masks.layers[l].steps : undefined;
    input = m ? (t: number) => tf.mul(out[t], m[t]) : (t: number) => out[t];
  }
  const top = masks ? tf.mul(hs[T - 1], masks.head) : hs[T - 1];
  const k = 2 * spec.layers;
  const logits = tf.fused.matMul({ a: top, b: w[k] as T2, bias: w[k + 1] });
  return { logits, top, caches };
}

/**
 * Loss and dLoss/dlogits from logits, in float64: binary cross-entropy on one logit, or softmax
 * cross-entropy on K; each row weighted by its class weight and the sum divided by the row count
 * (Keras's class_weight semantics).
 */
export function classifierLoss(logits: Float32Array, y: ArrayLike<number>, K: number, classWeights: ArrayLike<number> | null): { loss: number; dLogits: Float32Array } {
  const B = y.length;
  const d = new Float32Array(logits.length);
  let loss = 0;
  for (let r = 0; r < B; r++) {
    const cls = y[r];
    const wgt = classWeights ? classWeights[cls] : 1;
    if (K === 1) {
      const z = logits[r];
      const p = 1 / (1 + Math.exp(-z));
      loss += wgt * (Math.max(z, 0) - cls * z + Math.log1p(Math.exp(-Math.abs(z))));
      d[r] = (wgt * (p - cls)) / B;
    } else {
      const o = r * K;
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, logits[o + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(logits[o + k] - max);
      const lse = max + Math.log(sum);
      loss += wgt * (lse - logits[o + cls]);
      for (let k = 0; k < K; k++) d[o + k] = (wgt * (Math.exp(logits[o + k] - lse) - (k === cls ? 1 : 0))) / B;
    }
  }
  return { loss: loss / B, dLogits: d };
}

export function classifierGradients(spec: ClassifierNetSpec, w: tf.Tensor[], batch: Batch, y: ArrayLike<number>, classWeights: ArrayLike<number> | null, masks?: DropoutMasks): { loss: number; grads: tf.Tensor[] } {
  const T = spec.windowSize;
  const H = spec.hiddenUnits;
  const F = spec.nFeatures;
  const K = spec.nOutputs;
  const fw = classifierForward(spec, w, batch, true, masks);
  const { loss, dLogits } = classifierLoss(fw.logits.dataSync() as Float32Array, y, K, classWeights);
  const dL = tf.tensor2d(dLogits, [batch.size, K]);
  const k = 2 * spec.layers;
  const grads: tf.Tensor[] = new Array(w.length);
  grads[k] = tf.matMul(tf.transpose(fw.top), dL);
  grads[k + 1] = tf.sum(dL, 0);
  let dTop = tf.matMul(dL, w[k] as T2, false, true);
  if (masks) dTop = tf.mul(dTop, masks.head);
  let dH: (T2 | null)[] = new Array(T).fill(null);
  dH[T - 1] = dTop;
  for (let l = spec.layers - 1; l >= 0; l--) {
    const inputSize = l === 0 ? F : H;
    const g = lstmBackward(w[2 * l] as T2, fw.caches[l], dH, inputSize, H);
    grads[2 * l] = g.dW;
    grads[2 * l + 1] = g.db;
    if (l > 0) {
      let dX = inputGradient(w[2 * l] as T2, g.dZ, inputSize);
      if (masks) dX = tf.mul(dX, masks.layers[l - 1].all);
      dH = splitSteps(dX, T);
    }
  }
  return { loss, grads };
}

// ---------------------------------------------------------------------------------------------
// Training

export interface TrainConfig {
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Share of the rows (the last ones, as Keras) held out for the validation loss. */
  validationSplit: number;
  /** Rescale the gradient when its global L2 norm exceeds this; 0 = never. */
  clipNorm: number;
  /** Classifier: dropout rate on each LSTM layer's outputs. */
  dropout: number;
  /** Classifier: weight per class index, or null. */
  classWeights: number[] | null;
  /** Standardise every feature by the training rows' mean and standard deviation. */
  standardize: boolean;
}

export interface TrainData {
  /** windows × (windowSize·nFeatures), time-major within a row. */
  X: Float32Array;
  rows: number;
  /** Classifier: class index per row. */
  y?: Int32Array;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss?: number;
  seconds: number;
}

export interface TrainResult {
  weights: Float32Array[];
  mean: Float64Array;
  std: Float64Array;
  history: { loss: number[]; valLoss: number[] };
  backend: string;
}

/** Per-feature mean and standard deviation over the first `rows` windows (every time step). */
export function featureStats(X: Float32Array, rows: number, T: number, F: number, standardize: boolean): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(F);
  const std = new Float64Array(F).fill(1);
  if (!standardize) return { mean, std };
  const n = rows * T;
  for (let k = 0; k < n; k++) for (let f = 0; f < F; f++) mean[f] += X[k * F + f];
  for (let f = 0; f < F; f++) mean[f] /= n;
  const ss = new Float64Array(F);
  for (let k = 0; k < n; k++) {
    for (let f = 0; f < F; f++) {
      const d = X[k * F + f] - mean[f];
      ss[f] += d * d;
    }
  }
  for (let f = 0; f < F; f++) {
    const s = Math.sqrt(ss[f] / n);
    std[f] = s > 1e-12 ? s : 1;
  }
  return { mean, std };
}

/** (x − mean) / std per feature, as float32. */
export function standardizeWindows(X: ArrayLike<number>, len: number, F: number, mean: ArrayLike<number>, std: ArrayLike<number>): Float32Array {
  const out = new Float32Array(len);
  for (let k = 0; k < len; k++) {
    const f = k % F;
    out[k] = (X[k] - mean[f]) / std[f];
  }
  return out;
}

/** A variable holding `init`'s values; `init` itself is disposed. */
function ownedVariable(init: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(init, trainable);
  init.dispose();
  return v;
}

/** Adam (Kingma & Ba) with bias correction folded into the step size; β1 0.9, β2 0.999, ε 1e-7 (Keras). */
class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    private readonly params: tf.Variable[],
    private readonly lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-7,
  ) {
    this.m = params.map((p) => ownedVariable(tf.zerosLike(p), false));
    this.v = params.map((p) => ownedVariable(tf.zerosLike(p), false));
  }

  /** Call inside tf.tidy. */
  apply(grads: tf.Tensor[]): void {
    this.t++;
    const step = (this.lr * Math.sqrt(1 - this.beta2 ** this.t)) / (1 - this.beta1 ** this.t);
    for (let k = 0; k < this.params.length; k++) {
      const g = grads[k];
      this.m[k].assign(tf.add(tf.mul(this.m[k], this.beta1), tf.mul(g, 1 - this.beta1)));
      this.v[k].assign(tf.add(tf.mul(this.v[k], this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
      this.params[k].assign(tf.sub(this.params[k], tf.mul(tf.div(this.m[k], tf.add(tf.sqrt(this.v[k]), this.eps)), step)));
    }
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

/** Scales the gradients so that their global L2 norm is at most `clipNorm`; throws on a non-finite norm. */
function clipGradients(grads: tf.Tensor[], clipNorm: number): tf.Tensor[] {
  const norm = Math.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]);
  if (!Number.isFinite(norm)) throw new Error('LSTM training diverged: the gradient is not finite (lower learningRate, or standardise the inputs)');
  if (clipNorm > 0 && norm > clipNorm) return grads.map((g) => tf.mul(g, clipNorm / norm));
  return grads;
}

/** The mean loss over rows `idx` (no gradients, no dropout). */
function evaluateLoss(spec: NetSpec, w: tf.Tensor[], X: Float32Array, y: Int32Array | undefined, idx: Int32Array, batchSize: number, classWeights: number[] | null): number {
  let total = 0;
  for (let s = 0; s < idx.length; s += batchSize) {
    const e = Math.min(idx.length, s + batchSize);
    total += tf.tidy(() => {
      const batch = makeBatch(X, idx, s, e, spec.windowSize, spec.nFeatures);
      if (spec.type === 'autoencoder') return tf.mean(tf.square(tf.sub(autoencoderForward(spec, w, batch, false).Y, batch.X))).dataSync()[0];
      const logits = classifierForward(spec, w, batch, false).logits.dataSync() as Float32Array;
      const labels = Int32Array.from({ length: e - s }, (_, k) => y![idx[s + k]]);
      return classifierLoss(logits, labels, spec.nOutputs, classWeights).loss;
    }) * (e - s);
  }
  return total / idx.length;
}

/**
 * Trains the network on this thread (the estimators call it in a worker). `onEpoch` is called
 * after every epoch; `onBatch(done, total)` after every batch.
 */
export function trainNet(spec: NetSpec, data: TrainData, cfg: TrainConfig, hooks: { onEpoch?: (r: EpochReport) => void; onBatch?: (done: number, total: number) => void } = {}): TrainResult {
  const T = spec.windowSize;
  const F = spec.nFeatures;
  const nVal = Math.floor(data.rows * cfg.validationSplit);
  const nTrain = data.rows - nVal;
  const { mean, std } = featureStats(data.X, nTrain, T, F, cfg.standardize);
  const X = standardizeWindows(data.X, data.rows * T * F, F, mean, std);
  const rng = new Random(cfg.seed);
  const weightSeed = rng.uint32();
  const shuffleRng = rng.fork();
  const dropoutRng = rng.fork();
  const info = weightInfo(spec);
  const vars = initialWeights(spec, weightSeed).map((a, k) => ownedVariable(tf.tensor(a, info[k].shape), true));
  const adam = new Adam(vars, cfg.learningRate);
  const order = new Int32Array(nTrain);
  const valIdx = Int32Array.from({ length: nVal }, (_, k) => nTrain + k);
  const yBatch = new Int32Array(cfg.batchSize);
  const history = { loss: [] as number[], valLoss: [] as number[] };
  const batchesPerEpoch = Math.ceil(nTrain / cfg.batchSize);
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const started = performance.now();
      for (let k = 0; k < nTrain; k++) order[k] = k;
      shuffleRng.shuffle(order);
      let lossSum = 0;
      for (let s = 0, b = 0; s < nTrain; s += cfg.batchSize, b++) {
        const e = Math.min(nTrain, s + cfg.batchSize);
        tf.tidy(() => {
          const batch = makeBatch(X, order, s, e, T, F);
          let r: { loss: number; grads: tf.Tensor[] };
          if (spec.type === 'autoencoder') {
            r = autoencoderGradients(spec, vars, batch);
          } else {
            const yb = yBatch.subarray(0, e - s);
            for (let k = s; k < e; k++) yb[k - s] = data.y![order[k]];
            const masks = cfg.dropout > 0 ? makeDropoutMasks(spec, e - s, cfg.dropout, dropoutRng) : undefined;
            r = classifierGradients(spec, vars, batch, yb, cfg.classWeights, masks);
          }
          adam.apply(clipGradients(r.grads, cfg.clipNorm));
          lossSum += r.loss * (e - s);
        });
        hooks.onBatch?.(epoch * batchesPerEpoch + b + 1, cfg.epochs * batchesPerEpoch);
      }
      const loss = lossSum / nTrain;
      history.loss.push(loss);
      let valLoss: number | undefined;
      if (nVal > 0) {
        valLoss = evaluateLoss(spec, vars, X, data.y, valIdx, Math.max(cfg.batchSize, 256), cfg.classWeights);
        history.valLoss.push(valLoss);
      }
      hooks.onEpoch?.({ epoch: epoch + 1, epochs: cfg.epochs, loss, valLoss, seconds: (performance.now() - started) / 1000 });
    }
    return { weights: vars.map((v) => v.dataSync().slice() as Float32Array), mean, std, history, backend: tf.getBackend() };
  } finally {
    adam.dispose();
    tf.dispose(vars);
  }
}

// ---------------------------------------------------------------------------------------------
// Inference (any thread)

/** Rows scored per forward pass: large enough to amortise kernel overhead, small enough for memory. */
const INFERENCE_CHUNK = 256;

function weightTensors(spec: NetSpec, weights: Float32Array[]): tf.Tensor[] {
  const info = weightInfo(spec);
  return weights.map((a, k) => tf.tensor(a, info[k].shape));
}

/**
 * Reconstructions of standardised windows (rows × T·F, time-major within a row), in the same
 * layout and standardised units.
 */
export function autoencoderOutputs(spec: AutoencoderNetSpec, weights: Float32Array[], X: Float32Array, rows: number): Float32Array {
  const T = spec.windowSize;
  const F = spec.nFeatures;
  const out = new Float32Array(rows * T * F);
  const idx = Int32Array.from({ length: rows }, (_, k) => k);
  tf.tidy(() => {
    const w = weightTensors(spec, weights);
    for (let s = 0; s < rows; s += INFERENCE_CHUNK) {
      const e = Math.min(rows, s + INFERENCE_CHUNK);
      const B = e - s;
      const Y = tf.tidy(() => autoencoderForward(spec, w, makeBatch(X, idx, s, e, T, F), false).Y.dataSync() as Float32Array);
      for (let r = 0; r < B; r++) {
        for (let t = 0; t < T; t++) out.set(Y.subarray((t * B + r) * F, (t * B + r + 1) * F), (s + r) * T * F + t * F);
      }
    }
  });
  return out;
}

/** Logits (rows × nOutputs) of standardised windows. */
export function classifierLogits(spec: ClassifierNetSpec, weights: Float32Array[], X: Float32Array, rows: number): Float32Array {
  const K = spec.nOutputs;
  const out = new Float32Array(rows * K);
  const idx = Int32Array.from({ length: rows }, (_, k) => k);
  tf.tidy(() => {
    const w = weightTensors(spec, weights);
    for (let s = 0; s < rows; s += INFERENCE_CHUNK) {
      const e = Math.min(rows, s + INFERENCE_CHUNK);
      out.set(tf.tidy(() => classifierForward(spec, w, makeBatch(X, idx, s, e, spec.windowSize, spec.nFeatures), false).logits.dataSync() as Float32Array), s * K);
    }
  });
  return out;
}
