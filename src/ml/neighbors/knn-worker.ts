// Worker thread for the k-d tree: finds the neighbours of the points of a range of leaves, reading
// the tree from SharedArrayBuffers and writing into shared output arrays.
import { serveWorker } from '../core/worker-pool.js';
import { KDTree, type KDTreeArrays } from './kd-tree.js';

interface SelfTask {
  tree: KDTreeArrays;
  k: number;
  leafFrom: number;
  leafTo: number;
  indices: SharedArrayBuffer;
  distances: SharedArrayBuffer;
}

// One KDTree (with its scratch space) per shared tree, reused across tasks.
let cached: { points: Float64Array; tree: KDTree } | undefined;

await serveWorker((task: SelfTask) => {
  if (!cached || cached.points.buffer !== task.tree.points.buffer) cached = { points: task.tree.points, tree: new KDTree(task.tree) };
  cached.tree.selfNeighborsOfLeaves(task.k, task.leafFrom, task.leafTo, new Int32Array(task.indices), new Float64Array(task.distances));
  return null;
});
