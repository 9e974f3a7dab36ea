/**
 * Scores allowed hosts for one request: every catalogue factor per host, weighted by the
 * objective, a factor unavailable for a host left out of that host's sum with the remaining
 * weights renormalised (`coverage` says how much weight was left). Each host also gets its scores
 * under the four Pareto objectives. Scores live in one table (typed arrays, host-major) so ten
 * thousand hosts cost no garbage; ScoredHost views are built only for the hosts reported.
 */
import { CandidateCursor, liveColumns, makeCandidate, type Candidate } from './candidate.js';
import { PARETO_OBJECTIVES, type Factor } from './factor.js';
import { FACTORS } from './factor-catalogue.js';
import type { InterferencePredictor } from './factor-context.js';
import { ALWAYS_STATIC, FleetSnapshot } from './fleet-snapshot.js';
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

/**
 * The scores of one request's allowed hosts. Factor scores are stored factor-major (column f of
 * row i at f * size + i): every pass — filling a factor, weighting it, averaging it — then walks
 * memory in order, which at ten thousand hosts is most of the speed.
 */
export class ScoreTable {
  /** Rows best first (score descending, then host id). */
  readonly order: Uint32Array;

  constructor(
    readonly snapshot: FleetSnapshot,
    readonly request: PlacementRequest,
    /** Snapshot row of each table row. */
    readonly rows: readonly number[],
    readonly hosts: readonly PlacementHost[],
    /** Column of each catalogue factor in `columns`, −1 where the snapshot holds it, −2 where it was not computed. */
    private readonly columnOf: Int32Array,
    /** Factor-major: columns[c * size + i]. */
    private readonly columns: Float64Array,
    readonly scores: Float64Array,
    readonly coverage: Float64Array,
    /** Host-major: objectives[i * 4 + p] (performance, cost, efficiency, sustainability); zero unless scored with `pareto`. */
    readonly objectives: Float64Array,
  ) {
    const order = Uint32Array.from(hosts, (_, i) => i);
    order.sort((a, b) => scores[b] - scores[a] || (hosts[a].id < hosts[b].id ? -1 : hosts[a].id > hosts[b].id ? 1 : 0));
    this.order = order;
  }

  get size(): number {
    return this.hosts.length;
  }

  /** Factor f's score of row i (NaN: unavailable, not applicable or not weighed). */
  factor(i: number, f: number): number {
    const c = this.columnOf[f];
    if (c >= 0) return this.columns[c * this.hosts.length + i];
    return c === -1 ? this.snapshot.hostOnlyScore(f, this.rows[i]) : NaN;
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
      factorScores: Float64Array.from({ length: F }, (_, f) => this.factor(i, f)),
      candidate: makeCandidate(this.hosts[i], this.rows[i], this.request, this.snapshot.columns),
    };
  }

  /** Per-factor mean over the rows (NaN where no host has it). */
  means(): Float64Array {
    const n = this.hosts.length;
    const out = new Float64Array(F);
    for (let f = 0; f < F; f++) {
      let sum = 0;
      let k = 0;
      for (let i = 0; i < n; i++) {
        const v = this.factor(i, f);
        if (v === v) {
          sum += v;
          k++;
        }
      }
      out[f] = k ? sum / k : NaN;
    }
    return out;
  }
}

/**
 * Scores the snapshot's hosts at `rows` (already filtered by the hard rules). The always-applicable
 * host-only factors arrive as per-host weighted sums kept by the snapshot; this adds the factors
 * that depend on the request (each through its prepared fast path when it has one) and the
 * host-only ones that apply to some requests only.
 */
export function scoreHosts(snapshot: FleetSnapshot, rows: readonly number[], request: PlacementRequest, opts: ScoreOptions): ScoreTable {
  const n = rows.length;
  const hosts = rows.map((r) => snapshot.hosts[r]);
  const ctx = snapshot.context(request, opts.interference, hosts, rows);
  const applies = FACTORS.map((f) => !f.appliesTo || f.appliesTo(request));
  const vectors = opts.pareto ? [opts.weights, ...PARETO_WEIGHTS] : [opts.weights];
  const k = vectors.length;
  // Start from the snapshot's sums of the always-applicable host-only factors.
  const num = new Float64Array(k * n);
  const den = new Float64Array(k * n);
  for (let v = 0; v < k; v++) {
    const s = snapshot.staticSums(vectors[v]);
    for (let i = 0; i < n; i++) {
      num[v * n + i] = s.num[rows[i]];
      den[v * n + i] = s.den[rows[i]];
    }
  }
  const columnOf = new Int32Array(F).fill(-2);
  for (const f of ALWAYS_STATIC) columnOf[f] = -1;
  const computed = FACTORS.flatMap((f, i) => (columnOf[i] === -1 || !applies[i] || !vectors.some((w) => w[i] > 0) ? [] : [i]));
  computed.forEach((f, c) => (columnOf[f] = c));
  const columns = new Float64Array(computed.length * n);
  const cursor = new CandidateCursor(request, hosts, rows, liveColumns(snapshot.columns));
  // Fill: host-only columns are copied from the snapshot; the per-request ones are computed host
  // by host (each host's objects are read once while hot in cache, which at ten thousand hosts
  // beats walking the whole fleet once per factor).
  const perRequest: { col: number; fn: (c: Candidate) => number }[] = [];
  for (let c = 0; c < computed.length; c++) {
    const f = computed[c];
    const factor = FACTORS[f];
    if (factor.hostOnly) {
      for (let i = 0; i < n; i++) columns[c * n + i] = snapshot.hostOnlyScore(f, rows[i]);
    } else {
      perRequest.push({ col: c * n, fn: factor.prepare ? factor.prepare(ctx) : (x: Candidate) => factor.score(x, ctx) });
    }
  }
  const m = perRequest.length;
  for (let i = 0; i < n; i++) {
    cursor.moveTo(i);
    for (let j = 0; j < m; j++) {
      const p = perRequest[j];
      columns[p.col + i] = p.fn(cursor);
    }
  }
  // Weigh: column by column, in memory order.
  for (let c = 0; c < computed.length; c++) {
    const f = computed[c];
    const col = c * n;
    for (let v = 0; v < k; v++) {
      const wf = vectors[v][f];
      if (!(wf > 0)) continue;
      const o = v * n;
      for (let i = 0; i < n; i++) {
        const s = columns[col + i];
        if (s !== s) continue;
        num[o + i] += wf * s;
        den[o + i] += wf;
      }
    }
  }
  let applicableWeight = 0;
  for (let f = 0; f < F; f++) if (applies[f]) applicableWeight += opts.weights[f];
  const scores = new Float64Array(n);
  const coverage = new Float64Array(n);
  const objectives = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    scores[i] = den[i] > 0 ? num[i] / den[i] : 0;
    coverage[i] = applicableWeight > 0 ? Math.min(1, den[i] / applicableWeight) : 0;
    for (let v = 1; v < k; v++) {
      const o = v * n + i;
      objectives[i * P + v - 1] = den[o] > 0 ? num[o] / den[o] : 0;
    }
  }
  return new ScoreTable(snapshot, request, rows, hosts, columnOf, columns, scores, coverage, objectives);
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
