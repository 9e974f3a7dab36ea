/**
 * An exact solver for the ν-one-class SVM dual (Schölkopf, Platt, Shawe-Taylor, Smola & Williamson,
 * Neural Computation 2001), in libsvm's scaling:
 *
 *   min ½ αᵀQα   subject to 0 ≤ αᵢ ≤ 1, Σαᵢ = ν·n,   Q_ij = k(xᵢ, xⱼ)
 *
 * by sequential minimal optimisation as libsvm does it (Fan, Chen & Lin, JMLR 2005): the first
 * index is the maximal violator i = argmax{−Gₜ : αₜ < 1}, the second the one with the best
 * second-order decrease among {αₜ > 0}; the pair is solved in closed form, clipped to the box, and
 * the gradient G = Qα updated from the two kernel columns. It stops when the violation
 * max(−G over αₜ<1) + max(G over αₜ>0) falls below `tol` (libsvm's eps, default 1e-3), then ρ is
 * the mean gradient over free αs (libsvm's calculate_rho). The decision value is Σαᵢk(xᵢ, x) − ρ.
 *
 * Kernel columns are cached (least recently used, float32 like libsvm) within `cacheBytes`.
 * The loop yields to the event loop every few milliseconds, so a fit stays cancellable and does
 * not starve other work.
 */
import { FitCancelledError } from '../core/errors.js';

export interface OneClassDualResult {
  alpha: Float64Array;
  rho: number;
  iterations: number;
  converged: boolean;
}

export interface OneClassDualOptions {
  tol: number;
  maxIter: number;
  signal?: AbortSignal;
  onIteration?: (iteration: number, violation: number) => void;
}

const TAU = 1e-12;
const YIELD_MS = 20;

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Least-recently-used cache of kernel columns, all slots carved from one Float32Array. */
export class ColumnCache {
  private readonly slotOf: Int32Array;
  private readonly colOf: Int32Array;
  private readonly lastUse: Float64Array;
  private readonly views: Float32Array[];
  private readonly slots: number;
  private used = 0;
  private clock = 0;
  computed = 0;

  constructor(
    private readonly n: number,
    cacheBytes: number,
    private readonly compute: (i: number, out: Float32Array) => void,
  ) {
    // At least two columns: an SMO step needs both of its columns at once. Slots are allocated
    // as they are first used, so a problem that touches few columns never pays for the budget.
    this.slots = Math.max(2, Math.min(n, Math.floor(cacheBytes / (4 * n))));
    const slots = this.slots;
    this.views = [];
    this.slotOf = new Int32Array(n).fill(-1);
    this.colOf = new Int32Array(slots).fill(-1);
    this.lastUse = new Float64Array(slots);
  }

  get(i: number): Float32Array {
    let s = this.slotOf[i];
    if (s < 0) {
      if (this.used < this.slots) {
        s = this.used++;
        this.views.push(new Float32Array(this.n));
      } else {
        s = 0;
        for (let t = 1; t < this.slots; t++) if (this.lastUse[t] < this.lastUse[s]) s = t;
        this.slotOf[this.colOf[s]] = -1;
      }
      this.compute(i, this.views[s]);
      this.computed++;
      this.slotOf[i] = s;
      this.colOf[s] = i;
    }
    this.lastUse[s] = ++this.clock;
    return this.views[s];
  }
}

/** Solves the dual for n points; `diag[i]` = Q_ii and `columns` supplies Q's columns. */
export async function solveOneClassDual(n: number, nu: number, diag: Float64Array, columns: ColumnCache, opts: OneClassDualOptions): Promise<OneClassDualResult> {
  const alpha = new Float64Array(n);
  // libsvm's start: the first ⌊νn⌋ at the upper bound, the remainder on the next one.
  const total = nu * n;
  const full = Math.min(n, Math.floor(total));
  for (let i = 0; i < full; i++) alpha[i] = 1;
  if (full < n) alpha[full] = total - full;
  const G = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (alpha[i] === 0) continue;
    const q = columns.get(i);
    const a = alpha[i];
    for (let t = 0; t < n; t++) G[t] += a * q[t];
  }
  let iter = 0;
  let converged = false;
  let lastYield = performance.now();
  while (iter < opts.maxIter) {
    if ((iter & 255) === 0 && performance.now() - lastYield > YIELD_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
      if (opts.signal?.aborted) throw new FitCancelledError();
    }
    // First index: maximal violator among those that can still grow.
    let gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < n; t++) {
      if (alpha[t] < 1 && -G[t] >= gmax) {
        gmax = -G[t];
        i = t;
      }
    }
    if (i < 0) {
      converged = true;
      break;
    }
    const qi = columns.get(i);
    // Second index: largest second-order objective decrease among those that can shrink.
    let gmax2 = -Infinity;
    let j = -1;
    let objMin = Infinity;
    const qdi = diag[i];
    for (let t = 0; t < n; t++) {
      if (!(alpha[t] > 0)) continue;
      const g = G[t];
      if (g >= gmax2) gmax2 = g;
      const diff = gmax + g;
      if (diff > 0) {
        let quad = qdi + diag[t] - 2 * qi[t];
        if (quad <= 0) quad = TAU;
        const obj = -(diff * diff) / quad;
        if (obj <= objMin) {
          objMin = obj;
          j = t;
        }
      }
    }
    const violation = gmax + gmax2;
    if (j < 0 || violation < opts.tol) {
      converged = true;
      break;
    }
    iter++;
    opts.onIteration?.(iter, violation);
    const qj = columns.get(j);
    const qi2 = columns.get(i); // i's column may have been evicted while fetching j's
    let quad = qdi + diag[j] - 2 * qi2[j];
    if (quad <= 0) quad = TAU;
    const delta = (G[i] - G[j]) / quad;
    const oldI = alpha[i];
    const oldJ = alpha[j];
    stepPair(alpha, i, j, delta);
    const dI = alpha[i] - oldI;
    const dJ = alpha[j] - oldJ;
    for (let t = 0; t < n; t++) G[t] += qi2[t] * dI + qj[t] * dJ;
  }
  return { alpha, rho: oneClassRho(alpha, G), iterations: iter, converged };
}

/** libsvm's calculate_rho for y = +1: the mean gradient over free αs, else the middle of the bounds. */
export function oneClassRho(alpha: Float64Array, G: Float64Array): number {
  let ub = Infinity;
  let lb = -Infinity;
  let free = 0;
  let sumFree = 0;
  for (let t = 0; t < alpha.length; t++) {
    const g = G[t];
    if (alpha[t] >= 1) lb = Math.max(lb, g);
    else if (alpha[t] <= 0) ub = Math.min(ub, g);
    else {
      free++;
      sumFree += g;
    }
  }
  return free > 0 ? sumFree / free : (ub + lb) / 2;
}

/**
 * One SMO step on the pair (i, j) of the one-class dual: move αᵢ down and αⱼ up by `delta`, then
 * clip to the box [0, 1]² along the line αᵢ + αⱼ = const (libsvm's case y_i = y_j). Shared by the
 * kernel solver and the linear solver on Nyström features.
 */
export function stepPair(alpha: Float64Array, i: number, j: number, delta: number): void {
  const sum = alpha[i] + alpha[j];
  let ai = alpha[i] - delta;
  let aj = alpha[j] + delta;
  if (sum > 1) {
    if (ai > 1) {
      ai = 1;
      aj = sum - 1;
    }
  } else if (aj < 0) {
    aj = 0;
    ai = sum;
  }
  if (sum > 1) {
    if (aj > 1) {
      aj = 1;
      ai = sum - 1;
    }
  } else if (ai < 0) {
    ai = 0;
    aj = sum;
  }
  alpha[i] = ai;
  alpha[j] = aj;
}
