import {
  assertFitted,
  checkFitInput,
  checkParamNames,
  checkPredictInput,
  checkSerialized,
  decodeArray,
  defaultThreads,
  encodeArray,
  MLInputError,
  Random,
  throwIfCancelled,
  type EncodedArray,
  type Estimator,
  type FitOptions,
  type Matrix,
  type SerializedModel,
} from '../core/index.js';
import { QuantileBinner } from './binning.js';
import { FlatForest, ForestBuilder, type SerializedForest } from './flat-tree.js';
import type { CoreShared, PendingTree } from './boost-core.js';
import { createArena, LocalBoostEngine, WorkerBoostEngine, type BoostEngine } from './boost-engine.js';
import { baseScore, checkLabels, evaluateMetric, metricName, transformOutputs, type ObjectiveConfig, type ObjectiveName } from './objectives.js';
import { BoostTreeGrower, type GrowConfig } from './tree-builder.js';
import { treeShap } from './tree-shap.js';

export interface GradientBoostingParams {
  /** 'binary' (log loss, labels 0/1), 'multiclass' (softmax, labels 0..k-1), 'regression' (squared error), 'quantile' (pinball). Default 'binary'. */
  objective?: ObjectiveName;
  /** Classes for 'multiclass'; default: largest label + 1. */
  numClasses?: number;
  /** The quantile predicted by 'quantile' (0 < alpha < 1). Default 0.5. */
  quantileAlpha?: number;
  /** Boosting rounds (trees per output). Default 100. */
  nEstimators?: number;
  /** Shrinkage of every leaf. Default 0.1. */
  learningRate?: number;
  /** Depth limit; 0 = none (lossguide only). Default 6 (depthwise), 0 (lossguide). */
  maxDepth?: number;
  /** Leaf limit per tree; 0 = none. Default 0 (depthwise), 31 (lossguide). */
  maxLeaves?: number;
  /** 'depthwise' (XGBoost) or 'lossguide' (best leaf first, LightGBM). Default 'depthwise'. */
  growPolicy?: 'depthwise' | 'lossguide';
  /** Minimum hessian sum in a child. Default 1. */
  minChildWeight?: number;
  /** L2 regularisation of leaf weights. Default 1. */
  lambda?: number;
  /** L1 regularisation of leaf weights. Default 0. */
  alpha?: number;
  /** Minimum gain to split (XGBoost's gamma). Default 0. */
  minSplitGain?: number;
  /** Fraction of rows drawn (without replacement, per row) for each round. Default 1. */
  subsample?: number;
  /** Fraction of features drawn for each tree. Default 1. */
  colsampleByTree?: number;
  /** Histogram bins per feature, the missing-value bin included (2..256). Default 256. */
  maxBins?: number;
  /** Weight of each class's rows (classification), e.g. { 1: 5 } to up-weight positives. */
  classWeights?: Record<number, number>;
  /** Stop when the validation metric has not improved for this many rounds (needs `validation`); 0 = off. */
  earlyStoppingRounds?: number;
  /** Threads for histogram building; default all cores, or 1 for data too small to gain from threads. */
  threads?: number;
}

export interface GradientBoostingFitOptions extends FitOptions {
  /** Held-out data for the validation metric (reported in onProgress) and early stopping. */
  validation?: { X: Matrix; y: ArrayLike<number> };
}

const PARAM_NAMES = [
  'objective',
  'numClasses',
  'quantileAlpha',
  'nEstimators',
  'learningRate',
  'maxDepth',
  'maxLeaves',
  'growPolicy',
  'minChildWeight',
  'lambda',
  'alpha',
  'minSplitGain',
  'subsample',
  'colsampleByTree',
  'maxBins',
  'classWeights',
  'earlyStoppingRounds',
  'threads',
] as const;

type Resolved = Required<Omit<GradientBoostingParams, 'classWeights' | 'numClasses' | 'threads'>> & { classWeights?: Record<number, number>; numClasses?: number; threads?: number };

interface State {
  nFeatures: number;
  objective: ObjectiveConfig;
  baseScore: Float64Array;
  forest: FlatForest;
  /** Rounds kept (best iteration + 1 with early stopping). */
  rounds: number;
  /** Validation metric after each round trained (empty without validation). */
  validationScores: Float64Array;
}

interface SerializedState {
  nFeatures: number;
  objective: ObjectiveConfig;
  baseScore: EncodedArray;
  forest: SerializedForest;
  rounds: number;
  validationScores: EncodedArray;
}

/** Rows × features below which threads cost more to start than they save. */
const THREAD_MIN_CELLS = 400_000;

/**
 * Histogram gradient-boosted trees (after XGBoost `hist` and LightGBM): quantile bins with a
 * missing-value bin and learned default directions, depth-wise or loss-guided growth, histogram
 * subtraction, L1/L2/gamma/min-child-weight regularisation, row and column subsampling, class
 * weights, early stopping, and training parallelised by feature range over worker threads with
 * the same model for every thread count. The fitted model is a FlatForest with raw thresholds.
 */
export class GradientBoostedTrees implements Estimator<GradientBoostingParams> {
  static readonly kind = 'GradientBoostedTrees';
  static readonly formatVersion = 1;
  readonly params: GradientBoostingParams;
  private state?: State;
  private rowBuffer?: Float64Array;

  constructor(params: GradientBoostingParams = {}) {
    this.params = { ...params };
  }

  /** Boosting rounds kept in the model (the best iteration + 1 when early stopping stopped it). */
  get rounds(): number {
    return this.fitted().rounds;
  }

  /** The validation metric after each trained round (empty without a validation set). */
  get validationScores(): Float64Array {
    return this.fitted().validationScores;
  }

  get numFeatures(): number {
    return this.fitted().nFeatures;
  }

  /** Outputs per row of predictRaw: the class count for multiclass, else 1. */
  get numOutputs(): number {
    return this.fitted().objective.numOutputs;
  }

  /** The trees, for inspection and explanation. */
  get forest(): FlatForest {
    return this.fitted().forest;
  }

  /** The starting margin of each output. */
  get baseScore(): Float64Array {
    return this.fitted().baseScore.slice();
  }

  async fit(X: Matrix, y?: ArrayLike<number>, opts: GradientBoostingFitOptions = {}): Promise<this> {
    const kind = GradientBoostedTrees.kind;
    checkParamNames(kind, this.params, PARAM_NAMES);
    const p = resolveParams(this.params);
    if (y === undefined) throw new MLInputError(`${kind}: fit needs labels y`);
    checkFitInput(kind, X, y, { allowNaNFeatures: true });
    const n = X.rows;
    const F = X.cols;
    const objective = objectiveConfig(p, y);
    checkLabels(kind, objective, y);
    const K = objective.numOutputs;
    const yArr = Float64Array.from(y);
    const weights = rowWeights(kind, p, objective, yArr);
    const val = opts.validation;
    if (val) {
      checkFitInput(`${kind} validation`, val.X, val.y, { allowNaNFeatures: true });
      if (val.X.cols !== F) throw new MLInputError(`${kind}: validation X has ${val.X.cols} columns, X has ${F}`);
      checkLabels(`${kind} validation`, objective, val.y);
    }
    if (p.earlyStoppingRounds > 0 && !val) throw new MLInputError(`${kind}: earlyStoppingRounds needs a validation set (fit options: validation: { X, y })`);
    const seed = opts.seed ?? 0;
    const signal = opts.signal;
    throwIfCancelled(signal);

    const threads = p.threads ?? (n * F >= THREAD_MIN_CELLS ? defaultThreads() : 1);
    const shared = threads > 1;
    const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    // Threads boot while the data is binned.
    const pool = shared ? WorkerBoostEngine.startPool(threads) : undefined;
    let engine: BoostEngine | undefined;
    let bestRound = -1;
    let roundsTrained = 0;
    const forest = new ForestBuilder(1, K);
    const valScores: number[] = [];
    let base: Float64Array = new Float64Array(K);
    try {
      const binner = new QuantileBinner({ maxBins: p.maxBins }).fit(X, seed);
      const counts = binner.binCounts();
      const offsets = new Int32Array(F + 1);
      for (let f = 0; f < F; f++) offsets[f + 1] = offsets[f] + counts[f];
      const { memory, layout } = createArena(n, F, K, threads, offsets[F] * 16, maxHistograms(p));
      binner.transform(X, new Uint8Array(memory.buffer, layout.bins, n * F));
      base = baseScore(objective, yArr, weights);
      const pred = new Float64Array(buffer(8 * n * K));
      for (let i = 0; i < n; i++) pred.set(base, i * K);
      const copy = <T extends Float64Array>(a: T): Float64Array => {
        const out = new Float64Array(buffer(8 * a.length));
        out.set(a);
        return out;
      };
      const core: CoreShared = {
        memory,
        layout,
        n,
        offsets,
        y: copy(yArr),
        weights: weights ? copy(weights) : null,
        pred,
        samples: [new Uint32Array(buffer(4 * n)), new Uint32Array(buffer(4 * n))],
        masks: [new Uint8Array(buffer(n)), new Uint8Array(buffer(n))],
        barrier: new Int32Array(buffer(16)),
        objective,
        split: { lambda: p.lambda, alpha: p.alpha, minChildWeight: p.minChildWeight },
        threads,
      };
      throwIfCancelled(signal);
      engine = pool ? await WorkerBoostEngine.attach(pool, core) : new LocalBoostEngine(core);
      const growCfg: GrowConfig = {
        maxDepth: p.maxDepth,
        maxLeaves: p.maxLeaves,
        growPolicy: p.growPolicy,
        lambda: p.lambda,
        alpha: p.alpha,
        minChildWeight: p.minChildWeight,
        minSplitGain: p.minSplitGain,
        learningRate: p.learningRate,
        renewQuantiles: objective.name === 'quantile',
      };
      const grower = new BoostTreeGrower(engine, growCfg, (f, b) => binner.threshold(f, b));
      const valPred = val ? new Float64Array(val.X.rows * K) : null;
      if (val && valPred) for (let i = 0; i < val.X.rows; i++) valPred.set(base, i * K);
      const rng = new Random(seed);
      const allFeatures = Int32Array.from({ length: F }, (_, f) => f);
      const nColsTree = Math.max(1, Math.round(F * p.colsampleByTree));
      const subsampled = p.subsample < 1;
      let bestScore = Infinity;
      let pending: PendingTree | null = null;
      for (let round = 0; round < p.nEstimators; round++) {
        throwIfCancelled(signal);
        // Rows of this round: all, or a Bernoulli draw (ascending by construction). Rounds
        // alternate between two buffers: the previous round's last tree still needs its sample.
        const buf = round & 1;
        const sample = core.samples[buf];
        const mask = core.masks[buf];
        let m = n;
        if (subsampled) {
          m = 0;
          for (let i = 0; i < n; i++) {
            const take = rng.float() < p.subsample;
            mask[i] = take ? 1 : 0;
            if (take) sample[m++] = i;
          }
          if (m === 0) {
            sample[m++] = rng.int(n);
            mask[sample[0]] = 1;
          }
        } else if (round < 2) {
          for (let i = 0; i < n; i++) sample[i] = i;
        }
        for (let k = 0; k < K; k++) {
          const features = nColsTree < F ? Int32Array.from(rng.sample(F, nColsTree).sort()) : allFeatures;
          pending = await grower.grow({ k, features, sampleBuf: buf, m, subsampled, prev: pending, gradients: k === 0 }, forest);
          if (val && valPred) {
            for (let i = 0; i < val.X.rows; i++) valPred[i * K + k] += forest.getValue(forest.leafOfLast(val.X.data, i * F), 0);
          }
        }
        roundsTrained = round + 1;
        let score: number | undefined;
        if (val && valPred) {
          score = evaluateMetric(objective, valPred, val.y);
          valScores.push(score);
          if (score < bestScore) {
            bestScore = score;
            bestRound = round;
          }
        }
        opts.onProgress?.({
          fraction: roundsTrained / p.nEstimators,
          message: `round ${roundsTrained}/${p.nEstimators}`,
          metrics: score === undefined ? undefined : { [`validation_${metricName(objective)}`]: score },
        });
        if (p.earlyStoppingRounds > 0 && round - bestRound >= p.earlyStoppingRounds) break;
        // The event loop gets a turn between rounds even when the work runs on this thread.
        if (!shared) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      if (engine) await engine.close();
      else await pool?.close();
    }
    throwIfCancelled(signal);
    const rounds = p.earlyStoppingRounds > 0 && bestRound >= 0 ? bestRound + 1 : roundsTrained;
    this.state = {
      nFeatures: F,
      objective,
      baseScore: base,
      forest: forest.build().truncate(rounds * K),
      rounds,
      validationScores: Float64Array.from(valScores),
    };
    this.rowBuffer = undefined;
    return this;
  }

  /** Raw margins: rows × numOutputs, row-major (log-odds for binary, per-class scores for multiclass). */
  predictRaw(X: Matrix): Float64Array {
    const s = this.fitted();
    checkPredictInput(GradientBoostedTrees.kind, X, s.nFeatures);
    const K = s.objective.numOutputs;
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) out.set(s.baseScore, i * K);
    s.forest.addBatch(X, out);
    return out;
  }

  /** Binary: P(class 1) per row. Multiclass: rows × k class probabilities, row-major. */
  predictProba(X: Matrix): Float64Array {
    const s = this.fitted();
    if (s.objective.name !== 'binary' && s.objective.name !== 'multiclass') throw new MLInputError(`${GradientBoostedTrees.kind}: predictProba needs a classification objective, this model is '${s.objective.name}'`);
    return transformOutputs(s.objective, this.predictRaw(X), X.rows);
  }

  /** Class labels (classification) or predicted values (regression, quantile). */
  predict(X: Matrix): Float64Array {
    const s = this.fitted();
    const raw = this.predictRaw(X);
    const K = s.objective.numOutputs;
    if (s.objective.name === 'binary') return raw.map((v) => (v >= 0 ? 1 : 0));
    if (s.objective.name === 'multiclass') {
      const out = new Float64Array(X.rows);
      for (let i = 0; i < X.rows; i++) out[i] = argmax(raw, i * K, K);
      return out;
    }
    return raw;
  }

  /**
   * One row on the serving path, without allocating: P(class 1) for binary, the label for
   * multiclass, the value for regression and quantile.
   */
  predictRow(row: ArrayLike<number>): number {
    const s = this.fitted();
    const raw = this.predictRowRaw(row);
    switch (s.objective.name) {
      case 'binary':
        return 1 / (1 + Math.exp(-raw[0]));
      case 'multiclass':
        return argmax(raw, 0, s.objective.numOutputs);
      default:
        return raw[0];
    }
  }

  /** Raw margins of one row into `out` (default: a buffer owned by the model, overwritten by the next call). */
  predictRowRaw(row: ArrayLike<number>, out?: Float64Array): Float64Array {
    const s = this.fitted();
    if (row.length !== s.nFeatures) throw new MLInputError(`${GradientBoostedTrees.kind}: row has ${row.length} values, the model was fitted on ${s.nFeatures}`);
    const K = s.objective.numOutputs;
    const buf = out ?? (this.rowBuffer ??= new Float64Array(K));
    buf.set(s.baseScore);
    s.forest.addRow(row, 0, buf, 0);
    return buf;
  }

  /**
   * Feature importance: 'gain' is the total split gain of each feature over all trees (LightGBM's
   * definition; XGBoost's 'total_gain'), 'split' the number of splits on it.
   */
  featureImportance(type: 'gain' | 'split' = 'gain'): Float64Array {
    const s = this.fitted();
    const imp = s.forest.importance(s.nFeatures);
    if (type === 'gain') return imp.gain;
    if (type === 'split') return imp.split;
    throw new MLInputError(`${GradientBoostedTrees.kind}: importance type must be 'gain' or 'split', got ${String(type)}`);
  }

  /**
   * Exact TreeSHAP contributions of every feature to the raw margin: rows × (cols + 1) with the
   * expected value (bias) last; for multiclass rows × k × (cols + 1). Each row's contributions
   * sum to its raw margin (predictRaw).
   */
  shapValues(X: Matrix): Float64Array {
    const s = this.fitted();
    checkPredictInput(GradientBoostedTrees.kind, X, s.nFeatures);
    return treeShap(s.forest, X, s.baseScore);
  }

  toJSON(): SerializedModel<GradientBoostingParams, SerializedState> {
    const s = this.fitted();
    return {
      kind: GradientBoostedTrees.kind,
      formatVersion: GradientBoostedTrees.formatVersion,
      params: { ...this.params },
      state: {
        nFeatures: s.nFeatures,
        objective: { ...s.objective },
        baseScore: encodeArray(s.baseScore),
        forest: s.forest.toJSON(),
        rounds: s.rounds,
        validationScores: encodeArray(s.validationScores),
      },
    };
  }

  static fromJSON(json: SerializedModel<GradientBoostingParams, SerializedState>): GradientBoostedTrees {
    checkSerialized(json, GradientBoostedTrees.kind, GradientBoostedTrees.formatVersion);
    const st = json.state;
    const model = new GradientBoostedTrees(json.params);
    const forest = FlatForest.fromJSON(st.forest, st.nFeatures);
    const baseScoreArr = decodeArray(st.baseScore, 'f64');
    if (baseScoreArr.length !== st.objective.numOutputs || forest.numOutputs !== st.objective.numOutputs) throw new MLInputError(`${GradientBoostedTrees.kind}: serialised outputs do not agree`);
    model.state = {
      nFeatures: st.nFeatures,
      objective: { ...st.objective },
      baseScore: baseScoreArr,
      forest,
      rounds: st.rounds,
      validationScores: decodeArray(st.validationScores, 'f64'),
    };
    return model;
  }

  private fitted(): State {
    assertFitted(GradientBoostedTrees.kind, this.state);
    return this.state;
  }
}

function argmax(a: Float64Array, o: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (a[o + c] > a[o + best]) best = c;
  return best;
}

function resolveParams(params: GradientBoostingParams): Resolved {
  const kind = GradientBoostedTrees.kind;
  const growPolicy = params.growPolicy ?? 'depthwise';
  const lossguide = growPolicy === 'lossguide';
  const p: Resolved = {
    objective: params.objective ?? 'binary',
    numClasses: params.numClasses,
    quantileAlpha: params.quantileAlpha ?? 0.5,
    nEstimators: params.nEstimators ?? 100,
    learningRate: params.learningRate ?? 0.1,
    maxDepth: params.maxDepth ?? (lossguide ? 0 : 6),
    maxLeaves: params.maxLeaves ?? (lossguide ? 31 : 0),
    growPolicy,
    minChildWeight: params.minChildWeight ?? 1,
    lambda: params.lambda ?? 1,
    alpha: params.alpha ?? 0,
    minSplitGain: params.minSplitGain ?? 0,
    subsample: params.subsample ?? 1,
    colsampleByTree: params.colsampleByTree ?? 1,
    maxBins: params.maxBins ?? 256,
    classWeights: params.classWeights,
    earlyStoppingRounds: params.earlyStoppingRounds ?? 0,
    threads: params.threads,
  };
  const bad = (what: string) => {
    throw new MLInputError(`${kind}: ${what}`);
  };
  if (!['binary', 'multiclass', 'regression', 'quantile'].includes(p.objective)) bad(`objective must be 'binary', 'multiclass', 'regression' or 'quantile', got ${String(p.objective)}`);
  if (growPolicy !== 'depthwise' && growPolicy !== 'lossguide') bad(`growPolicy must be 'depthwise' or 'lossguide', got ${String(growPolicy)}`);
  const int = (name: keyof Resolved, v: number | undefined, min: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) bad(`${name} must be an integer >= ${min}, got ${v}`);
  };
  int('nEstimators', p.nEstimators, 1);
  int('maxDepth', p.maxDepth, 0);
  int('maxLeaves', p.maxLeaves, 0);
  int('earlyStoppingRounds', p.earlyStoppingRounds, 0);
  int('threads', p.threads, 1);
  int('numClasses', p.numClasses, 2);
  int('maxBins', p.maxBins, 2);
  if (p.maxBins > 256) bad(`maxBins must be at most 256, got ${p.maxBins}`);
  if (p.maxLeaves === 1) bad('maxLeaves must be 0 (no limit) or at least 2');
  if (!lossguide && p.maxDepth === 0) bad('maxDepth must be at least 1 with depthwise growth');
  if (lossguide && p.maxDepth === 0 && p.maxLeaves === 0) bad('lossguide growth needs maxLeaves or maxDepth');
  const pos = (name: string, v: number, min: number, max: number, minOpen: boolean) => {
    if (!(typeof v === 'number' && (minOpen ? v > min : v >= min) && v <= max)) bad(`${name} must be in ${minOpen ? '(' : '['}${min}, ${max}], got ${v}`);
  };
  pos('learningRate', p.learningRate, 0, Infinity, true);
  pos('minChildWeight', p.minChildWeight, 0, Infinity, false);
  pos('lambda', p.lambda, 0, Infinity, false);
  pos('alpha', p.alpha, 0, Infinity, false);
  pos('minSplitGain', p.minSplitGain, 0, Infinity, false);
  pos('subsample', p.subsample, 0, 1, true);
  pos('colsampleByTree', p.colsampleByTree, 0, 1, true);
  if (!(p.quantileAlpha > 0 && p.quantileAlpha < 1)) bad(`quantileAlpha must be in (0, 1), got ${p.quantileAlpha}`);
  if (p.lambda === 0 && p.minChildWeight === 0) bad('lambda and minChildWeight cannot both be 0 (leaf weights would divide by zero)');
  if (p.numClasses !== undefined && p.objective !== 'multiclass') bad(`numClasses applies to objective 'multiclass' only`);
  return p;
}

/**
 * Most histograms alive at once: a level's nodes that may still split (at most 2^(maxDepth-1))
 * plus one being built, or with a leaf budget about two per leaf.
 */
function maxHistograms(p: Resolved): number {
  const byDepth = p.maxDepth > 0 ? 2 ** Math.min(p.maxDepth - 1, 20) + 2 : Infinity;
  const byLeaves = p.maxLeaves > 0 ? 2 * p.maxLeaves + 2 : Infinity;
  return Math.min(byDepth, byLeaves);
}

function objectiveConfig(p: Resolved, y: ArrayLike<number>): ObjectiveConfig {
  let numOutputs = 1;
  if (p.objective === 'multiclass') {
    if (p.numClasses !== undefined) numOutputs = p.numClasses;
    else {
      let max = 0;
      for (let i = 0; i < y.length; i++) if (y[i] > max) max = y[i];
      numOutputs = Math.max(2, Math.floor(max) + 1);
    }
  }
  return { name: p.objective, numOutputs, quantileAlpha: p.quantileAlpha };
}

/** Per-row weights from classWeights (null when every weight is 1). */
function rowWeights(kind: string, p: Resolved, cfg: ObjectiveConfig, y: Float64Array): Float64Array | null {
  const cw = p.classWeights;
  if (!cw) return null;
  if (cfg.name !== 'binary' && cfg.name !== 'multiclass') throw new MLInputError(`${kind}: classWeights apply to classification objectives only`);
  const classes = cfg.name === 'binary' ? 2 : cfg.numOutputs;
  const table = new Float64Array(classes).fill(1);
  for (const [key, w] of Object.entries(cw)) {
    const c = Number(key);
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw new MLInputError(`${kind}: classWeights has class ${key}, classes are 0..${classes - 1}`);
    if (!(typeof w === 'number' && Number.isFinite(w) && w >= 0)) throw new MLInputError(`${kind}: classWeights[${key}] must be a finite number >= 0, got ${w}`);
    table[c] = w;
  }
  const w = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) w[i] = table[y[i]];
  return w;
}
