/**
 * A fleet frozen for scoring: the constraint index and the scores of every host-only factor
 * (those that read only facts and capacity) computed once, so each request computes just the
 * factors that depend on it. Build one per inventory version; a fleet whose allocations, VMs or
 * facts change needs a new snapshot.
 */
import { makeCandidate } from './candidate.js';
import { ConstraintChecker } from './constraints.js';
import { FACTORS } from './factor-catalogue.js';
import { FactColumns } from './fact-columns.js';
import { FactorContext, type InterferencePredictor } from './factor-context.js';
import { emptyResources, type PlacementHost, type PlacementRequest } from './problem.js';

/** Catalogue indices of the host-only factors and of the rest. */
export const HOST_ONLY = FACTORS.flatMap((f, i) => (f.hostOnly ? [i] : []));
export const PER_REQUEST = FACTORS.flatMap((f, i) => (f.hostOnly ? [] : [i]));

const NO_REQUEST: PlacementRequest = { id: '', resources: emptyResources(), groups: [] };

export class FleetSnapshot {
  readonly checker: ConstraintChecker;
  readonly columns: FactColumns;
  private staticScores?: Float64Array;

  constructor(
    readonly hosts: readonly PlacementHost[],
    readonly now: number = Date.now(),
  ) {
    this.checker = new ConstraintChecker(hosts, now);
    this.columns = new FactColumns(hosts);
  }

  /** Host-only factor scores, host-major: row h holds HOST_ONLY.length scores. Computed on first use. */
  hostOnlyScores(): Float64Array {
    if (this.staticScores) return this.staticScores;
    const k = HOST_ONLY.length;
    const out = new Float64Array(this.hosts.length * k);
    const ctx = this.context(NO_REQUEST);
    for (let h = 0; h < this.hosts.length; h++) {
      const c = makeCandidate(this.hosts[h], h, NO_REQUEST, this.columns);
      for (let j = 0; j < k; j++) out[h * k + j] = FACTORS[HOST_ONLY[j]].score(c, ctx);
    }
    return (this.staticScores = out);
  }

  /** A factor context for one request over this fleet. */
  context(request: PlacementRequest, interference?: InterferencePredictor, scored?: readonly PlacementHost[]): FactorContext {
    return new FactorContext({ request, hosts: this.hosts, columns: this.columns, now: this.now, interference, scored });
  }
}
