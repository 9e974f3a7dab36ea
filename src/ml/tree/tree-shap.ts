import type { Matrix } from '../core/index.js';
import type { FlatForest } from './flat-tree.js';

/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2; the path-dependent algorithm of the
 * shap and XGBoost implementations): for each row, every feature's Shapley contribution to the
 * raw output, where a feature outside the coalition is integrated out by following both children
 * in proportion to their training cover. The contributions plus the expected value (bias) sum to
 * the raw output exactly (up to rounding). O(trees × leaves × depth²) per row.
 *
 * Output: rows × (cols + 1) with the bias last; with several outputs, rows × outputs × (cols + 1).
 * `base` is added to each output's bias, and every tree's contribution is multiplied by `scale`
 * (1 for boosting; 1/trees for forests, which average their trees).
 */
export function treeShap(forest: FlatForest, X: Matrix, base: Float64Array, scale = 1): Float64Array {
  const { rows, cols, data } = X;
  const K = forest.numOutputs;
  const stride = cols + 1;
  const out = new Float64Array(rows * K * stride);
  const shap = new PathShap(forest);
  const expected = shap.expectedValues();
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) {
      let bias = base[k];
      for (let t = 0; t < forest.numTrees; t++) {
        if (forest.valueDim === 1 ? forest.arrays.output[t] === k : true) bias += scale * expected[t * forest.valueDim + (forest.valueDim === 1 ? 0 : k)];
      }
      out[(r * K + k) * stride + cols] = bias;
    }
    for (let t = 0; t < forest.numTrees; t++) shap.addTree(t, data, r * cols, out, r * K * stride, stride, scale);
  }
  return out;
}

/** The recursion's state: one unique path per depth, in typed arrays (no per-node objects). */
class PathShap {
  private readonly a: FlatForest['arrays'];
  private readonly dim: number;
  private feature: Int32Array;
  private zero: Float64Array;
  private one: Float64Array;
  private weight: Float64Array;
  // The row being explained and where its contributions go.
  private x!: ArrayLike<number>;
  private xo = 0;
  private phi!: Float64Array;
  private po = 0;
  private stride = 0;
  private scale = 1;
  private output = 0;

  constructor(private readonly forest: FlatForest) {
    this.a = forest.arrays;
    this.dim = forest.valueDim;
    let maxDepth = 0;
    for (let t = 0; t < forest.numTrees; t++) maxDepth = Math.max(maxDepth, this.depth(this.a.roots[t]));
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }

  /** Each tree's expected output (cover-weighted mean of its leaves), valueDim per tree. */
  expectedValues(): Float64Array {
    const out = new Float64Array(this.forest.numTrees * this.dim);
    for (let t = 0; t < this.forest.numTrees; t++) {
      for (let k = 0; k < this.dim; k++) out[t * this.dim + k] = this.expected(this.a.roots[t], k);
    }
    return out;
  }

  /** Adds tree t's contributions for the row at x[xo..] into phi (one block of `stride` per output). */
  addTree(t: number, x: ArrayLike<number>, xo: number, phi: Float64Array, po: number, stride: number, scale: number): void {
    this.x = x;
    this.xo = xo;
    this.phi = phi;
    this.stride = stride;
    this.scale = scale;
    if (this.dim === 1) {
      this.output = 0;
      this.po = po + this.a.output[t] * stride;
      this.recurse(this.a.roots[t], 0, 0, 1, 1, -1);
    } else {
      for (let k = 0; k < this.dim; k++) {
        this.output = k;
        this.po = po + k * stride;
        this.recurse(this.a.roots[t], 0, 0, 1, 1, -1);
      }
    }
  }

  private depth(node: number): number {
    const { feature, left, right } = this.a;
    return feature[node] < 0 ? 0 : 1 + Math.max(this.depth(left[node]), this.depth(right[node]));
  }

  private expected(node: number, k: number): number {
    const { feature, left, right, cover, value } = this.a;
    if (feature[node] < 0) return value[node * this.dim + k];
    const c = cover[node];
    if (!(c > 0)) return 0.5 * (this.expected(left[node], k) + this.expected(right[node], k));
    return (cover[left[node]] * this.expected(left[node], k) + cover[right[node]] * this.expected(right[node], k)) / c;
  }

  /**
   * The path of `depth` elements starting at `p` is copied to p + depth + 1 (children must not see
   * their siblings' changes), extended with the parent's split, then either credited (at a leaf)
   * or passed down both children: the hot one (where this row goes) and the cold one.
   */
  private recurse(node: number, p: number, depth: number, zeroFraction: number, oneFraction: number, featureIndex: number): void {
    const { feature: feat, zero, one, weight } = this;
    const q = p + depth + 1;
    feat.copyWithin(q, p, p + depth);
    zero.copyWithin(q, p, p + depth);
    one.copyWithin(q, p, p + depth);
    weight.copyWithin(q, p, p + depth);
    this.extend(q, depth, zeroFraction, oneFraction, featureIndex);
    const a = this.a;
    const f = a.feature[node];
    if (f < 0) {
      const v = this.scale * a.value[node * this.dim + this.output];
      for (let i = 1; i <= depth; i++) {
        const w = this.unwoundSum(q, depth, i);
        this.phi[this.po + feat[q + i]] += w * (one[q + i] - zero[q + i]) * v;
      }
      return;
    }
    const xv = this.x[this.xo + f];
    const thr = a.threshold[node];
    const hot = xv <= thr ? a.left[node] : xv > thr ? a.right[node] : a.missing[node];
    const cold = hot === a.left[node] ? a.right[node] : a.left[node];
    const c = a.cover[node];
    const hotZero = c > 0 ? a.cover[hot] / c : 0.5;
    const coldZero = c > 0 ? a.cover[cold] / c : 0.5;
    let incomingZero = 1;
    let incomingOne = 1;
    // A feature already on the path is unwound first, so it is counted once.
    let pi = 0;
    while (pi <= depth && feat[q + pi] !== f) pi++;
    if (pi <= depth) {
      incomingZero = zero[q + pi];
      incomingOne = one[q + pi];
      this.unwind(q, depth, pi);
      depth--;
    }
    this.recurse(hot, q, depth + 1, hotZero * incomingZero, incomingOne, f);
    this.recurse(cold, q, depth + 1, coldZero * incomingZero, 0, f);
  }

  private extend(p: number, depth: number, zeroFraction: number, oneFraction: number, featureIndex: number): void {
    const { feature, zero, one, weight } = this;
    feature[p + depth] = featureIndex;
    zero[p + depth] = zeroFraction;
    one[p + depth] = oneFraction;
    weight[p + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      weight[p + i + 1] += (oneFraction * weight[p + i] * (i + 1)) / (depth + 1);
      weight[p + i] = (zeroFraction * weight[p + i] * (depth - i)) / (depth + 1);
    }
  }

  private unwind(p: number, depth: number, pi: number): void {
    const { feature, zero, one, weight } = this;
    const oneFraction = one[p + pi];
    const zeroFraction = zero[p + pi];
    let nextOne = weight[p + depth];
    for (let i = depth - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = weight[p + i];
        weight[p + i] = (nextOne * (depth + 1)) / ((i + 1) * oneFraction);
        nextOne = tmp - (weight[p + i] * zeroFraction * (depth - i)) / (depth + 1);
      } else {
        weight[p + i] = (weight[p + i] * (depth + 1)) / (zeroFraction * (depth - i));
      }
    }
    for (let i = pi; i < depth; i++) {
      feature[p + i] = feature[p + i + 1];
      zero[p + i] = zero[p + i + 1];
      one[p + i] = one[p + i + 1];
    }
  }

  /** The total path weight if element pi were unwound (without changing the path). */
  private unwoundSum(p: number, depth: number, pi: number): number {
    const { zero, one, weight } = this;
    const oneFraction = one[p + pi];
    const zeroFraction = zero[p + pi];
    let nextOne = weight[p + depth];
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = (nextOne * (depth + 1)) / ((i + 1) * oneFraction);
        total += tmp;
        nextOne = weight[p + i] - (tmp * zeroFraction * (depth - i)) / (depth + 1);
      } else if (zeroFraction !== 0) {
        total += weight[p + i] / zeroFraction / ((depth - i) / (depth + 1));
      }
    }
    return total;
  }
}
