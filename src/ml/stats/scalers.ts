/**
 * Per-column scalers, after scikit-learn's StandardScaler and RobustScaler:
 *
 * - StandardScaler: x' = (x − mean) / std, std with ddof 0 (the population standard deviation).
 * - RobustScaler:   x' = (x − median) / (q_hi − q_lo), quantiles by linear interpolation (numpy's
 *   default) over `quantileRange` (default the inter-quartile range [25, 75]); an outlier moves
 *   neither the centre nor the scale much, which suits telemetry with spikes.
 *
 * A column whose scale is (numerically) zero keeps scale 1, as sklearn does, so constants map to
 * 0 instead of NaN. NaN is a missing value: ignored when fitting and passed through by transform
 * (sklearn's behaviour); a column with no values at all gets centre 0 and scale 1. ±∞ is an error.
 *
 * These are transformers rather than predictors: fit, then transform / inverseTransform.
 */
import { assertFitted, checkParamNames, checkSerialized, throwIfCancelled, type FitOptions, type SerializedModel } from '../core/estimator.js';
import { MLInputError } from '../core/errors.js';
import { checkFitInput, checkPredictInput, matrix, type Matrix } from '../core/matrix.js';
import { decodeArray, encodeArray, type EncodedArray } from '../core/typed-array-codec.js';

/** Scales below this are treated as zero (sklearn's 10·machine epsilon). */
const TINY_SCALE = 10 * Number.EPSILON;

interface ScalerState {
  cols: number;
  /** Subtracted per column (0 where centring is off). */
  center: Float64Array;
  /** Divided per column (1 where scaling is off or the column is constant). */
  scale: Float64Array;
}

interface SerializedScalerState {
  cols: number;
  center: EncodedArray;
  scale: EncodedArray;
}

/** Shared transform / inverse / serialisation for scalers of the form (x − center) / scale. */
abstract class AffineScaler<P extends object> {
  readonly params: P;
  protected state?: ScalerState;
  protected abstract readonly kind: string;

  constructor(params: P) {
    this.params = { ...params };
  }

  /** Per-column centre and scale from X (values already checked). */
  protected abstract compute(X: Matrix): { center: Float64Array; scale: Float64Array };
  protected abstract checkParams(): void;

  async fit(X: Matrix, _y?: ArrayLike<number>, opts: FitOptions = {}): Promise<this> {
    this.checkParams();
    checkFitInput(this.kind, X, undefined, { allowNaNFeatures: true });
    throwIfCancelled(opts.signal);
    const { center, scale } = this.compute(X);
    for (let j = 0; j < scale.length; j++) if (!(scale[j] >= TINY_SCALE)) scale[j] = 1;
    this.state = { cols: X.cols, center, scale };
    opts.onProgress?.({ fraction: 1, message: 'fitted' });
    return this;
  }

  /** (x − center) / scale per column, into a new Float64 matrix. */
  transform(X: Matrix): Matrix {
    const s = this.checked(X);
    const out = new Float64Array(X.rows * X.cols);
    for (let i = 0; i < X.rows; i++) {
      const o = i * X.cols;
      for (let j = 0; j < X.cols; j++) out[o + j] = (X.data[o + j] - s.center[j]) / s.scale[j];
    }
    return matrix(out, X.rows, X.cols);
  }

  /** x · scale + center per column: undoes transform. */
  inverseTransform(X: Matrix): Matrix {
    const s = this.checked(X);
    const out = new Float64Array(X.rows * X.cols);
    for (let i = 0; i < X.rows; i++) {
      const o = i * X.cols;
      for (let j = 0; j < X.cols; j++) out[o + j] = X.data[o + j] * s.scale[j] + s.center[j];
    }
    return matrix(out, X.rows, X.cols);
  }

  private checked(X: Matrix): ScalerState {
    assertFitted(this.kind, this.state);
    checkPredictInput(this.kind, X, this.state.cols);
    for (let i = 0; i < X.data.length; i++) {
      const v = X.data[i];
      if (v === Infinity || v === -Infinity) throw new MLInputError(`${this.kind}: X has an infinite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
    }
    return this.state;
  }

  /** The per-column centre that transform subtracts (a copy). */
  get center(): Float64Array {
    assertFitted(this.kind, this.state);
    return this.state.center.slice();
  }

  /** The per-column scale that transform divides by (a copy). */
  get scale(): Float64Array {
    assertFitted(this.kind, this.state);
    return this.state.scale.slice();
  }

  toJSON(): SerializedModel<P, SerializedScalerState> {
    assertFitted(this.kind, this.state);
    return { kind: this.kind, formatVersion: 1, params: { ...this.params }, state: { cols: this.state.cols, center: encodeArray(this.state.center), scale: encodeArray(this.state.scale) } };
  }

  protected restore(s: SerializedScalerState): this {
    const center = decodeArray(s.center, 'f64');
    const scale = decodeArray(s.scale, 'f64');
    if (center.length !== s.cols || scale.length !== s.cols) throw new MLInputError(`${this.kind}: serialised centre/scale do not have ${s.cols} columns`);
    this.state = { cols: s.cols, center, scale };
    return this;
  }
}

export interface StandardScalerParams {
  /** Subtract the column mean (default true). */
  withMean?: boolean;
  /** Divide by the column standard deviation (default true). */
  withStd?: boolean;
}

export class StandardScaler extends AffineScaler<StandardScalerParams> {
  protected readonly kind = 'StandardScaler';

  constructor(params: StandardScalerParams = {}) {
    super(params);
  }

  protected checkParams(): void {
    checkParamNames(this.kind, this.params, ['withMean', 'withStd']);
    for (const k of ['withMean', 'withStd'] as const) if (this.params[k] !== undefined && typeof this.params[k] !== 'boolean') throw new MLInputError(`${this.kind}: ${k} must be true or false`);
  }

  protected compute(X: Matrix): { center: Float64Array; scale: Float64Array } {
    const { rows, cols, data } = X;
    const mean = new Float64Array(cols);
    const count = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j];
        if (v === v) {
          mean[j] += v;
          count[j]++;
        }
      }
    }
    for (let j = 0; j < cols; j++) mean[j] = count[j] ? mean[j] / count[j] : 0;
    // Two passes (mean, then squared deviations) for accuracy on large offsets.
    const ss = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j];
        if (v === v) ss[j] += (v - mean[j]) * (v - mean[j]);
      }
    }
    const scale = new Float64Array(cols);
    for (let j = 0; j < cols; j++) scale[j] = this.params.withStd === false || !count[j] ? 1 : Math.sqrt(ss[j] / count[j]);
    if (this.params.withMean === false) mean.fill(0);
    return { center: mean, scale };
  }

  /** Column means (0 where withMean is false). */
  get mean(): Float64Array {
    return this.center;
  }

  static fromJSON(json: SerializedModel<StandardScalerParams, SerializedScalerState>): StandardScaler {
    checkSerialized(json, 'StandardScaler', 1);
    return new StandardScaler(json.params).restore(json.state);
  }
}

export interface RobustScalerParams {
  /** Subtract the column median (default true). */
  withCentering?: boolean;
  /** Divide by the quantile range (default true). */
  withScaling?: boolean;
  /** Percentiles [lo, hi] whose difference is the scale, 0 ≤ lo < hi ≤ 100 (default [25, 75]). */
  quantileRange?: [number, number];
}

export class RobustScaler extends AffineScaler<RobustScalerParams> {
  protected readonly kind = 'RobustScaler';

  constructor(params: RobustScalerParams = {}) {
    super(params);
  }

  protected checkParams(): void {
    checkParamNames(this.kind, this.params, ['withCentering', 'withScaling', 'quantileRange']);
    const q = this.params.quantileRange ?? [25, 75];
    if (!Array.isArray(q) || q.length !== 2 || !(q[0] >= 0 && q[0] < q[1] && q[1] <= 100)) throw new MLInputError(`${this.kind}: quantileRange must be [lo, hi] with 0 ≤ lo < hi ≤ 100, got ${JSON.stringify(q)}`);
    for (const k of ['withCentering', 'withScaling'] as const) if (this.params[k] !== undefined && typeof this.params[k] !== 'boolean') throw new MLInputError(`${this.kind}: ${k} must be true or false`);
  }

  protected compute(X: Matrix): { center: Float64Array; scale: Float64Array } {
    const { rows, cols, data } = X;
    const [qlo, qhi] = this.params.quantileRange ?? [25, 75];
    const center = new Float64Array(cols);
    const scale = new Float64Array(cols).fill(1);
    const column = new Float64Array(rows);
    for (let j = 0; j < cols; j++) {
      let n = 0;
      for (let i = 0; i < rows; i++) {
        const v = data[i * cols + j];
        if (v === v) column[n++] = v;
      }
      if (n === 0) continue;
      const sorted = column.subarray(0, n).sort();
      if (this.params.withCentering !== false) center[j] = percentileSorted(sorted, 50);
      if (this.params.withScaling !== false) scale[j] = percentileSorted(sorted, qhi) - percentileSorted(sorted, qlo);
    }
    return { center, scale };
  }

  static fromJSON(json: SerializedModel<RobustScalerParams, SerializedScalerState>): RobustScaler {
    checkSerialized(json, 'RobustScaler', 1);
    return new RobustScaler(json.params).restore(json.state);
  }
}

/** numpy's default (linear) percentile of ascending values, q in [0, 100]. */
function percentileSorted(s: Float64Array, q: number): number {
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
