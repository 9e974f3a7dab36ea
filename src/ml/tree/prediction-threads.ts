import { Worker } from 'node:worker_threads';
import { defaultThreads, matrix, workerEntry, type Matrix } from '../core/index.js';
import type { ForestWalkers, WalkLayout } from './forest-walk.js';

/**
 * Threads that help the calling thread walk large prediction batches, as XGBoost's OpenMP pool
 * does. The call stays synchronous: the caller posts each helper a slice of rows (forest, input
 * and output all in SharedArrayBuffers, so nothing is copied per thread), walks its own slice,
 * then blocks on an Atomics counter until the helpers are done. Rows are summed by the same walk
 * code in every thread, so results are identical to a single-threaded batch.
 *
 * The helpers start in the background on the first large batch (or on startPredictionThreads),
 * are unref'd so they never hold the process open, and are dropped for good if one ever fails
 * or stalls: the caller then walks every row itself.
 */

/** Below this many rows a batch stays on the calling thread: waking a helper costs ~0.1 ms. */
export const MIN_PARALLEL_ROWS = 8192;

/** How long the caller waits for helpers beyond its own slice's time before doing their rows itself. */
const STALL_FACTOR = 20;
const STALL_FLOOR_MS = 2000;

export interface WalkJob {
  forestId: number;
  layout: WalkLayout;
  dim: number;
  K: number;
  data: Float32Array | Float64Array;
  cols: number;
  out: Float64Array;
  rowFrom: number;
  rowTo: number;
  treeFrom: number;
  treeTo: number;
  /** [0]: helpers finished, [1]: a helper failed. */
  done: Int32Array;
}

interface Helpers {
  workers: Worker[];
  ready: boolean;
  failed: boolean;
}

let helpers: Helpers | null = null;
let starting: Promise<void> | null = null;
/** Total threads a batch may use, the caller included; 1 turns the helpers off. */
let threadBudget = defaultThreads();
const forestIds = new WeakMap<WalkLayout, number>();
/** Batches split across threads so far (for tests and diagnostics). */
let parallelBatches = 0;
/** Large batches start the helpers themselves until helpers have once failed (no respawn storms). */
let autoStart = true;

export function parallelBatchCount(): number {
  return parallelBatches;
}
let nextForestId = 1;

/** Sets how many threads (the caller included) large batches use; 1 disables helper threads. */
export function setPredictionThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError('prediction threads must be a positive integer');
  threadBudget = threads;
  if (helpers && helpers.workers.length !== threads - 1) void stopPredictionThreads();
}

/** Starts the helper threads now (otherwise the first large batch starts them in the background). */
export function startPredictionThreads(): Promise<void> {
  if (threadBudget <= 1) return Promise.resolve();
  if (helpers?.ready && !helpers.failed) return Promise.resolve();
  if (starting) return starting;
  const entry = workerEntry(new URL('./prediction-worker.ts', import.meta.url));
  const bootstrap = new URL('../core/worker-bootstrap.mjs', import.meta.url);
  const state: Helpers = { workers: [], ready: false, failed: false };
  helpers = state;
  const started: Promise<void>[] = [];
  for (let i = 0; i < threadBudget - 1; i++) {
    const worker = new Worker(bootstrap, { workerData: { entry: entry.href, index: i } });
    worker.unref();
    started.push(
      new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`prediction thread exited with code ${code}`)));
      }),
    );
    worker.on('error', () => (state.failed = true));
    worker.on('exit', () => (state.failed = true));
    state.workers.push(worker);
  }
  starting = Promise.all(started).then(
    () => {
      state.ready = true;
      starting = null;
    },
    (err: unknown) => {
      state.failed = true;
      autoStart = false;
      starting = null;
      throw err;
    },
  );
  return starting;
}

export async function stopPredictionThreads(): Promise<void> {
  const h = helpers;
  helpers = null;
  if (h) await Promise.all(h.workers.map((w) => w.terminate()));
}

/**
 * Walks trees [treeFrom, treeTo) for every row of X into `out` across the helper threads.
 * Returns false, having done nothing, when the batch should stay on the calling thread.
 */
export function addBatchInParallel(
  layout: WalkLayout,
  walk: ForestWalkers,
  dim: number,
  K: number,
  X: Matrix,
  out: Float64Array,
  treeFrom: number,
  treeTo: number,
): boolean {
  if (threadBudget <= 1 || X.rows < MIN_PARALLEL_ROWS) return false;
  const h = helpers;
  if (!h || h.failed) {
    // Start them for the next large batch; this one stays here.
    if (!starting && autoStart) startPredictionThreads().catch(() => undefined);
    return false;
  }
  if (!h.ready) return false;

  let forestId = forestIds.get(layout);
  if (forestId === undefined) forestIds.set(layout, (forestId = nextForestId++));
  const { rows, cols } = X;
  const data = X.data.buffer instanceof SharedArrayBuffer ? X.data : copyToShared(X.data);
  const sharedOut = copyToShared(out);
  const done = new Int32Array(new SharedArrayBuffer(8));
  const parts = h.workers.length + 1;
  const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.round((rows * i) / parts));
  h.workers.forEach((worker, i) => {
    const job: WalkJob = { forestId, layout, dim, K, data, cols, out: sharedOut, rowFrom: bounds[i + 1], rowTo: bounds[i + 2], treeFrom, treeTo, done };
    worker.postMessage(job);
  });

  // The caller's own slice goes straight into `out`.
  const started = performance.now();
  walk.batch(matrix(X.data.subarray(0, bounds[1] * cols), bounds[1], cols), out.subarray(0, bounds[1] * K), treeFrom, treeTo);
  const deadline = performance.now() + Math.max(STALL_FLOOR_MS, STALL_FACTOR * (performance.now() - started));
  let finished: number;
  while ((finished = Atomics.load(done, 0)) < h.workers.length) {
    const left = deadline - performance.now();
    if (left <= 0 || Atomics.wait(done, 0, finished, left) === 'timed-out') break;
  }
  if (finished < h.workers.length || Atomics.load(done, 1) !== 0) {
    // A helper failed or stalled: never trust the shared output; walk the helpers' rows here.
    h.failed = true;
    autoStart = false;
    void stopPredictionThreads();
    walk.batch(matrix(X.data.subarray(bounds[1] * cols, rows * cols), rows - bounds[1], cols), out.subarray(bounds[1] * K), treeFrom, treeTo);
    return true;
  }
  out.set(sharedOut.subarray(bounds[1] * K, rows * K), bounds[1] * K);
  parallelBatches++;
  return true;
}

function copyToShared<T extends Float32Array | Float64Array>(a: T): T {
  const Type = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const copy = new Type(new SharedArrayBuffer(Math.max(1, a.length) * Type.BYTES_PER_ELEMENT));
  copy.set(a);
  return a.length === copy.length ? copy : (copy.subarray(0, a.length) as T);
}
