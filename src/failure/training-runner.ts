/**
 * Runs a failure training in its own worker thread (training-worker.ts) and reports its
 * progress: simulation and window building are synchronous CPU work that would otherwise stall
 * every request for the whole fit. Aborting terminates the thread.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../ml/core/index.js';
import type { PredictorSummary } from './model-versions.js';
import type { SimulatorTrainingConfig } from './simulator-training.js';

export interface TrainedModel {
  /** The model file (gzipped JSON, model-file.ts). */
  bytes: Buffer;
  summary: PredictorSummary;
  seconds: { simulate: number; fit: number };
}

/** Progress messages of trainOnSimulator → the fraction of the job done when they appear. */
const STAGES: Array<[RegExp, number]> = [
  [/^simulating training fleet/, 0.02],
  [/^simulating validation fleet/, 0.25],
  [/^fitting gbdt$/, 0.3],
  [/^fitting gbdt_early$/, 0.4],
  [/^fitting random_forest$/, 0.5],
  [/^fitting isolation_forest$/, 0.58],
  [/^fitting lstm$/, 0.62],
  [/^fitting time to failure$/, 0.75],
  [/^stacking on validation$/, 0.8],
];

export function progressOf(message: string, previous: number): number {
  for (const [re, f] of STAGES) if (re.test(message)) return Math.max(previous, f);
  return previous;
}

export function trainInWorker(config: SimulatorTrainingConfig, onProgress: (fraction: number, message: string) => void, signal?: AbortSignal): Promise<TrainedModel> {
  signal?.throwIfAborted();
  const worker = new Worker(new URL('../ml/core/worker-bootstrap.mjs', import.meta.url), {
    workerData: { entry: workerEntry(new URL('./training-worker.ts', import.meta.url)).href, index: 0, init: { config } },
  });
  return new Promise<TrainedModel>((resolve, reject) => {
    let fraction = 0;
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const onAbort = () => finish(() => reject(signal?.reason ?? new Error('training aborted')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { type: string; message?: string; bytes?: Uint8Array; summary?: PredictorSummary; seconds?: TrainedModel['seconds'] }) => {
      if (m.type === 'progress' && m.message) {
        fraction = progressOf(m.message, fraction);
        onProgress(fraction, m.message);
      } else if (m.type === 'done') {
        finish(() => resolve({ bytes: Buffer.from(m.bytes!.buffer, m.bytes!.byteOffset, m.bytes!.byteLength), summary: m.summary!, seconds: m.seconds! }));
      } else if (m.type === 'error') {
        finish(() => reject(new Error(m.message)));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the training thread exited with code ${code} before finishing`))));
  });
}
