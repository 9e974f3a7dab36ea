/**
 * Rightsizing from the seed's summaries alone (a 7-day maximum per resource, as fractions of the
 * allocation), for callers that send no series: the AWS Compute Optimizer rule — the observed
 * peak plus headroom — which needs no distribution. It is a fallback and says so: confidence
 * stays below NovaCron's 0.7 threshold, so automation acts on series-based recommendations only.
 */
import { allocationMonthlyCost, type CostModel } from './cost-model.js';
import { roundUp, type Recommendation } from './rightsizing.js';
import type { ParsedWorkload } from './resource-workload.js';
import type { SlaClass } from './sla-classes.js';

/** Headroom on the 7-day peak per class (AWS uses 20 % on p99.5 of 14 days). */
export const SUMMARY_HEADROOM: Readonly<Record<SlaClass, number>> = { critical: 0.3, standard: 0.2, best_effort: 0.1 };
/** A peak is not a distribution: one number per resource cannot earn more. */
export const SUMMARY_CONFIDENCE = 0.45;
/** Cuts smaller than this share are not worth a resize. */
const MIN_REDUCTION = 0.1;

export interface SummarySizing {
  recommendation: Recommendation;
  cpuTarget: number;
  memoryTarget: number;
  monthlyCostChange: number;
}

/** Null when the workload has no 7-day maximum at all. */
export function sizeFromSummary(w: ParsedWorkload, model: CostModel, now = Date.now()): SummarySizing | null {
  const s = w.summary;
  if (!s || (s.cpuMax === undefined && s.memoryMax === undefined)) return null;
  const p = w.provisioned;
  const headroom = SUMMARY_HEADROOM[w.slaClass];
  const reasons: string[] = [];
  const size = (max: number | undefined, now_: number | undefined, alloc: number, resource: 'cpu' | 'memory', unit: string) => {
    if (max === undefined) return alloc;
    const peak = Math.max(max, now_ ?? 0) * alloc;
    const target = Math.max(resource === 'cpu' ? 0.025 : 0.25, roundUp(peak * (1 + headroom), resource));
    reasons.push(`${resource === 'cpu' ? 'CPU' : 'Memory'} 7-day peak ${peak.toFixed(2)} ${unit} of ${alloc} allocated; +${Math.round(headroom * 100)} % headroom (${w.slaClass}) → ${target} ${unit}`);
    return target;
  };
  let cpu = size(s.cpuMax, s.cpuNow, p.cpuCores, 'cpu', 'cores');
  let mem = size(s.memoryMax, s.memoryNow, p.memoryGiB, 'memory', 'GiB');
  const up = cpu > p.cpuCores || mem > p.memoryGiB;
  // A resource whose cut is too small to matter keeps its size.
  if (!up) {
    if (cpu > p.cpuCores * (1 - MIN_REDUCTION)) cpu = p.cpuCores;
    if (mem > p.memoryGiB * (1 - MIN_REDUCTION)) mem = p.memoryGiB;
  }
  const action = up ? 'scale_up' : cpu < p.cpuCores || mem < p.memoryGiB ? 'scale_down' : 'maintain';
  const before = allocationMonthlyCost(model, p.cpuCores, p.memoryGiB);
  const after = allocationMonthlyCost(model, cpu, mem);
  const change = after - before;
  const starved = (s.cpuMax ?? 0) >= 0.98 || (s.memoryMax ?? 0) >= 0.98;
  const priority = action === 'scale_up' ? (starved ? 1 : 2) : action === 'maintain' ? 5 : -change / before >= 0.5 ? 3 : -change / before >= 0.25 ? 4 : 5;
  reasons.unshift('Sized from the 7-day maxima sent (no usage series): send usage_history or register the VM\'s telemetry for a forecast-based recommendation');
  if (action === 'maintain') reasons.push('No change worth making');
  else reasons.push(change < 0 ? `Saves ${(-change).toFixed(2)} a month (cost model)` : `Costs ${change.toFixed(2)} more a month (cost model)`);
  const util = (mean: number | undefined, alloc: number, target: number) => (mean === undefined ? 0 : (mean * alloc) / target - mean);
  return {
    recommendation: {
      action,
      target_resources: { cpu_cores: cpu, memory_gb: mem, storage_gb: p.storageGiB },
      expected_impact: {
        // Unknown without a distribution: no claim is made.
        performance_change: 0,
        cost_change: before > 0 ? change / before : 0,
        efficiency_change: (util(s.cpuNow, p.cpuCores, cpu) + util(s.memoryNow, p.memoryGiB, mem)) / 2,
        resource_utilization_change: 0,
      },
      confidence: SUMMARY_CONFIDENCE,
      reasoning: reasons,
      priority,
      timestamp: new Date(now).toISOString(),
    },
    cpuTarget: cpu,
    memoryTarget: mem,
    monthlyCostChange: change,
  };
}
