/**
 * Scores allowed hosts for one request: every catalogue factor per host, weighted by the
 * objective, a factor unavailable for a host left out of that host's sum with the remaining
 * weights renormalised (`coverage` says how much weight was left). Each host also gets its scores
 * under the four Pareto objectives. Scores live in typed arrays; ScoredHost views, with every
 * factor's score, are built only for the hosts reported.
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

/** A per-request factor as the scorer runs it: a column position and the function computing it. */
interface ComputedFactor {
  /** Catalogue index. */
  f: number;
  /** Null for a host-only factor that applies to some requests only (read from the snapshot). */
  fn: ((c: Candidate) => number) | null;
}

/**
 * The scores of one request's allowed hosts: weighted score, coverage and (with `pareto`) the
 * four objective scores per host, and each factor's mean. Per-host factor scores are not kept —
 * ten thousand hosts × fifty factors would be megabytes of garbage per request — but recomputed
 * for the few hosts a caller looks at (`row`, `factor`).
 */
export class ScoreTable {
  /** Rows best first (score descending, then host id). */
  readonly order: Uint32Array;
  private readonly cursor: CandidateCursor;
  private means_?: Float64Array;

  constructor(
    readonly snapshot: FleetSnapshot,
    readonly request: PlacementRequest,
    /** Snapshot row of each table row. */
    readonly rows: readonly number[],
    readonly hosts: readonly PlacementHost[],
    private readonly computed: readonly ComputedFactor[],
    /** Position in `computed` of each catalogue factor; −1 where the snapshot holds it; −2 where not computed. */
    private readonly columnOf: Int32Array,
    /** Mean over the rows of each computed factor (NaN where no host had it). */
    private readonly computedMeans: Float64Array,
    readonly scores: Float64Array,
    readonly coverage: Float64Array,
    /** Host-major: objectives[i * 4 + p] (performance, cost, efficiency, sustainability); zero unless scored with `pareto`. */
    readonly objectives: Float64Array,
  ) {
    const order = Uint32Array.from(hosts, (_, i) => i);
    const idRank = snapshot.columns.idRank();
    order.sort((a, b) => scores[b] - scores[a] || idRank[rows[a]] - idRank[rows[b]]);
    this.order = order;
    this.cursor = new CandidateCursor(request, hosts, rows, liveColumns(snapshot.columns));
  }

  get size(): number {
    return this.hosts.length;
  }

  /** Factor f's score of row i (NaN: unavailable, not applicable or not weighed). */
  factor(i: number, f: number): number {
    const c = this.columnOf[f];
    if (c === -2) return NaN;
    if (c === -1) return this.snapshot.hostOnlyScore(f, this.rows[i]);
    const fn = this.computed[c].fn;
    return fn ? fn(this.cursor.moveTo(i)) : this.snapshot.hostOnlyScore(f, this.rows[i]);
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
    if (this.means_) return this.means_;
    const out = new Float64Array(F).fill(NaN);
    const n = this.hosts.length;
    for (let f = 0; f < F; f++) {
      const c = this.columnOf[f];
      if (c >= 0) out[f] = this.computedMeans[c];
      else if (c === -1) {
        const col = this.snapshot.hostOnlyColumn(f);
        let sum = 0;
        let k = 0;
        for (let i = 0; i < n; i++) {
          const v = col[this.rows[i]];
          if (v === v) {
            sum += v;
            k++;
          }
        }
        out[f] = k ? sum / k : NaN;
      }
    }
    return (this.means_ = out);
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
  const computed: ComputedFactor[] = [];
  for (let f = 0; f < F; f++) {
    if (columnOf[f] === -1 || !applies[f] || !vectors.some((w) => w[f] > 0)) continue;
    const factor = FACTORS[f];
    columnOf[f] = computed.length;
    computed.push({ f, fn: factor.hostOnly ? null : factor.prepare ? factor.prepare(ctx) : (x: Candidate) => factor.score(x, ctx) });
  }
  // Host by host: each host's objects are read once while hot in cache; values are weighed as
  // they come and only their column sums are kept.
  const m = computed.length;
  const fns = computed.map((c) => c.fn);
  const fs = Int32Array.from(computed, (c) => c.f);
  const wv = Float64Array.from({ length: m * k }, (_, x) => vectors[x % k][fs[Math.floor(x / k)]]);
  const colSum = new Float64Array(m);
  const colCount = new Float64Array(m);
  const cursor = new CandidateCursor(request, hosts, rows, liveColumns(snapshot.columns));
  for (let i = 0; i < n; i++) {
    cursor.moveTo(i);
    for (let c = 0; c < m; c++) {
      const fn = fns[c];
      const s = fn ? fn(cursor) : snapshot.hostOnlyScore(fs[c], rows[i]);
      if (s !== s) continue;
      colSum[c] += s;
      colCount[c]++;
      for (let v = 0; v < k; v++) {
        const wf = wv[c * k + v];
        num[v * n + i] += wf * s;
        den[v * n + i] += wf;
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
  const computedMeans = colSum.map((x, c) => (colCount[c] ? x / colCount[c] : NaN));
  return new ScoreTable(snapshot, request, rows, hosts, computed, columnOf, computedMeans, scores, coverage, objectives);
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
