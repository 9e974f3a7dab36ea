import { workerEntry } from '../core/worker-url.js';
/**
 * What LstmAutoencoder and LstmSequenceClassifier share on the calling thread: running a fit in a
 * worker thread (progress, cancellation), parameter checks, window shapes and the weight codec.
 */
import { MessageChannel } from 'node:worker_threads';
import { throwIfCancelled, type FitOptions } from '../core/estimator.js';
import { FitCancelledError, MLInputError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { decodeArray, encodeArray, type EncodedArray } from '../core/typed-array-codec.js';
import { WorkerPool } from '../core/worker-pool.js';
import { standardizeWindows, weightInfo, type NetSpec, type TrainConfig, type TrainResult } from './lstm-net.js';
import type { InferTask, TrainTask, WorkerProgress } from './lstm-worker.js';

/**
 * Trains on a worker thread so the calling thread's event loop never blocks. Progress arrives per
 * epoch (with the training and validation loss) and about twice a second within an epoch; all of
 * it before the returned promise settles. Aborting the signal terminates the worker at once and
 * rejects with FitCancelledError.
 */
export async function fitInWorker(spec: NetSpec, config: TrainConfig, X: Float32Array, rows: number, y: Int32Array | undefined, opts: FitOptions): Promise<TrainResult> {
  const { signal, onProgress } = opts;
  throwIfCancelled(signal);
  const pool = new WorkerPool(workerEntry(new URL('./lstm-worker.ts', import.meta.url)), 1);
  const channel = new MessageChannel();
  let drained!: () => void;
  const allProgress = new Promise<void>((resolve) => (drained = resolve));
  // An exception thrown by onProgress rejects the fit (and stops the worker) instead of escaping.
  let callbackFailed!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (callbackFailed = reject));
  channel.port1.on('message', (m: WorkerProgress) => {
    if (m.type === 'done') return drained();
    if (!onProgress) return;
    try {
      if (m.type === 'epoch') {
        const metrics: Record<string, number> = { epoch: m.epoch, loss: m.loss, epochSeconds: m.seconds };
        if (m.valLoss !== undefined) metrics.valLoss = m.valLoss;
        onProgress({ fraction: m.epoch / m.epochs, message: `epoch ${m.epoch}/${m.epochs}`, metrics });
      } else {
        onProgress({ fraction: m.done / m.total, message: 'training' });
      }
    } catch (err) {
      callbackFailed(err);
    }
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new FitCancelledError());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const task: TrainTask = { kind: 'train', spec, config, X, rows, y, port: channel.port2 };
    // MessagePorts travel in the transfer list too; WorkerPool types it for buffers only.
    const transfer = [channel.port2, X.buffer, ...(y ? [y.buffer] : [])] as unknown as ArrayBuffer[];
    const run = pool.runOn<TrainResult>(0, task, transfer);
    const [result] = await Promise.race([Promise.all([run, allProgress]), aborted, failed]);
    return result;
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    channel.port1.close();
    await pool.close();
  }
}

/**
 * Runs the network's forward pass over standardised windows in a worker thread (for large batches
 * that would otherwise hold the calling thread): the same code and backend as the synchronous
 * path, so the numbers are identical. Aborting the signal stops the worker and rejects with an
 * Error named 'AbortError'.
 */
export async function inferInWorker(spec: NetSpec, weights: Float32Array[], X: Float32Array, rows: number, signal?: AbortSignal): Promise<Float32Array> {
  if (signal?.aborted) throw abortError();
  const pool = new WorkerPool(workerEntry(new URL('./lstm-worker.ts', import.meta.url)), 1);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const task: InferTask = { kind: 'infer', spec, weights, X, rows };
    return await Promise.race([pool.runOn<Float32Array>(0, task, [X.buffer as ArrayBuffer]), aborted]);
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await pool.close();
  }
}

function abortError(): Error {
  const e = new Error('the operation was aborted');
  e.name = 'AbortError';
  return e;
}

// ---------------------------------------------------------------------------------------------
// Parameters

export function intParam(kind: string, name: string, value: unknown, fallback: number | undefined, min = 1): number {
  const v = value ?? fallback;
  if (v === undefined) throw new MLInputError(`${kind}: ${name} is required`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new MLInputError(`${kind}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/** A number in [lo, hi) (or [lo, hi] with closedHigh), or with lo excluded when openLow. */
export function numParam(kind: string, name: string, value: unknown, fallback: number, lo: number, hi: number, opts: { openLow?: boolean; closedHigh?: boolean } = {}): number {
  const v = value ?? fallback;
  const ok = typeof v === 'number' && Number.isFinite(v) && (opts.openLow ? v > lo : v >= lo) && (opts.closedHigh ? v <= hi : v < hi);
  if (!ok) throw new MLInputError(`${kind}: ${name} must be a number in ${opts.openLow ? '(' : '['}${lo}, ${hi}${opts.closedHigh ? ']' : ')'}, got ${String(v)}`);
  return v as number;
}

export function boolParam(kind: string, name: string, value: unknown, fallback: boolean): boolean {
  const v = value ?? fallback;
  if (typeof v !== 'boolean') throw new MLInputError(`${kind}: ${name} must be true or false, got ${String(v)}`);
  return v;
}

/** The features per time step implied by X's width: X.cols = windowSize × nFeatures. */
export function featuresPerStep(kind: string, X: Matrix, windowSize: number): number {
  if (X.cols % windowSize !== 0) throw new MLInputError(`${kind}: X has ${X.cols} columns, not a multiple of windowSize ${windowSize} (a row is a window of windowSize steps × nFeatures, time-major)`);
  return X.cols / windowSize;
}

/** Checks that every value is finite (the networks have no missing-value handling). */
export function checkFinite(kind: string, X: Matrix): void {
  for (let i = 0; i < X.data.length; i++) {
    if (!Number.isFinite(X.data[i])) throw new MLInputError(`${kind}: X has a non-finite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
  }
}

/** Checks the validation split leaves rows on both sides. */
export function checkSplit(kind: string, rows: number, validationSplit: number): void {
  const nVal = Math.floor(rows * validationSplit);
  if (validationSplit > 0 && nVal === 0) throw new MLInputError(`${kind}: validationSplit ${validationSplit} of ${rows} rows holds out no row`);
  if (rows - nVal < 1) throw new MLInputError(`${kind}: validationSplit ${validationSplit} leaves no training rows`);
}

/** X standardised with the fitted statistics, as float32 (the network's input). */
export function standardizedInput(X: Matrix, F: number, mean: Float64Array, std: Float64Array): Float32Array {
  return standardizeWindows(X.data, X.data.length, F, mean, std);
}

// ---------------------------------------------------------------------------------------------
// Serialised weights

export interface SerializedWeight {
  name: string;
  shape: number[];
  values: EncodedArray;
}

export function encodeWeights(spec: NetSpec, weights: Float32Array[]): SerializedWeight[] {
  return weightInfo(spec).map((info, k) => ({ name: info.name, shape: info.shape, values: encodeArray(weights[k]) }));
}

/** Decodes weights and checks them against the topology `spec` implies. */
export function decodeWeights(kind: string, spec: NetSpec, ws: SerializedWeight[]): Float32Array[] {
  const info = weightInfo(spec);
  if (!Array.isArray(ws) || ws.length !== info.length) throw new MLInputError(`${kind}: expected ${info.length} weight tensors, got ${Array.isArray(ws) ? ws.length : 'none'}`);
  return info.map((inf, k) => {
    const w = ws[k];
    if (w.name !== inf.name || w.shape.length !== inf.shape.length || w.shape.some((d, j) => d !== inf.shape[j])) {
      throw new MLInputError(`${kind}: weight ${k} is ${w.name} [${w.shape}], expected ${inf.name} [${inf.shape}]`);
    }
    const a = decodeArray(w.values, 'f32');
    if (a.length !== inf.shape.reduce((x, y) => x * y, 1)) throw new MLInputError(`${kind}: weight ${inf.name} has ${a.length} values for shape [${inf.shape}]`);
    return a;
  });
}
