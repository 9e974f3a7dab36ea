/**
 * O(1) running statistics with bounded memory, the building blocks of the streaming detectors:
 * a ring buffer, moments over a sliding window, a robust (winsorised) exponentially weighted
 * scale, and extremes over a sliding window kept per block.
 *
 * The last three are kernels (see kernel.ts): one object per configuration, shared by every
 * series, working on numbers the caller keeps in a Float64Array from slot `at`.
 */
import { packF64, unpackF64, type EncodedArray } from './state-codec.js';
import type { Kernel } from './kernel.js';

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
 * ring around a fresh shift (the current mean), so rounding cannot drift and a large offset
 * cannot cancel the variance away (O(1) amortised).
 */
const SHIFT = 0;
const SUM = 1;
const SUM_SQ = 2;
/** The ring's next write slot, values held, pushes since the sums were recomputed. */
const HEAD = 3;
const HELD = 4;
const SINCE_RESUM = 5;
/** Then the window's values, a ring. */
const MOMENTS_HEAD = 6;

export class WindowMoments implements Kernel {
  readonly window: number;
  readonly slots: number;

  constructor(window: number) {
    this.window = Math.max(1, Math.floor(window));
    this.slots = MOMENTS_HEAD + this.window;
  }

  init(v: Float64Array, at: number): void {
    v.fill(0, at, at + this.slots);
  }

  count(v: Float64Array, at: number): number {
    return v[at + HELD];
  }

  push(v: Float64Array, at: number, x: number): void {
    const cap = this.window;
    const head = v[at + HEAD];
    const slot = at + MOMENTS_HEAD + head;
    const old = v[at + HELD] === cap ? v[slot] : NaN;
    v[slot] = x;
    v[at + HEAD] = head + 1 === cap ? 0 : head + 1;
    if (v[at + HELD] < cap) v[at + HELD]++;
    if (v[at + HELD] === 1) v[at + SHIFT] = x;
    if (++v[at + SINCE_RESUM] >= cap) {
      v[at + SINCE_RESUM] = 0;
      const n = v[at + HELD];
      let m = 0;
      for (let i = 0; i < n; i++) m += this.get(v, at, i);
      const shift = (v[at + SHIFT] = m / n);
      let s = 0;
      let q = 0;
      for (let i = 0; i < n; i++) {
        const d = this.get(v, at, i) - shift;
        s += d;
        q += d * d;
      }
      v[at + SUM] = s;
      v[at + SUM_SQ] = q;
      return;
    }
    const d = x - v[at + SHIFT];
    v[at + SUM] += d;
    v[at + SUM_SQ] += d * d;
    if (old === old) {
      const e = old - v[at + SHIFT];
      v[at + SUM] -= e;
      v[at + SUM_SQ] -= e * e;
    }
  }

  mean(v: Float64Array, at: number): number {
    const n = v[at + HELD];
    return n > 0 ? v[at + SHIFT] + v[at + SUM] / n : 0;
  }

  /** Population variance (never negative). */
  variance(v: Float64Array, at: number): number {
    const n = v[at + HELD];
    if (n < 2) return 0;
    const m = v[at + SUM] / n;
    const q = v[at + SUM_SQ] / n - m * m;
    return q > 0 ? q : 0;
  }

  /** The value pushed `age` pushes ago (0 = newest); NaN beyond what is held. */
  get(v: Float64Array, at: number, age: number): number {
    if (age < 0 || age >= v[at + HELD]) return NaN;
    let i = v[at + HEAD] - 1 - age;
    if (i < 0) i += this.window;
    return v[at + MOMENTS_HEAD + i];
  }
}

/**
 * A robust running scale: the exponentially weighted mean absolute deviation of residuals, where
 * each residual is first clipped to `clip` times the current scale, so a burst of outliers cannot
 * inflate the scale it is judged against. For Gaussian residuals the value is about 0.8 σ;
 * {@link sigma} rescales it to σ. Two slots: the mean absolute deviation and the count.
 */
export class RobustScale implements Kernel {
  static readonly SLOTS = 2;
  readonly slots = RobustScale.SLOTS;

  constructor(
    readonly alpha: number,
    readonly clip = 4,
  ) {}

  init(v: Float64Array, at: number): void {
    v[at] = 0;
    v[at + 1] = 0;
  }

  mad(v: Float64Array, at: number): number {
    return v[at];
  }

  update(v: Float64Array, at: number, residual: number): void {
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
  sigma(v: Float64Array, at: number): number {
    return v[at] * 1.2533141373155001;
  }
}

/**
 * Minimum and maximum over roughly the last `blocks × blockSize` values: the extremes of each
 * block of `blockSize` values are kept in a ring of `blocks` entries, so an update costs O(1)
 * amortised and memory is 2 × blocks numbers. When a block is finished the window's extremes are
 * updated from the incoming and the outgoing block; only when the outgoing block held an extreme
 * is the ring rescanned (at most once per block; rarely, unless the series trends).
 *
 * A push touches only the HOT slots (running extremes and counters); the ring, touched once per
 * block, lies `ringOffset` slots from `at`, so a caller can keep it apart with the other cold
 * numbers: when thousands of series take turns, each cache line a point touches is a likely miss.
 */
const CUR_MIN = 0;
const CUR_MAX = 1;
const DONE_MIN = 2;
const DONE_MAX = 3;
const FILLED = 4;
const SLOT = 5;
const IN_BLOCK = 6;
const EXTREMES_HOT = 7;

export class WindowExtremes implements Kernel {
  /** Slots next to `at` (the ring comes `ringOffset` slots from `at`). */
  static readonly HOT_SLOTS = EXTREMES_HOT;
  readonly blockSize: number;
  readonly blocks: number;
  /** Ring of block minima, then block maxima, at `at + ringOffset` (right after the hot slots by default). */
  readonly ringOffset: number;
  readonly slots: number;

  constructor(blockSize: number, blocks: number, ringOffset = EXTREMES_HOT) {
    this.blockSize = Math.max(1, Math.floor(blockSize));
    this.blocks = Math.max(1, Math.floor(blocks));
    this.ringOffset = ringOffset;
    this.slots = EXTREMES_HOT + 2 * this.blocks;
  }

  /** Slots of the ring alone (when it is placed apart). */
  get ringSlots(): number {
    return 2 * this.blocks;
  }

  init(v: Float64Array, at: number): void {
    v[at + CUR_MIN] = Infinity;
    v[at + CUR_MAX] = -Infinity;
    v[at + DONE_MIN] = Infinity;
    v[at + DONE_MAX] = -Infinity;
    v[at + FILLED] = 0;
    v[at + SLOT] = 0;
    v[at + IN_BLOCK] = 0;
    v.fill(0, at + this.ringOffset, at + this.ringOffset + 2 * this.blocks);
  }

  push(v: Float64Array, at: number, x: number): void {
    if (x < v[at + CUR_MIN]) v[at + CUR_MIN] = x;
    if (x > v[at + CUR_MAX]) v[at + CUR_MAX] = x;
    if (++v[at + IN_BLOCK] === this.blockSize) {
      const r = at + this.ringOffset;
      const maxs = r + this.blocks;
      const slot = v[at + SLOT];
      const evicts = v[at + FILLED] === this.blocks;
      const outMin = v[r + slot];
      const outMax = v[maxs + slot];
      const inMin = v[at + CUR_MIN];
      const inMax = v[at + CUR_MAX];
      v[r + slot] = inMin;
      v[maxs + slot] = inMax;
      v[at + SLOT] = slot + 1 === this.blocks ? 0 : slot + 1;
      if (!evicts) v[at + FILLED]++;
      v[at + IN_BLOCK] = 0;
      v[at + CUR_MIN] = Infinity;
      v[at + CUR_MAX] = -Infinity;
      // Min and max are exact whatever the order they are taken in, so updating them from the
      // blocks coming in and going out gives what a rescan would.
      if (inMin < v[at + DONE_MIN]) v[at + DONE_MIN] = inMin;
      else if (evicts && outMin === v[at + DONE_MIN] && inMin !== outMin) v[at + DONE_MIN] = this.rescan(v, at, r, 1);
      if (inMax > v[at + DONE_MAX]) v[at + DONE_MAX] = inMax;
      else if (evicts && outMax === v[at + DONE_MAX] && inMax !== outMax) v[at + DONE_MAX] = -this.rescan(v, at, maxs, -1);
    }
  }

  /** Smallest of the `filled` ring values from `from`, each multiplied by `sign` (−1: the largest, negated). */
  private rescan(v: Float64Array, at: number, from: number, sign: number): number {
    const filled = v[at + FILLED];
    let m = Infinity;
    for (let i = 0; i < filled; i++) if (sign * v[from + i] < m) m = sign * v[from + i];
    return m;
  }

  /** Smallest value in the window (Infinity when empty). */
  min(v: Float64Array, at: number): number {
    return v[at + CUR_MIN] < v[at + DONE_MIN] ? v[at + CUR_MIN] : v[at + DONE_MIN];
  }

  /** Largest value in the window (−Infinity when empty). */
  max(v: Float64Array, at: number): number {
    return v[at + CUR_MAX] > v[at + DONE_MAX] ? v[at + CUR_MAX] : v[at + DONE_MAX];
  }
}
