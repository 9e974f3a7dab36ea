/**
 * Why a host was chosen, in words: where it stands among the allowed hosts, the factors that set
 * it apart (strong and weak), how full it will be after placement, and how much of the weight had
 * data. Also the seed engine's fixed phrases where their conditions hold, so callers that matched
 * on them keep working.
 */
import { FACTOR_INDEX } from './factor-catalogue.js';
import type { PlacementDecision } from './placement-engine.js';
import { topFactors, type FactorContribution, type ScoredHost } from './scorer.js';

const pct = (x: number) => `${Math.round(x * 100)} %`;

export interface PostPlacementUtilisation {
  /** Allocated share per resource after placement (null where the host offers none). */
  allocated: { cpu: number | null; memory: number | null; storage: number | null; network: number | null; gpu: number | null };
  /** Measured use after placement (live use + the VM's expected use), null without telemetry. */
  measured: { cpu: number | null; memory: number | null; storage: number | null; network: number | null };
}

const orNull = (x: number) => (x === x ? x : null);

export function postPlacementUtilisation(s: ScoredHost): PostPlacementUtilisation {
  const c = s.candidate;
  return {
    allocated: { cpu: orNull(c.cpuAfter), memory: orNull(c.memoryAfter), storage: orNull(c.storageAfter), network: orNull(c.networkAfter), gpu: orNull(c.gpuAfter) },
    measured: { cpu: orNull(c.liveCpuAfter), memory: orNull(c.liveMemoryAfter), storage: orNull(c.liveStorageAfter), network: orNull(c.liveNetworkAfter) },
  };
}

function describe(f: FactorContribution, mean: number): string {
  return `${f.name} ${f.score.toFixed(2)} against ${mean.toFixed(2)} on average`;
}

export interface Explanation {
  reasoning: string[];
  topFactors: FactorContribution[];
  utilisation: PostPlacementUtilisation;
}

/** Explains one scored host of a decision (rank counts from 0). */
export function explain(decision: PlacementDecision, s: ScoredHost, rank: number, means = decision.table.means()): Explanation {
  const top = topFactors(s, means, decision.weights, 6);
  const strong = top.filter((f) => f.edge > 1e-6).slice(0, 3);
  const weak = top.filter((f) => f.edge < -1e-6).slice(0, 2);
  const n = decision.table.size;
  const reasoning: string[] = [`Rank ${rank + 1} of ${n} allowed host${n === 1 ? '' : 's'} (${decision.refused.length} refused by hard rules), score ${s.score.toFixed(3)} under ${decision.objective}`];
  if (strong.length) reasoning.push(`Stands out on ${strong.map((f) => describe(f, means[FACTOR_INDEX.get(f.name)!])).join('; ')}`);
  if (weak.length) reasoning.push(`Weaker on ${weak.map((f) => describe(f, means[FACTOR_INDEX.get(f.name)!])).join('; ')}`);
  const u = postPlacementUtilisation(s);
  const alloc = [u.allocated.cpu !== null && `CPU ${pct(u.allocated.cpu)}`, u.allocated.memory !== null && `memory ${pct(u.allocated.memory)}`].filter(Boolean);
  reasoning.push(`After placement: ${alloc.join(', ')} allocated${u.measured.cpu !== null ? `; measured CPU about ${pct(u.measured.cpu)}` : ''}`);
  if (s.coverage < 0.7) reasoning.push(`Only ${pct(s.coverage)} of the objective's weight had data for this host; the rest renormalised`);
  // The seed engine's phrases (contract §4C), under the same conditions.
  const c = s.candidate;
  const freeCores = c.host.capacity.cpu_cores - c.host.allocated.cpu_cores;
  if (freeCores >= 2 * c.request.resources.cpu_cores && c.request.resources.cpu_cores > 0) reasoning.push('Ample CPU resources available');
  const latency = Number(c.host.facts?.network_latency_ms);
  if (Number.isFinite(latency) && latency < 10) reasoning.push('Low network latency to this node');
  if (Number(c.host.facts?.failures_per_year) === 0) reasoning.push('Node has excellent reliability history');
  return { reasoning, topFactors: top, utilisation: u };
}
