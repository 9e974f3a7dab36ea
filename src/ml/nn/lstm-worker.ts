// Worker thread for the LSTM models: trains one network (tfjs on its own WASM instance, initialised
// when lstm-net imports tfjs-backend) and streams progress over the MessagePort it was handed.
import type { MessagePort } from 'node:worker_threads';
import { serveWorker } from '../core/worker-pool.js';
import { autoencoderOutputs, classifierLogits, trainNet, type NetSpec, type TrainConfig, type TrainResult } from './lstm-net.js';

export interface TrainTask {
  kind: 'train';
  spec: NetSpec;
  config: TrainConfig;
  X: Float32Array;
  rows: number;
  y?: Int32Array;
  port: MessagePort;
}

/** Forward pass over standardised windows: reconstructions (autoencoder) or logits (classifier). */
export interface InferTask {
  kind: 'infer';
  spec: NetSpec;
  weights: Float32Array[];
  X: Float32Array;
  rows: number;
}

export type WorkerProgress =
  | { type: 'epoch'; epoch: number; epochs: number; loss: number; valLoss?: number; seconds: number }
  | { type: 'batch'; done: number; total: number }
  | { type: 'done' };

/** Least time between two within-epoch progress messages. */
const BATCH_PROGRESS_MS = 500;

await serveWorker((task: TrainTask | InferTask): TrainResult | Float32Array => {
  if (task.kind === 'infer') {
    return task.spec.type === 'autoencoder' ? autoencoderOutputs(task.spec, task.weights, task.X, task.rows) : classifierLogits(task.spec, task.weights, task.X, task.rows);
  }
  const { port } = task;
  let last = performance.now();
  try {
    return trainNet(task.spec, { X: task.X, rows: task.rows, y: task.y }, task.config, {
      onEpoch: (r) => port.postMessage({ type: 'epoch', ...r } satisfies WorkerProgress),
      onBatch: (done, total) => {
        const now = performance.now();
        if (now - last < BATCH_PROGRESS_MS) return;
        last = now;
        port.postMessage({ type: 'batch', done, total } satisfies WorkerProgress);
      },
    });
  } finally {
    // Messages on one port arrive in order: once 'done' is read, every progress message has been.
    port.postMessage({ type: 'done' } satisfies WorkerProgress);
    port.close();
  }
});
