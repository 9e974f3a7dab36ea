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
 * cannot cancel the variance away (O(1) amortised).
 */
export class WindowMoments {
  private ring: RingBuffer;
  private shift = 0;
  private sum = 0;
  private sumSq = 0;
  private sinceResum = 0;

  constructor(window: number) {
    this.ring = new RingBuffer(window);
  }

  get count(): number {
    return this.ring.length;
  }

  get window(): number {
    return this.ring.capacity;
  }

  push(x: number): void {
    const old = this.ring.push(x);
    if (this.ring.length === 1) this.shift = x;
    if (++this.sinceResum >= this.ring.capacity) {
      this.sinceResum = 0;
      const n = this.ring.length;
      let m = 0;
      for (let i = 0; i < n; i++) m += this.ring.get(i);
      this.shift = m / n;
      let s = 0;
      let q = 0;
      for (let i = 0; i < n; i++) {
        const d = this.ring.get(i) - this.shift;
        s += d;
        q += d * d;
      }
      this.sum = s;
      this.sumSq = q;
      return;
    }
    const d = x - this.shift;
    this.sum += d;
    this.sumSq += d * d;
    if (old === old) {
      const e = old - this.shift;
      this.sum -= e;
      this.sumSq -= e * e;
    }
  }

  get mean(): number {
    const n = this.ring.length;
    return n > 0 ? this.shift + this.sum / n : 0;
  }

  /** Population variance (never negative). */
  get variance(): number {
    const n = this.ring.length;
    if (n < 2) return 0;
    const m = this.sum / n;
    const v = this.sumSq / n - m * m;
    return v > 0 ? v : 0;
  }

  /** The value pushed `age` pushes ago (0 = newest). */
  get(age: number): number {
    return this.ring.get(age);
  }

  toState(): WindowMomentsState {
    return { ring: this.ring.toState(), s: packScalars([this.shift, this.sum, this.sumSq, this.sinceResum]) };
  }

  static fromState(s: WindowMomentsState): WindowMoments {
    const w = new WindowMoments(s.ring.capacity);
    w.ring = RingBuffer.fromState(s.ring);
    [w.shift, w.sum, w.sumSq, w.sinceResum] = unpackScalars(s.s, 4, 'WindowMoments');
    return w;
  }
}

export interface WindowMomentsState {
  ring: RingBufferState;
  s: EncodedArray;
}

/**
 * A robust running scale: the exponentially weighted mean absolute deviation of residuals, where
 * each residual is first clipped to `clip` times the current scale, so a burst of outliers cannot
 * inflate the scale it is judged against. For Gaussian residuals the value is about 0.8 σ;
 * {@link sigma} rescales it to σ.
 */
export class RobustScale {
  readonly alpha: number;
  readonly clip: number;
  mad = 0;
  n = 0;

  constructor(alpha: number, clip = 4) {
    this.alpha = alpha;
    this.clip = clip;
  }

  update(residual: number): void {
    let r = residual < 0 ? -residual : residual;
    this.n++;
    if (this.n > 8) {
      const cap = this.clip * this.mad;
      if (r > cap) r = cap;
    }
    const a = 1 / this.n > this.alpha ? 1 / this.n : this.alpha;
    this.mad += a * (r - this.mad);
  }

  /** The scale in units of a Gaussian σ (mean absolute deviation × √(π/2)). */
  get sigma(): number {
    return this.mad * 1.2533141373155001;
  }

  pack(): number[] {
    return [this.mad, this.n];
  }

  unpack(v: ArrayLike<number>, at: number): number {
    this.mad = v[at];
    this.n = v[at + 1];
    return at + 2;
  }
}

/**
 * Minimum and maximum over roughly the last `blocks × blockSize` values: the extremes of each
 * block of `blockSize` values are kept in a ring of `blocks` entries, so an update costs O(1)
 * amortised (a full rescan of `blocks` entries once per block) and memory is 2 × blocks numbers.
 */
export class WindowExtremes {
  readonly blockSize: number;
  readonly blocks: number;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;
  private filled = 0;
  private slot = 0;
  private inBlock = 0;
  private curMin = Infinity;
  private curMax = -Infinity;
  private doneMin = Infinity;
  private doneMax = -Infinity;

  constructor(blockSize: number, blocks: number) {
    this.blockSize = Math.max(1, Math.floor(blockSize));
    this.blocks = Math.max(1, Math.floor(blocks));
    this.mins = new Float64Array(this.blocks);
    this.maxs = new Float64Array(this.blocks);
  }

  push(x: number): void {
    if (x < this.curMin) this.curMin = x;
    if (x > this.curMax) this.curMax = x;
    if (++this.inBlock === this.blockSize) {
      this.mins[this.slot] = this.curMin;
      this.maxs[this.slot] = this.curMax;
      this.slot = this.slot + 1 === this.blocks ? 0 : this.slot + 1;
      if (this.filled < this.blocks) this.filled++;
      this.inBlock = 0;
      this.curMin = Infinity;
      this.curMax = -Infinity;
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = 0; i < this.filled; i++) {
        if (this.mins[i] < mn) mn = this.mins[i];
        if (this.maxs[i] > mx) mx = this.maxs[i];
      }
      this.doneMin = mn;
      this.doneMax = mx;
    }
  }

  /** Smallest value in the window (Infinity when empty). */
  get min(): number {
    return this.curMin < this.doneMin ? this.curMin : this.doneMin;
  }

  /** Largest value in the window (−Infinity when empty). */
  get max(): number {
    return this.curMax > this.doneMax ? this.curMax : this.doneMax;
  }

  toState(): WindowExtremesState {
    return {
      blockSize: this.blockSize,
      blocks: this.blocks,
      mins: packF64(this.mins),
      maxs: packF64(this.maxs),
      s: packScalars([this.filled, this.slot, this.inBlock, this.curMin, this.curMax, this.doneMin, this.doneMax]),
    };
  }

  static fromState(s: WindowExtremesState): WindowExtremes {
    const w = new WindowExtremes(s.blockSize, s.blocks);
    w.mins.set(unpackF64(s.mins, w.blocks, 'WindowExtremes'));
    w.maxs.set(unpackF64(s.maxs, w.blocks, 'WindowExtremes'));
    const v = unpackScalars(s.s, 7, 'WindowExtremes');
    [w.filled, w.slot, w.inBlock, w.curMin, w.curMax, w.doneMin, w.doneMax] = v;
    return w;
  }
}

export interface WindowExtremesState {
  blockSize: number;
  blocks: number;
  mins: EncodedArray;
  maxs: EncodedArray;
  s: EncodedArray;
}
