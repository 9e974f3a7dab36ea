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
 * an update is O(1) amortised and memory is fixed.
 */
import { WindowExtremes, type WindowExtremesState } from './rolling-stats.js';
import { packScalars, unpackScalars, type EncodedArray } from './state-codec.js';
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

export class RecordDetector {
  readonly options: RecordDetectorOptions;
  private extremes: WindowExtremes;
  private n = 0;
  /** +1 when the last record was a new maximum, −1 a new minimum, 0 none. */
  direction = 0;

  /** `store`, `at`: where the window keeps its running extremes (see WindowExtremes; SLOTS slots). */
  constructor(options: Partial<RecordDetectorOptions> = {}, store?: Float64Array, at = 0) {
    this.options = withDefaults(DEFAULT_RECORD, options);
    this.extremes = new WindowExtremes(this.options.blockSize, this.options.blocks, store, at);
  }

  static readonly SLOTS = WindowExtremes.SLOTS;

  /**
   * Scores x against the window, then adds it. Returns the record surprise in decades (0 if no
   * record). `floor` bounds the window width from below; a record must also beat the old extreme
   * by more than `minExcess` (the caller's noise scale: beating it by less than the noise is no news).
   */
  update(x: number, floor: number, minExcess = 0): number {
    const o = this.options;
    let decades = 0;
    this.direction = 0;
    if (this.n >= o.minPoints) {
      const lo = this.extremes.min;
      const hi = this.extremes.max;
      const width = hi - lo > floor ? hi - lo : floor;
      const tol = o.tolerance * width;
      let excess = 0;
      if (o.side !== 'low' && x > hi + tol) {
        excess = x - hi;
        this.direction = 1;
      } else if (o.side !== 'high' && x < lo - tol) {
        excess = lo - x;
        this.direction = -1;
      }
      if (excess > minExcess) {
        const m = Math.min(this.n, o.blockSize * o.blocks) / o.correlation;
        decades = Math.log10(m + 1) + o.tailExponent * Math.log10(excess / tol);
      }
    }
    this.extremes.push(x);
    this.n++;
    return decades;
  }

  toState(): RecordDetectorState {
    return { extremes: this.extremes.toState(), s: packScalars([this.n, this.direction]) };
  }

  static fromState(options: Partial<RecordDetectorOptions>, s: RecordDetectorState, store?: Float64Array, at = 0): RecordDetector {
    const r = new RecordDetector(options);
    r.extremes = WindowExtremes.fromState(s.extremes, store, at);
    [r.n, r.direction] = unpackScalars(s.s, 2, 'RecordDetector');
    return r;
  }
}

export interface RecordDetectorState {
  extremes: WindowExtremesState;
  s: EncodedArray;
}
