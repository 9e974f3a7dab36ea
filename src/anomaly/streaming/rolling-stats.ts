/**
 * O(1) running statistics with bounded memory, the building blocks of the streaming detectors:
 * a ring buffer, moments over a sliding window, a robust (winsorised) exponentially weighted
 * scale, and extremes over a sliding window kept per block.
 *
 * Each keeps its numbers in typed arrays or plain fields and writes them to a JSON-able state
 * whose round trip is exact (see state-codec.ts).
 */
import { packF64, packScalars, unpackF64, unpackScalars, type EncodedArray } from './state-codec.js';

/** The last `capacity` values; index 0 of {@link get} is the newest. */
export class RingBuffer {
  readonly capacity: number;
  private readonly buf: Float64Array;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.buf = new Float64Array(this.capacity);
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Appends `x`; returns the value it pushed out, or NaN while the buffer was not yet full. */
  push(x: number): number {
    const evicted = this.count === this.capacity ? this.buf[this.head] : NaN;
    this.buf[this.head] = x;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.count < this.capacity) this.count++;
    return evicted;
  }

  /** The value pushed `age` pushes ago (0 = newest); NaN beyond what is held. */
  get(age: number): number {
    if (age < 0 || age >= this.count) return NaN;
    let i = this.head - 1 - age;
    if (i < 0) i += this.capacity;
    return this.buf[i];
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.buf.fill(0);
  }

  toState(): RingBufferState {
    return { capacity: this.capacity, head: this.head, count: this.count, values: packF64(this.buf) };
  }

  static fromState(s: RingBufferState): RingBuffer {
    const r = new RingBuffer(s.capacity);
    r.buf.set(unpackF64(s.values, r.capacity, 'RingBuffer'));
    r.head = s.head;
    r.count = s.count;
    return r;
  }
}

export interface RingBufferState {
  capacity: number;
  head: number;
  count: number;
  values: EncodedArray;
}

/**
 * Mean and variance of the last `window` values. Sums of (x − shift) are updated by adding the new
 * value and subtracting the evicted one; once per `window` pushes they are recomputed from the
 * buffer around a fresh shift (the current mean), so rounding cannot drift and a large offset
 * cannot cancel the variance away (O(1) amortised). The sums and the window's values share one
 * Float64Array (one block per series instead of an object, a buffer and boxed fields).
 */
const SHIFT = 0;
const SUM = 1;
const SUM_SQ = 2;
/** Then the window's values, a ring. */
const MOMENTS_HEAD = 3;

export class WindowMoments {
  readonly window: number;
  private v: Float64Array;
  /** The ring's next write slot, and values held. */
  private head = 0;
  private held = 0;
  private sinceResum = 0;

  constructor(window: number) {
    this.window = Math.max(1, Math.floor(window));
    this.v = new Float64Array(MOMENTS_HEAD + this.window);
  }

  get count(): number {
    return this.held;
  }

  push(x: number): void {
    const v = this.v;
    const cap = this.window;
    const slot = MOMENTS_HEAD + this.head;
    const old = this.held === cap ? v[slot] : NaN;
    v[slot] = x;
    this.head = this.head + 1 === cap ? 0 : this.head + 1;
    if (this.held < cap) this.held++;
    if (this.held === 1) v[SHIFT] = x;
    if (++this.sinceResum >= cap) {
      this.sinceResum = 0;
      const n = this.held;
      let m = 0;
      for (let i = 0; i < n; i++) m += this.get(i);
      const shift = (v[SHIFT] = m / n);
      let s = 0;
      let q = 0;
      for (let i = 0; i < n; i++) {
        const d = this.get(i) - shift;
        s += d;
        q += d * d;
      }
      v[SUM] = s;
      v[SUM_SQ] = q;
      return;
    }
    const d = x - v[SHIFT];
    v[SUM] += d;
    v[SUM_SQ] += d * d;
    if (old === old) {
      const e = old - v[SHIFT];
      v[SUM] -= e;
      v[SUM_SQ] -= e * e;
    }
  }

  get mean(): number {
    const n = this.held;
    return n > 0 ? this.v[SHIFT] + this.v[SUM] / n : 0;
  }

  /** Population variance (never negative). */
  get variance(): number {
    const n = this.held;
    if (n < 2) return 0;
    const m = this.v[SUM] / n;
    const v = this.v[SUM_SQ] / n - m * m;
    return v > 0 ? v : 0;
  }

  /** The value pushed `age` pushes ago (0 = newest); NaN beyond what is held. */
  get(age: number): number {
    if (age < 0 || age >= this.held) return NaN;
    let i = this.head - 1 - age;
    if (i < 0) i += this.window;
    return this.v[MOMENTS_HEAD + i];
  }

  toState(): WindowMomentsState {
    return { window: this.window, v: packF64(this.v), s: packScalars([this.head, this.held, this.sinceResum]) };
  }

  static fromState(s: WindowMomentsState): WindowMoments {
    const w = new WindowMoments(s.window);
    w.v = unpackF64(s.v, w.v.length, 'WindowMoments');
    [w.head, w.held, w.sinceResum] = unpackScalars(s.s, 3, 'WindowMoments');
    return w;
  }
}

export interface WindowMomentsState {
  window: number;
  /** shift, sum, sum of squares, then the window's values (a ring). */
  v: EncodedArray;
  s: EncodedArray;
}

/**
 * A robust running scale: the exponentially weighted mean absolute deviation of residuals, where
 * each residual is first clipped to `clip` times the current scale, so a burst of outliers cannot
 * inflate the scale it is judged against. For Gaussian residuals the value is about 0.8 σ;
 * {@link sigma} rescales it to σ.
 */
export class RobustScale {
  /** Float64Array slots a scale takes in a shared store (see the constructor). */
  static readonly SLOTS = 2;
  readonly alpha: number;
  readonly clip: number;
  /** The mean absolute deviation and the count, in `store` at `at` and `at + 1`. */
  private readonly v: Float64Array;
  private readonly at: number;

  /**
   * Keeps its two numbers in `store` from slot `at` when given (a detector packs the scalars it
   * touches on every point together: one cache line instead of scattered objects), else in an
   * array of its own.
   */
  constructor(alpha: number, clip = 4, store?: Float64Array, at = 0) {
    this.alpha = alpha;
    this.clip = clip;
    this.v = store ?? new Float64Array(RobustScale.SLOTS);
    this.at = store ? at : 0;
    this.v[this.at] = 0;
    this.v[this.at + 1] = 0;
  }

  get mad(): number {
    return this.v[this.at];
  }

  get n(): number {
    return this.v[this.at + 1];
  }

  update(residual: number): void {
    const v = this.v;
    const at = this.at;
    let r = residual < 0 ? -residual : residual;
    const n = ++v[at + 1];
    if (n > 8) {
      const cap = this.clip * v[at];
      if (r > cap) r = cap;
    }
    const a = 1 / n > this.alpha ? 1 / n : this.alpha;
    v[at] += a * (r - v[at]);
  }

  /** The scale in units of a Gaussian σ (mean absolute deviation × √(π/2)). */
  get sigma(): number {
    return this.v[this.at] * 1.2533141373155001;
  }

  pack(): number[] {
    return [this.v[this.at], this.v[this.at + 1]];
  }

  unpack(v: ArrayLike<number>, at: number): number {
    this.v[this.at] = v[at];
    this.v[this.at + 1] = v[at + 1];
    return at + 2;
  }
}

/**
 * Minimum and maximum over roughly the last `blocks × blockSize` values: the extremes of each
 * block of `blockSize` values are kept in a ring of `blocks` entries, so an update costs O(1)
 * amortised and memory is 2 × blocks numbers. When a block is finished the window's extremes are
 * updated from the incoming and the outgoing block; only when the outgoing block held an extreme
 * is the ring rescanned (at most once per block; rarely, unless the series trends), so the ring's
 * cache lines are seldom touched.
 *
 * A push touches only the running extremes: four doubles, kept apart from the block ring (which is
 * touched once per block), in a store the caller may share — a series detector keeps the running
 * extremes of all its record detectors in one cache line, since when thousands of series take turns
 * every separate allocation (or boxed double field) is one more cache miss per point.
 */
const CUR_MIN = 0;
const CUR_MAX = 1;
const DONE_MIN = 2;
const DONE_MAX = 3;

export class WindowExtremes {
  /** Float64Array slots the running extremes take in a shared store (see the constructor). */
  static readonly SLOTS = 4;
  readonly blockSize: number;
  readonly blocks: number;
  private readonly hot: Float64Array;
  private readonly at: number;
  /** Block minima, then block maxima. */
  private readonly ring: Float64Array;
  private filled = 0;
  private slot = 0;
  private inBlock = 0;

  /** Keeps the running extremes in `store` from slot `at` (SLOTS of them) when given, else in an array of its own. */
  constructor(blockSize: number, blocks: number, store?: Float64Array, at = 0) {
    this.blockSize = Math.max(1, Math.floor(blockSize));
    this.blocks = Math.max(1, Math.floor(blocks));
    this.ring = new Float64Array(2 * this.blocks);
    this.hot = store ?? new Float64Array(WindowExtremes.SLOTS);
    this.at = store ? at : 0;
    this.hot.set([Infinity, -Infinity, Infinity, -Infinity], this.at);
  }

  push(x: number): void {
    const h = this.hot;
    const at = this.at;
    if (x < h[at + CUR_MIN]) h[at + CUR_MIN] = x;
    if (x > h[at + CUR_MAX]) h[at + CUR_MAX] = x;
    if (++this.inBlock === this.blockSize) {
      const r = this.ring;
      const maxs = this.blocks;
      const evicts = this.filled === this.blocks;
      const outMin = r[this.slot];
      const outMax = r[maxs + this.slot];
      const inMin = h[at + CUR_MIN];
      const inMax = h[at + CUR_MAX];
      r[this.slot] = inMin;
      r[maxs + this.slot] = inMax;
      this.slot = this.slot + 1 === this.blocks ? 0 : this.slot + 1;
      if (!evicts) this.filled++;
      this.inBlock = 0;
      h[at + CUR_MIN] = Infinity;
      h[at + CUR_MAX] = -Infinity;
      // Min and max are exact whatever the order they are taken in, so updating them from the
      // blocks coming in and going out gives what a rescan would.
      if (inMin < h[at + DONE_MIN]) h[at + DONE_MIN] = inMin;
      else if (evicts && outMin === h[at + DONE_MIN] && inMin !== outMin) h[at + DONE_MIN] = this.rescan(0);
      if (inMax > h[at + DONE_MAX]) h[at + DONE_MAX] = inMax;
      else if (evicts && outMax === h[at + DONE_MAX] && inMax !== outMax) h[at + DONE_MAX] = -this.rescan(maxs, -1);
    }
  }

  /** Smallest of the `filled` values from `from` in the ring, each multiplied by `sign` (−1: the largest, negated). */
  private rescan(from: number, sign = 1): number {
    const r = this.ring;
    let m = Infinity;
    for (let i = 0; i < this.filled; i++) if (sign * r[from + i] < m) m = sign * r[from + i];
    return m;
  }

  /** Smallest value in the window (Infinity when empty). */
  get min(): number {
    const h = this.hot;
    const at = this.at;
    return h[at + CUR_MIN] < h[at + DONE_MIN] ? h[at + CUR_MIN] : h[at + DONE_MIN];
  }

  /** Largest value in the window (−Infinity when empty). */
  get max(): number {
    const h = this.hot;
    const at = this.at;
    return h[at + CUR_MAX] > h[at + DONE_MAX] ? h[at + CUR_MAX] : h[at + DONE_MAX];
  }

  toState(): WindowExtremesState {
    const running = Array.from(this.hot.subarray(this.at, this.at + WindowExtremes.SLOTS));
    return { blockSize: this.blockSize, blocks: this.blocks, ring: packF64(this.ring), s: packScalars([this.filled, this.slot, this.inBlock, ...running]) };
  }

  /** Restores a window (its running extremes into `store` from slot `at`, when given: see the constructor). */
  static fromState(s: WindowExtremesState, store?: Float64Array, at = 0): WindowExtremes {
    const w = new WindowExtremes(s.blockSize, s.blocks, store, at);
    w.ring.set(unpackF64(s.ring, w.ring.length, 'WindowExtremes'));
    const v = unpackScalars(s.s, 3 + WindowExtremes.SLOTS, 'WindowExtremes');
    [w.filled, w.slot, w.inBlock] = v;
    w.hot.set(v.subarray(3), w.at);
    return w;
  }
}

export interface WindowExtremesState {
  blockSize: number;
  blocks: number;
  /** Block minima, then block maxima. */
  ring: EncodedArray;
  /** filled, slot, inBlock, then the running extremes (current block's min and max, finished blocks' min and max). */
  s: EncodedArray;
}
