import { decodeArray, encodeArray, MLInputError, type EncodedArray, type Matrix } from '../core/index.js';
import { buildWalkLayout, forestWalkers, type ForestWalkers, type WalkLayout } from './forest-walk.js';
import { addBatchInParallel } from './prediction-threads.js';

interface InferenceLayout {
  arrays: WalkLayout;
  walk: ForestWalkers;
}

/**
 * Every tree of an ensemble in a handful of typed arrays, one slot per node (trees concatenated,
 * children as absolute node indices). Inference walks plain arrays: no objects, no closures, and
 * the same arithmetic in the same order for one row and for a batch, so both give identical sums.
 */
export interface FlatForestArrays {
  /** Split feature of an internal node; -1 marks a leaf. */
  feature: Int32Array;
  /** Raw-value threshold: a non-missing value goes left iff value <= threshold. */
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** The child a missing value (NaN) goes to: the learned default direction. */
  missing: Int32Array;
  /** `valueDim` outputs per node (meaningful on leaves). */
  value: Float64Array;
  /** Training weight that reached the node (hessian sum for boosting, sample count for forests): TreeSHAP needs it. */
  cover: Float64Array;
  /** Split gain of an internal node (0 on leaves): gain importance. */
  gain: Float64Array;
  /** Root node of each tree. */
  roots: Int32Array;
  /** The output each tree adds to when valueDim is 1 (multiclass boosting: its class). */
  output: Int32Array;
}

export interface SerializedForest {
  valueDim: number;
  numOutputs: number;
  feature: EncodedArray;
  threshold: EncodedArray;
  left: EncodedArray;
  right: EncodedArray;
  missing: EncodedArray;
  value: EncodedArray;
  cover: EncodedArray;
  gain: EncodedArray;
  roots: EncodedArray;
  output: EncodedArray;
}

export class FlatForest {
  readonly arrays: FlatForestArrays;
  private fast?: InferenceLayout | null;
  /** Values per leaf: 1 for boosting and regression forests, k for class distributions. */
  readonly valueDim: number;
  readonly numOutputs: number;

  constructor(arrays: FlatForestArrays, valueDim: number, numOutputs: number) {
    this.arrays = arrays;
    this.valueDim = valueDim;
    this.numOutputs = numOutputs;
  }

  get numTrees(): number {
    return this.arrays.roots.length;
  }

  get numNodes(): number {
    return this.arrays.feature.length;
  }

  /** The leaf that row (at `offset` in `x`) reaches in tree t. */
  leafOf(t: number, x: ArrayLike<number>, offset = 0): number {
    const { feature, threshold, left, right, missing } = this.arrays;
    let node = this.arrays.roots[t];
    let f: number;
    while ((f = feature[node]) >= 0) {
      const v = x[offset + f];
      const thr = threshold[node];
      node = v <= thr ? left[node] : v > thr ? right[node] : missing[node];
    }
    return node;
  }

  /**
   * Adds trees [from, to) of the ensemble to out[outOffset..outOffset+numOutputs) for one row:
   * the serving path (no allocation).
   */
  addRow(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number, from = 0, to = this.numTrees): void {
    const fast = this.layout();
    if (fast) fast.walk.row(x, offset, out, outOffset, from, to);
    else this.addRowGeneric(x, offset, out, outOffset, from, to);
  }

  /**
   * Adds trees [from, to) to `out` (rows × numOutputs, row-major) for every row of X. Large
   * batches are split across the prediction threads when they are running (see
   * prediction-threads.ts); every row is still summed by the same walk, so the result is the same.
   */
  addBatch(X: Matrix, out: Float64Array, from = 0, to = this.numTrees): void {
    const fast = this.layout();
    if (fast) {
      if (!addBatchInParallel(fast.arrays, fast.walk, this.valueDim, this.numOutputs, X, out, from, to)) fast.walk.batch(X, out, from, to);
    } else this.addBatchGeneric(X, out, from, to);
  }

  /** The branch-free inference layout (see forest-walk.ts), built on first use; null for foreign layouts. */
  private layout(): InferenceLayout | null {
    if (this.fast === undefined) {
      const arrays = buildWalkLayout(this.arrays);
      this.fast = arrays && { arrays, walk: forestWalkers(arrays, this.valueDim, this.numOutputs) };
    }
    return this.fast;
  }

  private addRowGeneric(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number, from: number, to: number): void {
    const { value, output } = this.arrays;
    const dim = this.valueDim;
    for (let t = from; t < to; t++) {
      const node = this.leafOf(t, x, offset);
      if (dim === 1) out[outOffset + output[t]] += value[node];
      else for (let k = 0, p = node * dim; k < dim; k++) out[outOffset + k] += value[p + k];
    }
  }

  private addBatchGeneric(X: Matrix, out: Float64Array, from: number, to: number): void {
    const K = this.numOutputs;
    for (let r = 0; r < X.rows; r++) this.addRowGeneric(X.data, r * X.cols, out, r * K, from, to);
  }

  /** The first `numTrees` trees as a new forest (early stopping keeps the best iteration). */
  truncate(numTrees: number): FlatForest {
    if (numTrees >= this.numTrees) return this;
    const a = this.arrays;
    const end = numTrees === 0 ? 0 : numTrees < this.numTrees ? a.roots[numTrees] : a.feature.length;
    const dim = this.valueDim;
    return new FlatForest(
      {
        feature: a.feature.slice(0, end),
        threshold: a.threshold.slice(0, end),
        left: a.left.slice(0, end),
        right: a.right.slice(0, end),
        missing: a.missing.slice(0, end),
        value: a.value.slice(0, end * dim),
        cover: a.cover.slice(0, end),
        gain: a.gain.slice(0, end),
        roots: a.roots.slice(0, numTrees),
        output: a.output.slice(0, numTrees),
      },
      dim,
      this.numOutputs,
    );
  }

  /** Total split gain and split count per feature over all trees. */
  importance(nFeatures: number): { gain: Float64Array; split: Float64Array } {
    const { feature, gain: g } = this.arrays;
    const gain = new Float64Array(nFeatures);
    const split = new Float64Array(nFeatures);
    for (let i = 0; i < feature.length; i++) {
      const f = feature[i];
      if (f >= 0) {
        gain[f] += g[i];
        split[f] += 1;
      }
    }
    return { gain, split };
  }

  toJSON(): SerializedForest {
    const a = this.arrays;
    return {
      valueDim: this.valueDim,
      numOutputs: this.numOutputs,
      feature: encodeArray(a.feature),
      threshold: encodeArray(a.threshold),
      left: encodeArray(a.left),
      right: encodeArray(a.right),
      missing: encodeArray(a.missing),
      value: encodeArray(a.value),
      cover: encodeArray(a.cover),
      gain: encodeArray(a.gain),
      roots: encodeArray(a.roots),
      output: encodeArray(a.output),
    };
  }

  static fromJSON(s: SerializedForest, nFeatures: number): FlatForest {
    const arrays: FlatForestArrays = {
      feature: decodeArray(s.feature, 'i32'),
      threshold: decodeArray(s.threshold, 'f64'),
      left: decodeArray(s.left, 'i32'),
      right: decodeArray(s.right, 'i32'),
      missing: decodeArray(s.missing, 'i32'),
      value: decodeArray(s.value, 'f64'),
      cover: decodeArray(s.cover, 'f64'),
      gain: decodeArray(s.gain, 'f64'),
      roots: decodeArray(s.roots, 'i32'),
      output: decodeArray(s.output, 'i32'),
    };
    const forest = new FlatForest(arrays, s.valueDim, s.numOutputs);
    forest.validate(nFeatures);
    return forest;
  }

  /** Checks a deserialised forest so a corrupt artifact fails loudly instead of looping or reading garbage. */
  validate(nFeatures: number): void {
    const a = this.arrays;
    const n = a.feature.length;
    const dim = this.valueDim;
    if (!(dim >= 1) || !(this.numOutputs >= 1)) throw new MLInputError('forest: bad output dimensions');
    for (const [name, arr] of [['threshold', a.threshold], ['left', a.left], ['right', a.right], ['missing', a.missing], ['cover', a.cover], ['gain', a.gain]] as const) {
      if (arr.length !== n) throw new MLInputError(`forest: ${name} has ${arr.length} entries for ${n} nodes`);
    }
    if (a.value.length !== n * dim) throw new MLInputError('forest: value array has the wrong length');
    if (a.output.length !== a.roots.length) throw new MLInputError('forest: output array has the wrong length');
    for (let t = 0; t < a.roots.length; t++) {
      const start = a.roots[t];
      const end = t + 1 < a.roots.length ? a.roots[t + 1] : n;
      if (!(start >= 0 && start < end && end <= n)) throw new MLInputError(`forest: tree ${t} has a bad node range`);
      if (dim === 1 && !(a.output[t] >= 0 && a.output[t] < this.numOutputs)) throw new MLInputError(`forest: tree ${t} has a bad output`);
      for (let i = start; i < end; i++) {
        const f = a.feature[i];
        if (f < 0) continue;
        if (f >= nFeatures) throw new MLInputError(`forest: node ${i} splits on feature ${f} of ${nFeatures}`);
        // Children strictly after their parent inside the same tree: walks always end.
        for (const c of [a.left[i], a.right[i], a.missing[i]]) if (!(c > i && c < end)) throw new MLInputError(`forest: node ${i} has a bad child ${c}`);
        if (a.missing[i] !== a.left[i] && a.missing[i] !== a.right[i]) throw new MLInputError(`forest: node ${i} has a bad default child`);
      }
    }
  }
}

/** Grows a FlatForest node by node during training (typed arrays, doubled when full). */
export class ForestBuilder {
  private cap = 1024;
  private n = 0;
  private feature = new Int32Array(this.cap);
  private threshold = new Float64Array(this.cap);
  private left = new Int32Array(this.cap);
  private right = new Int32Array(this.cap);
  private missing = new Int32Array(this.cap);
  private value: Float64Array;
  private cover = new Float64Array(this.cap);
  private gain = new Float64Array(this.cap);
  private roots: number[] = [];
  private outputs: number[] = [];

  constructor(
    readonly valueDim: number,
    readonly numOutputs: number,
  ) {
    this.value = new Float64Array(this.cap * valueDim);
  }

  get numNodes(): number {
    return this.n;
  }

  get numTrees(): number {
    return this.roots.length;
  }

  /** Starts a tree; its root is the next node added. */
  beginTree(output: number): void {
    this.roots.push(this.n);
    this.outputs.push(output);
  }

  /** A new node (a leaf until setSplit), returning its index. */
  addNode(cover: number): number {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.feature[i] = -1;
    this.cover[i] = cover;
    return i;
  }

  setSplit(node: number, feature: number, threshold: number, left: number, right: number, missingLeft: boolean, gain: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = right;
    this.missing[node] = missingLeft ? left : right;
    this.gain[node] = gain;
  }

  setValue(node: number, k: number, v: number): void {
    this.value[node * this.valueDim + k] = v;
  }

  getValue(node: number, k: number): number {
    return this.value[node * this.valueDim + k];
  }

  /** Appends a finished tree built elsewhere (a worker), re-basing its child indices. */
  appendTree(src: FlatForestArrays, output: number): void {
    const m = src.feature.length;
    while (this.n + m > this.cap) this.grow();
    const base = this.n;
    this.roots.push(base);
    this.outputs.push(output);
    for (let i = 0; i < m; i++) {
      const f = src.feature[i];
      this.feature[base + i] = f;
      this.threshold[base + i] = src.threshold[i];
      this.left[base + i] = f >= 0 ? src.left[i] + base : 0;
      this.right[base + i] = f >= 0 ? src.right[i] + base : 0;
      this.missing[base + i] = f >= 0 ? src.missing[i] + base : 0;
      this.cover[base + i] = src.cover[i];
      this.gain[base + i] = src.gain[i];
    }
    this.value.set(src.value.subarray(0, m * this.valueDim), base * this.valueDim);
    this.n += m;
  }

  /** The leaf that row (at `offset` in `x`) reaches in the tree added last. */
  leafOfLast(x: ArrayLike<number>, offset: number): number {
    const { feature, threshold, left, right, missing } = this;
    let node = this.roots[this.roots.length - 1];
    let f: number;
    while ((f = feature[node]) >= 0) {
      const v = x[offset + f];
      const thr = threshold[node];
      node = v <= thr ? left[node] : v > thr ? right[node] : missing[node];
    }
    return node;
  }

  build(): FlatForest {
    const n = this.n;
    return new FlatForest(
      {
        feature: this.feature.slice(0, n),
        threshold: this.threshold.slice(0, n),
        left: this.left.slice(0, n),
        right: this.right.slice(0, n),
        missing: this.missing.slice(0, n),
        value: this.value.slice(0, n * this.valueDim),
        cover: this.cover.slice(0, n),
        gain: this.gain.slice(0, n),
        roots: Int32Array.from(this.roots),
        output: Int32Array.from(this.outputs),
      },
      this.valueDim,
      this.numOutputs,
    );
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Int32Array | Float64Array>(a: T, len: number): T => {
      const b = new (a.constructor as new (n: number) => T)(len);
      b.set(a);
      return b;
    };
    this.feature = g(this.feature, this.cap);
    this.threshold = g(this.threshold, this.cap);
    this.left = g(this.left, this.cap);
    this.right = g(this.right, this.cap);
    this.missing = g(this.missing, this.cap);
    this.value = g(this.value, this.cap * this.valueDim);
    this.cover = g(this.cover, this.cap);
    this.gain = g(this.gain, this.cap);
  }
}
