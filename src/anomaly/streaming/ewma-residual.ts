/**
 * One-step-ahead forecast residuals of damped Holt smoothing (EWMA level plus an optional damped
 * trend), standardised by a robust running scale. A point far from where the recent level (and
 * trend) said it would be is surprising: spikes, dips, sudden jumps.
 *
 *   forecast_t = L + φ·T;   r_t = x_t − forecast_t;   z_t = r_t / σ_r
 *   L ← forecast + α·r;     T ← φ·T + β·α·r           (β = 0 gives a plain EWMA)
 *
 * σ_r is a winsorised exponentially weighted mean absolute residual (see RobustScale), so a spike
 * does not teach the detector to expect spikes. O(1) per point, a handful of numbers of state.
 */
import { RobustScale } from './rolling-stats.js';
import { packScalars, unpackScalars, type EncodedArray } from './state-codec.js';

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

export class EwmaResidual {
  readonly options: EwmaResidualOptions;
  readonly scale: RobustScale;
  level = 0;
  trend = 0;
  n = 0;
  /** Residual and standardised residual of the last update. */
  residual = 0;
  z = 0;

  constructor(options: Partial<EwmaResidualOptions> = {}) {
    this.options = { ...DEFAULT_EWMA, ...options };
    this.scale = new RobustScale(this.options.scaleAlpha, 4);
  }

  /** The forecast for the next point. */
  get forecast(): number {
    return this.n === 0 ? NaN : this.level + this.options.phi * this.trend;
  }

  /**
   * Scores x against the forecast, then learns it. Returns |z| (0 for the first point).
   * `floor` bounds the scale from below (in the value's units) so a flat series does not divide by 0.
   */
  update(x: number, floor: number): number {
    const o = this.options;
    if (this.n === 0) {
      this.level = x;
      this.n = 1;
      this.residual = 0;
      this.z = 0;
      return 0;
    }
    const f = this.level + o.phi * this.trend;
    const r = x - f;
    const s = this.scale.sigma;
    const z = r / (s > floor ? s : floor);
    this.residual = r;
    this.z = z;
    this.scale.update(r);
    this.level = f + o.alpha * r;
    this.trend = o.phi * this.trend + o.beta * o.alpha * r;
    this.n++;
    return z < 0 ? -z : z;
  }

  toState(): EncodedArray {
    return packScalars([this.level, this.trend, this.n, this.residual, this.z, ...this.scale.pack()]);
  }

  static fromState(options: Partial<EwmaResidualOptions>, s: EncodedArray): EwmaResidual {
    const e = new EwmaResidual(options);
    const v = unpackScalars(s, 7, 'EwmaResidual');
    [e.level, e.trend, e.n, e.residual, e.z] = v;
    e.scale.unpack(v, 5);
    return e;
  }
}
