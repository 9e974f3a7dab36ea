/**
 * Scores allowed hosts for one request: every catalogue factor per host, weighted by the
 * objective, a factor unavailable for a host left out of that host's sum with the remaining
 * weights renormalised (`coverage` says how much weight was left). Each host also gets its scores
 * under the four Pareto objectives. Scores live in one table (typed arrays, host-major) so ten
 * thousand hosts cost no garbage; ScoredHost views are built only for the hosts reported.
 */
import { makeCandidate, type Candidate } from './candidate.js';
import { PARETO_OBJECTIVES, type Factor } from './factor.js';
import { FACTORS } from './factor-catalogue.js';
import type { InterferencePredictor } from './factor-context.js';
import { FleetSnapshot, HOST_ONLY, PER_REQUEST } from './fleet-snapshot.js';
import { objectiveWeights } from './objectives.js';
import type { PlacementHost, PlacementRequest } from './problem.js';

export interface FactorContribution {
  name: string;
  category: Factor['category'];
  score: number;
  weight: number;
  /** (score − mean over candidates) × weight: how much this factor lifted (or sank) the host against the others. */
  edge: number;
}

export interface ScoredHost {
  host: PlacementHost;
  /** Row in the table. */
  row: number;
  /** Weighted score in [0, 1] under the asked objective. */
  score: number;
  /** Share of the weight of the factors that apply to the request whose inputs this host had. */
  coverage: number;
  /** Score under each Pareto objective (performance, cost, efficiency, sustainability). */
  objectiveScores: Float64Array;
  /** Factor scores in catalogue order (NaN = unavailable). */
  factorScores: Float64Array;
  candidate: Candidate;
}

export interface ScoreOptions {
  /** Factor weights in catalogue order (objectiveWeights / customWeights). */
  weights: Float64Array;
  interference?: InterferencePredictor;
  /** Also score every host under the four Pareto objectives (otherwise `objectives` stays 0). */
  pareto?: boolean;
}

const F = FACTORS.length;
const P = PARETO_OBJECTIVES.length;
const PARETO_WEIGHTS = PARETO_OBJECTIVES.map((o) => objectiveWeights(o));

export class ScoreTable {
  /** Rows best first (score descending, then host id). */
  readonly order: Uint32Array;

  constructor(
    readonly snapshot: FleetSnapshot,
    readonly request: PlacementRequest,
    /** Snapshot row of each table row. */
    readonly rows: readonly number[],
    readonly hosts: readonly PlacementHost[],
    readonly factors: Float64Array,
    readonly scores: Float64Array,
    readonly coverage: Float64Array,
    readonly objectives: Float64Array,
  ) {
    const order = Uint32Array.from(hosts, (_, i) => i);
    order.sort((a, b) => scores[b] - scores[a] || (hosts[a].id < hosts[b].id ? -1 : hosts[a].id > hosts[b].id ? 1 : 0));
    this.order = order;
  }

  get size(): number {
    return this.hosts.length;
  }

  /** The host at a rank (0 = best). */
  at(rank: number): ScoredHost {
    return this.row(this.order[rank]);
  }

  row(i: number): ScoredHost {
    return {
      host: this.hosts[i],
      row: i,
      score: this.scores[i],
      coverage: this.coverage[i],
      objectiveScores: this.objectives.subarray(i * P, i * P + P),
      factorScores: this.factors.subarray(i * F, i * F + F),
      candidate: makeCandidate(this.hosts[i], this.rows[i], this.request, this.snapshot.columns),
    };
  }

  /** Per-factor mean over the rows (NaN where no host has it). */
  means(): Float64Array {
    const sum = new Float64Array(F);
    const n = new Float64Array(F);
    for (let i = 0; i < this.hosts.length; i++) {
      for (let f = 0; f < F; f++) {
        const v = this.factors[i * F + f];
        if (v === v) {
          sum[f] += v;
          n[f]++;
        }
      }
    }
    return sum.map((x, f) => (n[f] ? x / n[f] : NaN));
  }
}

/**
 * Weighted means of row `i`'s available factor scores under several weight vectors at once
 * (`w` holds them interleaved: w[f * k + j] is vector j's weight of factor f), in one pass over
 * the row; sums[j] gets the mean, sums[k + j] the covered weight.
 */
function weightedAll(factors: Float64Array, i: number, w: Float64Array, k: number, sums: Float64Array): void {
  sums.fill(0);
  const base = i * F;
  for (let f = 0; f < F; f++) {
    const s = factors[base + f];
    if (s !== s) continue;
    const o = f * k;
    for (let j = 0; j < k; j++) {
      const wf = w[o + j];
      sums[j] += wf * s;
      sums[k + j] += wf;
    }
  }
  for (let j = 0; j < k; j++) sums[j] = sums[k + j] > 0 ? sums[j] / sums[k + j] : 0;
}

/** The asked weights and, with `pareto`, the four Pareto objectives' weights, interleaved per factor. */
function interleave(weights: Float64Array, pareto: boolean): Float64Array {
  const vs = pareto ? [weights, ...PARETO_WEIGHTS] : [weights];
  const out = new Float64Array(F * vs.length);
  for (let f = 0; f < F; f++) for (let j = 0; j < vs.length; j++) out[f * vs.length + j] = vs[j][f];
  return out;
}

/**
 * Scores the snapshot's hosts at `rows` (already filtered by the hard rules). Host-only factors
 * come from the snapshot; the rest are computed here.
 */
export function scoreHosts(snapshot: FleetSnapshot, rows: readonly number[], request: PlacementRequest, opts: ScoreOptions): ScoreTable {
  const n = rows.length;
  const hosts = rows.map((r) => snapshot.hosts[r]);
  const ctx = snapshot.context(request, opts.interference, hosts);
  const applies = FACTORS.map((f) => !f.appliesTo || f.appliesTo(request));
  const perRequest = PER_REQUEST.filter((f) => applies[f] && (opts.weights[f] > 0 || opts.pareto));
  const staticIdx = HOST_ONLY.map((f) => (applies[f] ? f : -1));
  let applicableWeight = 0;
  for (let f = 0; f < F; f++) if (applies[f]) applicableWeight += opts.weights[f];
  // Unset cells (factors not applicable to the request) stay NaN: left out of every sum.
  const factors = new Float64Array(n * F).fill(NaN);
  const fixed = snapshot.hostOnlyScores();
  const h = HOST_ONLY.length;
  for (let i = 0; i < n; i++) {
    const base = i * F;
    const src = rows[i] * h;
    for (let j = 0; j < h; j++) {
      const f = staticIdx[j];
      if (f >= 0) factors[base + f] = fixed[src + j];
      else factors[base + HOST_ONLY[j]] = NaN;
    }
    const c = makeCandidate(hosts[i], rows[i], request, snapshot.columns);
    for (const f of perRequest) factors[base + f] = FACTORS[f].score(c, ctx);
  }
  const scores = new Float64Array(n);
  const coverage = new Float64Array(n);
  const objectives = new Float64Array(n * P);
  const k = opts.pareto ? 1 + P : 1;
  const w = interleave(opts.weights, !!opts.pareto);
  const sums = new Float64Array(2 * k);
  for (let i = 0; i < n; i++) {
    weightedAll(factors, i, w, k, sums);
    scores[i] = sums[0];
    coverage[i] = applicableWeight > 0 ? Math.min(1, sums[k] / applicableWeight) : 0;
    for (let p = 1; p < k; p++) objectives[i * P + p - 1] = sums[p];
  }
  return new ScoreTable(snapshot, request, rows, hosts, factors, scores, coverage, objectives);
}

/** The factors that set a host apart, largest |edge| first. */
export function topFactors(s: ScoredHost, means: Float64Array, weights: Float64Array, k = 5): FactorContribution[] {
  const out: FactorContribution[] = [];
  for (let f = 0; f < F; f++) {
    const v = s.factorScores[f];
    if (v !== v || weights[f] === 0) continue;
    out.push({ name: FACTORS[f].name, category: FACTORS[f].category, score: v, weight: weights[f], edge: (v - means[f]) * weights[f] });
  }
  out.sort((a, b) => Math.abs(b.edge) - Math.abs(a.edge) || b.weight * b.score - a.weight * a.score);
  return out.slice(0, k);
}
