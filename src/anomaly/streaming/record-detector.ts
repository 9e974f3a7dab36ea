/**
 * Record detection: is this value beyond everything its feature showed over the recent window?
 *
 * Among m exchangeable values the newest is the largest with probability 1/(m + 1), so a new
 * maximum (or minimum) after m values is a 1-in-(m + 1) event; exceeding the old extreme by a
 * margin is rarer still, modelled as a power-law tail: each doubling of the excess beyond the
 * tolerance divides the probability by 2^γ. The surprise is returned in decades,
 *
 *   decades = log10(m_eff + 1) + γ · log10(excess / tolerance)       when excess > tolerance
 *
 * with tolerance a share of the window's width (max − min) and m_eff = m / `correlation` for a
 * feature whose successive values are not independent (a smoothed level). This is the precise
 * alarm of the family: new extremes are rare under normal operation, and most of the incidents
 * an operator cares about are exactly that. Extremes are tracked per block (WindowExtremes), so
 * an update is O(1) amortised and memory is fixed. A kernel (see kernel.ts).
 */
import type { Kernel } from './kernel.js';
import { WindowExtremes } from './rolling-stats.js';
import { withDefaults } from './shared-options.js';

export interface RecordDetectorOptions {
  /** Window = blocks × blockSize points. */
  blockSize: number;
  blocks: number;
  /** Tolerance beyond the window's min/max, as a share of its width. */
  tolerance: number;
  /** Power-law exponent γ of the tail beyond the old extreme. */
  tailExponent: number;
  /** Successive values per independent one (1 for raw values, more for smoothed features). */
  correlation: number;
  /** Which side counts: 'both', 'high' (new maxima) or 'low' (new minima). */
  side: 'both' | 'high' | 'low';
  /** Points the window needs before records count. */
  minPoints: number;
}

export const DEFAULT_RECORD: RecordDetectorOptions = { blockSize: 64, blocks: 64, tolerance: 0.05, tailExponent: 3, correlation: 1, side: 'both', minPoints: 64 };

/** Slots from `at`: points seen, the direction of the last record, then the window's hot slots. */
const N = 0;
const DIRECTION = 1;
const EXTREMES = 2;

export class RecordDetector implements Kernel {
  /** Slots next to `at`; the window's ring lies `ringOffset` slots from `at`. */
  static readonly HOT_SLOTS = EXTREMES + WindowExtremes.HOT_SLOTS;
  readonly options: RecordDetectorOptions;
  readonly slots: number;
  private readonly extremes: WindowExtremes;

  /** `ringOffset`: where the window's ring of block extremes lies, counted from `at` (by default right after the hot slots). */
  constructor(options: Partial<RecordDetectorOptions> = {}, ringOffset = RecordDetector.HOT_SLOTS) {
    this.options = withDefaults(DEFAULT_RECORD, options);
    this.extremes = new WindowExtremes(this.options.blockSize, this.options.blocks, ringOffset - EXTREMES);
    this.slots = RecordDetector.HOT_SLOTS + this.extremes.ringSlots;
  }

  /** Slots of the ring alone (when it is placed apart). */
  get ringSlots(): number {
    return this.extremes.ringSlots;
  }

  init(v: Float64Array, at: number): void {
    v[at + N] = 0;
    v[at + DIRECTION] = 0;
    this.extremes.init(v, at + EXTREMES);
  }

  /** +1 when the last update set a new maximum, −1 a new minimum, 0 none. */
  direction(v: Float64Array, at: number): number {
    return v[at + DIRECTION];
  }

  /**
   * Scores x against the window, then adds it. Returns the record surprise in decades (0 if no
   * record). `floor` bounds the window width from below; a record must also beat the old extreme
   * by more than `minExcess` (the caller's noise scale: beating it by less than the noise is no news).
   */
  update(v: Float64Array, at: number, x: number, floor: number, minExcess = 0): number {
    const o = this.options;
    const n = v[at + N];
    let decades = 0;
    v[at + DIRECTION] = 0;
    if (n >= o.minPoints) {
      const lo = this.extremes.min(v, at + EXTREMES);
      const hi = this.extremes.max(v, at + EXTREMES);
      const width = hi - lo > floor ? hi - lo : floor;
      const tol = o.tolerance * width;
      let excess = 0;
      if (o.side !== 'low' && x > hi + tol) {
        excess = x - hi;
        v[at + DIRECTION] = 1;
      } else if (o.side !== 'high' && x < lo - tol) {
        excess = lo - x;
        v[at + DIRECTION] = -1;
      }
      if (excess > minExcess) {
        const m = Math.min(n, o.blockSize * o.blocks) / o.correlation;
        decades = Math.log10(m + 1) + o.tailExponent * Math.log10(excess / tol);
      }
    }
    this.extremes.push(v, at + EXTREMES, x);
    v[at + N] = n + 1;
    return decades;
  }
}
