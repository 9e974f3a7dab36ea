// A prediction helper thread (see prediction-threads.ts): walks the rows it is given and counts
// itself done on the shared counter, failure included, so the caller never waits in vain.
import { parentPort } from 'node:worker_threads';
import { matrix } from '../core/index.js';
import { forestWalkers, type ForestWalkers } from './forest-walk.js';
import type { WalkJob } from './prediction-threads.js';

const CACHED_FORESTS = 8;
const walkersByForest = new Map<number, ForestWalkers>();

function walkersFor(job: WalkJob): ForestWalkers {
  let walk = walkersByForest.get(job.forestId);
  if (!walk) {
    walk = forestWalkers(job.layout, job.dim, job.K);
    walkersByForest.set(job.forestId, walk);
    if (walkersByForest.size > CACHED_FORESTS) walkersByForest.delete(walkersByForest.keys().next().value!);
  }
  return walk;
}

parentPort!.on('message', (job: WalkJob) => {
  try {
    const { cols, K, rowFrom, rowTo } = job;
    const X = matrix(job.data.subarray(rowFrom * cols, rowTo * cols), rowTo - rowFrom, cols);
    walkersFor(job).batch(X, job.out.subarray(rowFrom * K, rowTo * K), job.treeFrom, job.treeTo);
  } catch {
    Atomics.store(job.done, 1, 1);
  }
  Atomics.add(job.done, 0, 1);
  Atomics.notify(job.done, 0);
});
parentPort!.postMessage('ready');
