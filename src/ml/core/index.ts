export * from './errors.js';
export * from './matrix.js';
export * from './estimator.js';
export * from './random.js';
export * from './typed-array-codec.js';
export { WorkerPool, serveWorker, defaultThreads } from './worker-pool.js';
export { workerEntry } from './worker-url.js';
