/**
 * Principal component analysis by eigen-decomposition of the cols×cols sample covariance
 * (divisor n − 1, like scikit-learn's explained_variance_). Cheap when rows ≫ cols, the shape of
 * telemetry feature matrices: one O(n·cols²) pass plus an O(cols³) eigen-solve.
 *
 * - components: the top k eigenvectors (rows of a k×cols matrix), each with a deterministic sign:
 *   its largest-magnitude loading is positive. (scikit-learn 1.2 fixes signs from the scores
 *   instead, so a component may come out negated relative to it; spans and variances agree.)
 * - nComponents: an integer k ≤ min(rows, cols), or a fraction in (0, 1) = the fewest components
 *   whose cumulative explained-variance ratio exceeds it (sklearn's rule); default all.
 * - whiten: scores are divided by √(explained variance), so each component has unit variance.
 */
import { assertFitted, checkParamNames, checkSerialized, throwIfCancelled, type FitOptions, type SerializedModel } from '../core/estimator.js';
import { MLInputError } from '../core/errors.js';
import { checkFitInput, checkPredictInput, matrix, type Matrix } from '../core/matrix.js';
import { decodeArray, encodeArray, type EncodedArray } from '../core/typed-array-codec.js';
import { symmetricEigen } from './symmetric-eigen.js';

export interface PCAParams {
  /** Components to keep: an integer count, or a fraction in (0, 1) of the variance to explain (default: all). */
  nComponents?: number;
  /** Scale scores to unit variance per component (default false). */
  whiten?: boolean;
}

const KIND = 'PCA';
const FORMAT_VERSION = 1;

interface FittedState {
  cols: number;
  k: number;
  mean: Float64Array;
  /** k × cols, row c = component c. */
  components: Float64Array;
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  nSamples: number;
}

interface SerializedState {
  cols: number;
  k: number;
  nSamples: number;
  mean: EncodedArray;
  components: EncodedArray;
  explainedVariance: EncodedArray;
  explainedVarianceRatio: EncodedArray;
}

export class PCA {
  readonly params: PCAParams;
  private state?: FittedState;

  constructor(params: PCAParams = {}) {
    this.params = { ...params };
  }

  async fit(X: Matrix, _y?: ArrayLike<number>, opts: FitOptions = {}): Promise<this> {
    checkParamNames(KIND, this.params, ['nComponents', 'whiten']);
    if (this.params.whiten !== undefined && typeof this.params.whiten !== 'boolean') throw new MLInputError(`${KIND}: whiten must be true or false`);
    checkFitInput(KIND, X);
    if (X.rows < 2) throw new MLInputError(`${KIND}: needs at least 2 rows to estimate a covariance, got ${X.rows}`);
    const maxK = Math.min(X.rows, X.cols);
    const nc = this.params.nComponents;
    if (nc !== undefined && !(typeof nc === 'number' && ((nc > 0 && nc < 1) || (Number.isInteger(nc) && nc >= 1 && nc <= maxK)))) {
      throw new MLInputError(`${KIND}: nComponents must be an integer in [1, ${maxK}] (min(rows, cols)) or a fraction in (0, 1), got ${nc}`);
    }
    throwIfCancelled(opts.signal);
    const { rows: n, cols: d, data } = X;
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    // Upper triangle of (X − μ)ᵀ(X − μ), one centred row at a time.
    const cov = new Float64Array(d * d);
    const r = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) r[j] = data[i * d + j] - mean[j];
      for (let a = 0; a < d; a++) {
        const ra = r[a];
        const o = a * d;
        for (let b = a; b < d; b++) cov[o + b] += ra * r[b];
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        const v = cov[a * d + b] / (n - 1);
        cov[a * d + b] = v;
        cov[b * d + a] = v;
      }
    }
    throwIfCancelled(opts.signal);
    const { values, vectors } = symmetricEigen(cov, d);
    let total = 0;
    for (let j = 0; j < d; j++) total += cov[j * d + j];
    const variance = Float64Array.from(values, (v) => Math.max(v, 0));
    const ratio = Float64Array.from(variance, (v) => (total > 0 ? v / total : 0));
    let k = maxK;
    if (nc !== undefined && nc < 1) {
      // Fewest components whose cumulative ratio exceeds nc (sklearn: searchsorted(..., 'right') + 1).
      let cum = 0;
      k = 0;
      while (k < maxK) {
        cum += ratio[k++];
        if (cum > nc) break;
      }
    } else if (nc !== undefined) k = nc;
    const components = new Float64Array(k * d);
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) components[c * d + j] = vectors[j * d + c];
    this.state = { cols: d, k, mean, components, explainedVariance: variance.slice(0, k), explainedVarianceRatio: ratio.slice(0, k), nSamples: n };
    opts.onProgress?.({ fraction: 1, message: 'fitted' });
    return this;
  }

  private fitted(): FittedState {
    assertFitted(KIND, this.state);
    return this.state;
  }

  /** Components kept. */
  get nComponents(): number {
    return this.fitted().k;
  }

  /** k × cols matrix of principal axes (rows), ordered by explained variance. */
  get components(): Matrix {
    const s = this.fitted();
    return matrix(s.components.slice(), s.k, s.cols);
  }

  /** Variance along each kept component (eigenvalues of the covariance, divisor n − 1). */
  get explainedVariance(): Float64Array {
    return this.fitted().explainedVariance.slice();
  }

  /** Share of the total variance along each kept component. */
  get explainedVarianceRatio(): Float64Array {
    return this.fitted().explainedVarianceRatio.slice();
  }

  /** Column means subtracted before projecting. */
  get mean(): Float64Array {
    return this.fitted().mean.slice();
  }

  /** Scores: (X − mean) · componentsᵀ, divided by √variance when whitening. rows × k. */
  transform(X: Matrix): Matrix {
    const s = this.fitted();
    checkPredictInput(KIND, X, s.cols);
    this.checkFinite(X);
    const { k, cols: d, mean, components } = s;
    const out = new Float64Array(X.rows * k);
    const r = new Float64Array(d);
    const whiten = this.params.whiten === true;
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < d; j++) r[j] = X.data[i * d + j] - mean[j];
      for (let c = 0; c < k; c++) {
        let v = 0;
        for (let j = 0; j < d; j++) v += r[j] * components[c * d + j];
        out[i * k + c] = whiten ? v / Math.sqrt(s.explainedVariance[c] || 1) : v;
      }
    }
    return matrix(out, X.rows, k);
  }

  /** Back from scores to the original space (exact when all components are kept). */
  inverseTransform(Z: Matrix): Matrix {
    const s = this.fitted();
    const { k, cols: d, mean, components } = s;
    if (Z.cols !== k) throw new MLInputError(`${KIND}: scores have ${Z.cols} columns, the model keeps ${k} components`);
    this.checkFinite(Z);
    const out = new Float64Array(Z.rows * d);
    const whiten = this.params.whiten === true;
    for (let i = 0; i < Z.rows; i++) {
      const o = i * d;
      out.set(mean, o);
      for (let c = 0; c < k; c++) {
        const z = whiten ? Z.data[i * k + c] * Math.sqrt(s.explainedVariance[c] || 1) : Z.data[i * k + c];
        for (let j = 0; j < d; j++) out[o + j] += z * components[c * d + j];
      }
    }
    return matrix(out, Z.rows, d);
  }

  private checkFinite(X: Matrix): void {
    for (let i = 0; i < X.data.length; i++) if (!Number.isFinite(X.data[i])) throw new MLInputError(`${KIND}: input has a non-finite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
  }

  toJSON(): SerializedModel<PCAParams, SerializedState> {
    const s = this.fitted();
    return {
      kind: KIND,
      formatVersion: FORMAT_VERSION,
      params: { ...this.params },
      state: { cols: s.cols, k: s.k, nSamples: s.nSamples, mean: encodeArray(s.mean), components: encodeArray(s.components), explainedVariance: encodeArray(s.explainedVariance), explainedVarianceRatio: encodeArray(s.explainedVarianceRatio) },
    };
  }

  static fromJSON(json: SerializedModel<PCAParams, SerializedState>): PCA {
    checkSerialized(json, KIND, FORMAT_VERSION);
    const st = json.state;
    const m = new PCA(json.params);
    const state: FittedState = {
      cols: st.cols,
      k: st.k,
      nSamples: st.nSamples,
      mean: decodeArray(st.mean, 'f64'),
      components: decodeArray(st.components, 'f64'),
      explainedVariance: decodeArray(st.explainedVariance, 'f64'),
      explainedVarianceRatio: decodeArray(st.explainedVarianceRatio, 'f64'),
    };
    if (state.mean.length !== st.cols || state.components.length !== st.k * st.cols || state.explainedVariance.length !== st.k || state.explainedVarianceRatio.length !== st.k) throw new MLInputError(`${KIND}: serialised state does not match its shape`);
    m.state = state;
    return m;
  }
}
