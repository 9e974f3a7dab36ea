import {
  assertFitted,
  checkFitInput,
  checkParamNames,
  checkPredictInput,
  checkSerialized,
  defaultThreads,
  MLInputError,
  Random,
  throwIfCancelled,
  WorkerPool,
  type Estimator,
  type FitOptions,
  type Matrix,
  type SerializedModel,
} from '../core/index.js';
import { QuantileBinner } from './binning.js';
import { FlatForest, ForestBuilder, type SerializedForest } from './flat-tree.js';
import { growRandomTree, RandomTreeScratch, type RandomTreeConfig, type RandomTreeData, type RandomTreeResult } from './random-tree.js';
import { treeShap } from './tree-shap.js';
import { workerEntry } from '../core/worker-url.js';

export interface RandomForestParams {
  /** Trees. Default 100. */
  nEstimators?: number;
  /** Depth limit; 0 = grow until leaves are pure or too small. Default 0. */
  maxDepth?: number;
  /** Minimum rows in a leaf. Default 1. */
  minSamplesLeaf?: number;
  /** Minimum rows in a node to split it. Default 2. */
  minSamplesSplit?: number;
  /**
   * Features searched per split: 'sqrt', 'log2', 'all', a fraction in (0, 1) of the features, or
   * an integer count (1 means one feature). Default 'sqrt' (classifier), 'all' (regressor).
   */
  maxFeatures?: 'sqrt' | 'log2' | 'all' | number;
  /** Draw each tree's rows with replacement (else every tree sees every row). Default true. */
  bootstrap?: boolean;
  /** Compute the out-of-bag score (accuracy, or R² for regression). Default false. */
  oobScore?: boolean;
  /** Histogram bins per feature, the missing-value bin included (2..256). Default 256. */
  maxBins?: number;
  /** Threads growing trees; default all cores, or 1 for data too small to gain from threads. */
  threads?: number;
}

const PARAM_NAMES = ['nEstimators', 'maxDepth', 'minSamplesLeaf', 'minSamplesSplit', 'maxFeatures', 'bootstrap', 'oobScore', 'maxBins', 'threads'] as const;

/** Rows × features × trees below which threads cost more to start than they save. */
const THREAD_MIN_WORK = 5_000_000;

interface State {
  nFeatures: number;
  /** Classes (classifier) or 0 (regressor). */
  numClasses: number;
  forest: FlatForest;
  oobScore: number | null;
}

interface SerializedState {
  nFeatures: number;
  numClasses: number;
  forest: SerializedForest;
  oobScore: number | null;
}

/**
 * Random forests on the histogram engine (bins, partitions and flat trees shared with the boosted
 * trees): bootstrap rows, a fresh feature subset per split, trees grown in parallel on worker
 * threads over a shared bin matrix, out-of-bag scoring. Each tree's randomness comes from a seed
 * drawn in tree order, so the forest does not depend on the thread count.
 */
abstract class RandomForestBase implements Estimator<RandomForestParams> {
  readonly params: RandomForestParams;
  protected state?: State;
  private rowBuffer?: Float64Array;

  constructor(params: RandomForestParams = {}) {
    this.params = { ...params };
  }

  protected abstract get kind(): string;
  protected abstract get defaultMaxFeatures(): 'sqrt' | 'all';

  /** Out-of-bag accuracy (classifier) or R² (regressor); null unless fitted with oobScore. */
  get oobScore(): number | null {
    return this.fitted().oobScore;
  }

  get forest(): FlatForest {
    return this.fitted().forest;
  }

  get numFeatures(): number {
    return this.fitted().nFeatures;
  }

  protected async fitForest(X: Matrix, y: ArrayLike<number> | undefined, numClasses: number, opts: FitOptions): Promise<void> {
    const kind = this.kind;
    checkParamNames(kind, this.params, PARAM_NAMES);
    if (y === undefined) throw new MLInputError(`${kind}: fit needs labels y`);
    checkFitInput(kind, X, y, { allowNaNFeatures: true });
    const p = this.resolve(X.cols);
    const n = X.rows;
    const F = X.cols;
    const seed = opts.seed ?? 0;
    throwIfCancelled(opts.signal);
    const threads = Math.min(p.threads ?? (n * F * p.nEstimators >= THREAD_MIN_WORK ? defaultThreads() : 1), p.nEstimators);
    const shared = threads > 1;
    const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const pool = shared ? new WorkerPool(workerEntry(new URL('./tree-worker.ts', import.meta.url)), threads) : undefined;
    const results: RandomTreeResult[] = new Array(p.nEstimators);
    let binner: QuantileBinner;
    try {
      binner = new QuantileBinner({ maxBins: p.maxBins }).fit(X, seed);
      const bins = binner.transform(X, new Uint8Array(buffer(n * F)));
      const yShared = new Float64Array(buffer(8 * n));
      yShared.set(y);
      const data: RandomTreeData = { bins, n, cols: F, numBins: binner.binCounts(), y: yShared };
      const cfg: RandomTreeConfig = {
        numClasses,
        maxDepth: p.maxDepth,
        minSamplesLeaf: p.minSamplesLeaf,
        minSamplesSplit: p.minSamplesSplit,
        maxFeatures: p.maxFeatures,
        bootstrap: p.bootstrap,
      };
      const rng = new Random(seed);
      const seeds = Array.from({ length: p.nEstimators }, () => rng.uint32());
      const wantOob = p.oobScore && p.bootstrap;
      let done = 0;
      const report = () => opts.onProgress?.({ fraction: ++done / p.nEstimators, message: `tree ${done}/${p.nEstimators}` });
      if (pool) {
        await pool.broadcast({ type: 'forest-setup', data, cfg });
        let next = 0;
        // Each thread takes the next tree when it finishes one; results land by tree index.
        await Promise.all(
          Array.from({ length: pool.size }, async (_, w) => {
            while (next < p.nEstimators) {
              throwIfCancelled(opts.signal);
              const t = next++;
              results[t] = await pool.runOn<RandomTreeResult>(w, { type: 'forest-tree', seed: seeds[t], wantOob });
              report();
            }
          }),
        );
      } else {
        const scratch = new RandomTreeScratch(n, F, Math.max(numClasses, 2) + 1);
        for (let t = 0; t < p.nEstimators; t++) {
          throwIfCancelled(opts.signal);
          results[t] = growRandomTree(data, cfg, seeds[t], scratch, wantOob);
          report();
          // The event loop gets a turn between trees.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      await pool?.close();
    }
    const dim = numClasses > 0 ? numClasses : 1;
    const builder = new ForestBuilder(dim, dim);
    for (const r of results) {
      // Workers return split bins; the model keeps raw thresholds.
      const { feature, threshold } = r.tree;
      for (let i = 0; i < feature.length; i++) if (feature[i] >= 0) threshold[i] = binner.threshold(feature[i], threshold[i]);
      builder.appendTree(r.tree, 0);
    }
    const forest = builder.build();
    this.state = { nFeatures: F, numClasses, forest, oobScore: p.oobScore && p.bootstrap ? outOfBagScore(results, forest, y, numClasses) : null };
    this.rowBuffer = undefined;
  }

  /** Mean of the trees' outputs: class distributions (rows × classes) or values. */
  protected average(X: Matrix): Float64Array {
    const s = this.fitted();
    checkPredictInput(this.kind, X, s.nFeatures);
    const out = new Float64Array(X.rows * s.forest.numOutputs);
    s.forest.addBatch(X, out);
    const inv = 1 / s.forest.numTrees;
    for (let i = 0; i < out.length; i++) out[i] *= inv;
    return out;
  }

  /** The mean tree output for one row into a buffer owned by the model (overwritten by the next call). */
  protected averageRow(row: ArrayLike<number>): Float64Array {
    const s = this.fitted();
    if (row.length !== s.nFeatures) throw new MLInputError(`${this.kind}: row has ${row.length} values, the model was fitted on ${s.nFeatures}`);
    const buf = (this.rowBuffer ??= new Float64Array(s.forest.numOutputs));
    buf.fill(0);
    s.forest.addRow(row, 0, buf, 0);
    const inv = 1 / s.forest.numTrees;
    for (let k = 0; k < buf.length; k++) buf[k] *= inv;
    return buf;
  }

  abstract fit(X: Matrix, y?: ArrayLike<number>, opts?: FitOptions): Promise<this>;
  abstract predict(X: Matrix): Float64Array;

  /**
   * Feature importance: 'gain' is the total (bootstrap-weighted) impurity decrease of each
   * feature's splits (scikit-learn's feature_importances_ before normalisation), 'split' the
   * number of splits on it.
   */
  featureImportance(type: 'gain' | 'split' = 'gain'): Float64Array {
    const s = this.fitted();
    const imp = s.forest.importance(s.nFeatures);
    if (type === 'gain') return imp.gain;
    if (type === 'split') return imp.split;
    throw new MLInputError(`${this.kind}: importance type must be 'gain' or 'split', got ${String(type)}`);
  }

  /**
   * Exact TreeSHAP contributions to the forest's output (class probabilities or the value):
   * rows × outputs × (cols + 1), the expected value last; outputs = classes (classifier) or 1.
   */
  shapValues(X: Matrix): Float64Array {
    const s = this.fitted();
    checkPredictInput(this.kind, X, s.nFeatures);
    return treeShap(s.forest, X, new Float64Array(s.forest.numOutputs), 1 / s.forest.numTrees);
  }

  toJSON(): SerializedModel<RandomForestParams, SerializedState> {
    const s = this.fitted();
    return {
      kind: this.kind,
      formatVersion: 1,
      params: { ...this.params },
      state: { nFeatures: s.nFeatures, numClasses: s.numClasses, forest: s.forest.toJSON(), oobScore: s.oobScore },
    };
  }

  protected load(json: SerializedModel<RandomForestParams, SerializedState>): this {
    checkSerialized(json, this.kind, 1);
    const st = json.state;
    const forest = FlatForest.fromJSON(st.forest, st.nFeatures);
    const dim = st.numClasses > 0 ? st.numClasses : 1;
    if (forest.valueDim !== dim || forest.numOutputs !== dim) throw new MLInputError(`${this.kind}: serialised forest does not match its class count`);
    this.state = { nFeatures: st.nFeatures, numClasses: st.numClasses, forest, oobScore: st.oobScore };
    return this;
  }

  protected fitted(): State {
    assertFitted(this.kind, this.state);
    return this.state;
  }

  private resolve(cols: number) {
    const kind = this.kind;
    const q = this.params;
    const bad = (what: string) => {
      throw new MLInputError(`${kind}: ${what}`);
    };
    const int = (name: string, v: number, min: number) => {
      if (!(Number.isInteger(v) && v >= min)) bad(`${name} must be an integer >= ${min}, got ${v}`);
      return v;
    };
    const nEstimators = int('nEstimators', q.nEstimators ?? 100, 1);
    const maxDepth = int('maxDepth', q.maxDepth ?? 0, 0);
    const minSamplesLeaf = int('minSamplesLeaf', q.minSamplesLeaf ?? 1, 1);
    const minSamplesSplit = int('minSamplesSplit', q.minSamplesSplit ?? 2, 2);
    const maxBins = int('maxBins', q.maxBins ?? 256, 2);
    if (maxBins > 256) bad(`maxBins must be at most 256, got ${maxBins}`);
    const threads = q.threads === undefined ? undefined : int('threads', q.threads, 1);
    const mf = q.maxFeatures ?? this.defaultMaxFeatures;
    let maxFeatures: number;
    if (mf === 'sqrt') maxFeatures = Math.floor(Math.sqrt(cols));
    else if (mf === 'log2') maxFeatures = Math.floor(Math.log2(cols));
    else if (mf === 'all') maxFeatures = cols;
    else if (typeof mf === 'number' && mf > 0 && mf < 1) maxFeatures = Math.floor(mf * cols);
    else if (typeof mf === 'number' && Number.isInteger(mf) && mf >= 1) maxFeatures = Math.min(cols, mf);
    else return bad(`maxFeatures must be 'sqrt', 'log2', 'all', a fraction in (0, 1) or an integer >= 1, got ${String(mf)}`);
    maxFeatures = Math.max(1, maxFeatures);
    const bootstrap = q.bootstrap ?? true;
    const oobScore = q.oobScore ?? false;
    if (oobScore && !bootstrap) bad('oobScore needs bootstrap (without it no row is out of bag)');
    return { nEstimators, maxDepth, minSamplesLeaf, minSamplesSplit, maxBins, threads, maxFeatures, bootstrap, oobScore };
  }
}

/** Out-of-bag accuracy (classes) or R² (regression) over the rows left out by at least one tree. */
function outOfBagScore(results: RandomTreeResult[], forest: FlatForest, y: ArrayLike<number>, numClasses: number): number {
  const n = y.length;
  const dim = numClasses > 0 ? numClasses : 1;
  const sum = new Float64Array(n * dim);
  const count = new Int32Array(n);
  const { roots, value } = forest.arrays;
  results.forEach((r, t) => {
    const leaf = r.oobLeaf!;
    const base = roots[t];
    for (let i = 0; i < n; i++) {
      if (leaf[i] < 0) continue;
      count[i]++;
      const p = (base + leaf[i]) * dim;
      for (let k = 0; k < dim; k++) sum[i * dim + k] += value[p + k];
    }
  });
  let rowsUsed = 0;
  if (numClasses > 0) {
    let correct = 0;
    for (let i = 0; i < n; i++) {
      if (!count[i]) continue;
      rowsUsed++;
      let best = 0;
      for (let k = 1; k < dim; k++) if (sum[i * dim + k] > sum[i * dim + best]) best = k;
      if (best === y[i]) correct++;
    }
    return rowsUsed ? correct / rowsUsed : NaN;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) if (count[i]) {
    mean += y[i];
    rowsUsed++;
  }
  mean /= rowsUsed;
  let ss = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    if (!count[i]) continue;
    ss += (y[i] - sum[i] / count[i]) ** 2;
    tot += (y[i] - mean) ** 2;
  }
  return rowsUsed ? 1 - ss / tot : NaN;
}

/** Random forest classifier (Gini impurity). Labels are class indices 0..k-1. */
export class RandomForestClassifier extends RandomForestBase {
  static readonly kind = 'RandomForestClassifier';

  protected get kind(): string {
    return RandomForestClassifier.kind;
  }

  protected get defaultMaxFeatures(): 'sqrt' {
    return 'sqrt';
  }

  get numClasses(): number {
    return this.fitted().numClasses;
  }

  async fit(X: Matrix, y?: ArrayLike<number>, opts: FitOptions = {}): Promise<this> {
    let max = 0;
    if (y !== undefined) {
      checkFitInput(this.kind, X, y, { allowNaNFeatures: true });
      for (let i = 0; i < y.length; i++) {
        if (!Number.isInteger(y[i]) || y[i] < 0) throw new MLInputError(`${this.kind}: labels must be class indices 0, 1, 2…; label ${i} is ${y[i]}`);
        if (y[i] > max) max = y[i];
      }
    }
    await this.fitForest(X, y, Math.max(2, max + 1), opts);
    return this;
  }

  /** Binary: P(class 1) per row. More classes: rows × classes, row-major. The mean of the trees' leaf distributions. */
  predictProba(X: Matrix): Float64Array {
    const dist = this.average(X);
    const K = this.fitted().numClasses;
    if (K !== 2) return dist;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = dist[2 * i + 1];
    return out;
  }

  /** The class with the highest mean probability. */
  predict(X: Matrix): Float64Array {
    const dist = this.average(X);
    const K = this.fitted().numClasses;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (dist[i * K + k] > dist[i * K + best]) best = k;
      out[i] = best;
    }
    return out;
  }

  /** One row on the serving path: P(class 1) for two classes, else the predicted class. */
  predictRow(row: ArrayLike<number>): number {
    const dist = this.averageRow(row);
    if (dist.length === 2) return dist[1];
    let best = 0;
    for (let k = 1; k < dist.length; k++) if (dist[k] > dist[best]) best = k;
    return best;
  }

  static fromJSON(json: SerializedModel<RandomForestParams, SerializedState>): RandomForestClassifier {
    return new RandomForestClassifier(json.params).load(json);
  }
}

/** Random forest regressor (squared error). */
export class RandomForestRegressor extends RandomForestBase {
  static readonly kind = 'RandomForestRegressor';

  protected get kind(): string {
    return RandomForestRegressor.kind;
  }

  protected get defaultMaxFeatures(): 'all' {
    return 'all';
  }

  async fit(X: Matrix, y?: ArrayLike<number>, opts: FitOptions = {}): Promise<this> {
    await this.fitForest(X, y, 0, opts);
    return this;
  }

  /** The mean of the trees' predictions. */
  predict(X: Matrix): Float64Array {
    return this.average(X);
  }

  predictRow(row: ArrayLike<number>): number {
    return this.averageRow(row)[0];
  }

  static fromJSON(json: SerializedModel<RandomForestParams, SerializedState>): RandomForestRegressor {
    return new RandomForestRegressor(json.params).load(json);
  }
}
