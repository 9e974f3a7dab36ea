/**
 * One-class SVM with the RBF kernel (Schölkopf et al. 2001), scored like scikit-learn's OneClassSVM:
 * `decisionFunction(x)` = Σαᵢk(xᵢ, x) − ρ, positive for inliers; `scoreSamples` = Σαᵢk(xᵢ, x)
 * (sklearn's score_samples, = decision + offset with offset = ρ); `predict` flags decision ≤ 0
 * (libsvm's rule) as 1 = outlier, 0 = inlier. ν is an upper bound on the share of training
 * outliers and a lower bound on the share of support vectors.
 *
 * Two solvers, chosen by `method`:
 * - 'exact': the dual solved by SMO with a kernel cache (one-class-smo.ts), as libsvm. Its cost
 *   grows roughly with n² kernel evaluations, so 'auto' uses it up to 5,000 rows.
 * - 'nystroem' (the documented approximation, 'auto' above 5,000 rows): `nComponents` landmark rows
 *   drawn with the seed define Nyström features φ with φ(x)·φ(z) ≈ k(x, z) (nystroem.ts); the same
 *   ν-dual is then solved exactly for the linear kernel on φ (linear-one-class.ts), so
 *   decision(x) = w·φ(x) − ρ with w = Σαᵢφ(xᵢ). It is the exact method with k replaced by its
 *   rank-m approximation — same α scale, same ρ rule — and costs O(n·m²) to build the features
 *   plus O(n·m) per solver round. More components approximate the kernel better.
 */
import { assertFitted, checkParamNames, checkSerialized, throwIfCancelled, type FitOptions, type SerializedModel } from '../core/estimator.js';
import { MLInputError } from '../core/errors.js';
import { checkFitInput, checkPredictInput, type Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { decodeArray, encodeArray, type EncodedArray } from '../core/typed-array-codec.js';
import { solveLinearOneClassDual } from './linear-one-class.js';
import { fitNystroem, foldOntoLandmarks, nystroemTransform } from './nystroem.js';
import { resolveGamma, rbfRow, type GammaParam } from './rbf-kernel.js';
import { ColumnCache, solveOneClassDual } from './one-class-smo.js';

export interface OneClassSVMParams {
  /** Only 'rbf' (default). */
  kernel?: 'rbf';
  /** RBF bandwidth: 'scale' (default) = 1 / (cols · Var(X)), 'auto' = 1 / cols, or a positive number. */
  gamma?: GammaParam;
  /** ν in (0, 1] (default 0.5). */
  nu?: number;
  /** Stopping tolerance on the dual's maximal KKT violation (default 1e-3, as libsvm/sklearn). */
  tol?: number;
  /** Most solver iterations (exact: SMO steps, default max(10⁷, 100·n) as libsvm; Nyström: rounds, default 10,000). */
  maxIter?: number;
  /** 'auto' (default: exact up to 5,000 rows, Nyström above), 'exact' or 'nystroem'. */
  method?: 'auto' | 'exact' | 'nystroem';
  /** Nyström landmarks (default 100 as sklearn's Nystroem, capped at the row count). */
  nComponents?: number;
  /** Kernel cache of the exact solver in MB (default 200, as sklearn). */
  cacheSize?: number;
}

const PARAM_NAMES = ['kernel', 'gamma', 'nu', 'tol', 'maxIter', 'method', 'nComponents', 'cacheSize'] as const;
const KIND = 'OneClassSVM';
const FORMAT_VERSION = 1;
/** 'auto' switches to the Nyström approximation above this many rows. */
export const EXACT_MAX_ROWS = 5000;

type FittedState =
  | { method: 'exact'; cols: number; gamma: number; rho: number; supportVectors: Float64Array; dualCoef: Float64Array; nTrain: number; iterations: number; converged: boolean }
  | { method: 'nystroem'; cols: number; gamma: number; rho: number; landmarks: Float64Array; beta: Float64Array; nSupport: number; nTrain: number; iterations: number; converged: boolean };

type SerializedState =
  | { method: 'exact'; cols: number; gamma: number; rho: number; nTrain: number; iterations: number; converged: boolean; supportVectors: EncodedArray; dualCoef: EncodedArray }
  | { method: 'nystroem'; cols: number; gamma: number; rho: number; nTrain: number; iterations: number; converged: boolean; nSupport: number; landmarks: EncodedArray; beta: EncodedArray };

export class OneClassSVM {
  readonly params: OneClassSVMParams;
  private state?: FittedState;

  constructor(params: OneClassSVMParams = {}) {
    this.params = { ...params };
  }

  private resolved(rows: number) {
    checkParamNames(KIND, this.params, PARAM_NAMES);
    const p = this.params;
    if ((p.kernel ?? 'rbf') !== 'rbf') throw new MLInputError(`${KIND}: kernel must be 'rbf', got ${p.kernel}`);
    const nu = p.nu ?? 0.5;
    if (!(typeof nu === 'number' && nu > 0 && nu <= 1)) throw new MLInputError(`${KIND}: nu must be in (0, 1], got ${nu}`);
    const tol = p.tol ?? 1e-3;
    if (!(typeof tol === 'number' && tol > 0)) throw new MLInputError(`${KIND}: tol must be positive, got ${tol}`);
    const methodParam = p.method ?? 'auto';
    if (!['auto', 'exact', 'nystroem'].includes(methodParam)) throw new MLInputError(`${KIND}: method must be 'auto', 'exact' or 'nystroem', got ${methodParam}`);
    const method: 'exact' | 'nystroem' = methodParam === 'auto' ? (rows <= EXACT_MAX_ROWS ? 'exact' : 'nystroem') : methodParam;
    const nComponents = p.nComponents ?? 100;
    if (!Number.isInteger(nComponents) || nComponents < 1) throw new MLInputError(`${KIND}: nComponents must be a positive integer, got ${nComponents}`);
    const maxIter = p.maxIter ?? (method === 'exact' ? Math.max(10_000_000, 100 * rows) : 10_000);
    if (!Number.isInteger(maxIter) || maxIter < 1) throw new MLInputError(`${KIND}: maxIter must be a positive integer, got ${maxIter}`);
    const cacheSize = p.cacheSize ?? 200;
    if (!(typeof cacheSize === 'number' && cacheSize > 0)) throw new MLInputError(`${KIND}: cacheSize must be a positive number of MB, got ${cacheSize}`);
    return { nu, tol, method, nComponents: Math.min(nComponents, rows), maxIter, cacheBytes: cacheSize * 1024 * 1024 };
  }

  async fit(X: Matrix, _y?: ArrayLike<number>, opts: FitOptions = {}): Promise<this> {
    const r = this.resolved(X.rows);
    checkFitInput(KIND, X);
    throwIfCancelled(opts.signal);
    const gamma = resolveGammaChecked(this.params.gamma ?? 'scale', X);
    const n = X.rows;
    const d = X.cols;
    const data = Float64Array.from(X.data);
    if (r.method === 'exact') {
      const diag = new Float64Array(n).fill(1); // k(x, x) = 1 for the RBF kernel
      const cache = new ColumnCache(n, r.cacheBytes, (i, out) => rbfRow(data, i * d, data, n, d, gamma, out));
      const res = await solveOneClassDual(n, r.nu, diag, cache, {
        tol: r.tol,
        maxIter: r.maxIter,
        signal: opts.signal,
        onIteration: opts.onProgress ? (it) => it % 1000 === 0 && opts.onProgress!({ fraction: Math.min(0.99, it / (it + n)), message: 'SMO' }) : undefined,
      });
      let nSV = 0;
      for (let i = 0; i < n; i++) if (res.alpha[i] > 0) nSV++;
      const supportVectors = new Float64Array(nSV * d);
      const dualCoef = new Float64Array(nSV);
      for (let i = 0, s = 0; i < n; i++) {
        if (!(res.alpha[i] > 0)) continue;
        supportVectors.set(data.subarray(i * d, (i + 1) * d), s * d);
        dualCoef[s++] = res.alpha[i];
      }
      this.state = { method: 'exact', cols: d, gamma, rho: res.rho, supportVectors, dualCoef, nTrain: n, iterations: res.iterations, converged: res.converged };
    } else {
      const map = fitNystroem({ data, rows: n, cols: d }, r.nComponents, gamma, new Random(opts.seed ?? 0));
      opts.onProgress?.({ fraction: 0.05, message: 'Nyström landmarks' });
      const F = new Float64Array(n * map.p);
      nystroemTransform(map, data, 0, n, F);
      opts.onProgress?.({ fraction: 0.3, message: 'Nyström features' });
      throwIfCancelled(opts.signal);
      const res = await solveLinearOneClassDual(F, n, map.p, r.nu, {
        tol: r.tol,
        maxRounds: r.maxIter,
        signal: opts.signal,
        onRound: opts.onProgress ? (round) => opts.onProgress!({ fraction: Math.min(0.99, 0.3 + 0.7 * (round / (round + 50))), message: 'dual rounds' }) : undefined,
      });
      let nSupport = 0;
      for (let i = 0; i < n; i++) if (res.alpha[i] > 0) nSupport++;
      // Scoring only needs β = Pᵀw on the landmarks: decision(x) = Σ β_s k(x, L_s) − ρ.
      const beta = foldOntoLandmarks(map, res.w);
      this.state = { method: 'nystroem', cols: d, gamma, rho: res.rho, landmarks: map.landmarks, beta, nSupport, nTrain: n, iterations: res.rounds, converged: res.converged };
    }
    opts.onProgress?.({ fraction: 1, message: 'fitted' });
    return this;
  }

  /** The solver that was used: 'exact' or 'nystroem'. */
  get method(): 'exact' | 'nystroem' {
    assertFitted(KIND, this.state);
    return this.state.method;
  }

  /** The resolved RBF γ. */
  get gamma(): number {
    assertFitted(KIND, this.state);
    return this.state.gamma;
  }

  /** ρ, sklearn's offset_: decision = scoreSamples − offset. */
  get offset(): number {
    assertFitted(KIND, this.state);
    return this.state.rho;
  }

  /** Training rows with α > 0. */
  get nSupportVectors(): number {
    assertFitted(KIND, this.state);
    return this.state.method === 'exact' ? this.state.dualCoef.length : this.state.nSupport;
  }

  /** Whether the solver met `tol` within maxIter (when not, the model is usable but not optimal). */
  get converged(): boolean {
    assertFitted(KIND, this.state);
    return this.state.converged;
  }

  /** Σαᵢk(xᵢ, x) per row (sklearn's score_samples): higher is more normal. */
  scoreSamples(X: Matrix): Float64Array {
    assertFitted(KIND, this.state);
    const s = this.state;
    checkPredictInput(KIND, X, s.cols);
    for (let i = 0; i < X.data.length; i++) if (!Number.isFinite(X.data[i])) throw new MLInputError(`${KIND}: X has a non-finite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
    const out = new Float64Array(X.rows);
    // Either way a weighted sum of kernel values: over the support vectors (exact) or over the
    // landmarks with the folded weights β (Nyström).
    const [centres, weights] = s.method === 'exact' ? [s.supportVectors, s.dualCoef] : [s.landmarks, s.beta];
    const nc = weights.length;
    const k = new Float64Array(nc);
    for (let i = 0; i < X.rows; i++) {
      rbfRow(X.data, i * s.cols, centres, nc, s.cols, s.gamma, k);
      let sum = 0;
      for (let t = 0; t < nc; t++) sum += weights[t] * k[t];
      out[i] = sum;
    }
    return out;
  }

  /** scoreSamples − ρ: positive inside the learned region, negative outside (sklearn's decision_function). */
  decisionFunction(X: Matrix): Float64Array {
    const out = this.scoreSamples(X);
    const rho = this.state!.rho;
    for (let i = 0; i < out.length; i++) out[i] -= rho;
    return out;
  }

  /** 1 for an outlier (decision ≤ 0, libsvm's rule), 0 for an inlier. */
  predict(X: Matrix): Float64Array {
    const d = this.decisionFunction(X);
    return Float64Array.from(d, (v) => (v > 0 ? 0 : 1));
  }

  toJSON(): SerializedModel<OneClassSVMParams, SerializedState> {
    assertFitted(KIND, this.state);
    const s = this.state;
    const common = { cols: s.cols, gamma: s.gamma, rho: s.rho, nTrain: s.nTrain, iterations: s.iterations, converged: s.converged };
    const state: SerializedState =
      s.method === 'exact'
        ? { method: 'exact', ...common, supportVectors: encodeArray(s.supportVectors), dualCoef: encodeArray(s.dualCoef) }
        : { method: 'nystroem', ...common, nSupport: s.nSupport, landmarks: encodeArray(s.landmarks), beta: encodeArray(s.beta) };
    return { kind: KIND, formatVersion: FORMAT_VERSION, params: { ...this.params }, state };
  }

  static fromJSON(json: SerializedModel<OneClassSVMParams, SerializedState>): OneClassSVM {
    checkSerialized(json, KIND, FORMAT_VERSION);
    const m = new OneClassSVM(json.params);
    const s = json.state;
    const common = { cols: s.cols, gamma: s.gamma, rho: s.rho, nTrain: s.nTrain, iterations: s.iterations, converged: s.converged };
    if (s.method === 'exact') {
      const supportVectors = decodeArray(s.supportVectors, 'f64');
      const dualCoef = decodeArray(s.dualCoef, 'f64');
      if (supportVectors.length !== dualCoef.length * s.cols) throw new MLInputError(`${KIND}: serialised support vectors do not match their coefficients`);
      m.state = { method: 'exact', ...common, supportVectors, dualCoef };
    } else if (s.method === 'nystroem') {
      const landmarks = decodeArray(s.landmarks, 'f64');
      const beta = decodeArray(s.beta, 'f64');
      if (landmarks.length !== beta.length * s.cols) throw new MLInputError(`${KIND}: serialised landmarks do not match their weights`);
      m.state = { method: 'nystroem', ...common, nSupport: s.nSupport, landmarks, beta };
    } else throw new MLInputError(`${KIND}: unknown serialised method ${(s as { method: string }).method}`);
    return m;
  }
}

function resolveGammaChecked(gamma: GammaParam, X: Matrix): number {
  try {
    return resolveGamma(gamma, X);
  } catch (err) {
    throw new MLInputError(`${KIND}: ${(err as Error).message}`);
  }
}
