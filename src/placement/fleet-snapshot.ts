/**
 * A fleet frozen for scoring: the constraint index and the scores of every host-only factor
 * (those that read only facts and capacity) computed once, so each request computes just the
 * factors that depend on it. Build one per inventory version; a fleet whose allocations, VMs or
 * facts change needs a new snapshot.
 */
import { makeCandidate } from './candidate.js';
import { ConstraintChecker, ruleColumns, type HostVerdict, type RuleColumns } from './constraints.js';
import { FACTORS } from './factor-catalogue.js';
import { FactColumns } from './fact-columns.js';
import { FactorContext, type InterferencePredictor } from './factor-context.js';
import { emptyResources, type PlacementHost, type PlacementRequest } from './problem.js';

/** Catalogue indices of the host-only factors. */
export const HOST_ONLY = FACTORS.flatMap((f, i) => (f.hostOnly ? [i] : []));
/** Host-only factors that apply to every request: their weighted sums can be kept per snapshot. */
export const ALWAYS_STATIC = HOST_ONLY.filter((f) => !FACTORS[f].appliesTo);

/** Weighted sum of a host's always-applicable host-only factors and the weight they covered. */
export interface StaticSums {
  num: Float64Array;
  den: Float64Array;
}

/** Position of each host-only factor in HOST_ONLY (−1 for the others). */
export const HOST_ONLY_POSITION = Int32Array.from(FACTORS, (_, f) => HOST_ONLY.indexOf(f));

const NO_REQUEST: PlacementRequest = { id: '', resources: emptyResources(), groups: [] };

export class FleetSnapshot {
  readonly checker: ConstraintChecker;
  readonly columns: FactColumns;
  private staticScores?: Float64Array;
  private totals?: { sum: Float64Array; count: Float64Array };
  private rules?: RuleColumns;
  private readonly sums = new WeakMap<Float64Array, StaticSums>();

  constructor(
    readonly hosts: readonly PlacementHost[],
    readonly now: number = Date.now(),
  ) {
    this.checker = new ConstraintChecker(hosts, now);
    this.columns = new FactColumns(hosts);
  }

  /** The fleet split by the request's hard rules into allowed rows and refused hosts with reasons. */
  partition(request: PlacementRequest): { allowed: number[]; refused: HostVerdict[] } {
    return this.checker.partition(request, (this.rules ??= ruleColumns(this.hosts)));
  }

  /** Host-only factor scores, factor-major: HOST_ONLY[j]'s score of host h at j * hosts + h. Computed on first use. */
  hostOnlyScores(): Float64Array {
    if (this.staticScores) return this.staticScores;
    const n = this.hosts.length;
    const out = new Float64Array(n * HOST_ONLY.length);
    const ctx = this.context(NO_REQUEST);
    const candidates = this.hosts.map((h, i) => makeCandidate(h, i, NO_REQUEST, this.columns));
    for (let j = 0; j < HOST_ONLY.length; j++) {
      const factor = FACTORS[HOST_ONLY[j]];
      for (let h = 0; h < n; h++) out[j * n + h] = factor.score(candidates[h], ctx);
    }
    return (this.staticScores = out);
  }

  /** Host-only scores of catalogue factor f for every host, by row (f must be host-only). */
  hostOnlyColumn(f: number): Float64Array {
    const n = this.hosts.length;
    return this.hostOnlyScores().subarray(HOST_ONLY_POSITION[f] * n, HOST_ONLY_POSITION[f] * n + n);
  }

  /** Host-only score of catalogue factor f for host `row` (f must be host-only). */
  hostOnlyScore(f: number, row: number): number {
    return this.hostOnlyScores()[HOST_ONLY_POSITION[f] * this.hosts.length + row];
  }

  /** Sum and count (NaN skipped) over every host of each host-only factor, in HOST_ONLY order. */
  hostOnlyTotals(): { sum: Float64Array; count: Float64Array } {
    if (this.totals) return this.totals;
    const n = this.hosts.length;
    const fixed = this.hostOnlyScores();
    const sum = new Float64Array(HOST_ONLY.length);
    const count = new Float64Array(HOST_ONLY.length);
    for (let j = 0; j < HOST_ONLY.length; j++) {
      for (let h = 0; h < n; h++) {
        const v = fixed[j * n + h];
        if (v === v) {
          sum[j] += v;
          count[j]++;
        }
      }
    }
    return (this.totals = { sum, count });
  }

  /**
   * Per host, the weighted sum of the always-applicable host-only factors under `weights`, and
   * the weight that had data; kept per weight vector (the objectives' vectors are shared), so a
   * request adds only its own factors.
   */
  staticSums(weights: Float64Array): StaticSums {
    let out = this.sums.get(weights);
    if (out) return out;
    const n = this.hosts.length;
    const fixed = this.hostOnlyScores();
    const num = new Float64Array(n);
    const den = new Float64Array(n);
    for (const f of ALWAYS_STATIC) {
      const wf = weights[f];
      if (!(wf > 0)) continue;
      const col = HOST_ONLY_POSITION[f] * n;
      for (let h = 0; h < n; h++) {
        const v = fixed[col + h];
        if (v !== v) continue;
        num[h] += wf * v;
        den[h] += wf;
      }
    }
    this.sums.set(weights, (out = { num, den }));
    return out;
  }

  /** A factor context for one request over this fleet. */
  context(request: PlacementRequest, interference?: InterferencePredictor, scored?: readonly PlacementHost[], scoredRows?: readonly number[]): FactorContext {
    return new FactorContext({ request, hosts: this.hosts, columns: this.columns, now: this.now, interference, scored, scoredRows });
  }
}
