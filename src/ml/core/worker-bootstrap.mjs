// Starts an ML worker thread. Under tsx or vitest the entry is a .ts file, which Node cannot load
// by itself: register tsx's loader first (a dev dependency; the built dist/ entry is plain .js).
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
