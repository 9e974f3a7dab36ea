/**
 * An exact k-nearest-neighbour index (Euclidean): a k-d tree (Bentley 1975; Friedman, Bentley &
 * Finkel 1977) over a copy of the points reordered so each node's points are contiguous.
 *
 * Every node splits its points at the median of the dimension with the widest spread, down to
 * leaves of at most `leafSize` points; each node keeps its tight bounding box, and a search visits
 * the nearer child first and skips any node whose box is farther than the k-th best distance so
 * far. In low dimensions a query is roughly logarithmic; by ~20 dimensions pruning weakens and it
 * tends toward a scan (it stays exact).
 *
 * The neighbours of every indexed point (`kneighbors()` without X, what LOF needs) are found one
 * leaf at a time: the leaf's points share one walk of the tree, pruned by box-to-box distance
 * against the worst of their k-th distances, then each point checks its own box distance before
 * scanning a leaf. That walks the tree once per leaf instead of once per point.
 *
 * Results are the k smallest (squared distance, index) pairs in lexicographic order, so ties are
 * broken by the lower row index and the answer equals a brute-force sort bit for bit.
 */
import { MLInputError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

export interface Neighbors {
  /** rows × k row indices into the indexed points, nearest first. */
  indices: Int32Array;
  /** rows × k Euclidean distances, ascending. */
  distances: Float64Array;
  k: number;
}

/** The tree's arrays, which can live in SharedArrayBuffers so workers search the same tree. */
export interface KDTreeArrays {
  rows: number;
  cols: number;
  leafSize: number;
  /** The points in tree order (row-major): a node's points are one contiguous block. */
  points: Float64Array;
  /** Tree position → original row index. */
  perm: Int32Array;
  start: Int32Array;
  end: Int32Array;
  /** Left child (right = left + 1), or −1 at a leaf. */
  left: Int32Array;
  /** Tight bounding boxes, node × cols. */
  lo: Float64Array;
  hi: Float64Array;
  /** Node ids of the leaves, in tree order. */
  leaves: Int32Array;
}

export class KDTree {
  readonly rows: number;
  readonly cols: number;
  readonly leafSize: number;
  private readonly a: KDTreeArrays;
  // Scratch space reused by searches (they are synchronous, so one set per tree suffices).
  private readonly stackNode = new Int32Array(256);
  private readonly stackBound = new Float64Array(256);
  private heapDist = new Float64Array(0);
  private heapIdx = new Int32Array(0);
  private heapSize = new Int32Array(0);
  private readonly qv: Float64Array;

  constructor(X: Matrix, leafSize?: number);
  constructor(arrays: KDTreeArrays);
  constructor(X: Matrix | KDTreeArrays, leafSize = 16) {
    this.a = 'points' in X ? X : KDTree.build(X, leafSize);
    this.rows = this.a.rows;
    this.cols = this.a.cols;
    this.leafSize = this.a.leafSize;
    this.qv = new Float64Array(this.cols);
  }

  /** The tree's arrays (to copy into shared memory for workers: `new KDTree(arrays)` there). */
  get arrays(): KDTreeArrays {
    return this.a;
  }

  /** The tree's arrays copied into SharedArrayBuffers, for workers to search the same tree. */
  sharedArrays(): KDTreeArrays {
    const share = <T extends Int32Array | Float64Array>(x: T): T => {
      const c = new (x.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(x.byteLength));
      c.set(x as never);
      return c;
    };
    const a = this.a;
    return { rows: a.rows, cols: a.cols, leafSize: a.leafSize, points: share(a.points), perm: share(a.perm), start: share(a.start), end: share(a.end), left: share(a.left), lo: share(a.lo), hi: share(a.hi), leaves: share(a.leaves) };
  }

  private static build(X: Matrix, leafSize: number): KDTreeArrays {
    if (X.rows === 0 || X.cols === 0) throw new MLInputError(`KDTree: cannot index empty data (${X.rows}×${X.cols})`);
    if (X.data.length !== X.rows * X.cols) throw new MLInputError(`KDTree: data has ${X.data.length} values for ${X.rows}×${X.cols}`);
    if (!Number.isInteger(leafSize) || leafSize < 1) throw new MLInputError(`KDTree: leafSize must be a positive integer, got ${leafSize}`);
    const n = X.rows;
    const d = X.cols;
    const data = X.data;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    // A median split leaves ≥ ⌊(leafSize+1)/2⌋ points per leaf, so < 2n/leafSize leaves and < 4n/leafSize + 1 nodes.
    const maxNodes = 4 * Math.ceil(n / leafSize) + 1;
    const start = new Int32Array(maxNodes);
    const end = new Int32Array(maxNodes);
    const left = new Int32Array(maxNodes);
    const lo = new Float64Array(maxNodes * d);
    const hi = new Float64Array(maxNodes * d);
    const leaves: number[] = [];
    let nodes = 1;
    // Depth-first with an explicit stack of (node, start, end), left child popped first so the
    // leaves come out in tree order.
    const stack: number[] = [0, 0, n];
    while (stack.length) {
      const e = stack.pop()!;
      const s = stack.pop()!;
      const node = stack.pop()!;
      start[node] = s;
      end[node] = e;
      const o = node * d;
      for (let j = 0; j < d; j++) {
        lo[o + j] = Infinity;
        hi[o + j] = -Infinity;
      }
      for (let p = s; p < e; p++) {
        const r = idx[p] * d;
        for (let j = 0; j < d; j++) {
          const v = data[r + j];
          if (v < lo[o + j]) lo[o + j] = v;
          if (v > hi[o + j]) hi[o + j] = v;
        }
      }
      let dim = 0;
      let spread = -1;
      for (let j = 0; j < d; j++) {
        const w = hi[o + j] - lo[o + j];
        if (w > spread) {
          spread = w;
          dim = j;
        }
      }
      // Leaves: small enough, or every point identical (nothing to split).
      if (e - s <= leafSize || spread <= 0) {
        left[node] = -1;
        leaves.push(node);
        continue;
      }
      const mid = (s + e) >>> 1;
      selectNth(data, d, dim, idx, s, e, mid);
      const l = nodes;
      nodes += 2;
      left[node] = l;
      stack.push(l + 1, mid, e, l, s, mid);
    }
    const points = new Float64Array(n * d);
    for (let p = 0; p < n; p++) for (let j = 0; j < d; j++) points[p * d + j] = data[idx[p] * d + j];
    return { rows: n, cols: d, leafSize, points, perm: idx, start: start.slice(0, nodes), end: end.slice(0, nodes), left: left.slice(0, nodes), lo: lo.slice(0, nodes * d), hi: hi.slice(0, nodes * d), leaves: Int32Array.from(leaves) };
  }

  private ensureHeaps(slots: number, k: number): void {
    if (this.heapDist.length < slots * k) {
      this.heapDist = new Float64Array(slots * k);
      this.heapIdx = new Int32Array(slots * k);
    }
    if (this.heapSize.length < slots) this.heapSize = new Int32Array(slots);
  }

  /**
   * The k nearest indexed points to q[qo .. qo + cols), skipping row `exclude` (−1: none), written
   * nearest first to outIdx / outDist at `oo`. Returns how many were found (k unless fewer exist).
   */
  queryInto(q: ArrayLike<number>, qo: number, k: number, outIdx: Int32Array, outDist: Float64Array, oo: number, exclude = -1): number {
    const { points: pts, perm, lo, hi: hiB, left, start: nodeStart, end: nodeEnd } = this.a;
    const d = this.cols;
    this.ensureHeaps(1, k);
    const hd = this.heapDist;
    const hx = this.heapIdx;
    // A private copy of the query: one monomorphic Float64Array read in the hot loops.
    const qv = this.qv;
    for (let j = 0; j < d; j++) qv[j] = q[qo + j];
    let size = 0;
    const sn = this.stackNode;
    const sb = this.stackBound;
    let sp = 0;
    sn[sp] = 0;
    sb[sp++] = pointBoxDist2(qv, 0, lo, hiB, 0, d);
    while (sp > 0) {
      const node = sn[--sp];
      const bound = sb[sp];
      // A box strictly farther than the k-th best cannot hold a better (distance, index) pair.
      if (size === k && bound > hd[0]) continue;
      const l = left[node];
      if (l < 0) {
        size = scanLeaf(qv, 0, pts, perm, nodeStart[node], nodeEnd[node], d, exclude, hd, hx, 0, size, k);
        continue;
      }
      const bl = pointBoxDist2(qv, 0, lo, hiB, l * d, d);
      const br = pointBoxDist2(qv, 0, lo, hiB, (l + 1) * d, d);
      // Push the farther child first so the nearer one is searched first.
      if (bl <= br) {
        sn[sp] = l + 1;
        sb[sp++] = br;
        sn[sp] = l;
        sb[sp++] = bl;
      } else {
        sn[sp] = l;
        sb[sp++] = bl;
        sn[sp] = l + 1;
        sb[sp++] = br;
      }
    }
    heapSortInto(hd, hx, 0, size, outIdx, outDist, oo);
    return size;
  }

  /**
   * Neighbours of the indexed points of leaves [leafFrom, leafTo) among all the others (each point
   * excludes itself), written to outIdx / outDist at row (original index) × k.
   */
  selfNeighborsOfLeaves(k: number, leafFrom: number, leafTo: number, outIdx: Int32Array, outDist: Float64Array): void {
    const { points: pts, perm, lo, hi: hiB, left, start: nodeStart, end: nodeEnd, leaves } = this.a;
    const d = this.cols;
    const sn = this.stackNode;
    const sb = this.stackBound;
    for (let li = leafFrom; li < leafTo; li++) {
      const qLeaf = leaves[li];
      const qs = nodeStart[qLeaf];
      const m = nodeEnd[qLeaf] - qs;
      this.ensureHeaps(m, k);
      const hd = this.heapDist;
      const hx = this.heapIdx;
      const size = this.heapSize;
      size.fill(0, 0, m);
      // The batch's pruning radius: the worst k-th distance over its points (∞ until all are full).
      let worst = Infinity;
      let sp = 0;
      sn[sp] = 0;
      sb[sp++] = 0;
      const qBox = qLeaf * d;
      while (sp > 0) {
        const node = sn[--sp];
        if (sb[sp] > worst) continue;
        const l = left[node];
        if (l < 0) {
          const rs = nodeStart[node];
          const re = nodeEnd[node];
          const rBox = node * d;
          for (let i = 0; i < m; i++) {
            const qo = (qs + i) * d;
            const hb = i * k;
            // The point's own distance to this leaf's box prunes more than the batch's.
            if (size[i] === k && pointBoxDist2(pts, qo, lo, hiB, rBox, d) > hd[hb]) continue;
            size[i] = scanLeaf(pts, qo, pts, perm, rs, re, d, perm[qs + i], hd, hx, hb, size[i], k);
          }
          worst = 0;
          for (let i = 0; i < m; i++) {
            const w = size[i] === k ? hd[i * k] : Infinity;
            if (w > worst) worst = w;
          }
          continue;
        }
        const bl = boxBoxDist2(lo, hiB, qBox, l * d, d);
        const br = boxBoxDist2(lo, hiB, qBox, (l + 1) * d, d);
        if (sp + 2 > sn.length) throw new Error('KDTree: search stack overflow');
        if (bl <= br) {
          sn[sp] = l + 1;
          sb[sp++] = br;
          sn[sp] = l;
          sb[sp++] = bl;
        } else {
          sn[sp] = l;
          sb[sp++] = bl;
          sn[sp] = l + 1;
          sb[sp++] = br;
        }
      }
      for (let i = 0; i < m; i++) {
        const id = perm[qs + i];
        heapSortInto(hd, hx, i * k, size[i], outIdx, outDist, id * k);
      }
    }
  }

  /**
   * The k nearest neighbours of every row of X, or, when X is omitted, of every indexed point
   * among the others (itself excluded, as sklearn's `kneighbors()` without X).
   */
  kneighbors(X: Matrix | undefined, k: number): Neighbors {
    const self = X === undefined;
    const available = self ? this.rows - 1 : this.rows;
    if (!Number.isInteger(k) || k < 1 || k > available) throw new MLInputError(`KDTree: k must be an integer in [1, ${available}], got ${k}`);
    if (X && X.cols !== this.cols) throw new MLInputError(`KDTree: X has ${X.cols} columns, the index has ${this.cols}`);
    const n = self ? this.rows : X.rows;
    const indices = new Int32Array(n * k);
    const distances = new Float64Array(n * k);
    if (self) this.selfNeighborsOfLeaves(k, 0, this.a.leaves.length, indices, distances);
    else for (let i = 0; i < n; i++) this.queryInto(X.data, i * X.cols, k, indices, distances, i * k);
    return { indices, distances, k };
  }
}

/**
 * Squared distance from point q[qo..] to the box at lo/hi[bo..] (0 inside), branch-free because
 * which side of a box a query falls is unpredictable: at most one of a = lo − v and b = v − hi is
 * positive, and (x + |x|) / 2 = max(x, 0) exactly.
 */
function pointBoxDist2(q: Float64Array, qo: number, lo: Float64Array, hi: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const v = q[qo + j];
    const a = lo[bo + j] - v;
    const b = v - hi[bo + j];
    const t = 0.5 * (a + Math.abs(a) + (b + Math.abs(b)));
    s += t * t;
  }
  return s;
}

/** Squared distance between two boxes (0 where they overlap), branch-free as above. */
function boxBoxDist2(lo: Float64Array, hi: Float64Array, ao: number, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const a = lo[bo + j] - hi[ao + j];
    const b = lo[ao + j] - hi[bo + j];
    const t = 0.5 * (a + Math.abs(a) + (b + Math.abs(b)));
    s += t * t;
  }
  return s;
}

/**
 * Offers the points at tree positions [rs, re) to the max-heap at hd/hx[hb..hb+k) ordered by
 * (squared distance, index); returns the heap's new size. Once the heap is full, four candidates
 * are measured side by side: a squared distance is a chain of dependent additions, and four
 * independent chains keep the FPU busy (each sum keeps its order, so results are unchanged).
 */
function scanLeaf(q: Float64Array, qo: number, pts: Float64Array, perm: Int32Array, rs: number, re: number, d: number, exclude: number, hd: Float64Array, hx: Int32Array, hb: number, size: number, k: number): number {
  let p = rs;
  for (; p < re && size < k; p++) {
    const id = perm[p];
    if (id === exclude) continue;
    const po = p * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = q[qo + j] - pts[po + j];
      s += t * t;
    }
    // Sift up.
    let c = size++;
    while (c > 0) {
      const parent = (c - 1) >> 1;
      const pd = hd[hb + parent];
      if (pd > s || (pd === s && hx[hb + parent] > id)) break;
      hd[hb + c] = pd;
      hx[hb + c] = hx[hb + parent];
      c = parent;
    }
    hd[hb + c] = s;
    hx[hb + c] = id;
  }
  if (size < k) return size;
  for (; p + 3 < re; p += 4) {
    const o0 = p * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < d; j++) {
      const v = q[qo + j];
      const t0 = v - pts[o0 + j];
      const t1 = v - pts[o1 + j];
      const t2 = v - pts[o2 + j];
      const t3 = v - pts[o3 + j];
      s0 += t0 * t0;
      s1 += t1 * t1;
      s2 += t2 * t2;
      s3 += t3 * t3;
    }
    if (s0 <= hd[hb] && perm[p] !== exclude) offer(hd, hx, hb, size, s0, perm[p]);
    if (s1 <= hd[hb] && perm[p + 1] !== exclude) offer(hd, hx, hb, size, s1, perm[p + 1]);
    if (s2 <= hd[hb] && perm[p + 2] !== exclude) offer(hd, hx, hb, size, s2, perm[p + 2]);
    if (s3 <= hd[hb] && perm[p + 3] !== exclude) offer(hd, hx, hb, size, s3, perm[p + 3]);
  }
  for (; p < re; p++) {
    const id = perm[p];
    if (id === exclude) continue;
    const po = p * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = q[qo + j] - pts[po + j];
      s += t * t;
    }
    if (s <= hd[hb]) offer(hd, hx, hb, size, s, id);
  }
  return size;
}

/** Puts (s, id) in the full heap in place of its worst entry, if it orders before that entry. */
function offer(hd: Float64Array, hx: Int32Array, hb: number, size: number, s: number, id: number): void {
  if (s === hd[hb] && id > hx[hb]) return;
  siftDown(hd, hx, hb, size, s, id);
}

/**
 * Writes (s, id) at the root of the max-heap of `size` entries at hb (its old root discarded) and
 * moves it down to its place; entries order by distance, then index.
 */
function siftDown(hd: Float64Array, hx: Int32Array, hb: number, size: number, s: number, id: number): void {
  let c = 0;
  for (;;) {
    const a = 2 * c + 1;
    if (a >= size) break;
    let x = a;
    const b = a + 1;
    if (b < size && (hd[hb + b] > hd[hb + a] || (hd[hb + b] === hd[hb + a] && hx[hb + b] > hx[hb + a]))) x = b;
    if (hd[hb + x] < s || (hd[hb + x] === s && hx[hb + x] < id)) break;
    hd[hb + c] = hd[hb + x];
    hx[hb + c] = hx[hb + x];
    c = x;
  }
  hd[hb + c] = s;
  hx[hb + c] = id;
}

/** Empties the heap at hb into out[oo..oo+size) in ascending (distance, index) order, taking square roots. */
function heapSortInto(hd: Float64Array, hx: Int32Array, hb: number, size: number, outIdx: Int32Array, outDist: Float64Array, oo: number): void {
  for (let n = size; n > 0; n--) {
    const top = hd[hb];
    const topId = hx[hb];
    const ls = hd[hb + n - 1];
    const li = hx[hb + n - 1];
    siftDown(hd, hx, hb, n - 1, ls, li);
    outDist[oo + n - 1] = Math.sqrt(top);
    outIdx[oo + n - 1] = topId;
  }
}

/** Reorders idx[s, e) so idx[nth] holds the element that sorting by column `dim` would put there (quickselect). */
function selectNth(data: ArrayLike<number>, d: number, dim: number, idx: Int32Array, s: number, e: number, nth: number): void {
  let lo = s;
  let hi = e - 1;
  while (hi > lo) {
    // Median of three as the pivot keeps sorted or clustered input from going quadratic.
    const m = (lo + hi) >>> 1;
    const a = data[idx[lo] * d + dim];
    const b = data[idx[m] * d + dim];
    const c = data[idx[hi] * d + dim];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (data[idx[i] * d + dim] < pivot) i++;
      while (data[idx[j] * d + dim] > pivot) j--;
      if (i <= j) {
        const t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        i++;
        j--;
      }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return;
  }
}
