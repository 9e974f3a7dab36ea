/**
 * LSTM sequence classifier: which class does a window of metrics belong to (e.g. "fails within
 * H minutes" or a failure type)?
 *
 *   window [T × F] → LSTM(hiddenUnits) × layers, each layer's outputs through dropout
 *     → last step → Dense → sigmoid (2 classes) or softmax (3 or more)
 *
 * Input: one window per row, windowSize × nFeatures columns, time-major within the row (value
 * (t, f) at column t·nFeatures + f); labels are class indices 0..K−1. Features are standardised
 * by the training rows' mean and standard deviation unless `standardize: false`.
 *
 * Loss: binary or softmax cross-entropy, each row weighted by `classWeights[its class]` and the
 * sum divided by the batch size (Keras's class_weight). Dropout (inverted, masks from the seed)
 * acts on every LSTM layer's outputs, between layers and before the head; tfjs's own recurrent
 * dropout is not used because it draws from an unseeded generator.
 *
 * Training runs in a worker thread; prediction runs synchronously on the calling thread. The same
 * seed and data give the same weights bit for bit on the same backend, and `fromJSON(toJSON())`
 * predicts exactly what the original predicts.
 */
import { assertFitted, checkParamNames, checkSerialized, type Estimator, type FitOptions, type SerializedModel } from '../core/estimator.js';
import { MLInputError } from '../core/errors.js';
import { checkFitInput, checkPredictInput, type Matrix } from '../core/matrix.js';
import { decodeArray, encodeArray, type EncodedArray } from '../core/typed-array-codec.js';
import { boolParam, checkFinite, checkSplit, decodeWeights, encodeWeights, featuresPerStep, fitInWorker, inferInWorker, intParam, numParam, standardizedInput, type SerializedWeight } from './lstm-common.js';
import { classifierLogits, type ClassifierNetSpec } from './lstm-net.js';

export interface LstmSequenceClassifierParams {
  /** Time steps per window (required). */
  windowSize?: number;
  /** Units of every LSTM layer (default 32). */
  hiddenUnits?: number;
  /** Stacked LSTM layers (default 1). */
  layers?: number;
  /** Dropout rate on every LSTM layer's outputs during training, in [0, 1) (default 0). */
  dropout?: number;
  /** Passes over the training windows (default 20). */
  epochs?: number;
  /** Windows per gradient step (default 64). */
  batchSize?: number;
  /** Adam's step size (default 0.001). */
  learningRate?: number;
  /** Weight of each class's rows in the loss, e.g. { 1: 10 } to up-weight rare positives (default 1 each). */
  classWeights?: Record<number, number>;
  /** Number of classes (default: the largest label + 1, at least 2). */
  numClasses?: number;
  /** Share of the rows, the last ones, held out to report a validation loss per epoch (default 0). */
  validationSplit?: number;
  /** Gradients are rescaled when their global L2 norm exceeds this; 0 = never (default 5). */
  clipNorm?: number;
  /** Standardise every feature by the training rows' mean and standard deviation (default true). */
  standardize?: boolean;
}

const KIND = 'LstmSequenceClassifier';
const FORMAT_VERSION = 1;
const PARAM_NAMES = ['windowSize', 'hiddenUnits', 'layers', 'dropout', 'epochs', 'batchSize', 'learningRate', 'classWeights', 'numClasses', 'validationSplit', 'clipNorm', 'standardize'] as const;

interface FittedState {
  spec: ClassifierNetSpec;
  numClasses: number;
  weights: Float32Array[];
  mean: Float64Array;
  std: Float64Array;
  history: { loss: number[]; valLoss: number[] };
  backend: string;
}

interface SerializedState {
  windowSize: number;
  nFeatures: number;
  hiddenUnits: number;
  layers: number;
  numClasses: number;
  backend: string;
  mean: EncodedArray;
  std: EncodedArray;
  weights: SerializedWeight[];
  history: { loss: number[]; valLoss: number[] };
}

export class LstmSequenceClassifier implements Estimator<LstmSequenceClassifierParams> {
  static readonly kind = KIND;
  private state?: FittedState;

  constructor(readonly params: LstmSequenceClassifierParams = {}) {}

  private resolved() {
    const p = this.params;
    checkParamNames(KIND, p, PARAM_NAMES);
    return {
      windowSize: intParam(KIND, 'windowSize', p.windowSize, undefined),
      hiddenUnits: intParam(KIND, 'hiddenUnits', p.hiddenUnits, 32),
      layers: intParam(KIND, 'layers', p.layers, 1),
      dropout: numParam(KIND, 'dropout', p.dropout, 0, 0, 1),
      epochs: intParam(KIND, 'epochs', p.epochs, 20),
      batchSize: intParam(KIND, 'batchSize', p.batchSize, 64),
      learningRate: numParam(KIND, 'learningRate', p.learningRate, 0.001, 0, Infinity, { openLow: true }),
      numClasses: p.numClasses === undefined ? undefined : intParam(KIND, 'numClasses', p.numClasses, undefined, 2),
      validationSplit: numParam(KIND, 'validationSplit', p.validationSplit, 0, 0, 1),
      clipNorm: numParam(KIND, 'clipNorm', p.clipNorm, 5, 0, Infinity),
      standardize: boolParam(KIND, 'standardize', p.standardize, true),
    };
  }

  /** Trains on windows X (rows × windowSize·nFeatures) with class indices y. Runs in a worker thread. */
  async fit(X: Matrix, y?: ArrayLike<number>, opts: FitOptions = {}): Promise<this> {
    const r = this.resolved();
    if (y === undefined) throw new MLInputError(`${KIND}: fit needs labels y`);
    checkFitInput(KIND, X, y);
    const F = featuresPerStep(KIND, X, r.windowSize);
    checkSplit(KIND, X.rows, r.validationSplit);
    let maxLabel = 0;
    const seen = new Set<number>();
    for (let i = 0; i < y.length; i++) {
      const c = y[i];
      if (!Number.isInteger(c) || c < 0) throw new MLInputError(`${KIND}: label ${i} is ${c}; labels are class indices 0, 1, 2, …`);
      if (r.numClasses !== undefined && c >= r.numClasses) throw new MLInputError(`${KIND}: label ${i} is ${c}, but numClasses is ${r.numClasses}`);
      maxLabel = Math.max(maxLabel, c);
      seen.add(c);
    }
    if (seen.size < 2) throw new MLInputError(`${KIND}: y has a single class (${[...seen][0]}); a classifier needs at least two`);
    const numClasses = r.numClasses ?? Math.max(2, maxLabel + 1);
    const classWeights = this.classWeightTable(numClasses);
    const spec: ClassifierNetSpec = { type: 'classifier', windowSize: r.windowSize, nFeatures: F, hiddenUnits: r.hiddenUnits, layers: r.layers, nOutputs: numClasses === 2 ? 1 : numClasses };
    const config = { seed: opts.seed ?? 0, epochs: r.epochs, batchSize: r.batchSize, learningRate: r.learningRate, validationSplit: r.validationSplit, clipNorm: r.clipNorm, dropout: r.dropout, classWeights, standardize: r.standardize };
    const result = await fitInWorker(spec, config, Float32Array.from(X.data), X.rows, Int32Array.from(y), opts);
    this.state = { spec, numClasses, weights: result.weights, mean: result.mean, std: result.std, history: result.history, backend: result.backend };
    opts.onProgress?.({ fraction: 1, message: 'fitted' });
    return this;
  }

  private classWeightTable(numClasses: number): number[] | null {
    const cw = this.params.classWeights;
    if (cw === undefined) return null;
    if (typeof cw !== 'object' || cw === null) throw new MLInputError(`${KIND}: classWeights must be an object { class: weight }`);
    const table = new Array<number>(numClasses).fill(1);
    for (const [key, w] of Object.entries(cw)) {
      const c = Number(key);
      if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new MLInputError(`${KIND}: classWeights has class ${key}, classes are 0..${numClasses - 1}`);
      if (!(typeof w === 'number' && Number.isFinite(w) && w >= 0)) throw new MLInputError(`${KIND}: classWeights[${key}] must be a finite number >= 0, got ${String(w)}`);
      table[c] = w;
    }
    return table;
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

  private logits(X: Matrix): { s: FittedState; logits: Float32Array } {
    const s = this.check(X);
    return { s, logits: classifierLogits(s.spec, s.weights, standardizedInput(X, s.spec.nFeatures, s.mean, s.std), X.rows) };
  }

  /**
   * Class probabilities: with two classes P(class 1) per row; with K ≥ 3, rows × K row-major
   * (each row sums to 1).
   */
  predictProba(X: Matrix): Float64Array {
    const { s, logits } = this.logits(X);
    return probabilities(s, logits, X.rows);
  }

  /** `predictProba` computed in a worker thread, for batches large enough to hold the calling thread: identical numbers. */
  async predictProbaAsync(X: Matrix, opts: { signal?: AbortSignal } = {}): Promise<Float64Array> {
    const s = this.check(X);
    const logits = await inferInWorker(s.spec, s.weights, standardizedInput(X, s.spec.nFeatures, s.mean, s.std), X.rows, opts.signal);
    return probabilities(s, logits, X.rows);
  }

  /** The most probable class per row (binary: P(class 1) ≥ 0.5). */
  predict(X: Matrix): Float64Array {
    const { s, logits } = this.logits(X);
    const K = s.spec.nOutputs;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      if (K === 1) {
        out[i] = logits[i] >= 0 ? 1 : 0;
        continue;
      }
      let best = 0;
      for (let k = 1; k < K; k++) if (logits[i * K + k] > logits[i * K + best]) best = k;
      out[i] = best;
    }
    return out;
  }

  get numClasses(): number {
    return this.fitted().numClasses;
  }

  get windowSize(): number {
    return this.fitted().spec.windowSize;
  }

  get nFeatures(): number {
    return this.fitted().spec.nFeatures;
  }

  /** Training (and validation) loss per epoch. */
  get history(): { loss: readonly number[]; valLoss: readonly number[] } {
    return this.fitted().history;
  }

  /** The tfjs backend the model was trained on; predictions match bit for bit only on the same backend. */
  get trainedOn(): string {
    return this.fitted().backend;
  }

  toJSON(): SerializedModel<LstmSequenceClassifierParams, SerializedState> {
    const s = this.fitted();
    return {
      kind: KIND,
      formatVersion: FORMAT_VERSION,
      params: { ...this.params, ...(this.params.classWeights ? { classWeights: { ...this.params.classWeights } } : {}) },
      state: {
        windowSize: s.spec.windowSize,
        nFeatures: s.spec.nFeatures,
        hiddenUnits: s.spec.hiddenUnits,
        layers: s.spec.layers,
        numClasses: s.numClasses,
        backend: s.backend,
        mean: encodeArray(s.mean),
        std: encodeArray(s.std),
        weights: encodeWeights(s.spec, s.weights),
        history: { loss: [...s.history.loss], valLoss: [...s.history.valLoss] },
      },
    };
  }

  static fromJSON(json: SerializedModel<LstmSequenceClassifierParams, SerializedState>): LstmSequenceClassifier {
    checkSerialized(json, KIND, FORMAT_VERSION);
    const s = json.state;
    const m = new LstmSequenceClassifier(json.params);
    const numClasses = intParam(KIND, 'state.numClasses', s.numClasses, undefined, 2);
    const spec: ClassifierNetSpec = {
      type: 'classifier',
      windowSize: intParam(KIND, 'state.windowSize', s.windowSize, undefined),
      nFeatures: intParam(KIND, 'state.nFeatures', s.nFeatures, undefined),
      hiddenUnits: intParam(KIND, 'state.hiddenUnits', s.hiddenUnits, undefined),
      layers: intParam(KIND, 'state.layers', s.layers, undefined),
      nOutputs: numClasses === 2 ? 1 : numClasses,
    };
    const mean = decodeArray(s.mean, 'f64');
    const std = decodeArray(s.std, 'f64');
    if (mean.length !== spec.nFeatures || std.length !== spec.nFeatures) throw new MLInputError(`${KIND}: serialised mean/std have ${mean.length}/${std.length} values for ${spec.nFeatures} features`);
    m.state = { spec, numClasses, weights: decodeWeights(KIND, spec, s.weights), mean, std, history: { loss: [...(s.history?.loss ?? [])], valLoss: [...(s.history?.valLoss ?? [])] }, backend: String(s.backend) };
    return m;
  }
}

/** Sigmoid of one logit per row, or a softmax over K per row. */
function probabilities(s: FittedState, logits: Float32Array, rows: number): Float64Array {
  const K = s.spec.nOutputs;
  const out = new Float64Array(logits.length);
  if (K === 1) {
    for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]));
    return out;
  }
  for (let i = 0; i < rows; i++) {
    const o = i * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, logits[o + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += out[o + k] = Math.exp(logits[o + k] - max);
    for (let k = 0; k < K; k++) out[o + k] /= sum;
  }
  return out;
}
