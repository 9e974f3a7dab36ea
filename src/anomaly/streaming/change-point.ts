/**
 * Two-sided CUSUM change-point detection (Page 1954) on standardised values.
 *
 *   z_t  = (x_t − μ) / σ                 μ, σ: the in-control level and robust scale
 *   S⁺_t = max(0, S⁺ + z_t − k)          S⁻_t = max(0, S⁻ − z_t − k)
 *   statistic = max(S⁺, S⁻) / h          ≥ 1 means a sustained shift of the mean
 *
 * k (in σ) is the drift allowance — half the smallest shift worth finding — and h the decision
 * interval. The in-control level follows the data slowly; after a change is signalled the
 * statistics restart and the level jumps to the recent (fast) mean, so one shift is reported once
 * and the detector is ready for the next. O(1) per point; a kernel (see kernel.ts).
 */
import type { Kernel } from './kernel.js';
import { RobustScale } from './rolling-stats.js';
import { withDefaults } from './shared-options.js';

export interface ChangePointOptions {
  /** Drift allowance k in σ. */
  k: number;
  /** Decision interval h in σ. */
  h: number;
  /** Weight of a new point in the in-control level. */
  slowAlpha: number;
  /** Weight of a new point in the fast level that the in-control level resets to. */
  fastAlpha: number;
  /** Weight of a new residual in the robust scale. */
  scaleAlpha: number;
  /** Largest |z| one point may add (keeps a single spike from looking like a shift). */
  zClip: number;
}

export const DEFAULT_CHANGE_POINT: ChangePointOptions = { k: 0.5, h: 10, slowAlpha: 0.002, fastAlpha: 0.1, scaleAlpha: 0.005, zClip: 4 };

/** Slots from `at`. */
const LEVEL = 0;
const FAST = 1;
const S_POS = 2;
const S_NEG = 3;
const N = 4;
/** Points since the last signalled change. */
const SINCE_CHANGE = 5;
/** Then the robust scale (RobustScale.SLOTS). */
const SCALE = 6;

export class CusumDetector implements Kernel {
  static readonly SLOTS = SCALE + RobustScale.SLOTS;
  readonly slots = CusumDetector.SLOTS;
  readonly options: ChangePointOptions;
  private readonly scale: RobustScale;

  constructor(options: Partial<ChangePointOptions> = {}) {
    this.options = withDefaults(DEFAULT_CHANGE_POINT, options);
    this.scale = new RobustScale(this.options.scaleAlpha, 4);
  }

  init(v: Float64Array, at: number): void {
    v.fill(0, at, at + SCALE);
    this.scale.init(v, at + SCALE);
  }

  /** The in-control level. */
  level(v: Float64Array, at: number): number {
    return v[at + LEVEL];
  }

  /** The fast level the in-control one resets to after a change. */
  fast(v: Float64Array, at: number): number {
    return v[at + FAST];
  }

  sinceChange(v: Float64Array, at: number): number {
    return v[at + SINCE_CHANGE];
  }

  /**
   * Feeds x; returns the CUSUM statistic in units of h while below 1, and at a signalled change the
   * size of the shift in σ as far as the fast level has followed it yet (at least 1).
   */
  update(v: Float64Array, at: number, x: number, floor: number): number {
    const o = this.options;
    const n = ++v[at + N];
    if (n === 1) {
      v[at + LEVEL] = x;
      v[at + FAST] = x;
      return 0;
    }
    const r = x - v[at + LEVEL];
    const s = this.scale.sigma(v, at + SCALE);
    let z = r / (s > floor ? s : floor);
    if (z > o.zClip) z = o.zClip;
    else if (z < -o.zClip) z = -o.zClip;
    const sPos = (v[at + S_POS] = Math.max(0, v[at + S_POS] + z - o.k));
    const sNeg = (v[at + S_NEG] = Math.max(0, v[at + S_NEG] - z - o.k));
    const stat = (sPos > sNeg ? sPos : sNeg) / o.h;
    this.scale.update(v, at + SCALE, r);
    const a = 1 / n > o.slowAlpha ? 1 / n : o.slowAlpha;
    v[at + LEVEL] += a * r;
    v[at + FAST] += o.fastAlpha * (x - v[at + FAST]);
    v[at + SINCE_CHANGE]++;
    if (stat >= 1) {
      // How far the recent (fast) level has moved from the in-control one, in σ. (The textbook
      // k + S/N estimate saturates at zClip + k and ranked shifts worse on NAB.)
      const shift = Math.abs(v[at + FAST] - v[at + LEVEL]) / (s > floor ? s : floor);
      v[at + LEVEL] = v[at + FAST];
      v[at + S_POS] = 0;
      v[at + S_NEG] = 0;
      v[at + SINCE_CHANGE] = 0;
      return shift > 1 ? shift : 1;
    }
    return stat;
  }
}
