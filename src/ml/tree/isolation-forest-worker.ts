// Worker thread for IsolationForest: grows trees from their seeds and scores row ranges, reading X
// (and the forest) from SharedArrayBuffers so nothing large is copied per task.
import { serveWorker } from '../core/worker-pool.js';
import { buildIsolationTree, meanPathLengths, type IsolationTreeArrays, type ScoringForest } from './isolation-forest.js';

interface BuildTask {
  kind: 'build';
  X: SharedArrayBuffer;
  dtype: 'f64' | 'f32';
  rows: number;
  cols: number;
  psi: number;
  nFeatures: number;
  maxDepth: number;
  seeds: number[];
}

interface ScoreTask {
  kind: 'score';
  X: SharedArrayBuffer;
  dtype: 'f64' | 'f32';
  cols: number;
  from: number;
  to: number;
  forest: ScoringForest;
  out: SharedArrayBuffer;
}

const view = (buffer: SharedArrayBuffer, dtype: 'f64' | 'f32') => (dtype === 'f32' ? new Float32Array(buffer) : new Float64Array(buffer));

await serveWorker((task: BuildTask | ScoreTask): IsolationTreeArrays[] | null => {
  if (task.kind === 'build') {
    const X = view(task.X, task.dtype);
    return task.seeds.map((seed) => buildIsolationTree(X, task.rows, task.cols, task.psi, task.nFeatures, task.maxDepth, seed));
  }
  meanPathLengths(task.forest, view(task.X, task.dtype), task.cols, task.from, task.to, new Float64Array(task.out));
  return null;
});
