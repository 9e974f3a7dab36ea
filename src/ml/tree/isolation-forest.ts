import { workerEntry } from '../core/worker-url.js';
/**
 * Isolation forest (Liu, Ting & Zhou, ICDM 2008), scored like scikit-learn's IsolationForest.
 *
 * Each tree is grown on ψ rows drawn without replacement: at every node a random feature that is
 * not constant in the node and a threshold uniform between the node's min and max; growth stops at
 * depth ceil(log2 ψ), at a single row, or when every feature is constant (duplicates). A point's
 * path length in a tree is the depth of its leaf plus c(n), the average path length of an
 * unsuccessful BST search among the n training rows left in that leaf:
 *
 *   c(n) = 2·H(n−1) − 2(n−1)/n, H(i) ≈ ln(i) + 0.5772156649   (c(2) = 1, c(≤1) = 0, as sklearn)
 *
 * and its anomaly score is s(x) = 2^(−E[h(x)] / c(ψ)) ∈ (0, 1]: near 1 is isolated quickly
 * (anomalous), well below 0.5 is normal. `scoreSamples` is −s like sklearn's `score_samples`.
 *
 * Trees are flat typed arrays shared by the whole forest (children are stored next to each other,
 * so one `left` index addresses both). Fitting many trees and scoring many rows is spread over a
 * worker pool with X in a SharedArrayBuffer; small jobs stay on the calling thread because starting
 * workers costs more than they would save. Tree t draws only from its own seed, and every row sums
 * its trees in the same order, so the model and the scores are identical for any thread count.
 */
import { assertFitted, checkParamNames, checkSerialized, throwIfCancelled, type FitOptions, type SerializedModel } from '../core/estimator.js';
import { FitCancelledError, MLInputError } from '../core/errors.js';
import { checkFitInput, checkPredictInput, matrix, type Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { decodeArray, encodeArray, type EncodedArray } from '../core/typed-array-codec.js';
import { defaultThreads, WorkerPool } from '../core/worker-pool.js';

export interface IsolationForestParams {
  /** Number of trees (default 100). */
  nEstimators?: number;
  /** Rows per tree ψ: an integer count (capped at the row count) or a fraction in (0, 1) of the rows; 'auto' = 256 (default 256). */
  maxSamples?: number | 'auto';
  /** Features each tree may split on: a fraction in (0, 1] of the columns or an integer count (default 1.0 = all). */
  maxFeatures?: number;
  /** Expected share of anomalies, in (0, 0.5], which sets the threshold from the training scores; 'auto' uses sklearn's offset 0.5. */
  contamination?: 'auto' | number;
  /** Worker threads for fitting and parallel scoring (default: every core). */
  threads?: number;
}

const PARAM_NAMES = ['nEstimators', 'maxSamples', 'maxFeatures', 'contamination', 'threads'] as const;
const KIND = 'IsolationForest';
const FORMAT_VERSION = 1;
const EULER_GAMMA = 0.5772156649;
/**
 * Below these amounts of work (trees × ψ to grow, rows × trees to score) workers do not pay for
 * their start-up: one thread grows ~1M tree-rows and scores ~40M row-trees a second, and starting
 * two compiled workers takes ~80 ms (~0.5 s from .ts sources, where each worker loads tsx).
 * Mutable so tests can send small jobs to the workers.
 */
export const isolationForestParallelism = {
  /** Trees × ψ from which trees are grown on workers. */
  minBuildWork: 500_000,
  /** Rows × trees from which rows are scored on workers. */
  minScoreWork: 20_000_000,
};

/** Average path length of an unsuccessful search in a BST of n nodes: the normaliser c(n). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** One tree (or a whole forest when concatenated): node i is a leaf when feature[i] < 0. */
export interface IsolationTreeArrays {
  /** Split feature (original column index), or −1 at a leaf. */
  feature: Int32Array;
  /** Split threshold (x ≤ threshold goes left), or at a leaf its path length: depth + c(size). */
  value: Float64Array;
  /** Index of the left child; the right child is left + 1. −1 at a leaf. */
  left: Int32Array;
  /** Training rows (of the tree's subsample) that reached the node. */
  size: Int32Array;
}

export interface ForestArrays extends IsolationTreeArrays {
  /** Node index of each tree's root. */
  roots: Int32Array;
}

interface FittedState {
  cols: number;
  psi: number;
  maxDepth: number;
  /** sklearn's offset_: a row is anomalous when scoreSamples < offset. */
  offset: number;
  forest: ForestArrays;
  /** `forest` rearranged for fast scoring (derived, not serialised). */
  scoring: ScoringForest;
}

type Data = Float64Array | Float32Array;

/**
 * Grows one isolation tree from its own seed: the feature subset, the subsample and every split
 * come from `new Random(seed)`, so a tree does not depend on which thread grows it.
 */
export function buildIsolationTree(X: Data, rows: number, cols: number, psi: number, nFeatures: number, maxDepth: number, seed: number): IsolationTreeArrays {
  const rng = new Random(seed);
  const features = nFeatures < cols ? rng.sample(cols, nFeatures) : Uint32Array.from({ length: cols }, (_, j) => j);
  const sampled = rng.sample(rows, psi);
  // Column-major copy of the subsample: a node's scan of one feature stays within one small column.
  const sub = new Float64Array(psi * nFeatures);
  for (let i = 0; i < psi; i++) {
    const o = sampled[i] * cols;
    for (let f = 0; f < nFeatures; f++) sub[f * psi + i] = X[o + features[f]];
  }
  const idx = new Int32Array(psi);
  for (let i = 0; i < psi; i++) idx[i] = i;
  const maxNodes = 2 * psi - 1;
  const feature = new Int32Array(maxNodes);
  const value = new Float64Array(maxNodes);
  const left = new Int32Array(maxNodes);
  const size = new Int32Array(maxNodes);
  const cand = new Int32Array(nFeatures);
  // Depth-first with an explicit stack of (node, start, end, depth).
  const stack = new Int32Array(4 * (maxDepth + 2) * 2);
  let sp = 0;
  let count = 1;
  stack[sp++] = 0;
  stack[sp++] = 0;
  stack[sp++] = psi;
  stack[sp++] = 0;
  while (sp > 0) {
    const depth = stack[--sp];
    const end = stack[--sp];
    const start = stack[--sp];
    const node = stack[--sp];
    const n = end - start;
    size[node] = n;
    let split = -1;
    let threshold = 0;
    if (depth < maxDepth && n > 1) {
      // Draw features without replacement until one is not constant in this node (as sklearn's
      // random splitter does); if all are constant the rows are duplicates and the node is a leaf.
      for (let f = 0; f < nFeatures; f++) cand[f] = f;
      let remaining = nFeatures;
      while (remaining > 0) {
        const j = rng.int(remaining);
        const f = cand[j];
        const col = f * psi;
        let mn = Infinity;
        let mx = -Infinity;
        for (let k = start; k < end; k++) {
          const v = sub[col + idx[k]];
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        if (mx > mn) {
          threshold = mn + rng.float() * (mx - mn);
          // Rounding can land on max, which would leave the right side empty.
          if (threshold >= mx) threshold = mn;
          split = f;
          break;
        }
        cand[j] = cand[remaining - 1];
        cand[remaining - 1] = f;
        remaining--;
      }
    }
    if (split < 0) {
      feature[node] = -1;
      left[node] = -1;
      value[node] = depth + averagePathLength(n);
      continue;
    }
    // Partition idx[start, end) so rows with x ≤ threshold come first.
    const col = split * psi;
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      if (sub[col + idx[lo]] <= threshold) lo++;
      else {
        const t = idx[lo];
        idx[lo] = idx[hi];
        idx[hi] = t;
        hi--;
      }
    }
    const l = count;
    count += 2;
    feature[node] = features[split];
    value[node] = threshold;
    left[node] = l;
    stack[sp++] = l + 1;
    stack[sp++] = lo;
    stack[sp++] = end;
    stack[sp++] = depth + 1;
    stack[sp++] = l;
    stack[sp++] = start;
    stack[sp++] = lo;
    stack[sp++] = depth + 1;
  }
  return { feature: feature.slice(0, count), value: value.slice(0, count), left: left.slice(0, count), size: size.slice(0, count) };
}

/** Concatenates trees into one forest, shifting child indices by each tree's offset. */
export function concatTrees(trees: readonly IsolationTreeArrays[]): ForestArrays {
  let total = 0;
  for (const t of trees) total += t.feature.length;
  const f: ForestArrays = { roots: new Int32Array(trees.length), feature: new Int32Array(total), value: new Float64Array(total), left: new Int32Array(total), size: new Int32Array(total) };
  let o = 0;
  trees.forEach((t, i) => {
    f.roots[i] = o;
    f.feature.set(t.feature, o);
    f.value.set(t.value, o);
    f.size.set(t.size, o);
    for (let k = 0; k < t.left.length; k++) f.left[o + k] = t.left[k] < 0 ? -1 : t.left[k] + o;
    o += t.feature.length;
  });
  return f;
}

/**
 * The forest rearranged for scoring: every leaf loops to itself (threshold +∞, left = itself), so
 * each row takes exactly `depth` branch-free steps per tree — no data-dependent loop exit to
 * mispredict — and four rows walk each tree side by side so their memory loads overlap.
 */
export interface ScoringForest {
  roots: Int32Array;
  /** Split feature; 0 at a leaf (read, then ignored). */
  feature: Int32Array;
  /** Split threshold; +∞ at a leaf so a row never leaves it. */
  threshold: Float64Array;
  /** Left child (right = left + 1); the node itself at a leaf. */
  left: Int32Array;
  /** Path length depth + c(size) at a leaf, 0 elsewhere. */
  leafValue: Float64Array;
  /** The deepest leaf's depth. */
  depth: number;
}

export function scoringForest(f: ForestArrays): ScoringForest {
  const n = f.feature.length;
  const s: ScoringForest = { roots: f.roots.slice(), feature: new Int32Array(n), threshold: new Float64Array(n), left: new Int32Array(n), leafValue: new Float64Array(n), depth: 0 };
  const depth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (f.feature[i] >= 0) {
      s.feature[i] = f.feature[i];
      s.threshold[i] = f.value[i];
      s.left[i] = f.left[i];
      // Children always come after their parent, so a parent's depth is known first.
      depth[f.left[i]] = depth[f.left[i] + 1] = depth[i] + 1;
    } else {
      s.threshold[i] = Infinity;
      s.left[i] = i;
      s.leafValue[i] = f.value[i];
      if (depth[i] > s.depth) s.depth = depth[i];
    }
  }
  return s;
}

/**
 * Writes the mean path length over all trees of rows [from, to) into out[from..to). Rows go in
 * blocks so one tree's nodes and one block of rows stay in cache together.
 */
export function meanPathLengths(forest: ScoringForest, X: Data, cols: number, from: number, to: number, out: Float64Array): void {
  const { roots, feature: fe, threshold: th, left: le, leafValue: lv, depth } = forest;
  const nTrees = roots.length;
  const BLOCK = 64;
  // (a > b) as 0/1 without a branch: V8 compiles the boolean-to-number addition to a setcc.
  const gt = (a: number, b: number) => (a > b) as unknown as number;
  for (let b = from; b < to; b += BLOCK) {
    const e = Math.min(b + BLOCK, to);
    for (let r = b; r < e; r++) out[r] = 0;
    for (let t = 0; t < nTrees; t++) {
      const root = roots[t];
      let r = b;
      for (; r + 3 < e; r += 4) {
        const b0 = r * cols;
        const b1 = b0 + cols;
        const b2 = b1 + cols;
        const b3 = b2 + cols;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        for (let d = 0; d < depth; d++) {
          n0 = le[n0] + gt(X[b0 + fe[n0]], th[n0]);
          n1 = le[n1] + gt(X[b1 + fe[n1]], th[n1]);
          n2 = le[n2] + gt(X[b2 + fe[n2]], th[n2]);
          n3 = le[n3] + gt(X[b3 + fe[n3]], th[n3]);
        }
        out[r] += lv[n0];
        out[r + 1] += lv[n1];
        out[r + 2] += lv[n2];
        out[r + 3] += lv[n3];
      }
      for (; r < e; r++) {
        const b0 = r * cols;
        let n0 = root;
        for (let d = 0; d < depth; d++) n0 = le[n0] + gt(X[b0 + fe[n0]], th[n0]);
        out[r] += lv[n0];
      }
    }
    for (let r = b; r < e; r++) out[r] /= nTrees;
  }
}

/** The worker entry (its compiled .js twin when running from dist/). */
function workerUrl(): URL {
  return workerEntry(new URL('./isolation-forest-worker.ts', import.meta.url));
}

/** X's values in shared memory (reused when they already are), for the workers. */
function sharedData(X: Matrix): { buffer: SharedArrayBuffer; dtype: 'f64' | 'f32' } {
  const dtype = X.data instanceof Float32Array ? 'f32' : 'f64';
  if (X.data.buffer instanceof SharedArrayBuffer && X.data.byteOffset === 0) return { buffer: X.data.buffer, dtype };
  const buffer = new SharedArrayBuffer(X.data.byteLength);
  (dtype === 'f32' ? new Float32Array(buffer) : new Float64Array(buffer)).set(X.data);
  return { buffer, dtype };
}

function sharedForest(f: ScoringForest): ScoringForest {
  const share = <T extends Int32Array | Float64Array>(a: T): T => {
    const c = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
    c.set(a as never);
    return c;
  };
  return { roots: share(f.roots), feature: share(f.feature), threshold: share(f.threshold), left: share(f.left), leafValue: share(f.leafValue), depth: f.depth };
}

/**
 * Runs tasks over the pool, each worker taking the next task when it finishes one; stops handing
 * out tasks once `signal` aborts and then throws FitCancelledError. Results keep the task order.
 */
async function runTasks<T>(pool: WorkerPool, tasks: unknown[], signal: AbortSignal | undefined, onDone?: (done: number) => void): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(pool.size, tasks.length) }, async (_, w) => {
      while (next < tasks.length && !signal?.aborted) {
        const i = next++;
        results[i] = await pool.runOn<T>(w, tasks[i]);
        onDone?.(++done);
      }
    }),
  );
  if (signal?.aborted) throw new FitCancelledError();
  return results;
}

export interface ScoreOptions {
  /** Worker threads (default: the model's `threads`). */
  threads?: number;
  signal?: AbortSignal;
}

export class IsolationForest {
  readonly params: IsolationForestParams;
  private state?: FittedState;

  constructor(params: IsolationForestParams = {}) {
    this.params = { ...params };
  }

  /** Resolved parameters, checked; throws MLInputError for an unknown name or a bad value. */
  private resolved(rows: number, cols: number) {
    checkParamNames(KIND, this.params, PARAM_NAMES);
    const p = this.params;
    const nEstimators = p.nEstimators ?? 100;
    if (!Number.isInteger(nEstimators) || nEstimators < 1) throw new MLInputError(`${KIND}: nEstimators must be a positive integer, got ${nEstimators}`);
    const ms = p.maxSamples ?? 256;
    let psi: number;
    if (ms === 'auto') psi = Math.min(256, rows);
    else if (typeof ms === 'number' && ms > 0 && ms < 1) psi = Math.floor(ms * rows);
    else if (typeof ms === 'number' && Number.isInteger(ms) && ms >= 1) psi = Math.min(ms, rows);
    else throw new MLInputError(`${KIND}: maxSamples must be 'auto', an integer ≥ 1 or a fraction in (0, 1), got ${ms}`);
    psi = Math.max(psi, 2);
    const mf = p.maxFeatures ?? 1;
    let nFeatures: number;
    if (typeof mf === 'number' && mf > 0 && mf <= 1) nFeatures = Math.max(1, Math.floor(mf * cols));
    else if (typeof mf === 'number' && Number.isInteger(mf) && mf > 1 && mf <= cols) nFeatures = mf;
    else throw new MLInputError(`${KIND}: maxFeatures must be a fraction in (0, 1] or an integer count ≤ ${cols} columns, got ${mf}`);
    const c = p.contamination ?? 'auto';
    if (c !== 'auto' && !(typeof c === 'number' && c > 0 && c <= 0.5)) throw new MLInputError(`${KIND}: contamination must be 'auto' or a number in (0, 0.5], got ${c}`);
    const threads = p.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1) throw new MLInputError(`${KIND}: threads must be a positive integer, got ${threads}`);
    // sklearn: max_depth = ceil(log2(max(ψ, 2))).
    const maxDepth = Math.ceil(Math.log2(psi));
    return { nEstimators, psi, nFeatures, contamination: c, threads, maxDepth };
  }

  async fit(X: Matrix, _y?: ArrayLike<number>, opts: FitOptions = {}): Promise<this> {
    const { signal, onProgress } = opts;
    checkFitInput(KIND, X);
    if (X.rows < 2) throw new MLInputError(`${KIND}: needs at least 2 rows to isolate anything, got ${X.rows}`);
    const r = this.resolved(X.rows, X.cols);
    throwIfCancelled(signal);
    const rng = new Random(opts.seed ?? 0);
    const seeds = Array.from({ length: r.nEstimators }, () => rng.uint32());
    const needScores = r.contamination !== 'auto';
    const parallelBuild = r.threads > 1 && r.nEstimators * r.psi >= isolationForestParallelism.minBuildWork;
    const parallelScore = r.threads > 1 && needScores && X.rows * r.nEstimators >= isolationForestParallelism.minScoreWork;

    let forest: ForestArrays;
    let scoring: ScoringForest | undefined;
    let trainPath: Float64Array | undefined;
    if (parallelBuild || parallelScore) {
      const shared = sharedData(X);
      const pool = new WorkerPool(workerUrl(), r.threads);
      try {
        if (parallelBuild) {
          const per = Math.max(1, Math.ceil(r.nEstimators / (r.threads * 4)));
          const tasks = [];
          for (let s = 0; s < r.nEstimators; s += per) tasks.push({ kind: 'build', X: shared.buffer, dtype: shared.dtype, rows: X.rows, cols: X.cols, psi: r.psi, nFeatures: r.nFeatures, maxDepth: r.maxDepth, seeds: seeds.slice(s, s + per) });
          const parts = await runTasks<IsolationTreeArrays[]>(pool, tasks, signal, (d) => onProgress?.({ fraction: (needScores ? 0.5 : 1) * (d / tasks.length), message: 'growing trees' }));
          forest = concatTrees(parts.flat());
        } else {
          forest = this.buildHere(X, r, seeds, signal, onProgress, needScores ? 0.5 : 1);
        }
        if (needScores) {
          scoring = scoringForest(forest);
          trainPath = parallelScore
            ? await this.pathLengthsOnPool(pool, scoring, X, shared, signal, (f) => onProgress?.({ fraction: 0.5 + 0.5 * f, message: 'scoring the training rows' }))
            : this.pathLengthsHere(scoring, X);
        }
      } finally {
        await pool.close();
      }
    } else {
      forest = this.buildHere(X, r, seeds, signal, onProgress, needScores ? 0.5 : 1);
      if (needScores) {
        scoring = scoringForest(forest);
        trainPath = this.pathLengthsHere(scoring, X);
      }
    }
    throwIfCancelled(signal);

    let offset = -0.5;
    if (trainPath) {
      const cpsi = averagePathLength(r.psi);
      const scores = new Float64Array(trainPath.length);
      for (let i = 0; i < scores.length; i++) scores[i] = -Math.pow(2, -trainPath[i] / cpsi);
      offset = percentile(scores, 100 * (r.contamination as number));
    }
    this.state = { cols: X.cols, psi: r.psi, maxDepth: r.maxDepth, offset, forest, scoring: scoring ?? scoringForest(forest) };
    onProgress?.({ fraction: 1, message: 'fitted' });
    return this;
  }

  private buildHere(X: Matrix, r: ReturnType<IsolationForest['resolved']>, seeds: number[], signal: AbortSignal | undefined, onProgress: FitOptions['onProgress'], share: number): ForestArrays {
    const trees: IsolationTreeArrays[] = [];
    for (let t = 0; t < seeds.length; t++) {
      throwIfCancelled(signal);
      trees.push(buildIsolationTree(X.data, X.rows, X.cols, r.psi, r.nFeatures, r.maxDepth, seeds[t]));
      if (onProgress && (t + 1) % 10 === 0) onProgress({ fraction: share * ((t + 1) / seeds.length), message: 'growing trees' });
    }
    return concatTrees(trees);
  }

  private pathLengthsHere(forest: ScoringForest, X: Matrix): Float64Array {
    const out = new Float64Array(X.rows);
    meanPathLengths(forest, X.data, X.cols, 0, X.rows, out);
    return out;
  }

  private async pathLengthsOnPool(pool: WorkerPool, forest: ScoringForest, X: Matrix, shared: { buffer: SharedArrayBuffer; dtype: 'f64' | 'f32' }, signal: AbortSignal | undefined, onFraction?: (f: number) => void): Promise<Float64Array> {
    const outBuffer = new SharedArrayBuffer(X.rows * 8);
    const f = sharedForest(forest);
    const chunk = Math.max(1024, Math.ceil(X.rows / (pool.size * 8)));
    const tasks = [];
    for (let s = 0; s < X.rows; s += chunk) tasks.push({ kind: 'score', X: shared.buffer, dtype: shared.dtype, cols: X.cols, from: s, to: Math.min(X.rows, s + chunk), forest: f, out: outBuffer });
    await runTasks(pool, tasks, signal, (d) => onFraction?.(d / tasks.length));
    return new Float64Array(outBuffer).slice();
  }

  private checkScoreInput(X: Matrix): FittedState {
    assertFitted(KIND, this.state);
    checkPredictInput(KIND, X, this.state.cols);
    for (let i = 0; i < X.data.length; i++) {
      if (!Number.isFinite(X.data[i])) throw new MLInputError(`${KIND}: X has a non-finite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
    }
    return this.state;
  }

  private toAnomalyScores(s: FittedState, path: Float64Array): Float64Array {
    const cpsi = averagePathLength(s.psi);
    for (let i = 0; i < path.length; i++) path[i] = Math.pow(2, -path[i] / cpsi);
    return path;
  }

  /** Mean path length E[h(x)] over the trees, per row (shorter = more anomalous). */
  pathLength(X: Matrix): Float64Array {
    const s = this.checkScoreInput(X);
    return this.pathLengthsHere(s.scoring, X);
  }

  /** s(x) = 2^(−E[h(x)]/c(ψ)) ∈ (0, 1]; higher is more anomalous. On the calling thread. */
  anomalyScore(X: Matrix): Float64Array {
    const s = this.checkScoreInput(X);
    return this.toAnomalyScores(s, this.pathLengthsHere(s.scoring, X));
  }

  /** `anomalyScore` spread over worker threads (identical numbers); small inputs stay on this thread. */
  async anomalyScoreAsync(X: Matrix, opts: ScoreOptions = {}): Promise<Float64Array> {
    const s = this.checkScoreInput(X);
    const threads = opts.threads ?? this.params.threads ?? defaultThreads();
    if (threads <= 1 || X.rows * s.forest.roots.length < isolationForestParallelism.minScoreWork) return this.anomalyScore(X);
    const pool = new WorkerPool(workerUrl(), threads);
    try {
      const path = await this.pathLengthsOnPool(pool, s.scoring, X, sharedData(X), opts.signal);
      return this.toAnomalyScores(s, path);
    } finally {
      await pool.close();
    }
  }

  /** −anomalyScore, like sklearn's `score_samples` (lower is more anomalous). */
  scoreSamples(X: Matrix): Float64Array {
    const a = this.anomalyScore(X);
    for (let i = 0; i < a.length; i++) a[i] = -a[i];
    return a;
  }

  /** scoreSamples − offset, like sklearn: negative for anomalies. */
  decisionFunction(X: Matrix): Float64Array {
    const s = this.checkScoreInput(X);
    const a = this.scoreSamples(X);
    for (let i = 0; i < a.length; i++) a[i] -= s.offset;
    return a;
  }

  /** 1 for an anomaly (anomalyScore above `threshold`), 0 for normal. */
  predict(X: Matrix): Float64Array {
    const d = this.decisionFunction(X);
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = d[i] < 0 ? 1 : 0;
    return out;
  }

  /** The anomaly-score threshold: rows scoring above it are anomalies (0.5 with contamination 'auto'). */
  get threshold(): number {
    assertFitted(KIND, this.state);
    return -this.state.offset;
  }

  /** sklearn's offset_ (on the scoreSamples scale). */
  get offset(): number {
    assertFitted(KIND, this.state);
    return this.state.offset;
  }

  /** The subsample size ψ the trees were grown on. */
  get maxSamplesUsed(): number {
    assertFitted(KIND, this.state);
    return this.state.psi;
  }

  /**
   * Which features made this row's score: a non-negative weight per column, summing to 1 (all
   * zero when no tree could split). For every tree and every split on the row's path,
   *
   *   weight[feature of the split] += log2(n_parent / n_child) / h_t(x)
   *
   * where n_parent, n_child are the training rows in the split node and in the child the row went
   * to, and h_t(x) is the row's path length in that tree (depth + c(leaf size)). log2(n_parent /
   * n_child) is how much of the remaining subsample that split cut away from the row — a split on
   * the feature where the row is extreme isolates it at once — and dividing by the path length
   * weighs most the trees that isolated the row quickly, which are the ones that made its score
   * high. The weights are then normalised over the features.
   */
  featureAttribution(row: ArrayLike<number>): Float64Array {
    assertFitted(KIND, this.state);
    const { cols, forest } = this.state;
    if (row.length !== cols) throw new MLInputError(`${KIND}: the row has ${row.length} values, the model was fitted on ${cols}`);
    for (let j = 0; j < cols; j++) if (!Number.isFinite(row[j])) throw new MLInputError(`${KIND}: the row has a non-finite value in column ${j}`);
    const out = new Float64Array(cols);
    this.attributeInto(row, 0, forest, out, 0, new Int32Array(this.state.maxDepth + 1), new Float64Array(this.state.maxDepth + 1));
    return out;
  }

  /** `featureAttribution` for every row of X, as a rows × cols matrix. */
  featureAttributions(X: Matrix): Matrix {
    const s = this.checkScoreInput(X);
    const out = new Float64Array(X.rows * X.cols);
    const fBuf = new Int32Array(s.maxDepth + 1);
    const bBuf = new Float64Array(s.maxDepth + 1);
    for (let i = 0; i < X.rows; i++) this.attributeInto(X.data, i * X.cols, s.forest, out, i * X.cols, fBuf, bBuf);
    return matrix(out, X.rows, X.cols);
  }

  private attributeInto(x: ArrayLike<number>, xo: number, forest: ForestArrays, out: Float64Array, oo: number, fBuf: Int32Array, bBuf: Float64Array): void {
    const { roots, feature, value, left, size } = forest;
    const cols = this.state!.cols;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      let k = 0;
      let f = feature[node];
      while (f >= 0) {
        const child = x[xo + f] <= value[node] ? left[node] : left[node] + 1;
        fBuf[k] = f;
        bBuf[k] = Math.log2(size[node] / size[child]);
        k++;
        node = child;
        f = feature[node];
      }
      const h = value[node];
      if (k === 0 || h <= 0) continue;
      for (let m = 0; m < k; m++) out[oo + fBuf[m]] += bBuf[m] / h;
    }
    let total = 0;
    for (let j = 0; j < cols; j++) total += out[oo + j];
    if (total > 0) for (let j = 0; j < cols; j++) out[oo + j] /= total;
  }

  toJSON(): SerializedModel<IsolationForestParams, SerializedState> {
    assertFitted(KIND, this.state);
    const s = this.state;
    return {
      kind: KIND,
      formatVersion: FORMAT_VERSION,
      params: { ...this.params },
      state: {
        cols: s.cols,
        psi: s.psi,
        maxDepth: s.maxDepth,
        offset: s.offset,
        roots: encodeArray(s.forest.roots),
        feature: encodeArray(s.forest.feature),
        value: encodeArray(s.forest.value),
        left: encodeArray(s.forest.left),
        size: encodeArray(s.forest.size),
      },
    };
  }

  static fromJSON(json: SerializedModel<IsolationForestParams, SerializedState>): IsolationForest {
    checkSerialized(json, KIND, FORMAT_VERSION);
    const m = new IsolationForest(json.params);
    const s = json.state;
    const forest: ForestArrays = { roots: decodeArray(s.roots, 'i32'), feature: decodeArray(s.feature, 'i32'), value: decodeArray(s.value, 'f64'), left: decodeArray(s.left, 'i32'), size: decodeArray(s.size, 'i32') };
    const n = forest.feature.length;
    if (forest.value.length !== n || forest.left.length !== n || forest.size.length !== n) throw new MLInputError(`${KIND}: serialised node arrays differ in length`);
    for (let i = 0; i < n; i++) {
      if (forest.feature[i] >= s.cols || (forest.feature[i] >= 0 && (forest.left[i] <= i || forest.left[i] + 1 >= n))) throw new MLInputError(`${KIND}: serialised node ${i} is malformed`);
    }
    for (const r of forest.roots) if (r < 0 || r >= n) throw new MLInputError(`${KIND}: serialised root ${r} is out of range`);
    const scoring = scoringForest(forest);
    if (scoring.depth > s.maxDepth) throw new MLInputError(`${KIND}: serialised trees are deeper than their maxDepth ${s.maxDepth}`);
    m.state = { cols: s.cols, psi: s.psi, maxDepth: s.maxDepth, offset: s.offset, forest, scoring };
    return m;
  }
}

interface SerializedState {
  cols: number;
  psi: number;
  maxDepth: number;
  offset: number;
  roots: EncodedArray;
  feature: EncodedArray;
  value: EncodedArray;
  left: EncodedArray;
  size: EncodedArray;
}

/** numpy's default (linear-interpolation) percentile, q in [0, 100]. */
function percentile(values: Float64Array, q: number): number {
  const s = Float64Array.from(values).sort();
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
