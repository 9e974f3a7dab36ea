/**
 * Scores allowed hosts for one request: every catalogue factor per host, weighted by the
 * objective, a factor unavailable for a host left out of that host's sum with the remaining
 * weights renormalised (`coverage` says how much weight was left). Each host also gets its scores
 * under the four Pareto objectives. Scores live in typed arrays; ScoredHost views, with every
 * factor's score, are built only for the hosts reported.
 */
import { CandidateCursor, liveColumns, makeCandidate, SHARES, type Candidate } from './candidate.js';
import { PARETO_OBJECTIVES, type Factor } from './factor.js';
import { FACTORS } from './factor-catalogue.js';
import type { InterferencePredictor } from './factor-context.js';
import { ALWAYS_STATIC, FleetSnapshot, HOST_ONLY_POSITION } from './fleet-snapshot.js';
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
  private order_?: Uint32Array;
  /** The best rows in order, found without sorting the whole table (most callers read a few). */
  private top_?: number[];
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
  ) {}

  get size(): number {
    return this.hosts.length;
  }

  /** Rows best first (score descending, then host id). */
  get order(): Uint32Array {
    if (this.order_) return this.order_;
    const order = Uint32Array.from(this.hosts, (_, i) => i);
    order.sort((a, b) => this.compare(a, b));
    return (this.order_ = order);
  }

  /** Negative when row a ranks before row b. */
  private compare(a: number, b: number): number {
    const idRank = this.snapshot.columns.idRank();
    return this.scores[b] - this.scores[a] || idRank[this.rows[a]] - idRank[this.rows[b]];
  }

  /** The row at a rank (0 = best). */
  rowAt(rank: number): number {
    if (this.order_ || rank >= TOP_KEPT) return this.order[rank];
    this.top_ ??= this.selectTop(Math.min(TOP_KEPT, this.size));
    return this.top_[rank];
  }

  /** The k best rows in order by one pass with a small sorted buffer: O(n·k) worst, O(n) typical. */
  private selectTop(k: number): number[] {
    const top: number[] = [];
    for (let i = 0; i < this.size; i++) {
      if (top.length < k) top.push(i);
      else if (this.compare(i, top[k - 1]) < 0) top[k - 1] = i;
      else continue;
      for (let at = top.length - 1; at > 0 && this.compare(top[at], top[at - 1]) < 0; at--) [top[at], top[at - 1]] = [top[at - 1], top[at]];
    }
    return top;
  }

  /** Factor f's score of row i (NaN: unavailable, not applicable or not weighed). */
  factor(i: number, f: number): number {
    const c = this.columnOf[f];
    if (c === -2) return NaN;
    if (c === -1) return this.snapshot.hostOnlyScore(f, this.rows[i]);
    const fn = this.computed[c].fn;
    return fn ? fn(new CandidateCursor(this.request, [this.hosts[i]], [this.rows[i]], liveColumns(this.snapshot.columns)).moveTo(0)) : this.snapshot.hostOnlyScore(f, this.rows[i]);
  }

  /** The host at a rank (0 = best). */
  at(rank: number): ScoredHost {
    return this.row(this.rowAt(rank));
  }

  row(i: number): ScoredHost {
    return new ScoredRow(this, i);
  }

  /** Per-factor mean over the rows (NaN where no host has it). */
  means(): Float64Array {
    if (this.means_) return this.means_;
    const out = new Float64Array(F).fill(NaN);
    const n = this.hosts.length;
    const all = this.snapshot.hosts.length;
    // Host-only factors: from the fleet's totals less the rows left out when those are fewer
    // (most hosts pass the hard rules, so this reads a few rows instead of ten thousand).
    const fromTotals = n > all / 2;
    let rowsRead: readonly number[] = this.rows;
    if (fromTotals) {
      const inTable = new Uint8Array(all);
      for (const r of this.rows) inTable[r] = 1;
      rowsRead = [];
      for (let r = 0; r < all; r++) if (!inTable[r]) (rowsRead as number[]).push(r);
    }
    const totals = fromTotals ? this.snapshot.hostOnlyTotals() : undefined;
    for (let f = 0; f < F; f++) {
      const c = this.columnOf[f];
      if (c >= 0) out[f] = this.computedMeans[c];
      else if (c === -1) {
        const col = this.snapshot.hostOnlyColumn(f);
        let sum = 0;
        let k = 0;
        for (const r of rowsRead) {
          const v = col[r];
          if (v === v) {
            sum += v;
            k++;
          }
        }
        if (totals) {
          const j = HOST_ONLY_POSITION[f];
          sum = totals.sum[j] - sum;
          k = totals.count[j] - k;
        }
        out[f] = k ? sum / k : NaN;
      }
    }
    return (this.means_ = out);
  }
}

/**
 * Working buffers of scoreHosts, kept between calls: a decision on ten thousand hosts would
 * otherwise allocate megabytes of short-lived arrays, and the collector's pauses set the p99.
 * Scoring is synchronous, so one set is never used by two calls at once.
 */
class ScratchBuffers {
  private readonly buffers = new Map<string, Float64Array>();

  /** A buffer of `size` numbers; its contents are whatever the last call left (callers overwrite). */
  private get(name: string, size: number): Float64Array {
    let b = this.buffers.get(name);
    if (!b || b.length < size) this.buffers.set(name, (b = new Float64Array(Math.max(size, (b?.length ?? 0) * 2))));
    return b.subarray(0, size);
  }

  num = (size: number) => this.get('num', size);
  den = (size: number) => this.get('den', size);
  values = (size: number) => this.get('values', size);
  shares = (size: number) => this.get('shares', size);
}

const scratch = new ScratchBuffers();

/** How many of the best rows ScoreTable finds without a full sort. */
const TOP_KEPT = 16;

/** One table row as a ScoredHost; its factor scores and candidate are worked out when first read. */
class ScoredRow implements ScoredHost {
  readonly host: PlacementHost;
  readonly score: number;
  readonly coverage: number;
  readonly objectiveScores: Float64Array;
  private factorScores_?: Float64Array;
  private candidate_?: Candidate;

  constructor(
    private readonly table: ScoreTable,
    readonly row: number,
  ) {
    this.host = table.hosts[row];
    this.score = table.scores[row];
    this.coverage = table.coverage[row];
    this.objectiveScores = table.objectives.subarray(row * P, row * P + P);
  }

  get factorScores(): Float64Array {
    return (this.factorScores_ ??= Float64Array.from({ length: F }, (_, f) => this.table.factor(this.row, f)));
  }

  get candidate(): Candidate {
    return (this.candidate_ ??= makeCandidate(this.host, this.table.rows[this.row], this.table.request, this.table.snapshot.columns));
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
  const num = scratch.num(k * n);
  const den = scratch.den(k * n);
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
  // Factor by factor: one factor's code stays hot across the hosts (a host-major loop calls a
  // different closure at every step and ran about four times slower); values are weighed as
  // they come and only their column sums are kept.
  const m = computed.length;
  const colSum = new Float64Array(m);
  const colCount = new Float64Array(m);
  const denAll = new Float64Array(k);
  const cursor = new CandidateCursor(request, hosts, rows, liveColumns(snapshot.columns), scratch.shares(n * SHARES));
  const values = scratch.values(n);
  for (let c = 0; c < m; c++) {
    const { f, fn } = computed[c];
    if (fn) for (let i = 0; i < n; i++) values[i] = fn(cursor.moveTo(i));
    else {
      const col = snapshot.hostOnlyColumn(f);
      for (let i = 0; i < n; i++) values[i] = col[rows[i]];
    }
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x === x) {
        sum += x;
        count++;
      }
    }
    colSum[c] = sum;
    colCount[c] = count;
    // A column every host has adds its weight to every denominator: one number per vector,
    // added once at the end, instead of a write per host.
    const complete = count === n;
    for (let v = 0; v < k; v++) {
      const wf = vectors[v][f];
      if (wf === 0) continue;
      const o = v * n;
      if (complete) {
        denAll[v] += wf;
        for (let i = 0; i < n; i++) num[o + i] += wf * values[i];
        continue;
      }
      for (let i = 0; i < n; i++) {
        const x = values[i];
        if (x !== x) continue;
        num[o + i] += wf * x;
        den[o + i] += wf;
      }
    }
  }
  for (let v = 0; v < k; v++) {
    const add = denAll[v];
    if (add === 0) continue;
    for (let i = 0, o = v * n; i < n; i++) den[o + i] += add;
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
