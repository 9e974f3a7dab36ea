/**
 * A contextual detector: how unexpected is this value, given the few values before it?
 *
 * Values (already standardised by the caller) are quantised to integer codes of `step` σ. A
 * variable-order Markov model counts, for every context of the last k codes (k = 0…order), how
 * often each next code followed it. The surprise of a new code is 1 − P(code | longest context
 * seen at least `minSupport` times); a context never seen at any order is fully surprising. This
 * is the idea behind HTM's prediction error and CAD OSE's "new context" signal, in a form that
 * costs O(order) per point.
 *
 * Counts live in one hashed table of 2^tableBits 16-bit counters (contexts and context→code pairs
 * share it under different salts), so memory is fixed however many distinct contexts appear and
 * small enough to stay in cache; a collision only over-counts (the detector is a little less
 * surprised). Every `decayEvery` updates — and whenever a counter would overflow — all counts are
 * halved, so old habits fade (O(1) amortised).
 *
 * A kernel (see kernel.ts) with two parts per series: a few numbers in the caller's Float64Array
 * and the counters in the caller's Uint16Array, from `tableAt` (`tableSize` of them).
 */
import type { Kernel } from './kernel.js';
import { withDefaults } from './shared-options.js';

export interface ContextualOptions {
  /** Quantisation step, in units of the standardised input. */
  step: number;
  /** Codes are clamped to [−maxCode, maxCode]. */
  maxCode: number;
  /** Longest context, in codes. */
  order: number;
  /** log2 of the number of counters. */
  tableBits: number;
  /** Updates between halvings of every count. */
  decayEvery: number;
  /** Times a context must have been seen before its prediction is used. */
  minSupport: number;
}

export const DEFAULT_CONTEXTUAL: ContextualOptions = { step: 1, maxCode: 24, order: 3, tableBits: 11, decayEvery: 8192, minSupport: 3 };

const SALT_CTX = 0x2545f491;
const SALT_PAIR = 0x7feb352d;

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return h ^ (h >>> 15);
}

/** Context hashes of the current point, per order: scratch shared by all series (one thread, recomputed every update). */
let ctxScratch = new Int32Array(8);

/** Slots from `at`: codes held (up to `order`), updates since the last halving, the order that judged the last point, then the last `order` codes, newest first. */
const HELD = 0;
const SINCE_DECAY = 1;
const LAST_ORDER = 2;
const RECENT = 3;

export class ContextualDetector implements Kernel {
  readonly options: ContextualOptions;
  readonly slots: number;
  /** Counters per series in the Uint16Array. */
  readonly tableSize: number;
  private readonly mask: number;

  constructor(options: Partial<ContextualOptions> = {}) {
    this.options = withDefaults(DEFAULT_CONTEXTUAL, options);
    this.tableSize = 1 << this.options.tableBits;
    this.mask = this.tableSize - 1;
    this.slots = RECENT + Math.max(1, this.options.order);
    if (ctxScratch.length < this.options.order + 1) ctxScratch = new Int32Array(this.options.order + 1);
  }

  /** Zeroes the numbers (the counters are zeroed by {@link initTable}). */
  init(v: Float64Array, at: number): void {
    v.fill(0, at, at + this.slots);
    v[at + LAST_ORDER] = -1;
  }

  initTable(table: Uint16Array, tableAt: number): void {
    table.fill(0, tableAt, tableAt + this.tableSize);
  }

  /** Order of the context that judged the last point (−1: none had support). */
  lastOrder(v: Float64Array, at: number): number {
    return v[at + LAST_ORDER];
  }

  private inc(v: Float64Array, at: number, table: Uint16Array, tableAt: number, h: number): void {
    const i = tableAt + (h & this.mask);
    if (table[i] === 0xffff) this.decay(v, at, table, tableAt);
    table[i]++;
  }

  private decay(v: Float64Array, at: number, table: Uint16Array, tableAt: number): void {
    for (let i = tableAt, end = tableAt + this.tableSize; i < end; i++) table[i] >>>= 1;
    v[at + SINCE_DECAY] = 0;
  }

  /** Quantises a standardised value to its code. */
  code(u: number): number {
    const m = this.options.maxCode;
    let c = Math.round(u / this.options.step);
    if (!(c >= -m)) c = -m; // also catches NaN
    else if (c > m) c = m;
    return c;
  }

  /** Scores the standardised value u against its context, then learns it. Returns surprise in [0, 1]. */
  update(v: Float64Array, at: number, table: Uint16Array, tableAt: number, u: number): number {
    const o = this.options;
    const mask = this.mask;
    const code = this.code(u);
    const held = v[at + HELD];
    const maxK = held < o.order ? held : o.order;
    const ctx = ctxScratch;
    let h = SALT_CTX;
    ctx[0] = h;
    for (let k = 1; k <= maxK; k++) {
      h = mix(h, v[at + RECENT + k - 1] + 1000);
      ctx[k] = h;
    }
    let surprise = 1;
    v[at + LAST_ORDER] = -1;
    for (let k = maxK; k >= 0; k--) {
      const c = ctx[k];
      const total = table[tableAt + (c & mask)];
      if (total < o.minSupport) continue;
      const p = table[tableAt + (mix(c ^ SALT_PAIR, code) & mask)] / total;
      surprise = p >= 1 ? 0 : 1 - p;
      v[at + LAST_ORDER] = k;
      break;
    }
    for (let k = 0; k <= maxK; k++) {
      const c = ctx[k];
      this.inc(v, at, table, tableAt, c);
      this.inc(v, at, table, tableAt, mix(c ^ SALT_PAIR, code));
    }
    for (let k = o.order - 1; k > 0; k--) v[at + RECENT + k] = v[at + RECENT + k - 1];
    v[at + RECENT] = code;
    if (held < o.order) v[at + HELD] = held + 1;
    if (++v[at + SINCE_DECAY] >= o.decayEvery) this.decay(v, at, table, tableAt);
    return surprise;
  }
}
