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

/** Slots of the packed doubles (one small Float64Array rather than boxed double fields). */
const LEVEL = 0;
const TREND = 1;
const RESIDUAL = 2;
const Z = 3;
/** Then the residual scale (RobustScale.SLOTS). */
const SCALE = 4;

export class EwmaResidual {
  readonly options: EwmaResidualOptions;
  readonly scale: RobustScale;
  private readonly v: Float64Array;
  private readonly at: number;
  n = 0;
  /** Float64Array slots this takes in a shared store (see the constructor). */
  static readonly SLOTS = SCALE + RobustScale.SLOTS;

  /** Keeps its numbers in `store` from slot `at` (SLOTS of them) when given, else in an array of its own. */
  constructor(options: Partial<EwmaResidualOptions> = {}, store?: Float64Array, at = 0) {
    this.options = withDefaults(DEFAULT_EWMA, options);
    this.v = store ?? new Float64Array(EwmaResidual.SLOTS);
    this.at = store ? at : 0;
    this.v.fill(0, this.at, this.at + SCALE);
    this.scale = new RobustScale(this.options.scaleAlpha, 4, this.v, this.at + SCALE);
  }

  get level(): number {
    return this.v[this.at + LEVEL];
  }

  get trend(): number {
    return this.v[this.at + TREND];
  }

  /** Residual of the last update. */
  get residual(): number {
    return this.v[this.at + RESIDUAL];
  }

  /** Standardised residual of the last update. */
  get z(): number {
    return this.v[this.at + Z];
  }

  /** The forecast for the next point. */
  get forecast(): number {
    return this.n === 0 ? NaN : this.v[this.at + LEVEL] + this.options.phi * this.v[this.at + TREND];
  }

  /**
   * Scores x against the forecast, then learns it. Returns |z| (0 for the first point).
   * `floor` bounds the scale from below (in the value's units) so a flat series does not divide by 0.
   */
  update(x: number, floor: number): number {
    const o = this.options;
    const v = this.v;
    const at = this.at;
    if (this.n === 0) {
      v[at + LEVEL] = x;
      this.n = 1;
      v[at + RESIDUAL] = 0;
      v[at + Z] = 0;
      return 0;
    }
    const f = v[at + LEVEL] + o.phi * v[at + TREND];
    const r = x - f;
    const s = this.scale.sigma;
    const z = r / (s > floor ? s : floor);
    v[at + RESIDUAL] = r;
    v[at + Z] = z;
    this.scale.update(r);
    v[at + LEVEL] = f + o.alpha * r;
    v[at + TREND] = o.phi * v[at + TREND] + o.beta * o.alpha * r;
    this.n++;
    return z < 0 ? -z : z;
  }

  toState(): EncodedArray {
    const v = this.v;
    const at = this.at;
    return packScalars([v[at + LEVEL], v[at + TREND], this.n, v[at + RESIDUAL], v[at + Z], ...this.scale.pack()]);
  }

  static fromState(options: Partial<EwmaResidualOptions>, s: EncodedArray, store?: Float64Array, at = 0): EwmaResidual {
    const e = new EwmaResidual(options, store, at);
    const v = unpackScalars(s, 7, 'EwmaResidual');
    [e.v[e.at + LEVEL], e.v[e.at + TREND], e.n, e.v[e.at + RESIDUAL], e.v[e.at + Z]] = v;
    e.scale.unpack(v, 5);
    return e;
  }
}
