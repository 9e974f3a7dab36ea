/**
 * The same ν-one-class dual as one-class-smo.ts, for a linear kernel on explicit features F (n × p,
 * e.g. Nyström features): Q = F Fᵀ is never formed. The weight vector w = Σ αᵢ fᵢ is kept, so the
 * gradient is G = F w, one O(n·p) pass.
 *
 * Each round computes the exact gradient, stops when the maximal violation max(−G over αₜ<1) +
 * max(G over αₜ>0) is below `tol` (the criterion libsvm uses), and otherwise pairs the most
 * violating indices that can grow (smallest G) with those that can shrink (largest G) and solves
 * each pair in closed form as SMO does — with both gradients recomputed from the current w, so
 * every step is an exact descent step. The first pair of a round is libsvm's maximal violating
 * pair, so every round makes at least SMO's progress; the rest reuse the round's ordering, which
 * makes a round cost O(n·p) like a single gradient evaluation, instead of O(n·p) per pair.
 */
import { FitCancelledError } from '../core/errors.js';
import { oneClassRho, stepPair, yieldToEventLoop } from './one-class-smo.js';

export interface LinearOneClassResult {
  w: Float64Array;
  rho: number;
  alpha: Float64Array;
  rounds: number;
  converged: boolean;
}

export interface LinearOneClassOptions {
  tol: number;
  /** Most rounds (each one pass over F plus its pair updates). */
  maxRounds: number;
  signal?: AbortSignal;
  onRound?: (round: number, violation: number) => void;
}

const TAU = 1e-12;

export async function solveLinearOneClassDual(F: Float64Array, n: number, p: number, nu: number, opts: LinearOneClassOptions): Promise<LinearOneClassResult> {
  const alpha = new Float64Array(n);
  const total = nu * n;
  const full = Math.min(n, Math.floor(total));
  for (let i = 0; i < full; i++) alpha[i] = 1;
  if (full < n) alpha[full] = total - full;
  const w = new Float64Array(p);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    let s = 0;
    for (let r = 0; r < p; r++) s += F[o + r] * F[o + r];
    sq[i] = s;
    const a = alpha[i];
    if (a !== 0) for (let r = 0; r < p; r++) w[r] += a * F[o + r];
  }
  const dot = (i: number): number => {
    const o = i * p;
    let s = 0;
    for (let r = 0; r < p; r++) s += F[o + r] * w[r];
    return s;
  };
  const G = new Float64Array(n);
  const negG = new Float64Array(n);
  const up = new Int32Array(n);
  const low = new Int32Array(n);
  // Pairs per round: enough to move many αs per O(n·p) gradient pass, few enough that the
  // round's ordering stays informative.
  const pairsPerRound = Math.max(16, Math.ceil(n / 8));
  let rounds = 0;
  let converged = false;
  for (; rounds < opts.maxRounds; rounds++) {
    if ((rounds & 7) === 7) {
      await yieldToEventLoop();
      if (opts.signal?.aborted) throw new FitCancelledError();
    }
    for (let i = 0; i < n; i++) G[i] = dot(i);
    let gmax = -Infinity;
    let gmax2 = -Infinity;
    let nUp = 0;
    let nLow = 0;
    for (let t = 0; t < n; t++) {
      if (alpha[t] < 1) {
        up[nUp++] = t;
        if (-G[t] > gmax) gmax = -G[t];
      }
      if (alpha[t] > 0) {
        low[nLow++] = t;
        if (G[t] > gmax2) gmax2 = G[t];
      }
    }
    const violation = gmax + gmax2;
    opts.onRound?.(rounds, violation);
    if (violation < opts.tol) {
      converged = true;
      break;
    }
    // Most violating first: up by ascending G, low by descending G (ties by index: deterministic).
    // Only the first `pairs` of each are used, so select those and sort just them.
    const pairs = Math.min(pairsPerRound, nUp, nLow);
    for (let t = 0; t < nLow; t++) negG[low[t]] = -G[low[t]];
    const upSorted = smallestFirst(up.subarray(0, nUp), G, pairs);
    const lowSorted = smallestFirst(low.subarray(0, nLow), negG, pairs);
    for (let r = 0; r < pairs; r++) {
      const i = upSorted[r];
      const j = lowSorted[r];
      if (i === j || !(alpha[i] < 1) || !(alpha[j] > 0)) continue;
      const gi = dot(i);
      const gj = dot(j);
      if (gj - gi <= 0) continue;
      const oi = i * p;
      const oj = j * p;
      let fij = 0;
      for (let c = 0; c < p; c++) fij += F[oi + c] * F[oj + c];
      let quad = sq[i] + sq[j] - 2 * fij;
      if (quad <= 0) quad = TAU;
      const delta = (gi - gj) / quad;
      const oldI = alpha[i];
      const oldJ = alpha[j];
      stepPair(alpha, i, j, delta);
      const dI = alpha[i] - oldI;
      const dJ = alpha[j] - oldJ;
      for (let c = 0; c < p; c++) w[c] += dI * F[oi + c] + dJ * F[oj + c];
    }
  }
  for (let i = 0; i < n; i++) G[i] = dot(i);
  return { w, rho: oneClassRho(alpha, G), alpha, rounds, converged };
}

/**
 * Reorders idx so its first k entries are those with the smallest (key, index), sorted; returns
 * that prefix. Quickselect, then a sort of k entries: O(len + k log k) instead of a full sort.
 */
function smallestFirst(idx: Int32Array, key: Float64Array, k: number): Int32Array {
  const less = (a: number, b: number) => key[a] < key[b] || (key[a] === key[b] && a < b);
  let lo = 0;
  let hi = idx.length - 1;
  while (hi > lo && k - 1 >= lo && k - 1 <= hi) {
    const pivot = idx[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (less(idx[i], pivot)) i++;
      while (less(pivot, idx[j])) j--;
      if (i <= j) {
        const t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        i++;
        j--;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else break;
  }
  return idx.subarray(0, k).sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
}
