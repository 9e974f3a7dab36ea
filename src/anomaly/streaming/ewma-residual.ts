/**
 * One-step-ahead forecast residuals of damped Holt smoothing (EWMA level plus an optional damped
 * trend), standardised by a robust running scale. A point far from where the recent level (and
 * trend) said it would be is surprising: spikes, dips, sudden jumps.
 *
 *   forecast_t = L + φ·T;   r_t = x_t − forecast_t;   z_t = r_t / σ_r
 *   L ← forecast + α·r;     T ← φ·T + β·α·r           (β = 0 gives a plain EWMA)
 *
 * σ_r is a winsorised exponentially weighted mean absolute residual (see RobustScale), so a spike
 * does not teach the detector to expect spikes. O(1) per point, seven numbers of state (a kernel: see kernel.ts).
 */
import type { Kernel } from './kernel.js';
import { RobustScale } from './rolling-stats.js';
import { withDefaults } from './shared-options.js';

export interface EwmaResidualOptions {
  /** Level smoothing α in (0, 1]. */
  alpha: number;
  /** Trend smoothing β in [0, 1] (0 = no trend). */
  beta: number;
  /** Trend damping φ in [0, 1]. */
  phi: number;
  /** Weight of a new residual in the residual scale. */
  scaleAlpha: number;
}

export const DEFAULT_EWMA: EwmaResidualOptions = { alpha: 0.3, beta: 0, phi: 0.9, scaleAlpha: 0.01 };

/** Slots from `at`. */
const LEVEL = 0;
const TREND = 1;
const RESIDUAL = 2;
const Z = 3;
const N = 4;
/** Then the residual scale (RobustScale.SLOTS). */
const SCALE = 5;

export class EwmaResidual implements Kernel {
  static readonly SLOTS = SCALE + RobustScale.SLOTS;
  readonly slots = EwmaResidual.SLOTS;
  readonly options: EwmaResidualOptions;
  private readonly scale: RobustScale;

  constructor(options: Partial<EwmaResidualOptions> = {}) {
    this.options = withDefaults(DEFAULT_EWMA, options);
    this.scale = new RobustScale(this.options.scaleAlpha, 4);
  }

  init(v: Float64Array, at: number): void {
    v.fill(0, at, at + SCALE);
    this.scale.init(v, at + SCALE);
  }

  level(v: Float64Array, at: number): number {
    return v[at + LEVEL];
  }

  trend(v: Float64Array, at: number): number {
    return v[at + TREND];
  }

  /** Residual of the last update. */
  residual(v: Float64Array, at: number): number {
    return v[at + RESIDUAL];
  }

  /** Standardised residual of the last update. */
  z(v: Float64Array, at: number): number {
    return v[at + Z];
  }

  /** The residual scale, as a Gaussian σ. */
  sigma(v: Float64Array, at: number): number {
    return this.scale.sigma(v, at + SCALE);
  }

  /** The forecast for the next point (NaN before the first). */
  forecast(v: Float64Array, at: number): number {
    return v[at + N] === 0 ? NaN : v[at + LEVEL] + this.options.phi * v[at + TREND];
  }

  /**
   * Scores x against the forecast, then learns it. Returns |z| (0 for the first point).
   * `floor` bounds the scale from below (in the value's units) so a flat series does not divide by 0.
   */
  update(v: Float64Array, at: number, x: number, floor: number): number {
    const o = this.options;
    if (v[at + N] === 0) {
      v[at + LEVEL] = x;
      v[at + N] = 1;
      v[at + RESIDUAL] = 0;
      v[at + Z] = 0;
      return 0;
    }
    const f = v[at + LEVEL] + o.phi * v[at + TREND];
    const r = x - f;
    const s = this.scale.sigma(v, at + SCALE);
    const z = r / (s > floor ? s : floor);
    v[at + RESIDUAL] = r;
    v[at + Z] = z;
    this.scale.update(v, at + SCALE, r);
    v[at + LEVEL] = f + o.alpha * r;
    v[at + TREND] = o.phi * v[at + TREND] + o.beta * o.alpha * r;
    v[at + N]++;
    return z < 0 ? -z : z;
  }
}
