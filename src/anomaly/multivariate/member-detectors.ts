/**
 * The ensemble's members behind one interface. Every member reads the host's rows already
 * standardised and imputed (finite numbers, one column per metric, rows in time order) and says
 * how abnormal each row is — higher is more abnormal — on its own scale; the ensemble makes the
 * scales comparable afterwards (ecdf-normaliser.ts).
 *
 * - iforest: isolation forest on the row (Liu et al. 2008). Attribution: the forest's per-feature
 *   weights (how much each metric's splits isolated the row).
 * - lof: local outlier factor in novelty mode against an evenly spaced subsample of the training
 *   rows (the neighbour search is the cost). Score: LOF (≈ 1 normal, ≫ 1 isolated).
 * - ocsvm: RBF one-class SVM, Nyström features beyond 5,000 rows. Score: ρ − Σαk(x) (the negated
 *   decision function, > 0 outside the learned region).
 * - pca: squared prediction error (the Q statistic) of the row against the principal subspace of
 *   the training rows — what the metrics' usual correlations cannot explain. Attribution: each
 *   metric's share of that error, which names both sides of a broken correlation.
 * - lstm: LSTM autoencoder on the window of `windowSize` rows ending at each row (Malhotra et al.
 *   2016). Score: the window's mean squared reconstruction error; attribution: each metric's share
 *   of it. Training runs in a worker thread; scoring runs on the calling thread.
 */
import type { FitOptions, SerializedModel } from '../../ml/core/estimator.js';
import { MLInputError } from '../../ml/core/errors.js';
import { matrix, takeRows, type Matrix } from '../../ml/core/matrix.js';
import { LocalOutlierFactor, type LocalOutlierFactorParams } from '../../ml/neighbors/local-outlier-factor.js';
import { LstmAutoencoder, type LstmAutoencoderParams } from '../../ml/nn/index.js';
import { PCA } from '../../ml/stats/pca.js';
import { OneClassSVM, type OneClassSVMParams } from '../../ml/svm/one-class-svm.js';
import { IsolationForest, type IsolationForestParams } from '../../ml/tree/isolation-forest.js';
import { evenlySpaced, rowRange, windowsEndingAt } from './window-features.js';

export const MEMBER_NAMES = ['iforest', 'lof', 'ocsvm', 'pca', 'lstm'] as const;
export type MemberName = (typeof MEMBER_NAMES)[number];

export interface IsolationForestMemberParams {
  /** Trees (default 100). */
  nEstimators?: number;
  /** Rows per tree (default 256). */
  maxSamples?: number;
}

export interface LofMemberParams {
  /** Neighbours k (default 20). */
  nNeighbors?: number;
  /** Training rows kept as the reference set, evenly spaced in time (default 4,000). */
  maxTrainRows?: number;
}

export interface OcsvmMemberParams {
  /** ν, the bound on the share of training rows outside the region (default 0.1). */
  nu?: number;
  /** RBF γ (default 'scale' = 1 / (cols · Var)); on standardised rows that is about 1 / cols. */
  gamma?: number | 'scale';
  /** Nyström landmarks (default 200). */
  nComponents?: number;
  /** Training rows used, evenly spaced in time (default 20,000). */
  maxTrainRows?: number;
}

export interface PcaMemberParams {
  /** Components kept: a fraction in (0, 1) of the variance to explain, or a count (default 0.9). */
  nComponents?: number;
}

export interface LstmMemberParams {
  /** Rows per window (default 16). */
  windowSize?: number;
  hiddenUnits?: number;
  latentUnits?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Training windows, evenly spaced in time (default 2,000). */
  maxTrainWindows?: number;
}

export interface MemberParams {
  iforest?: IsolationForestMemberParams;
  lof?: LofMemberParams;
  ocsvm?: OcsvmMemberParams;
  pca?: PcaMemberParams;
  lstm?: LstmMemberParams;
}

export interface MemberFitOptions extends FitOptions {
  /** Worker threads a member may use (isolation forest; default every core). */
  threads?: number;
}

export interface SerializedMember {
  name: MemberName;
  params: Record<string, unknown>;
  model: SerializedModel;
}

/** A member of the ensemble: fit on standardised training rows, score a time-ordered series. */
export interface MemberDetector {
  readonly name: MemberName;
  /** Rows of context a row's score depends on (1 = the row alone; the LSTM's window size). */
  readonly context: number;
  fit(X: Matrix, opts?: MemberFitOptions): Promise<void>;
  /**
   * Abnormality of rows [from, X.rows) of the series X (higher = more abnormal); earlier rows are
   * context only. Returns X.rows − from values.
   */
  score(X: Matrix, from?: number): Float64Array;
  /**
   * Per-metric weights (non-negative, each row summing to 1, or all 0 when nothing stands out)
   * for the given rows of the series X, as rows.length × X.cols; undefined when the member
   * cannot attribute.
   */
  attribute?(X: Matrix, rows: ArrayLike<number>): Matrix;
  toJSON(): SerializedMember;
}

function checkFrom(X: Matrix, from: number): void {
  if (!(Number.isInteger(from) && from >= 0 && from <= X.rows)) throw new MLInputError(`member score: from must be an integer in 0..${X.rows}, got ${from}`);
}

/** Rows [from, X.rows) of X as a matrix view without copying. */
function tail(X: Matrix, from: number): Matrix {
  return from === 0 ? X : matrix(X.data.subarray(from * X.cols), X.rows - from, X.cols);
}

/** Normalises each row of a rows × cols array of non-negative weights to sum 1 (rows of zeros stay zero). */
export function normaliseRows(data: Float64Array, cols: number): Float64Array {
  for (let o = 0; o < data.length; o += cols) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[o + j];
    if (s > 0) for (let j = 0; j < cols; j++) data[o + j] /= s;
  }
  return data;
}

class IsolationForestMember implements MemberDetector {
  readonly name = 'iforest';
  readonly context = 1;
  constructor(
    readonly params: IsolationForestMemberParams,
    private model?: IsolationForest,
  ) {}

  async fit(X: Matrix, opts: MemberFitOptions = {}): Promise<void> {
    const p: IsolationForestParams = { nEstimators: this.params.nEstimators ?? 100, maxSamples: this.params.maxSamples ?? 256 };
    if (opts.threads !== undefined) p.threads = opts.threads;
    this.model = await new IsolationForest(p).fit(X, undefined, opts);
  }

  private fitted(): IsolationForest {
    if (!this.model) throw new MLInputError('iforest member is not fitted');
    return this.model;
  }

  score(X: Matrix, from = 0): Float64Array {
    checkFrom(X, from);
    return this.fitted().anomalyScore(tail(X, from));
  }

  attribute(X: Matrix, rows: ArrayLike<number>): Matrix {
    return this.fitted().featureAttributions(takeRows(X, rows));
  }

  toJSON(): SerializedMember {
    return { name: this.name, params: { ...this.params }, model: this.fitted().toJSON() as SerializedModel };
  }
}

class LofMember implements MemberDetector {
  readonly name = 'lof';
  readonly context = 1;
  constructor(
    readonly params: LofMemberParams,
    private model?: LocalOutlierFactor,
  ) {}

  async fit(X: Matrix, opts: MemberFitOptions = {}): Promise<void> {
    const ref = takeRows(X, evenlySpaced(0, X.rows, this.params.maxTrainRows ?? 4000));
    const p: LocalOutlierFactorParams = { nNeighbors: this.params.nNeighbors ?? 20, novelty: true };
    if (opts.threads !== undefined) p.threads = opts.threads;
    this.model = await new LocalOutlierFactor(p).fit(ref, undefined, opts);
  }

  score(X: Matrix, from = 0): Float64Array {
    checkFrom(X, from);
    if (!this.model) throw new MLInputError('lof member is not fitted');
    const s = this.model.scoreSamples(tail(X, from));
    for (let i = 0; i < s.length; i++) s[i] = -s[i];
    return s;
  }

  toJSON(): SerializedMember {
    if (!this.model) throw new MLInputError('lof member is not fitted');
    return { name: this.name, params: { ...this.params }, model: this.model.toJSON() as SerializedModel };
  }
}

class OcsvmMember implements MemberDetector {
  readonly name = 'ocsvm';
  readonly context = 1;
  constructor(
    readonly params: OcsvmMemberParams,
    private model?: OneClassSVM,
  ) {}

  async fit(X: Matrix, opts: MemberFitOptions = {}): Promise<void> {
    const train = takeRows(X, evenlySpaced(0, X.rows, this.params.maxTrainRows ?? 20_000));
    const p: OneClassSVMParams = { nu: this.params.nu ?? 0.1, gamma: this.params.gamma ?? 'scale', nComponents: this.params.nComponents ?? 200 };
    this.model = await new OneClassSVM(p).fit(train, undefined, opts);
  }

  score(X: Matrix, from = 0): Float64Array {
    checkFrom(X, from);
    if (!this.model) throw new MLInputError('ocsvm member is not fitted');
    const d = this.model.decisionFunction(tail(X, from));
    for (let i = 0; i < d.length; i++) d[i] = -d[i];
    return d;
  }

  toJSON(): SerializedMember {
    if (!this.model) throw new MLInputError('ocsvm member is not fitted');
    return { name: this.name, params: { ...this.params }, model: this.model.toJSON() as SerializedModel };
  }
}

class PcaMember implements MemberDetector {
  readonly name = 'pca';
  readonly context = 1;
  constructor(
    readonly params: PcaMemberParams,
    private model?: PCA,
  ) {}

  async fit(X: Matrix, opts: MemberFitOptions = {}): Promise<void> {
    this.model = await new PCA({ nComponents: this.params.nComponents ?? 0.9 }).fit(X, undefined, opts);
  }

  /** Squared residuals x − (projection of x on the kept components), per row and metric. */
  private residuals(X: Matrix): Float64Array {
    if (!this.model) throw new MLInputError('pca member is not fitted');
    const back = this.model.inverseTransform(this.model.transform(X)).data;
    const out = new Float64Array(X.data.length);
    for (let i = 0; i < out.length; i++) {
      const d = X.data[i] - back[i];
      out[i] = d * d;
    }
    return out;
  }

  score(X: Matrix, from = 0): Float64Array {
    checkFrom(X, from);
    const r = this.residuals(tail(X, from));
    const out = new Float64Array(X.rows - from);
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      for (let j = 0; j < X.cols; j++) s += r[i * X.cols + j];
      out[i] = s;
    }
    return out;
  }

  attribute(X: Matrix, rows: ArrayLike<number>): Matrix {
    return matrix(normaliseRows(this.residuals(takeRows(X, rows)), X.cols), rows.length, X.cols);
  }

  toJSON(): SerializedMember {
    if (!this.model) throw new MLInputError('pca member is not fitted');
    return { name: this.name, params: { ...this.params }, model: this.model.toJSON() as SerializedModel };
  }
}

/** Windows scored per forward pass (bounds the memory of one batch). */
const LSTM_BATCH = 4096;

class LstmMember implements MemberDetector {
  readonly name = 'lstm';
  readonly context: number;
  constructor(
    readonly params: LstmMemberParams,
    private model?: LstmAutoencoder,
  ) {
    this.context = params.windowSize ?? 16;
  }

  async fit(X: Matrix, opts: MemberFitOptions = {}): Promise<void> {
    const T = this.context;
    // Windows that lie wholly inside the training rows (fewer rows than T: the padded ones).
    const first = Math.min(T - 1, X.rows - 1);
    const ends = evenlySpaced(first, X.rows, this.params.maxTrainWindows ?? 2000);
    const p: LstmAutoencoderParams = {
      windowSize: T,
      hiddenUnits: this.params.hiddenUnits ?? 32,
      latentUnits: this.params.latentUnits ?? 16,
      epochs: this.params.epochs ?? 10,
      batchSize: this.params.batchSize ?? 64,
      learningRate: this.params.learningRate ?? 0.005,
      // The rows are standardised already; a second standardisation would rescale near-constant metrics.
      standardize: false,
    };
    this.model = await new LstmAutoencoder(p).fit(windowsEndingAt(X, T, ends), undefined, { seed: opts.seed, signal: opts.signal, onProgress: opts.onProgress });
  }

  private fitted(): LstmAutoencoder {
    if (!this.model) throw new MLInputError('lstm member is not fitted');
    return this.model;
  }

  score(X: Matrix, from = 0): Float64Array {
    checkFrom(X, from);
    const m = this.fitted();
    const out = new Float64Array(X.rows - from);
    for (let s = from; s < X.rows; s += LSTM_BATCH) {
      const e = Math.min(X.rows, s + LSTM_BATCH);
      out.set(m.reconstructionError(windowsEndingAt(X, this.context, rowRange(s, e))), s - from);
    }
    return out;
  }

  attribute(X: Matrix, rows: ArrayLike<number>): Matrix {
    const m = this.fitted();
    const out = new Float64Array(rows.length * X.cols);
    for (let s = 0; s < rows.length; s += LSTM_BATCH) {
      const e = Math.min(rows.length, s + LSTM_BATCH);
      const ends = Int32Array.from({ length: e - s }, (_, k) => rows[s + k]);
      out.set(m.featureErrors(windowsEndingAt(X, this.context, ends)).data, s * X.cols);
    }
    return matrix(normaliseRows(out, X.cols), rows.length, X.cols);
  }

  toJSON(): SerializedMember {
    return { name: this.name, params: { ...this.params }, model: this.fitted().toJSON() as SerializedModel };
  }
}

/** A new, unfitted member. */
export function createMember(name: MemberName, params: MemberParams = {}): MemberDetector {
  switch (name) {
    case 'iforest':
      return new IsolationForestMember({ ...params.iforest });
    case 'lof':
      return new LofMember({ ...params.lof });
    case 'ocsvm':
      return new OcsvmMember({ ...params.ocsvm });
    case 'pca':
      return new PcaMember({ ...params.pca });
    case 'lstm':
      return new LstmMember({ ...params.lstm });
    default:
      throw new MLInputError(`unknown ensemble member ${String(name)}; known: ${MEMBER_NAMES.join(', ')}`);
  }
}

/** A fitted member from its `toJSON()`. */
export function memberFromJSON(json: SerializedMember): MemberDetector {
  if (!json || typeof json !== 'object') throw new MLInputError('not a serialised ensemble member');
  const params = (json.params ?? {}) as Record<string, never>;
  switch (json.name) {
    case 'iforest':
      return new IsolationForestMember(params, IsolationForest.fromJSON(json.model as never));
    case 'lof':
      return new LofMember(params, LocalOutlierFactor.fromJSON(json.model as never));
    case 'ocsvm':
      return new OcsvmMember(params, OneClassSVM.fromJSON(json.model as never));
    case 'pca':
      return new PcaMember(params, PCA.fromJSON(json.model as never));
    case 'lstm':
      return new LstmMember(params, LstmAutoencoder.fromJSON(json.model as never));
    default:
      throw new MLInputError(`unknown ensemble member ${String(json.name)} in a serialised model`);
  }
}
