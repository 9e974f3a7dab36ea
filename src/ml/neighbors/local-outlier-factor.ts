import { workerEntry } from '../core/worker-url.js';
/**
 * Local outlier factor (Breunig, Kriegel, Ng & Sander, SIGMOD 2000), computed as scikit-learn's
 * LocalOutlierFactor does:
 *
 *   k-distance(o)     = distance from o to its k-th nearest neighbour (o itself excluded)
 *   reach-dist(a, b)  = max(k-distance(b), d(a, b))
 *   lrd(a)            = 1 / (mean over a's k neighbours b of reach-dist(a, b) + 1e-10)
 *   LOF(a)            = mean over a's k neighbours b of lrd(b) / lrd(a)
 *
 * ≈ 1 inside a cluster of even density, ≫ 1 for a point much sparser than its neighbours. The
 * 1e-10 guard keeps lrd finite when more than k points are duplicates (sklearn's choice). The
 * neighbours come from a k-d tree, so fitting costs about n·log n queries rather than n².
 *
 * `novelty: false` (default) describes the training set: `negativeOutlierFactor` (−LOF) and
 * `fitPredict`. `novelty: true` scores new rows against the training set with `scoreSamples`,
 * `decisionFunction` and `predict`, as in sklearn (scoring the training rows again that way would
 * count each row as its own neighbour).
 */
import { assertFitted, checkParamNames, checkSerialized, throwIfCancelled, type FitOptions, type SerializedModel } from '../core/estimator.js';
import { MLInputError } from '../core/errors.js';
import { checkFitInput, checkPredictInput, matrix, type Matrix } from '../core/matrix.js';
import { decodeArray, encodeArray, type EncodedArray } from '../core/typed-array-codec.js';
import { defaultThreads, WorkerPool } from '../core/worker-pool.js';
import { KDTree } from './kd-tree.js';

export interface LocalOutlierFactorParams {
  /** Neighbours k (default 20; capped at rows − 1 like sklearn). */
  nNeighbors?: number;
  /** Share of outliers in (0, 0.5] to set the threshold from the training scores; 'auto' = sklearn's offset −1.5 (LOF > 1.5). */
  contamination?: 'auto' | number;
  /** true: score new rows with scoreSamples / predict; false: describe the training set only. */
  novelty?: boolean;
  /** Points per k-d tree leaf (default 16). */
  leafSize?: number;
  /** Worker threads for the training neighbour search from 50,000 rows up (default: every core). */
  threads?: number;
}

const PARAM_NAMES = ['nNeighbors', 'contamination', 'novelty', 'leafSize', 'threads'] as const;
/**
 * From this many rows the training neighbour search is spread over workers. Below it a single
 * thread takes about a second (20,000 × 10), and starting workers (~0.1 s compiled, ~0.5 s or more
 * from .ts sources) and sharing two cores with other work ate the gain in measurements. Mutable so
 * tests can send small jobs to the workers.
 */
export const lofParallelism = { minRows: 50_000 };
const KIND = 'LocalOutlierFactor';
const FORMAT_VERSION = 1;
const GUARD = 1e-10;

interface FittedState {
  rows: number;
  cols: number;
  k: number;
  /** Training points, row-major (the neighbour index is rebuilt from them). */
  data: Float64Array;
  kDistance: Float64Array;
  lrd: Float64Array;
  negativeOutlierFactor: Float64Array;
  offset: number;
  tree: KDTree;
}

interface SerializedState {
  rows: number;
  cols: number;
  k: number;
  offset: number;
  data: EncodedArray;
  kDistance: EncodedArray;
  lrd: EncodedArray;
  negativeOutlierFactor: EncodedArray;
}

export class LocalOutlierFactor {
  readonly params: LocalOutlierFactorParams;
  private state?: FittedState;

  constructor(params: LocalOutlierFactorParams = {}) {
    this.params = { ...params };
  }

  private resolved() {
    checkParamNames(KIND, this.params, PARAM_NAMES);
    const p = this.params;
    const nNeighbors = p.nNeighbors ?? 20;
    if (!Number.isInteger(nNeighbors) || nNeighbors < 1) throw new MLInputError(`${KIND}: nNeighbors must be a positive integer, got ${nNeighbors}`);
    const contamination = p.contamination ?? 'auto';
    if (contamination !== 'auto' && !(typeof contamination === 'number' && contamination > 0 && contamination <= 0.5)) throw new MLInputError(`${KIND}: contamination must be 'auto' or a number in (0, 0.5], got ${contamination}`);
    const novelty = p.novelty ?? false;
    if (typeof novelty !== 'boolean') throw new MLInputError(`${KIND}: novelty must be true or false, got ${novelty}`);
    const leafSize = p.leafSize ?? 16;
    if (!Number.isInteger(leafSize) || leafSize < 1) throw new MLInputError(`${KIND}: leafSize must be a positive integer, got ${leafSize}`);
    const threads = p.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1) throw new MLInputError(`${KIND}: threads must be a positive integer, got ${threads}`);
    return { nNeighbors, contamination, novelty, leafSize, threads };
  }

  /** Fits on X; `seed` is accepted for the common signature (nothing here is random). */
  async fit(X: Matrix, _y?: ArrayLike<number>, opts: FitOptions = {}): Promise<this> {
    const r = this.resolved();
    checkFitInput(KIND, X);
    if (X.rows < 2) throw new MLInputError(`${KIND}: needs at least 2 rows, got ${X.rows}`);
    throwIfCancelled(opts.signal);
    const n = X.rows;
    const k = Math.min(r.nNeighbors, n - 1);
    const data = Float64Array.from(X.data);
    const tree = new KDTree(matrix(data, n, X.cols), r.leafSize);
    opts.onProgress?.({ fraction: 0.1, message: 'indexed' });
    throwIfCancelled(opts.signal);
    const { indices, distances } = r.threads > 1 && n >= lofParallelism.minRows ? await selfNeighborsOnWorkers(tree, k, r.threads, opts) : await selfNeighborsHere(tree, k, opts);
    throwIfCancelled(opts.signal);
    const kDistance = new Float64Array(n);
    for (let i = 0; i < n; i++) kDistance[i] = distances[i * k + k - 1];
    const lrd = reachabilityDensity(indices, distances, kDistance, n, k);
    const nof = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += lrd[indices[i * k + j]] / lrd[i];
      nof[i] = -(s / k);
    }
    const offset = r.contamination === 'auto' ? -1.5 : percentile(nof, 100 * r.contamination);
    this.state = { rows: n, cols: X.cols, k, data, kDistance, lrd, negativeOutlierFactor: nof, offset, tree };
    opts.onProgress?.({ fraction: 1, message: 'fitted' });
    return this;
  }

  /** −LOF of every training row (sklearn's negative_outlier_factor_): lower is more abnormal. */
  get negativeOutlierFactor(): Float64Array {
    assertFitted(KIND, this.state);
    return this.state.negativeOutlierFactor.slice();
  }

  /** The neighbours actually used (nNeighbors capped at rows − 1). */
  get nNeighborsUsed(): number {
    assertFitted(KIND, this.state);
    return this.state.k;
  }

  /** sklearn's offset_: a row is an outlier when its score is below it (−1.5 with contamination 'auto'). */
  get offset(): number {
    assertFitted(KIND, this.state);
    return this.state.offset;
  }

  /** Fits and labels the training rows: 1 outlier, 0 inlier. */
  async fitPredict(X: Matrix, y?: ArrayLike<number>, opts?: FitOptions): Promise<Float64Array> {
    await this.fit(X, y, opts);
    const s = this.state!;
    return Float64Array.from(s.negativeOutlierFactor, (v) => (v < s.offset ? 1 : 0));
  }

  private noveltyState(what: string): FittedState {
    assertFitted(KIND, this.state);
    if (!(this.params.novelty ?? false)) throw new MLInputError(`${KIND}: ${what} needs novelty: true (with novelty: false, use negativeOutlierFactor or fitPredict for the training rows)`);
    return this.state;
  }

  /** −LOF of new rows relative to the training set (novelty: true); lower is more abnormal. */
  scoreSamples(X: Matrix): Float64Array {
    const s = this.noveltyState('scoreSamples');
    checkPredictInput(KIND, X, s.cols);
    for (let i = 0; i < X.data.length; i++) if (!Number.isFinite(X.data[i])) throw new MLInputError(`${KIND}: X has a non-finite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
    const { indices, distances } = s.tree.kneighbors(X, s.k);
    const lrdX = reachabilityDensity(indices, distances, s.kDistance, X.rows, s.k);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let sum = 0;
      for (let j = 0; j < s.k; j++) sum += s.lrd[indices[i * s.k + j]] / lrdX[i];
      out[i] = -(sum / s.k);
    }
    return out;
  }

  /** scoreSamples − offset: negative for outliers (novelty: true). */
  decisionFunction(X: Matrix): Float64Array {
    const out = this.scoreSamples(X);
    for (let i = 0; i < out.length; i++) out[i] -= this.state!.offset;
    return out;
  }

  /** 1 for an outlier, 0 for an inlier (novelty: true). */
  predict(X: Matrix): Float64Array {
    const d = this.decisionFunction(X);
    return Float64Array.from(d, (v) => (v < 0 ? 1 : 0));
  }

  toJSON(): SerializedModel<LocalOutlierFactorParams, SerializedState> {
    assertFitted(KIND, this.state);
    const s = this.state;
    return {
      kind: KIND,
      formatVersion: FORMAT_VERSION,
      params: { ...this.params },
      state: { rows: s.rows, cols: s.cols, k: s.k, offset: s.offset, data: encodeArray(s.data), kDistance: encodeArray(s.kDistance), lrd: encodeArray(s.lrd), negativeOutlierFactor: encodeArray(s.negativeOutlierFactor) },
    };
  }

  static fromJSON(json: SerializedModel<LocalOutlierFactorParams, SerializedState>): LocalOutlierFactor {
    checkSerialized(json, KIND, FORMAT_VERSION);
    const st = json.state;
    const m = new LocalOutlierFactor(json.params);
    const leafSize = m.resolved().leafSize;
    const data = decodeArray(st.data, 'f64');
    const kDistance = decodeArray(st.kDistance, 'f64');
    const lrd = decodeArray(st.lrd, 'f64');
    const nof = decodeArray(st.negativeOutlierFactor, 'f64');
    if (data.length !== st.rows * st.cols || kDistance.length !== st.rows || lrd.length !== st.rows || nof.length !== st.rows || !(st.k >= 1 && st.k < st.rows)) throw new MLInputError(`${KIND}: serialised state does not match its shape`);
    // The k-d tree is deterministic in the data, so rebuilding it restores the same neighbours.
    const tree = new KDTree(matrix(data, st.rows, st.cols), leafSize);
    m.state = { rows: st.rows, cols: st.cols, k: st.k, data, kDistance, lrd, negativeOutlierFactor: nof, offset: st.offset, tree };
    return m;
  }
}

/**
 * The neighbours of every training row on this thread, a few leaves of the tree at a time,
 * yielding to the event loop every ~20 ms so a long fit stays cancellable and responsive.
 */
async function selfNeighborsHere(tree: KDTree, k: number, opts: FitOptions): Promise<{ indices: Int32Array; distances: Float64Array }> {
  const n = tree.rows;
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const leaves = tree.arrays.leaves.length;
  let last = performance.now();
  for (let l = 0; l < leaves; l += 32) {
    tree.selfNeighborsOfLeaves(k, l, Math.min(l + 32, leaves), indices, distances);
    if (performance.now() - last > 20) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = performance.now();
      throwIfCancelled(opts.signal);
      opts.onProgress?.({ fraction: 0.1 + 0.8 * (Math.min(l + 32, leaves) / leaves), message: 'finding neighbours' });
    }
  }
  return { indices, distances };
}

/** The worker entry (its compiled .js twin when running from dist/). */
function workerUrl(): URL {
  return workerEntry(new URL('./knn-worker.ts', import.meta.url));
}

/**
 * The same search spread over worker threads: the tree in shared memory, ranges of leaves handed
 * out as workers finish (each point's answer does not depend on which worker found it).
 */
async function selfNeighborsOnWorkers(tree: KDTree, k: number, threads: number, opts: FitOptions): Promise<{ indices: Int32Array; distances: Float64Array }> {
  const n = tree.rows;
  const shared = tree.sharedArrays();
  const idxBuffer = new SharedArrayBuffer(n * k * 4);
  const distBuffer = new SharedArrayBuffer(n * k * 8);
  const leaves = shared.leaves.length;
  const per = Math.max(16, Math.ceil(leaves / (threads * 8)));
  const tasks: { leafFrom: number; leafTo: number }[] = [];
  for (let l = 0; l < leaves; l += per) tasks.push({ leafFrom: l, leafTo: Math.min(l + per, leaves) });
  const pool = new WorkerPool(workerUrl(), threads);
  try {
    let next = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: Math.min(threads, tasks.length) }, async (_, w) => {
        while (next < tasks.length && !opts.signal?.aborted) {
          const t = tasks[next++];
          await pool.runOn(w, { tree: shared, k, ...t, indices: idxBuffer, distances: distBuffer });
          opts.onProgress?.({ fraction: 0.1 + 0.8 * (++done / tasks.length), message: 'finding neighbours' });
        }
      }),
    );
  } finally {
    await pool.close();
  }
  throwIfCancelled(opts.signal);
  return { indices: new Int32Array(idxBuffer).slice(), distances: new Float64Array(distBuffer).slice() };
}

/** lrd of each query row: 1 / (mean reach-dist to its k neighbours + 1e-10). */
function reachabilityDensity(indices: Int32Array, distances: Float64Array, kDistance: Float64Array, n: number, k: number): Float64Array {
  const lrd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const o = i * k + j;
      const kd = kDistance[indices[o]];
      s += distances[o] > kd ? distances[o] : kd;
    }
    lrd[i] = 1 / (s / k + GUARD);
  }
  return lrd;
}

/** numpy's default (linear-interpolation) percentile, q in [0, 100]. */
function percentile(values: Float64Array, q: number): number {
  const s = Float64Array.from(values).sort();
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
