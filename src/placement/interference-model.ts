/**
 * The learned interference model: boosted regression trees (our histogram GBDT, squared error)
 * that predict the performance degradation (0..1) a VM will suffer on a candidate host from its
 * co-location features (interference-features.ts). Trained on simulator data
 * (colocation-sim.ts); `npm run eval:interference` measures it on unseen seeds beside a mean
 * predictor, least squares and queueing heuristics.
 *
 * Also here: `LeastSquaresRegression`, the plain linear baseline the tests and the evaluation
 * compare against (src/ml has no linear regression).
 */
import { checkFitInput, checkPredictInput, checkSerialized, matrix, MLInputError, type FitOptions, type Matrix, type SerializedModel } from '../ml/core/index.js';
import { GradientBoostedTrees, type GradientBoostingParams } from '../ml/tree/index.js';
import { simulateColocationDataset } from './colocation-sim.js';
import { INTERFERENCE_FEATURE_NAMES, NUM_INTERFERENCE_FEATURES, writeInterferenceFeatures, type HostColocationState, type IncomingVm } from './interference-features.js';

/** Boosting parameters of the interference model; the objective is always squared-error regression. */
export type InterferenceModelParams = Omit<GradientBoostingParams, 'objective' | 'numClasses' | 'quantileAlpha' | 'classWeights'>;

export interface InterferenceFitOptions extends FitOptions {
  /** Held-out rows for early stopping (with `earlyStoppingRounds`). */
  validation?: { X: Matrix; y: ArrayLike<number> };
}

/**
 * Defaults chosen on the simulator's development seeds (1 train, 2 validation; depth 8 and
 * loss-guided 63-leaf trees scored the same): depth-6 trees, row and column subsampling, early
 * stopping after 50 rounds without a better validation RMSE. Shrinkage 0.15 keeps about 70 trees:
 * on development seed 3 its R² is 0.910 against 0.912 for shrinkage 0.05 (about 255 trees), and a
 * placement predicts for every allowed host, so 3.5× fewer trees is what lets one decision over
 * ten thousand hosts stay within its latency budget. Trains in a few seconds.
 */
export const DEFAULT_INTERFERENCE_PARAMS: Readonly<InterferenceModelParams> = {
  nEstimators: 800,
  learningRate: 0.15,
  maxDepth: 6,
  minChildWeight: 10,
  lambda: 1,
  subsample: 0.8,
  colsampleByTree: 0.8,
  maxBins: 256,
  earlyStoppingRounds: 50,
};

interface SerializedState {
  featureNames: string[];
  trees: SerializedModel;
}

/** Predicted degradation of a VM on a host (0..1), from co-location features. */
export class InterferenceModel {
  static readonly kind = 'InterferenceModel';
  static readonly formatVersion = 1;
  readonly params: InterferenceModelParams;
  private trees?: GradientBoostedTrees;
  private readonly scratch = new Float64Array(NUM_INTERFERENCE_FEATURES);
  private batch?: Float64Array;

  constructor(params: InterferenceModelParams = {}) {
    this.params = { ...params };
  }

  /** Boosting rounds kept (the best validation round with early stopping). */
  get rounds(): number {
    return this.fitted().rounds;
  }

  /** Validation RMSE after each round (empty without validation). */
  get validationScores(): Float64Array {
    return this.fitted().validationScores;
  }

  /** Gain importance per feature, in INTERFERENCE_FEATURE_NAMES order. */
  featureImportance(): Float64Array {
    return this.fitted().featureImportance('gain');
  }

  /** Trains on feature rows (NUM_INTERFERENCE_FEATURES columns) and measured degradations. */
  async fit(rows: Matrix, targets: ArrayLike<number>, opts: InterferenceFitOptions = {}): Promise<this> {
    const kind = InterferenceModel.kind;
    if (rows.cols !== NUM_INTERFERENCE_FEATURES) throw new MLInputError(`${kind}: rows have ${rows.cols} columns, the co-location features are ${NUM_INTERFERENCE_FEATURES}`);
    checkFitInput(kind, rows, targets);
    const params: GradientBoostingParams = { ...DEFAULT_INTERFERENCE_PARAMS, ...this.params, objective: 'regression' };
    if (!opts.validation) params.earlyStoppingRounds = 0;
    const trees = new GradientBoostedTrees(params);
    await trees.fit(rows, targets, { seed: opts.seed, signal: opts.signal, onProgress: opts.onProgress, validation: opts.validation });
    this.trees = trees;
    return this;
  }

  /** Degradation per row, clipped to [0, 1]; into `out` when given. */
  predict(rows: Matrix, out?: Float64Array): Float64Array {
    const trees = this.fitted();
    checkPredictInput(InterferenceModel.kind, rows, NUM_INTERFERENCE_FEATURES);
    const raw = trees.predictRaw(rows);
    const res = out ?? raw;
    if (res.length !== rows.rows) throw new MLInputError(`${InterferenceModel.kind}: out has ${res.length} values for ${rows.rows} rows`);
    for (let i = 0; i < rows.rows; i++) res[i] = clip01(raw[i]);
    return res;
  }

  /** Degradation of one (host, vm) pair, featurized in a buffer the model owns: no allocation. */
  predictOne(host: HostColocationState, vm: IncomingVm): number {
    const trees = this.fitted();
    writeInterferenceFeatures(host, vm, this.scratch, 0);
    return clip01(trees.predictRow(this.scratch));
  }

  /**
   * Degradation of `vm` on each of `hosts` (a placement request's candidates): featurized into one
   * buffer the model keeps and grows, then predicted as a batch. Into `out` when given.
   */
  predictHosts(hosts: readonly HostColocationState[], vm: IncomingVm, out?: Float64Array): Float64Array {
    this.fitted();
    const F = NUM_INTERFERENCE_FEATURES;
    const n = hosts.length;
    if (!this.batch || this.batch.length < n * F) this.batch = new Float64Array(Math.max(n, 64) * F);
    for (let i = 0; i < n; i++) writeInterferenceFeatures(hosts[i], vm, this.batch, i * F);
    return this.predict(matrix(this.batch.subarray(0, n * F), n, F), out);
  }

  toJSON(): SerializedModel<InterferenceModelParams, SerializedState> {
    const trees = this.fitted();
    return {
      kind: InterferenceModel.kind,
      formatVersion: InterferenceModel.formatVersion,
      params: { ...this.params },
      state: { featureNames: [...INTERFERENCE_FEATURE_NAMES], trees: trees.toJSON() },
    };
  }

  static fromJSON(json: SerializedModel<InterferenceModelParams, SerializedState>): InterferenceModel {
    checkSerialized(json, InterferenceModel.kind, InterferenceModel.formatVersion);
    const names = json.state.featureNames;
    if (names.length !== INTERFERENCE_FEATURE_NAMES.length || names.some((n, i) => n !== INTERFERENCE_FEATURE_NAMES[i])) {
      throw new MLInputError(`${InterferenceModel.kind}: the serialised model was trained on features [${names.join(', ')}], this code computes [${INTERFERENCE_FEATURE_NAMES.join(', ')}]`);
    }
    const model = new InterferenceModel(json.params);
    model.trees = GradientBoostedTrees.fromJSON(json.state.trees as Parameters<typeof GradientBoostedTrees.fromJSON>[0]);
    return model;
  }

  private fitted(): GradientBoostedTrees {
    if (!this.trees) throw new MLInputError(`${InterferenceModel.kind}: the model is not fitted; call fit() first`);
    return this.trees;
  }
}

function clip01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

export interface DefaultTrainingOptions {
  /** Rows simulated with the training seed. Default 30,000. */
  trainSamples?: number;
  /** Rows simulated with the validation seed (early stopping). Default 10,000. */
  validationSamples?: number;
  /** Seed of the validation run. Default: seed + 1. */
  validationSeed?: number;
  params?: InterferenceModelParams;
  signal?: AbortSignal;
}

export interface DefaultTrainingReport {
  seed: number;
  validationSeed: number;
  trainRows: number;
  validationRows: number;
  rounds: number;
  /** Validation RMSE at the kept round. */
  validationRmse: number;
  /** Wall time of simulation plus fit, ms. */
  trainMs: number;
}

/** Trains the interference model on simulated co-location (train seed), early-stopping on a second seed. */
export async function trainDefaultInterferenceModel(seed = 1, opts: DefaultTrainingOptions = {}): Promise<{ model: InterferenceModel; report: DefaultTrainingReport }> {
  const started = performance.now();
  const validationSeed = opts.validationSeed ?? seed + 1;
  if (validationSeed === seed) throw new MLInputError('trainDefaultInterferenceModel: the validation seed must differ from the training seed');
  const train = simulateColocationDataset(seed, opts.trainSamples ?? 30_000);
  const val = simulateColocationDataset(validationSeed, opts.validationSamples ?? 10_000);
  const model = await new InterferenceModel(opts.params).fit(train.X, train.y, { seed, signal: opts.signal, validation: { X: val.X, y: val.y } });
  const scores = model.validationScores;
  return {
    model,
    report: {
      seed,
      validationSeed,
      trainRows: train.X.rows,
      validationRows: val.X.rows,
      rounds: model.rounds,
      validationRmse: scores.length ? scores[model.rounds - 1] : NaN,
      trainMs: performance.now() - started,
    },
  };
}

/**
 * Ordinary least squares with an intercept (the linear baseline): normal equations on
 * standardised columns, solved by Cholesky. A ridge of 1e-8 per row keeps exactly collinear
 * columns (the per-class counts sum to the neighbour count) solvable without changing the fit
 * measurably; constant columns get a zero coefficient.
 */
export class LeastSquaresRegression {
  private coef?: Float64Array;
  private intercept = 0;
  private mean?: Float64Array;
  private scale?: Float64Array;

  fit(X: Matrix, y: ArrayLike<number>): this {
    checkFitInput('LeastSquaresRegression', X, y);
    const n = X.rows;
    const F = X.cols;
    const d = X.data;
    const mean = new Float64Array(F);
    const scale = new Float64Array(F);
    for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) mean[f] += d[i * F + f];
    for (let f = 0; f < F; f++) mean[f] /= n;
    for (let i = 0; i < n; i++)
      for (let f = 0; f < F; f++) {
        const t = d[i * F + f] - mean[f];
        scale[f] += t * t;
      }
    for (let f = 0; f < F; f++) scale[f] = Math.sqrt(scale[f] / n) || 1;
    let yMean = 0;
    for (let i = 0; i < n; i++) yMean += y[i];
    yMean /= n;
    // A = ZᵀZ + ridge·I, b = Zᵀ(y − ȳ) over standardised Z.
    const A = new Float64Array(F * F);
    const b = new Float64Array(F);
    const z = new Float64Array(F);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < F; f++) z[f] = (d[i * F + f] - mean[f]) / scale[f];
      const r = y[i] - yMean;
      for (let f = 0; f < F; f++) {
        const zf = z[f];
        if (zf === 0) continue;
        b[f] += zf * r;
        const row = f * F;
        for (let g = 0; g <= f; g++) A[row + g] += zf * z[g];
      }
    }
    for (let f = 0; f < F; f++) {
      for (let g = 0; g < f; g++) A[g * F + f] = A[f * F + g];
      A[f * F + f] += 1e-8 * n + (A[f * F + f] === 0 ? 1 : 0);
    }
    const w = choleskySolve(A, b, F);
    this.coef = w;
    this.mean = mean;
    this.scale = scale;
    this.intercept = yMean;
    return this;
  }

  predict(X: Matrix): Float64Array {
    const { coef, mean, scale } = this;
    if (!coef || !mean || !scale) throw new MLInputError('LeastSquaresRegression: not fitted');
    checkPredictInput('LeastSquaresRegression', X, coef.length);
    const F = X.cols;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = this.intercept;
      for (let f = 0; f < F; f++) s += (coef[f] * (X.data[i * F + f] - mean[f])) / scale[f];
      out[i] = s;
    }
    return out;
  }
}

/** Solves A·x = b for symmetric positive-definite A (n×n, row-major; overwritten). */
function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j];
    for (let k = 0; k < j; k++) s -= A[j * n + k] * A[j * n + k];
    if (!(s > 0)) throw new MLInputError('LeastSquaresRegression: the normal equations are not positive definite');
    const l = Math.sqrt(s);
    A[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j];
      for (let k = 0; k < j; k++) t -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = t / l;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let t = x[i];
    for (let k = 0; k < i; k++) t -= A[i * n + k] * x[k];
    x[i] = t / A[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = x[i];
    for (let k = i + 1; k < n; k++) t -= A[k * n + i] * x[k];
    x[i] = t / A[i * n + i];
  }
  return x;
}
