/**
 * Placement orchestration: wire requests in, decisions with their reasons out. The fleet is the
 * nodes a request sends, or else the inventory (nodes, VMs, live telemetry, failure risk) loaded
 * once and shared for INVENTORY_CACHE_MS, so a burst of requests reads the store once. Nothing
 * here changes the inventory: a batch places onto its own copies of the hosts (the cached fleet is
 * never mutated), so each request sees allocations as of the load plus its own placements.
 */
import { Problem } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import { placeBatch as jointPlacement, type BatchGoal, type BatchResult } from './batch-placement.js';
import { explain } from './explanations.js';
import type { Objective } from './factor.js';
import type { InterferencePredictor } from './factor-context.js';
import { FleetSnapshot } from './fleet-snapshot.js';
import { readInterferenceModel } from './interference-model-file.js';
import { interferencePredictor } from './interference-predictor.js';
import { loadInventoryFleet } from './inventory-fleet.js';
import { place, weightsFor, type PlacementDecision, type RefusedHost } from './placement-engine.js';
import type { PlacementHost, PlacementRequest } from './problem.js';
import {
  DEFAULT_ALTERNATIVES,
  DEFAULT_CANDIDATES,
  MAX_BATCH_WORKLOADS,
  MAX_NODES,
  MAX_REFUSED_LISTED,
  type BatchBodyT,
  type NodeWire,
  type OptimizeBodyT,
  type PredictBodyT,
} from './schemas.js';
import { scoreHosts, type ScoredHost } from './scorer.js';
import {
  bad,
  candidateWire,
  factorsWire,
  Notes,
  nodesToHosts,
  predictedMetrics,
  resolveObjective,
  unstatedResourceNotes,
  workloadToRequest,
  type CandidateWire,
  type ObjectiveChoice,
  type PredictedMetrics,
} from './wire-mapping.js';

/** How long a fleet loaded from the inventory is reused. */
export const INVENTORY_CACHE_MS = 5_000;

export interface PlacementServiceOptions {
  /** The learned interference model; without it the interference factor is unavailable. */
  interference?: InterferencePredictor;
  /** Default INVENTORY_CACHE_MS; 0 reloads for every request. */
  inventoryCacheMs?: number;
}

type Source = 'request' | 'inventory';

interface Fleet {
  snapshot: FleetSnapshot;
  source: Source;
}

interface RefusedWire {
  node_id: string;
  reasons: { code: string; message: string }[];
}

export interface OptimizeWire {
  workload_id: string;
  candidates: CandidateWire[];
  recommendation: CandidateWire | null;
  objective: string;
  refused: RefusedWire[];
  refused_total: number;
  pareto?: CandidateWire[];
  evaluated_nodes: number;
  allowed_nodes: number;
  source: Source;
  notes: string[];
}

export interface BatchWire {
  results: Record<string, CandidateWire[]>;
  assignments: { workload_id: string; node_id: string | null; reasons: { code: string; hosts: number; message: string }[] }[];
  summary: {
    goal: string;
    placed: number;
    unplaced: number;
    hosts_used: number;
    hosts_used_before: number;
    hosts_opened: number;
    max_utilisation: number;
    mean_utilisation: number;
    elapsed_ms: number;
  };
  objective: string;
  evaluated_nodes: number;
  source: Source;
  notes: string[];
}

export interface PredictWire {
  recommended_node_id: string;
  confidence: number;
  reasoning: string[];
  alternative_nodes: { node_id: string; score: number; confidence: number; reason: string }[];
  predicted_metrics: PredictedMetrics;
  objective: string;
  evaluated_nodes: number;
  allowed_nodes: number;
  refused: RefusedWire[];
  refused_total: number;
  source: Source;
  notes: string[];
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** "insufficient_resources on 3, excluded on 1": the refusal codes of a decision, most frequent first. */
function refusalSummary(refused: readonly RefusedHost[]): string {
  const counts = new Map<string, number>();
  for (const r of refused) for (const code of new Set(r.rejections.map((x) => x.code))) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} on ${n}`).join(', ');
}

/** Notes the node ids a request names that the fleet does not hold (a typo, or a node not registered). */
function unknownIdNotes(request: PlacementRequest, hosts: readonly PlacementHost[], notes: Notes, what = 'The workload'): void {
  const lists: [string, readonly string[] | undefined][] = [
    ['allows (node_affinity / candidate_node_ids)', request.allowedNodes],
    ['excludes', request.excludedNodes],
    ['prefers', request.soft?.preferredNodes],
  ];
  if (!lists.some(([, ids]) => ids?.length)) return;
  const known = new Set(hosts.map((h) => h.id));
  for (const [verb, ids] of lists) {
    const unknown = (ids ?? []).filter((id) => id !== '' && !known.has(id));
    if (unknown.length) notes.add(`${what} ${verb} nodes not in the fleet: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}`);
  }
}

const refusedWire = (refused: readonly RefusedHost[]): RefusedWire[] =>
  refused.slice(0, MAX_REFUSED_LISTED).map((r) => ({ node_id: r.host.id, reasons: r.rejections.map((x) => ({ code: x.code, message: x.message })) }));

/**
 * The batch placer: N requests placed jointly on copies of `hosts`. One function so that the
 * joint algorithm can be swapped without touching the routes (src/placement/batch-placement.ts).
 */
export function placeBatch(hosts: readonly PlacementHost[], requests: readonly PlacementRequest[], goal: BatchGoal, now: number): BatchResult {
  return jointPlacement(hosts, requests, { goal, now });
}

export class PlacementService {
  private interference?: InterferencePredictor;
  private readonly cacheMs: number;
  private cached?: { fleet: Promise<{ snapshot: FleetSnapshot; notes: string[] }>; expires: number };

  constructor(
    private readonly platform: Platform,
    opts: PlacementServiceOptions = {},
  ) {
    this.interference = opts.interference;
    this.cacheMs = opts.inventoryCacheMs ?? INVENTORY_CACHE_MS;
  }

  /** Wires (or removes) the interference model; requests after this call use it. */
  setInterferencePredictor(p: InterferencePredictor | undefined): void {
    this.interference = p;
  }

  /**
   * Loads the shipped interference model (models/interference-default.json.gz, about 30 ms)
   * unless a predictor was given; if it cannot be loaded, the interference factor is unavailable
   * and the others renormalise.
   */
  start(): void {
    if (this.interference) return;
    try {
      this.interference = interferencePredictor(readInterferenceModel().model);
    } catch (err) {
      this.platform.logger.warn({ err: (err as Error).message }, 'interference model not loaded: the interference factor is unavailable');
    }
  }

  /** Forgets the cached inventory fleet: the next request reads the store again. */
  invalidateInventory(): void {
    this.cached = undefined;
  }

  /** The inventory fleet, shared for INVENTORY_CACHE_MS (one load in flight at a time). */
  private inventoryFleet(): Promise<{ snapshot: FleetSnapshot; notes: string[] }> {
    const now = Date.now();
    if (this.cached && now < this.cached.expires) return this.cached.fleet;
    const fleet = loadInventoryFleet(this.platform.store, now).then((f) => ({ snapshot: new FleetSnapshot(f.hosts, f.loadedAt), notes: f.notes }));
    const entry = { fleet, expires: now + this.cacheMs };
    this.cached = entry;
    fleet.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return fleet;
  }

  private async fleet(nodes: readonly NodeWire[] | undefined, path: string, notes: Notes, requests: readonly PlacementRequest[]): Promise<Fleet> {
    if (nodes && nodes.length) {
      if (nodes.length > MAX_NODES) throw Problem.tooLarge(`${path} holds ${nodes.length} nodes; the limit is ${MAX_NODES}. Register them in the inventory (POST /api/v1/nodes/bulk) and leave ${path} out.`);
      const { hosts, stated } = nodesToHosts(nodes, path, notes);
      unstatedResourceNotes(requests, stated, notes);
      return { snapshot: new FleetSnapshot(hosts), source: 'request' };
    }
    const inv = await this.inventoryFleet();
    if (inv.snapshot.hosts.length === 0) {
      throw new Problem(422, 'validation_failed', `No nodes to place on: send ${path.split('/').pop()} or register nodes at POST /api/v1/nodes`, [{ path, message: 'absent or empty, and the inventory has no nodes' }]);
    }
    for (const n of inv.notes) notes.add(n);
    return { snapshot: inv.snapshot, source: 'inventory' };
  }

  private decide(fleet: Fleet, request: PlacementRequest, choice: ObjectiveChoice): PlacementDecision {
    // Pareto scoring is always on: it fills every candidate's four objective scores.
    return place(fleet.snapshot, request, { objective: choice.objective, custom: choice.custom, pareto: true, interference: this.interference });
  }

  /** Predicted slowdowns of the request on these hosts (NaN each without a model). */
  private slowdowns(hosts: readonly PlacementHost[], request: PlacementRequest): Float64Array {
    if (!this.interference || hosts.length === 0) return new Float64Array(hosts.length).fill(NaN);
    return this.interference(hosts, request);
  }

  /** The listed hosts of a decision as candidates (explained against the allowed hosts' means). */
  private candidates(decision: PlacementDecision, scored: readonly { s: ScoredHost; rank: number }[], means: Float64Array): CandidateWire[] {
    const slow = this.slowdowns(
      scored.map((x) => x.s.host),
      decision.request,
    );
    return scored.map((x, i) => candidateWire(x.s, x.rank, explain(decision, x.s, x.rank, means), slow[i]));
  }

  /** POST /api/v1/placement/optimize */
  async optimize(body: OptimizeBodyT, queryObjective?: string): Promise<OptimizeWire> {
    const notes = new Notes();
    const { request, policy } = workloadToRequest(body.workload_request, '/body/workload_request', 'unknown', notes);
    const choice = resolveObjective({ body: body.objective, query: queryObjective, policy, policyPath: '/body/workload_request/placement/policy', custom: body.custom_weights });
    const fleet = await this.fleet(body.available_nodes, '/body/available_nodes', notes, [request]);
    unknownIdNotes(request, fleet.snapshot.hosts, notes);
    const decision = this.decide(fleet, request, choice);
    const table = decision.table;
    const max = body.max_candidates ?? DEFAULT_CANDIDATES;
    const means = table.means();
    const listed = Array.from({ length: Math.min(max, table.size) }, (_, rank) => ({ s: table.at(rank), rank }));
    const candidates = this.candidates(decision, listed, means);
    let pareto: CandidateWire[] | undefined;
    if (body.pareto) {
      const rankOf = new Uint32Array(table.size);
      table.order.forEach((row, rank) => (rankOf[row] = rank));
      const members = (decision.pareto ?? []).map((s) => ({ s, rank: rankOf[s.row] })).sort((a, b) => a.rank - b.rank).slice(0, max);
      pareto = this.candidates(decision, members, means);
    }
    if (table.size === 0) notes.add(`No node satisfies the workload's hard rules (${refusalSummary(decision.refused)}): see refused`);
    return {
      workload_id: request.id,
      candidates,
      recommendation: candidates[0] ?? null,
      objective: decision.objective,
      refused: refusedWire(decision.refused),
      refused_total: decision.refused.length,
      ...(pareto ? { pareto } : {}),
      evaluated_nodes: fleet.snapshot.hosts.length,
      allowed_nodes: table.size,
      source: fleet.source,
      notes: notes.list(),
    };
  }

  /** POST /api/v1/placement/batch */
  async batch(body: BatchBodyT, queryObjective?: string): Promise<BatchWire> {
    const n = body.workload_requests.length;
    if (n > MAX_BATCH_WORKLOADS) throw Problem.tooLarge(`/body/workload_requests holds ${n} workloads; the limit is ${MAX_BATCH_WORKLOADS}. Split the batch.`);
    const notes = new Notes();
    const requests: PlacementRequest[] = [];
    const firstIndex = new Map<string, number>();
    const policies = new Map<string, number>();
    body.workload_requests.forEach((w, i) => {
      const path = `/body/workload_requests/${i}`;
      const { request, policy } = workloadToRequest(w, path, `workload_${i}`, notes);
      const first = firstIndex.get(request.id);
      if (first !== undefined) throw bad(`${path}/workload_id`, `repeats the id "${request.id}" of workload_requests[${first}]: ids must be unique in a batch`);
      firstIndex.set(request.id, i);
      if (policy !== undefined && !policies.has(policy)) policies.set(policy, i);
      requests.push(request);
    });
    let policy: string | undefined;
    if (policies.size === 1) policy = [...policies.keys()][0];
    else if (policies.size > 1 && body.objective === undefined && queryObjective === undefined) notes.add(`The workloads name different placement policies (${[...policies.keys()].join(', ')}): scored under balanced; send \`objective\` to choose`);
    const policyPath = `/body/workload_requests/${policy === undefined ? 0 : policies.get(policy)}/placement/policy`;
    const choice = resolveObjective({ body: body.objective, query: queryObjective, policy, policyPath, custom: body.custom_weights });
    const fleet = await this.fleet(body.available_nodes, '/body/available_nodes', notes, requests);
    const hosts = fleet.snapshot.hosts;
    for (const h of hosts) {
      for (const v of h.vms) {
        const i = firstIndex.get(v);
        if (i !== undefined) throw bad(`/body/workload_requests/${i}/workload_id`, `"${v}" already runs on node ${h.id}: a batch places new workloads; give it another id`);
      }
    }
    const goal: BatchGoal = body.goal ?? 'minimize_hosts';
    const result = placeBatch(hosts, requests, goal, fleet.snapshot.now);
    const results: Record<string, CandidateWire[]> = {};
    const chosen = this.batchCandidates(result, requests, choice, goal, fleet.snapshot.now);
    requests.forEach((r, i) => (results[r.id] = chosen[i] ? [chosen[i]!] : []));
    const s = result.summary;
    if (s.unplaced > 0) notes.add(`${s.unplaced} of ${n} workloads could not be placed: see assignments[].reasons`);
    return {
      results,
      assignments: result.placements.map((p) => ({ workload_id: p.requestId, node_id: p.hostId, reasons: p.reasons.map((x) => ({ code: x.code, hosts: x.hosts, message: x.message })) })),
      summary: {
        goal,
        placed: s.placed,
        unplaced: s.unplaced,
        hosts_used: s.hostsUsed,
        hosts_used_before: s.hostsUsedBefore,
        hosts_opened: s.hostsOpened,
        max_utilisation: r6(s.maxUtilisation),
        mean_utilisation: r6(s.meanUtilisation),
        elapsed_ms: r6(s.timeMs),
      },
      objective: choice.objective,
      evaluated_nodes: hosts.length,
      source: fleet.source,
      notes: notes.list(),
    };
  }

  /**
   * Each placed request's candidate on its chosen host, scored on the fleet after the batch with
   * the request itself taken out (as if it were placed last); null for unplaced requests. The
   * batch's hosts are its own copies, so taking a request out and putting it back is safe.
   */
  private batchCandidates(result: BatchResult, requests: readonly PlacementRequest[], choice: ObjectiveChoice, goal: BatchGoal, now: number): (CandidateWire | null)[] {
    const snapshot = new FleetSnapshot(result.hosts, now);
    const rowOf = new Map(result.hosts.map((h, i) => [h.id, i]));
    const weights = weightsFor(choice.objective, choice.custom);
    return requests.map((r, i) => {
      const hostId = result.placements[i].hostId;
      if (hostId === null) return null;
      const row = rowOf.get(hostId)!;
      const host = result.hosts[row];
      const vms = host.vms as Set<string>;
      const groups = host.groups as Map<string, number>;
      const joined = [...new Set([...r.groups, ...(r.spread ?? []).map((x) => x.group)])];
      const saved = { ...host.allocated };
      const savedGroups = joined.map((g) => groups.get(g));
      try {
        for (const k of Object.keys(r.resources) as (keyof typeof r.resources)[]) host.allocated[k] = Math.max(0, host.allocated[k] - r.resources[k]);
        vms.delete(r.id);
        for (const g of joined) {
          const c = (groups.get(g) ?? 0) - 1;
          if (c > 0) groups.set(g, c);
          else groups.delete(g);
        }
        const table = scoreHosts(snapshot, [row], r, { weights, interference: this.interference, pareto: true });
        const s = table.at(0);
        const decision: PlacementDecision = { request: r, objective: choice.objective, weights, table, recommended: s, refused: [] };
        // Explained against itself: no edges, top factors by weighted score.
        const ex = explain(decision, s, 0, s.factorScores);
        ex.reasoning[0] = `Placed by the batch (goal ${goal}); score ${s.score.toFixed(3)} under ${choice.objective} on the fleet after the batch, this workload taken out`;
        return candidateWire(s, 0, ex, this.slowdowns([host], r)[0]);
      } finally {
        Object.assign(host.allocated, saved);
        vms.add(r.id);
        joined.forEach((g, j) => {
          const c = savedGroups[j];
          if (c === undefined) groups.delete(g);
          else groups.set(g, c);
        });
      }
    });
  }

  /** POST /api/v1/placement/predict: NovaCron's PlacementPrediction. */
  async predict(body: PredictBodyT, queryObjective?: string): Promise<PredictWire> {
    const notes = new Notes();
    const { request, policy } = workloadToRequest(body.vm, '/body/vm', 'vm', notes);
    const choice = resolveObjective({ body: body.objective, query: queryObjective, policy, policyPath: '/body/vm/placement/policy', custom: body.custom_weights });
    if (body.candidate_node_ids !== undefined) {
      const allowed = new Set(body.candidate_node_ids);
      const ids = request.allowedNodes ? request.allowedNodes.filter((id) => allowed.has(id)) : [...allowed];
      // An empty list would mean "no restriction"; no node has the empty id, so [''] allows none.
      request.allowedNodes = ids.length ? ids : [''];
      if (!ids.length) notes.add(body.candidate_node_ids.length ? 'No node is both among candidate_node_ids and in the workload\'s node_affinity' : 'candidate_node_ids is empty: no node may be recommended');
    }
    const fleet = await this.fleet(body.nodes, '/body/nodes', notes, [request]);
    unknownIdNotes(request, fleet.snapshot.hosts, notes, 'The VM');
    const decision = this.decide(fleet, request, choice);
    const table = decision.table;
    const base = {
      objective: decision.objective,
      evaluated_nodes: fleet.snapshot.hosts.length,
      allowed_nodes: table.size,
      refused: refusedWire(decision.refused),
      refused_total: decision.refused.length,
      source: fleet.source,
    };
    if (table.size === 0) {
      return {
        recommended_node_id: '',
        confidence: 0,
        reasoning: [
          `No node satisfies the VM's hard rules (${decision.refused.length} refused: ${refusalSummary(decision.refused) || 'none evaluated'}); the scheduler should fall back to its policy`,
          ...decision.refused.slice(0, 5).map((r) => `${r.host.id}: ${r.rejections.map((x) => x.message).join('; ')}`),
        ],
        alternative_nodes: [],
        predicted_metrics: predictedMetrics(null),
        ...base,
        notes: notes.list(),
      };
    }
    const means = table.means();
    const best = table.at(0);
    const ex = explain(decision, best, 0, means);
    const alternatives = Array.from({ length: Math.min(body.max_alternatives ?? DEFAULT_ALTERNATIVES, table.size - 1) }, (_, i) => {
      const s = table.at(i + 1);
      const e = explain(decision, s, i + 1, means);
      return { node_id: s.host.id, score: r6(s.score), confidence: r6(s.coverage), reason: e.reasoning[1] ?? e.reasoning[0] };
    });
    if (best.coverage < 0.7) notes.add(`Confidence ${best.coverage.toFixed(2)} is below NovaCron's AI threshold 0.7: its unified scheduler will use its own policy pick`);
    return {
      recommended_node_id: best.host.id,
      confidence: r6(best.coverage),
      reasoning: ex.reasoning,
      alternative_nodes: alternatives,
      predicted_metrics: predictedMetrics(best),
      ...base,
      notes: notes.list(),
    };
  }

  /** GET /api/v1/placement/factors */
  factors(objective: Objective = 'balanced') {
    return factorsWire(objective);
  }
}
