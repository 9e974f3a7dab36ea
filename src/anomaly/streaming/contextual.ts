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
 */
import { decodeArray, encodeArray, MLInputError } from '../../ml/core/index.js';
import { packI32, packScalars, unpackI32, unpackScalars, type EncodedArray } from './state-codec.js';
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

/** Context hashes of the current point, per order: scratch shared by all detectors (one thread, recomputed every update). */
let ctxScratch = new Int32Array(8);

export class ContextualDetector {
  readonly options: ContextualOptions;
  private table: Uint16Array;
  private readonly mask: number;
  /** The last `order` codes, newest first. */
  private readonly recent: Int32Array;
  private held = 0;
  private sinceDecay = 0;
  /** Order of the context that judged the last point (−1: none had support). */
  lastOrder = -1;

  constructor(options: Partial<ContextualOptions> = {}) {
    this.options = withDefaults(DEFAULT_CONTEXTUAL, options);
    const size = 1 << this.options.tableBits;
    this.mask = size - 1;
    this.table = new Uint16Array(size);
    this.recent = new Int32Array(Math.max(1, this.options.order));
    if (ctxScratch.length < this.options.order + 1) ctxScratch = new Int32Array(this.options.order + 1);
  }

  private inc(h: number): void {
    const i = h & this.mask;
    if (this.table[i] === 0xffff) this.decay();
    this.table[i]++;
  }

  private decay(): void {
    const t = this.table;
    for (let i = 0; i < t.length; i++) t[i] >>>= 1;
    this.sinceDecay = 0;
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
  update(u: number): number {
    const o = this.options;
    const t = this.table;
    const mask = this.mask;
    const code = this.code(u);
    const maxK = this.held < o.order ? this.held : o.order;
    const ctx = ctxScratch;
    let h = SALT_CTX;
    ctx[0] = h;
    for (let k = 1; k <= maxK; k++) {
      h = mix(h, this.recent[k - 1] + 1000);
      ctx[k] = h;
    }
    let surprise = 1;
    this.lastOrder = -1;
    for (let k = maxK; k >= 0; k--) {
      const c = ctx[k];
      const total = t[c & mask];
      if (total < o.minSupport) continue;
      const p = t[mix(c ^ SALT_PAIR, code) & mask] / total;
      surprise = p >= 1 ? 0 : 1 - p;
      this.lastOrder = k;
      break;
    }
    for (let k = 0; k <= maxK; k++) {
      const c = ctx[k];
      this.inc(c);
      this.inc(mix(c ^ SALT_PAIR, code));
    }
    for (let k = this.recent.length - 1; k > 0; k--) this.recent[k] = this.recent[k - 1];
    this.recent[0] = code;
    if (this.held < o.order) this.held++;
    if (++this.sinceDecay >= o.decayEvery) this.decay();
    return surprise;
  }

  toState(): ContextualState {
    return { table: encodeArray(this.table), recent: packI32(this.recent), s: packScalars([this.held, this.sinceDecay, this.lastOrder]) };
  }

  static fromState(options: Partial<ContextualOptions>, s: ContextualState): ContextualDetector {
    const d = new ContextualDetector(options);
    const table = decodeArray(s.table, 'u16');
    if (table.length !== d.table.length) throw new MLInputError(`ContextualDetector: state holds ${table.length} counters, options say ${d.table.length}`);
    d.table = table;
    d.recent.set(unpackI32(s.recent, d.recent.length, 'ContextualDetector'));
    [d.held, d.sinceDecay, d.lastOrder] = unpackScalars(s.s, 3, 'ContextualDetector');
    return d;
  }
}

export interface ContextualState {
  table: EncodedArray;
  recent: EncodedArray;
  s: EncodedArray;
}
