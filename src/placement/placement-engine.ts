/**
 * One placement decision: the hard rules split the fleet into allowed and refused hosts (each
 * refusal with its reasons), the allowed ones are scored under the objective, and the best is
 * recommended. A refused host is never recommended and never scored. The Pareto set, on request,
 * is taken over the allowed hosts' four objective scores.
 */
import type { Rejection } from './constraints.js';
import { PARETO_OBJECTIVES, type Objective } from './factor.js';
import type { InterferencePredictor } from './factor-context.js';
import { FleetSnapshot } from './fleet-snapshot.js';
import { customWeights, objectiveWeights, type CustomWeights } from './objectives.js';
import { paretoFront } from './pareto.js';
import type { PlacementHost, PlacementRequest } from './problem.js';
import { scoreHosts, type ScoredHost, type ScoreTable } from './scorer.js';

export interface PlaceOptions {
  objective?: Objective | 'custom';
  /** Required when objective is 'custom' (check customWeightsProblem first). */
  custom?: CustomWeights;
  pareto?: boolean;
  interference?: InterferencePredictor;
}

export interface RefusedHost {
  host: PlacementHost;
  rejections: Rejection[];
}

export interface PlacementDecision {
  request: PlacementRequest;
  objective: Objective | 'custom';
  weights: Float64Array;
  /** Allowed hosts with their scores; `table.at(0)` is the best. */
  table: ScoreTable;
  recommended: ScoredHost | null;
  refused: RefusedHost[];
  /** Non-dominated candidates over performance, cost, efficiency and sustainability, when asked. */
  pareto?: ScoredHost[];
}

export function weightsFor(objective: Objective | 'custom', custom?: CustomWeights): Float64Array {
  return objective === 'custom' ? customWeights(custom ?? {}) : objectiveWeights(objective);
}

/** Decides one request against a snapshot (or a plain host list, snapshotted now). */
export function place(fleet: FleetSnapshot | readonly PlacementHost[], request: PlacementRequest, opts: PlaceOptions = {}): PlacementDecision {
  const snapshot = fleet instanceof FleetSnapshot ? fleet : new FleetSnapshot(fleet);
  const objective = opts.objective ?? 'balanced';
  const weights = weightsFor(objective, opts.custom);
  const { allowed, refused } = snapshot.partition(request);
  const table = scoreHosts(snapshot, allowed, request, { weights, interference: opts.interference, pareto: opts.pareto });
  const decision: PlacementDecision = { request, objective, weights, table, recommended: table.size ? table.at(0) : null, refused };
  if (opts.pareto) {
    decision.pareto = paretoFront(table.objectives, PARETO_OBJECTIVES.length).map((i) => table.row(i));
  }
  return decision;
}
