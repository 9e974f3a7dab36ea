/**
 * An isolation forest (Liu, Ting & Zhou 2008) on shingles — the last `shingle` standardised
 * values as one point — kept fresh by rebuilding one tree at a time.
 *
 * The last `buffer` shingles are held in a ring. Every `rebuildEvery` points the oldest of the
 * `trees` trees is regrown from `sampleSize` shingles drawn from that ring, so the whole forest is
 * renewed every trees × rebuildEvery points and no single update ever pays for a full refit: the
 * cost per point is O(trees × depth) to score plus O(sampleSize × depth) / rebuildEvery to grow, a
 * constant. Each tree is stored implicitly as a complete binary tree of depth ⌈log2 ψ⌉
 * (children of node i at 2i + 1 and 2i + 2) in one float32 array — per node its split feature (−1
 * at a leaf) and threshold, or at a leaf its path length — so a tree is a few cache lines and
 * scoring touches little memory (it matters when thousands of series take turns).
 *
 * A shingle is scored before it joins the ring, so it never isolates against itself. Its score is
 * the usual s = 2^(−E[h]/c(ψ)): ≈ 0.5 or below is ordinary, towards 1 is isolated quickly.
 * Each regrowth draws from `new Random(seed, rebuild number)`, so the forest is a pure function of
 * the stream and the state needs no generator internals.
 */
import { decodeArray, encodeArray, MLInputError, Random } from '../../ml/core/index.js';
import { packF64, packScalars, unpackF64, unpackScalars, type EncodedArray } from './state-codec.js';
import { withDefaults } from './shared-options.js';

export interface ShingleIsolationOptions {
  /** Values per shingle. */
  shingle: number;
  /** Shingles kept to grow trees from. */
  buffer: number;
  /** Trees in the forest. */
  trees: number;
  /** Shingles per tree (ψ). */
  sampleSize: number;
  /** Points between regrowing one tree. */
  rebuildEvery: number;
  seed: number;
}

export const DEFAULT_SHINGLE_ISOLATION: ShingleIsolationOptions = { shingle: 8, buffer: 256, trees: 10, sampleSize: 32, rebuildEvery: 24, seed: 7 };

const EULER_GAMMA = 0.5772156649015329;

/** Average path length of an unsuccessful search in a BST of n nodes: the normaliser c(n). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

export class ShingleIsolation {
  readonly options: ShingleIsolationOptions;
  /** Nodes per tree: a complete binary tree of depth maxDepth. */
  private readonly nodes: number;
  private readonly maxDepth: number;
  /** The last `shingle` values (a ring). */
  private readonly window: Float64Array;
  private winHead = 0;
  private winHeld = 0;
  /** Ring of shingles, row-major, in float32 (trees split on float32 thresholds too). */
  private ring: Float32Array;
  private ringHead = 0;
  private ringHeld = 0;
  /**
   * Per node two float32s, side by side so one cache line holds both: the split feature (−1 at a
   * leaf, −2 unused) and the threshold (x ≤ threshold goes left) or, at a leaf, its path length.
   */
  private tree: Float32Array;
  /** Per tree: c(ψ) it was grown with (0 = not grown yet). */
  private readonly norm: Float64Array;
  private built = 0;
  private nextTree = 0;
  private sinceRebuild = 0;
  private rebuilds = 0;
  /** Scratch for growing: sampled rows, a per-slot stamp for sampling without replacement, a stack. */
  private readonly idx: Int32Array;
  private readonly mark: Int32Array;
  private readonly stack: Int32Array;
  private readonly shingleBuf: Float64Array;
  /** c(n) for n = 0…sampleSize (a leaf's expected remaining depth). */
  private readonly cTable: Float64Array;

  constructor(options: Partial<ShingleIsolationOptions> = {}) {
    this.options = withDefaults(DEFAULT_SHINGLE_ISOLATION, options);
    const o = this.options;
    if (!(o.shingle >= 1 && o.shingle <= 127)) throw new MLInputError(`ShingleIsolation: shingle must be in [1, 127], got ${o.shingle}`);
    this.maxDepth = Math.ceil(Math.log2(Math.max(2, o.sampleSize)));
    this.nodes = 2 ** (this.maxDepth + 1) - 1;
    this.window = new Float64Array(o.shingle);
    this.ring = new Float32Array(o.buffer * o.shingle);
    this.tree = new Float32Array(2 * o.trees * this.nodes);
    for (let i = 0; i < this.tree.length; i += 2) this.tree[i] = -2;
    this.norm = new Float64Array(o.trees);
    this.idx = new Int32Array(o.sampleSize);
    this.mark = new Int32Array(o.buffer);
    this.stack = new Int32Array(3 * (this.nodes + 1));
    this.shingleBuf = new Float64Array(o.shingle);
    this.cTable = Float64Array.from({ length: o.sampleSize + 1 }, (_, n) => averagePathLength(n));
  }

  /** Whether at least half the trees are grown. */
  get ready(): boolean {
    return this.built * 2 >= this.options.trees;
  }

  /** Feeds one standardised value; returns the isolation score of the shingle ending at it (0 until ready). */
  update(u: number): number {
    const o = this.options;
    const w = o.shingle;
    this.window[this.winHead] = u;
    this.winHead = this.winHead + 1 === w ? 0 : this.winHead + 1;
    if (this.winHeld < w) {
      this.winHeld++;
      if (this.winHeld < w) return 0;
    }
    // The shingle, oldest value first.
    const s = this.shingleBuf;
    for (let j = 0, i = this.winHead; j < w; j++) {
      s[j] = this.window[i];
      i = i + 1 === w ? 0 : i + 1;
    }
    const score = this.ready ? this.score(s) : 0;
    const at = this.ringHead * w;
    for (let j = 0; j < w; j++) this.ring[at + j] = s[j];
    this.ringHead = this.ringHead + 1 === o.buffer ? 0 : this.ringHead + 1;
    if (this.ringHeld < o.buffer) this.ringHeld++;
    if (++this.sinceRebuild >= o.rebuildEvery && this.ringHeld >= Math.min(o.sampleSize, o.buffer) >> 1) {
      this.sinceRebuild = 0;
      this.grow(this.nextTree);
      this.nextTree = this.nextTree + 1 === o.trees ? 0 : this.nextTree + 1;
      if (this.built < o.trees) this.built++;
    }
    return score;
  }

  private score(s: Float64Array): number {
    const T = this.options.trees;
    const stride = 2 * this.nodes;
    const tree = this.tree;
    let sum = 0;
    let used = 0;
    for (let t = 0; t < T; t++) {
      const c = this.norm[t];
      if (c === 0) continue;
      const base = t * stride;
      let node = 0;
      let f = tree[base];
      while (f >= 0) {
        node = s[f] <= tree[base + 2 * node + 1] ? 2 * node + 1 : 2 * node + 2;
        f = tree[base + 2 * node];
      }
      sum += tree[base + 2 * node + 1] / c;
      used++;
    }
    return used === 0 ? 0 : Math.pow(2, -sum / used);
  }

  private grow(t: number): void {
    const o = this.options;
    const w = o.shingle;
    const ring = this.ring;
    const rng = new Random((Math.imul(o.seed + 1, 0x9e3779b1) ^ Math.imul(++this.rebuilds, 0x85ebca6b)) >>> 0);
    const n = this.ringHeld;
    const psi = n < o.sampleSize ? n : o.sampleSize;
    // ψ distinct ring slots by rejection (ψ ≪ buffer, so O(ψ) expected); `mark` remembers which
    // slots this growth took, by growth number, so it never needs clearing.
    const idx = this.idx;
    const mark = this.mark;
    const stamp = this.rebuilds;
    for (let i = 0; i < psi; ) {
      const j = rng.int(n);
      if (mark[j] === stamp) continue;
      mark[j] = stamp;
      idx[i++] = j;
    }
    const base = 2 * t * this.nodes;
    const tree = this.tree;
    for (let i = 0; i < this.nodes; i++) tree[base + 2 * i] = -2;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = 0; // node (its depth follows from the index)
    stack[sp++] = 0; // start
    stack[sp++] = psi; // end
    while (sp > 0) {
      const end = stack[--sp];
      const start = stack[--sp];
      const node = stack[--sp];
      const depth = 31 - Math.clz32(node + 1);
      const size = end - start;
      let split = -1;
      let threshold = 0;
      if (depth < this.maxDepth && size > 1) {
        // Try features in a random order until one varies within the node.
        const first = rng.int(w);
        for (let k = 0; k < w; k++) {
          const f = first + k < w ? first + k : first + k - w;
          let mn = Infinity;
          let mx = -Infinity;
          for (let i = start; i < end; i++) {
            const v = ring[idx[i] * w + f];
            if (v < mn) mn = v;
            if (v > mx) mx = v;
          }
          if (mx > mn) {
            threshold = Math.fround(mn + rng.float() * (mx - mn));
            if (threshold >= mx) threshold = mn;
            split = f;
            break;
          }
        }
      }
      if (split < 0) {
        tree[base + 2 * node] = -1;
        tree[base + 2 * node + 1] = depth + this.cTable[size];
        continue;
      }
      let lo = start;
      let hi = end - 1;
      while (lo <= hi) {
        if (ring[idx[lo] * w + split] <= threshold) lo++;
        else {
          const tmp = idx[lo];
          idx[lo] = idx[hi];
          idx[hi] = tmp;
          hi--;
        }
      }
      tree[base + 2 * node] = split;
      tree[base + 2 * node + 1] = threshold;
      stack[sp++] = 2 * node + 2;
      stack[sp++] = lo;
      stack[sp++] = end;
      stack[sp++] = 2 * node + 1;
      stack[sp++] = start;
      stack[sp++] = lo;
    }
    this.norm[t] = this.cTable[psi] || 1;
  }

  toState(): ShingleIsolationState {
    return {
      window: packF64(this.window),
      ring: encodeArray(this.ring),
      tree: encodeArray(this.tree),
      norm: packF64(this.norm),
      s: packScalars([this.winHead, this.winHeld, this.ringHead, this.ringHeld, this.built, this.nextTree, this.sinceRebuild, this.rebuilds]),
    };
  }

  static fromState(options: Partial<ShingleIsolationOptions>, s: ShingleIsolationState): ShingleIsolation {
    const f = new ShingleIsolation(options);
    const o = f.options;
    f.window.set(unpackF64(s.window, o.shingle, 'ShingleIsolation'));
    const ring = decodeArray(s.ring, 'f32');
    const tree = decodeArray(s.tree, 'f32');
    if (ring.length !== f.ring.length || tree.length !== f.tree.length) throw new MLInputError('ShingleIsolation: state arrays do not match the options');
    f.ring = ring;
    f.tree = tree;
    f.norm.set(unpackF64(s.norm, o.trees, 'ShingleIsolation'));
    [f.winHead, f.winHeld, f.ringHead, f.ringHeld, f.built, f.nextTree, f.sinceRebuild, f.rebuilds] = unpackScalars(s.s, 8, 'ShingleIsolation');
    return f;
  }
}

export interface ShingleIsolationState {
  window: EncodedArray;
  ring: EncodedArray;
  tree: EncodedArray;
  norm: EncodedArray;
  s: EncodedArray;
}
