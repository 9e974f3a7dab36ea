import { Random } from '../core/index.js';
import { MISSING_BIN } from './binning.js';
import { ForestBuilder, type FlatForestArrays } from './flat-tree.js';
import { partitionRows } from './partition.js';

/**
 * One randomised tree of a random forest (Breiman 2001, as scikit-learn grows them) on the shared
 * bin matrix: a bootstrap sample, and at each node a fresh random subset of features, searched
 * until `maxFeatures` features that vary in the node have been tried. Classification minimises
 * Gini impurity (equivalently maximises Σ_k c_k²/n over both children), regression the squared
 * error (maximises S²/W). Each feature's search touches only the bins its rows occupy, so deep
 * nodes with few rows cost O(rows), not O(bins).
 */

export interface RandomTreeConfig {
  /** Classes for classification; 0 for regression. */
  numClasses: number;
  /** 0 = unlimited. */
  maxDepth: number;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  /** Features that vary in the node to search per split. */
  maxFeatures: number;
  bootstrap: boolean;
}

export interface RandomTreeData {
  /** Column-major bins (feature f of row r at f*n + r). */
  bins: Uint8Array;
  n: number;
  cols: number;
  /** Bins per feature, the missing bin included. */
  numBins: Int32Array;
  /** Class labels (0..k-1) or regression targets. */
  y: Float64Array;
}

export interface RandomTreeResult {
  /**
   * The tree with local node indices; `threshold` holds the split *bin* (the caller turns bins
   * into raw thresholds); `value` holds class distributions (k per node) or means.
   */
  tree: FlatForestArrays;
  /** For each training row: the leaf an out-of-bag row reaches, -1 for rows in the bag. */
  oobLeaf: Int32Array | null;
}

/** Per-thread scratch reused across trees. */
export class RandomTreeScratch {
  readonly rows: Uint32Array;
  readonly part: Uint32Array;
  readonly weight: Float64Array;
  /** Per bin: K class weights (or Σwy, Σw for regression) then the row count. */
  readonly hist: Float64Array;
  readonly touched: Int32Array;
  readonly order: Int32Array;
  constructor(n: number, cols: number, stride: number) {
    this.rows = new Uint32Array(n);
    this.part = new Uint32Array(n);
    this.weight = new Float64Array(n);
    this.hist = new Float64Array(256 * stride);
    this.touched = new Int32Array(256);
    this.order = new Int32Array(cols);
  }
}

interface Candidate {
  score: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  /** Whether the node had missing values of the split feature. */
  sawMissing: boolean;
}

/** Relative criterion improvements below this are rounding noise. */
const EPS = 1e-12;

export function growRandomTree(data: RandomTreeData, cfg: RandomTreeConfig, seed: number, scratch: RandomTreeScratch, wantOob: boolean): RandomTreeResult {
  const { n, y } = data;
  const K = cfg.numClasses;
  const classify = K > 0;
  const dim = classify ? K : 1;
  const rng = new Random(seed);
  const { rows, weight } = scratch;
  // Bootstrap: n draws with replacement become integer row weights.
  weight.fill(0);
  if (cfg.bootstrap) for (let i = 0; i < n; i++) weight[rng.int(n)]++;
  else weight.fill(1);
  let m = 0;
  for (let r = 0; r < n; r++) if (weight[r] > 0) rows[m++] = r;
  const builder = new ForestBuilder(dim, Math.max(1, K));
  builder.beginTree(0);
  // Node statistics: class weights (or Σwy, Σw) per node.
  const statWidth = classify ? K : 2;
  const stack: { node: number; start: number; end: number; depth: number; stats: Float64Array }[] = [];
  const rootStats = new Float64Array(statWidth);
  for (let i = 0; i < m; i++) addRow(rootStats, rows[i], weight, y, classify);
  const root = builder.addNode(total(rootStats, classify));
  stack.push({ node: root, start: 0, end: m, depth: 0, stats: rootStats });
  const cand: Candidate = { score: 0, feature: -1, bin: 0, missingLeft: false, sawMissing: false };
  while (stack.length) {
    const nd = stack.pop()!;
    const count = nd.end - nd.start;
    const w = total(nd.stats, classify);
    setLeafValue(builder, nd.node, nd.stats, classify);
    if ((cfg.maxDepth > 0 && nd.depth >= cfg.maxDepth) || count < cfg.minSamplesSplit || count < 2 * cfg.minSamplesLeaf || pure(nd.stats, classify, w)) continue;
    const parentScore = score(nd.stats, classify, w);
    cand.score = -Infinity;
    cand.feature = -1;
    const leftStats = new Float64Array(statWidth);
    searchSplit(data, cfg, scratch, rng, nd.start, nd.end, nd.stats, w, cand, leftStats);
    if (cand.feature < 0 || !(cand.score - parentScore > EPS * Math.abs(parentScore) + 1e-300)) continue;
    const nLeft = partitionRows(data.bins, n, rows, nd.start, nd.end, cand.feature, cand.bin, cand.missingLeft, scratch.part);
    const rightStats = new Float64Array(statWidth);
    for (let j = 0; j < statWidth; j++) rightStats[j] = nd.stats[j] - leftStats[j];
    const L = builder.addNode(total(leftStats, classify));
    const R = builder.addNode(total(rightStats, classify));
    builder.setSplit(nd.node, cand.feature, cand.bin, L, R, cand.missingLeft, cand.score - parentScore);
    // Right first on the stack: the left subtree is finished first (depth-first, left to right).
    stack.push({ node: R, start: nd.start + nLeft, end: nd.end, depth: nd.depth + 1, stats: rightStats });
    stack.push({ node: L, start: nd.start, end: nd.start + nLeft, depth: nd.depth + 1, stats: leftStats });
  }
  const tree = builder.build().arrays;
  let oobLeaf: Int32Array | null = null;
  if (wantOob) {
    oobLeaf = new Int32Array(n).fill(-1);
    const { feature, threshold, left, right, missing } = tree;
    for (let r = 0; r < n; r++) {
      if (weight[r] > 0) continue;
      let node = 0;
      let f: number;
      while ((f = feature[node]) >= 0) {
        const b = data.bins[f * n + r];
        node = b === MISSING_BIN ? missing[node] : b <= threshold[node] ? left[node] : right[node];
      }
      oobLeaf[r] = node;
    }
  }
  return { tree, oobLeaf };
}

function addRow(stats: Float64Array, r: number, weight: Float64Array, y: Float64Array, classify: boolean): void {
  const w = weight[r];
  if (classify) stats[y[r]] += w;
  else {
    stats[0] += w * y[r];
    stats[1] += w;
  }
}

function total(stats: Float64Array, classify: boolean): number {
  if (!classify) return stats[1];
  let s = 0;
  for (let k = 0; k < stats.length; k++) s += stats[k];
  return s;
}

/** Σ_k c_k²/n (classification) or S²/W (regression): a split maximises its children's sum. */
function score(stats: Float64Array, classify: boolean, w: number): number {
  if (w <= 0) return 0;
  if (!classify) return (stats[0] * stats[0]) / w;
  let s = 0;
  for (let k = 0; k < stats.length; k++) s += stats[k] * stats[k];
  return s / w;
}

function pure(stats: Float64Array, classify: boolean, w: number): boolean {
  if (!classify) return false;
  for (let k = 0; k < stats.length; k++) if (stats[k] === w) return true;
  return false;
}

function setLeafValue(builder: ForestBuilder, node: number, stats: Float64Array, classify: boolean): void {
  const w = total(stats, classify);
  if (!classify) builder.setValue(node, 0, w > 0 ? stats[0] / w : 0);
  else for (let k = 0; k < stats.length; k++) builder.setValue(node, k, w > 0 ? stats[k] / w : 0);
}

/**
 * Tries features in a random order until maxFeatures features that vary in the node have been
 * searched (features constant in the node do not count, as in scikit-learn). Writes the best
 * split to `best` and its left child's statistics to `bestLeft`.
 */
function searchSplit(
  data: RandomTreeData,
  cfg: RandomTreeConfig,
  scratch: RandomTreeScratch,
  rng: Random,
  start: number,
  end: number,
  parent: Float64Array,
  parentW: number,
  best: Candidate,
  bestLeft: Float64Array,
): void {
  const { bins, n, cols, numBins, y } = data;
  const K = cfg.numClasses;
  const classify = K > 0;
  const sw = classify ? K : 2; // statistics per bin, then the row count
  const stride = sw + 1;
  const { rows, weight, hist, touched, order } = scratch;
  const count = end - start;
  const msl = cfg.minSamplesLeaf;
  for (let f = 0; f < cols; f++) order[f] = f;
  const left = new Float64Array(sw);
  const miss = new Float64Array(sw);
  let tried = 0;
  for (let i = 0; i < cols && tried < cfg.maxFeatures; i++) {
    // Incremental Fisher–Yates: the next feature of a random permutation.
    const j = i + rng.int(cols - i);
    const f = order[j];
    order[j] = order[i];
    order[i] = f;
    const nb = numBins[f];
    // Histogram over the bins this node's rows occupy.
    const c = f * n;
    let t = 0;
    for (let p = start; p < end; p++) {
      const r = rows[p];
      const b = bins[c + r];
      const o = b * stride;
      if (hist[o + sw] === 0) touched[t++] = b;
      const w = weight[r];
      if (classify) hist[o + y[r]] += w;
      else {
        hist[o] += w * y[r];
        hist[o + 1] += w;
      }
      hist[o + sw] += 1;
    }
    const missCount = hist[sw];
    const hasMissing = missCount > 0;
    const valueBins = hasMissing ? t - 1 : t;
    if (valueBins === 0 || (valueBins === 1 && !hasMissing)) {
      // Constant in this node: does not count toward maxFeatures.
      clearTouched(hist, touched, t, stride);
      continue;
    }
    tried++;
    // Bins in ascending order: sort the touched list when it is short, else walk all bins.
    let list: Int32Array;
    let len: number;
    if (t * 8 < nb) {
      list = touched.subarray(0, t).sort();
      len = t;
    } else {
      list = touched;
      len = 0;
      for (let b = 0; b < nb; b++) if (hist[b * stride + sw] > 0) list[len++] = b;
    }
    const first = hasMissing ? 1 : 0;
    for (let k = 0; k < sw; k++) miss[k] = hist[k];
    // Missing values alone on the left.
    if (hasMissing && missCount >= msl && count - missCount >= msl) evaluate(miss, parent, parentW, classify, 0, f, true, true, best, bestLeft);
    left.fill(0);
    let leftCount = 0;
    for (let q = first; q < len - 1; q++) {
      const o = list[q] * stride;
      for (let k = 0; k < sw; k++) left[k] += hist[o + k];
      leftCount += hist[o + sw];
      if (count - leftCount < msl) break; // the right side only shrinks from here
      // Missing values (if any) on the right.
      if (leftCount >= msl) evaluate(left, parent, parentW, classify, list[q], f, false, hasMissing, best, bestLeft);
      // Missing values on the left.
      if (hasMissing && leftCount + missCount >= msl && count - leftCount - missCount >= msl) {
        for (let k = 0; k < sw; k++) left[k] += miss[k];
        evaluate(left, parent, parentW, classify, list[q], f, true, true, best, bestLeft);
        for (let k = 0; k < sw; k++) left[k] -= miss[k];
      }
    }
    clearTouched(hist, touched, t, stride);
  }
  // Without missing values in the node, NaN at prediction time follows the heavier side.
  if (best.feature >= 0 && !best.sawMissing) {
    const wl = classify ? sumOf(bestLeft) : bestLeft[1];
    best.missingLeft = wl >= parentW - wl;
  }
}

function sumOf(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  return s;
}

function evaluate(left: Float64Array, parent: Float64Array, parentW: number, classify: boolean, bin: number, f: number, missingLeft: boolean, sawMissing: boolean, best: Candidate, bestLeft: Float64Array): void {
  let s: number;
  if (classify) {
    let wl = 0;
    let sl = 0;
    let sr = 0;
    for (let k = 0; k < left.length; k++) {
      const l = left[k];
      const r = parent[k] - l;
      wl += l;
      sl += l * l;
      sr += r * r;
    }
    const wr = parentW - wl;
    if (wl <= 0 || wr <= 0) return;
    s = sl / wl + sr / wr;
  } else {
    const wl = left[1];
    const wr = parentW - wl;
    if (wl <= 0 || wr <= 0) return;
    const sr = parent[0] - left[0];
    s = (left[0] * left[0]) / wl + (sr * sr) / wr;
  }
  if (s > best.score) {
    best.score = s;
    best.feature = f;
    best.bin = bin;
    best.missingLeft = missingLeft;
    best.sawMissing = sawMissing;
    bestLeft.set(left);
  }
}

function clearTouched(hist: Float64Array, touched: Int32Array, t: number, stride: number): void {
  for (let i = 0; i < t; i++) hist.fill(0, touched[i] * stride, (touched[i] + 1) * stride);
}
