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
 * and the detector is ready for the next. O(1) per point.
 */
import { RobustScale } from './rolling-stats.js';
import { packScalars, unpackScalars, type EncodedArray } from './state-codec.js';

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

export class CusumDetector {
  readonly options: ChangePointOptions;
  readonly scale: RobustScale;
  level = 0;
  fast = 0;
  sPos = 0;
  sNeg = 0;
  n = 0;
  /** Points since the last signalled change. */
  sinceChange = 0;

  constructor(options: Partial<ChangePointOptions> = {}) {
    this.options = { ...DEFAULT_CHANGE_POINT, ...options };
    this.scale = new RobustScale(this.options.scaleAlpha, 4);
  }

  /**
   * Feeds x; returns the CUSUM statistic in units of h while below 1, and at a signalled change the
   * size of the shift in σ as far as the fast level has followed it yet (at least 1).
   */
  update(x: number, floor: number): number {
    const o = this.options;
    this.n++;
    if (this.n === 1) {
      this.level = x;
      this.fast = x;
      return 0;
    }
    const r = x - this.level;
    const s = this.scale.sigma;
    let z = r / (s > floor ? s : floor);
    if (z > o.zClip) z = o.zClip;
    else if (z < -o.zClip) z = -o.zClip;
    this.sPos = Math.max(0, this.sPos + z - o.k);
    this.sNeg = Math.max(0, this.sNeg - z - o.k);
    const stat = (this.sPos > this.sNeg ? this.sPos : this.sNeg) / o.h;
    this.scale.update(r);
    const a = 1 / this.n > o.slowAlpha ? 1 / this.n : o.slowAlpha;
    this.level += a * r;
    this.fast += o.fastAlpha * (x - this.fast);
    this.sinceChange++;
    if (stat >= 1) {
      // How far the recent (fast) level has moved from the in-control one, in σ. (The textbook
      // k + S/N estimate saturates at zClip + k and ranked shifts worse on NAB.)
      const shift = Math.abs(this.fast - this.level) / (s > floor ? s : floor);
      this.level = this.fast;
      this.sPos = 0;
      this.sNeg = 0;
      this.sinceChange = 0;
      return shift > 1 ? shift : 1;
    }
    return stat;
  }

  toState(): EncodedArray {
    return packScalars([this.level, this.fast, this.sPos, this.sNeg, this.n, this.sinceChange, ...this.scale.pack()]);
  }

  static fromState(options: Partial<ChangePointOptions>, s: EncodedArray): CusumDetector {
    const c = new CusumDetector(options);
    const v = unpackScalars(s, 8, 'CusumDetector');
    [c.level, c.fast, c.sPos, c.sNeg, c.n, c.sinceChange] = v;
    c.scale.unpack(v, 6);
    return c;
  }
}
