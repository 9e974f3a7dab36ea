/**
 * LSTM autoencoder for multivariate metric windows (Malhotra et al., "LSTM-based encoder-decoder
 * for multi-sensor anomaly detection", 2016): trained to reconstruct normal windows, it
 * reconstructs abnormal ones badly, so the reconstruction error is an anomaly score and its split
 * over features names the metrics that misbehave.
 *
 *   window [T × F] → encoder LSTM(hiddenUnits) → last state → Dense(latentUnits, tanh)
 *     → repeated T times → decoder LSTM(hiddenUnits, every step) → Dense(F) per step → [T × F]
 *
 * Input: a Matrix with one window per row and windowSize × nFeatures columns, time-major within
 * the row — value (t, f) at column t·nFeatures + f — so a row is the window's samples one time
 * step after another. nFeatures comes from the data (X.cols / windowSize).
 *
 * Each feature is standardised by the training rows' mean and standard deviation (unless
 * `standardize: false`), and errors are measured in those standardised units, so features of
 * different scales (a 0–1 utilisation beside thousands of IOPS) weigh alike in the score and
 * their per-feature errors compare directly.
 *
 * Training (mean squared error, Adam, seeded shuffling) runs in a worker thread; prediction runs
 * synchronously on the calling thread with tfjs's WASM backend (see tfjs-backend.ts). The same
 * seed and data give the same weights bit for bit on the same backend, and `fromJSON(toJSON())`
 * predicts exactly what the original predicts.
 */
import { assertFitted, checkParamNames, checkSerialized, type Estimator, type FitOptions, type SerializedModel } from '../core/estimator.js';
import { MLInputError } from '../core/errors.js';
import { checkFitInput, checkPredictInput, matrix, type Matrix } from '../core/matrix.js';
import { decodeArray, encodeArray, type EncodedArray } from '../core/typed-array-codec.js';
import { boolParam, checkFinite, checkSplit, decodeWeights, encodeWeights, featuresPerStep, fitInWorker, inferInWorker, intParam, numParam, standardizedInput, type SerializedWeight } from './lstm-common.js';
import { autoencoderOutputs, type AutoencoderNetSpec } from './lstm-net.js';

export interface LstmAutoencoderParams {
  /** Time steps per window (required). */
  windowSize?: number;
  /** Units of the encoder and decoder LSTMs (default 32). */
  hiddenUnits?: number;
  /** Size of the bottleneck code (default 16). */
  latentUnits?: number;
  /** Passes over the training windows (default 20). */
  epochs?: number;
  /** Windows per gradient step (default 64). */
  batchSize?: number;
  /** Adam's step size (default 0.001). */
  learningRate?: number;
  /** Share of the rows, the last ones, held out to report a validation loss per epoch (default 0). */
  validationSplit?: number;
  /** Gradients are rescaled when their global L2 norm exceeds this; 0 = never (default 5). */
  clipNorm?: number;
  /** Standardise every feature by the training rows' mean and standard deviation (default true). */
  standardize?: boolean;
}

const KIND = 'LstmAutoencoder';
const FORMAT_VERSION = 1;
const PARAM_NAMES = ['windowSize', 'hiddenUnits', 'latentUnits', 'epochs', 'batchSize', 'learningRate', 'validationSplit', 'clipNorm', 'standardize'] as const;

interface FittedState {
  spec: AutoencoderNetSpec;
  weights: Float32Array[];
  mean: Float64Array;
  std: Float64Array;
  history: { loss: number[]; valLoss: number[] };
  /** The tfjs backend the weights were trained on. */
  backend: string;
}

interface SerializedState {
  windowSize: number;
  nFeatures: number;
  hiddenUnits: number;
  latentUnits: number;
  backend: string;
  mean: EncodedArray;
  std: EncodedArray;
  weights: SerializedWeight[];
  history: { loss: number[]; valLoss: number[] };
}

/** Per-window and per-feature reconstruction errors (standardised units). */
export interface ReconstructionErrors {
  /** Mean squared error of each window over its T × F values. */
  perWindow: Float64Array;
  /** rows × nFeatures: each feature's mean squared error over the window's T steps; a row's mean is its perWindow value. */
  perFeature: Matrix;
}

export class LstmAutoencoder implements Estimator<LstmAutoencoderParams> {
  static readonly kind = KIND;
  private state?: FittedState;

  constructor(readonly params: LstmAutoencoderParams = {}) {}

  private resolved() {
    const p = this.params;
    checkParamNames(KIND, p, PARAM_NAMES);
    return {
      windowSize: intParam(KIND, 'windowSize', p.windowSize, undefined),
      hiddenUnits: intParam(KIND, 'hiddenUnits', p.hiddenUnits, 32),
      latentUnits: intParam(KIND, 'latentUnits', p.latentUnits, 16),
      epochs: intParam(KIND, 'epochs', p.epochs, 20),
      batchSize: intParam(KIND, 'batchSize', p.batchSize, 64),
      learningRate: numParam(KIND, 'learningRate', p.learningRate, 0.001, 0, Infinity, { openLow: true }),
      validationSplit: numParam(KIND, 'validationSplit', p.validationSplit, 0, 0, 1),
      clipNorm: numParam(KIND, 'clipNorm', p.clipNorm, 5, 0, Infinity),
      standardize: boolParam(KIND, 'standardize', p.standardize, true),
    };
  }

  /** Trains on windows X (rows × windowSize·nFeatures); y is ignored. Runs in a worker thread. */
  async fit(X: Matrix, _y?: ArrayLike<number>, opts: FitOptions = {}): Promise<this> {
    const r = this.resolved();
    checkFitInput(KIND, X);
    const F = featuresPerStep(KIND, X, r.windowSize);
    checkSplit(KIND, X.rows, r.validationSplit);
    const spec: AutoencoderNetSpec = { type: 'autoencoder', windowSize: r.windowSize, nFeatures: F, hiddenUnits: r.hiddenUnits, latentUnits: r.latentUnits };
    const config = { seed: opts.seed ?? 0, epochs: r.epochs, batchSize: r.batchSize, learningRate: r.learningRate, validationSplit: r.validationSplit, clipNorm: r.clipNorm, dropout: 0, classWeights: null, standardize: r.standardize };
    const result = await fitInWorker(spec, config, Float32Array.from(X.data), X.rows, undefined, opts);
    this.state = { spec, weights: result.weights, mean: result.mean, std: result.std, history: result.history, backend: result.backend };
    opts.onProgress?.({ fraction: 1, message: 'fitted' });
    return this;
  }

  private fitted(): FittedState {
    assertFitted(KIND, this.state);
    return this.state;
  }

  private check(X: Matrix): FittedState {
    const s = this.fitted();
    checkPredictInput(KIND, X, s.spec.windowSize * s.spec.nFeatures);
    checkFinite(KIND, X);
    return s;
  }

  /** Standardised input and standardised reconstruction. */
  private run(X: Matrix): { s: FittedState; Z: Float32Array; R: Float32Array } {
    const s = this.check(X);
    const Z = standardizedInput(X, s.spec.nFeatures, s.mean, s.std);
    return { s, Z, R: autoencoderOutputs(s.spec, s.weights, Z, X.rows) };
  }

  /** The reconstructed windows, in the input's layout and units. */
  reconstruct(X: Matrix): Matrix {
    const { s, R } = this.run(X);
    const F = s.spec.nFeatures;
    const out = new Float64Array(R.length);
    for (let k = 0; k < R.length; k++) out[k] = R[k] * s.std[k % F] + s.mean[k % F];
    return matrix(out, X.rows, X.cols);
  }

  /** Per-window and per-feature mean squared reconstruction errors from one forward pass. */
  reconstructionErrors(X: Matrix): ReconstructionErrors {
    const { s, Z, R } = this.run(X);
    return errorsOf(s, Z, R, X.rows);
  }

  /**
   * `reconstructionErrors` computed in a worker thread, for batches large enough to hold the
   * calling thread (roughly 0.4–1 ms per 60×4 window with 32 units on this machine): identical
   * numbers.
   */
  async reconstructionErrorsAsync(X: Matrix, opts: { signal?: AbortSignal } = {}): Promise<ReconstructionErrors> {
    const s = this.check(X);
    const Z = standardizedInput(X, s.spec.nFeatures, s.mean, s.std);
    const R = await inferInWorker(s.spec, s.weights, Z.slice(), X.rows, opts.signal);
    return errorsOf(s, Z, R, X.rows);
  }

  /** Mean squared reconstruction error per window (standardised units): higher is more anomalous. */
  reconstructionError(X: Matrix): Float64Array {
    return this.reconstructionErrors(X).perWindow;
  }

  /** rows × nFeatures: each feature's mean squared error over the window — which metrics the model could not reconstruct. */
  featureErrors(X: Matrix): Matrix {
    return this.reconstructionErrors(X).perFeature;
  }

  /** −reconstructionError, like sklearn's `score_samples` (lower is more anomalous). */
  scoreSamples(X: Matrix): Float64Array {
    const e = this.reconstructionError(X);
    for (let i = 0; i < e.length; i++) e[i] = -e[i];
    return e;
  }

  /** The estimator contract's prediction: the reconstruction, flattened in X's layout (see `reconstruct`). */
  predict(X: Matrix): Float64Array {
    return this.reconstruct(X).data as Float64Array;
  }

  get windowSize(): number {
    return this.fitted().spec.windowSize;
  }

  get nFeatures(): number {
    return this.fitted().spec.nFeatures;
  }

  /** Training (and validation) loss per epoch, in standardised units. */
  get history(): { loss: readonly number[]; valLoss: readonly number[] } {
    return this.fitted().history;
  }

  /** The tfjs backend the model was trained on; predictions match bit for bit only on the same backend. */
  get trainedOn(): string {
    return this.fitted().backend;
  }

  toJSON(): SerializedModel<LstmAutoencoderParams, SerializedState> {
    const s = this.fitted();
    return {
      kind: KIND,
      formatVersion: FORMAT_VERSION,
      params: { ...this.params },
      state: {
        windowSize: s.spec.windowSize,
        nFeatures: s.spec.nFeatures,
        hiddenUnits: s.spec.hiddenUnits,
        latentUnits: s.spec.latentUnits,
        backend: s.backend,
        mean: encodeArray(s.mean),
        std: encodeArray(s.std),
        weights: encodeWeights(s.spec, s.weights),
        history: { loss: [...s.history.loss], valLoss: [...s.history.valLoss] },
      },
    };
  }

  static fromJSON(json: SerializedModel<LstmAutoencoderParams, SerializedState>): LstmAutoencoder {
    checkSerialized(json, KIND, FORMAT_VERSION);
    const s = json.state;
    const m = new LstmAutoencoder(json.params);
    const spec: AutoencoderNetSpec = {
      type: 'autoencoder',
      windowSize: intParam(KIND, 'state.windowSize', s.windowSize, undefined),
      nFeatures: intParam(KIND, 'state.nFeatures', s.nFeatures, undefined),
      hiddenUnits: intParam(KIND, 'state.hiddenUnits', s.hiddenUnits, undefined),
      latentUnits: intParam(KIND, 'state.latentUnits', s.latentUnits, undefined),
    };
    const mean = decodeArray(s.mean, 'f64');
    const std = decodeArray(s.std, 'f64');
    if (mean.length !== spec.nFeatures || std.length !== spec.nFeatures) throw new MLInputError(`${KIND}: serialised mean/std have ${mean.length}/${std.length} values for ${spec.nFeatures} features`);
    m.state = { spec, weights: decodeWeights(KIND, spec, s.weights), mean, std, history: { loss: [...(s.history?.loss ?? [])], valLoss: [...(s.history?.valLoss ?? [])] }, backend: String(s.backend) };
    return m;
  }
}

/** Squared errors between standardised windows Z and their reconstructions R, per window and per feature. */
function errorsOf(s: FittedState, Z: Float32Array, R: Float32Array, rows: number): ReconstructionErrors {
  const T = s.spec.windowSize;
  const F = s.spec.nFeatures;
  const perWindow = new Float64Array(rows);
  const perFeature = new Float64Array(rows * F);
  for (let i = 0; i < rows; i++) {
    let total = 0;
    for (let t = 0; t < T; t++) {
      const o = i * T * F + t * F;
      for (let f = 0; f < F; f++) {
        const d = R[o + f] - Z[o + f];
        perFeature[i * F + f] += d * d;
      }
    }
    for (let f = 0; f < F; f++) {
      total += perFeature[i * F + f];
      perFeature[i * F + f] /= T;
    }
    perWindow[i] = total / (T * F);
  }
  return { perWindow, perFeature: matrix(perFeature, rows, F) };
}
