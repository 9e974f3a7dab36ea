/**
 * A workload as the seed sends it (a dict with the allocation, current utilisations and maybe
 * 7-day summaries) or as we prefer it (plus a usage series), turned into what rightsizing needs:
 * the allocation, the SLA class and the usage in cores and GiB on a regular grid.
 *
 * Utilisations are fractions of the allocation. A history column whose values exceed 1.5 is read
 * as percent (CPU may legitimately run above 1 when a VM bursts past its allocation); a caller
 * can say so outright with `usage_units`.
 */
import { parseTimestamp } from '../telemetry/index.js';
import { toRegularGrid } from './regular-grid.js';
import type { WorkloadWire } from './schemas.js';
import type { SlaClass } from './sla-classes.js';

/** Longest grid a workload's history is resampled to: 35 days of 5-minute steps. */
const MAX_STEPS = 10_080;
/** Above this a utilisation column is read as percent. */
const PERCENT_ABOVE = 1.5;

export interface WorkloadUsageSeries {
  /** Cores and GiB in use per step (NaN: no sample). */
  cpu: Float64Array;
  memGiB: Float64Array;
  startMs: number;
  stepMs: number;
  source: 'request' | 'telemetry';
}

export interface ParsedWorkload {
  id: string;
  /** Index in the request (for error paths). */
  index: number;
  vmId?: string;
  provisioned: { cpuCores: number; memoryGiB: number; storageGiB: number };
  slaClass: SlaClass;
  series?: WorkloadUsageSeries;
  /** 7-day maxima as fractions of the allocation, when sent. */
  summary?: { cpuMax?: number; memoryMax?: number; cpuNow?: number; memoryNow?: number };
}

export class WorkloadInputError extends Error {
  override name = 'WorkloadInputError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path} ${message}`);
  }
}

/** The seed's SLA uptime mapped to our classes. */
export function slaClassOf(w: { sla_class?: string; sla_uptime?: number }): SlaClass {
  if (w.sla_class === 'critical' || w.sla_class === 'standard' || w.sla_class === 'best_effort') return w.sla_class;
  const u = w.sla_uptime;
  if (u === undefined) return 'standard';
  return u >= 0.9999 ? 'critical' : u >= 0.99 ? 'standard' : 'best_effort';
}

const fraction = (x: number | null | undefined, percent: boolean): number | undefined => (x === undefined || x === null ? undefined : percent ? x / 100 : x);

/** A usage series from history rows (`cpu_utilization`|`cpu_usage`, `memory_utilization`|`memory_usage`). */
export function historySeries(rows: readonly Record<string, unknown>[], path: string, allocation: { cpuCores: number; memoryGiB: number }, units?: 'fraction' | 'percent', now = Date.now()): WorkloadUsageSeries {
  const ts = new Float64Array(rows.length);
  const cpu = new Float64Array(rows.length).fill(NaN);
  const mem = new Float64Array(rows.length).fill(NaN);
  let cpuMax = 0;
  let memMax = 0;
  rows.forEach((r, i) => {
    const t = parseTimestamp(r.timestamp, now + 86_400_000);
    if (typeof t === 'string') throw new WorkloadInputError(`${path}/${i}/timestamp`, t);
    ts[i] = t;
    const c = r.cpu_utilization ?? r.cpu_usage;
    const m = r.memory_utilization ?? r.memory_usage;
    for (const [v, key] of [[c, 'cpu_utilization'], [m, 'memory_utilization']] as const) {
      if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new WorkloadInputError(`${path}/${i}/${key}`, 'must be a number ≥ 0 or null');
    }
    if (typeof c === 'number') cpuMax = Math.max(cpuMax, (cpu[i] = c));
    if (typeof m === 'number') memMax = Math.max(memMax, (mem[i] = m));
  });
  const cpuPercent = units ? units === 'percent' : cpuMax > PERCENT_ABOVE;
  const memPercent = units ? units === 'percent' : memMax > PERCENT_ABOVE;
  if (memMax / (memPercent ? 100 : 1) > 1 + 1e-9) throw new WorkloadInputError(`${path}`, 'memory_utilization above 100 % of the allocation: send fractions 0–1 or percent 0–100');
  const g = toRegularGrid(ts, [cpu, mem], MAX_STEPS);
  const [cpuGrid, memGrid] = g.columns;
  for (let s = 0; s < cpuGrid.length; s++) {
    cpuGrid[s] = (cpuGrid[s] / (cpuPercent ? 100 : 1)) * allocation.cpuCores;
    memGrid[s] = (memGrid[s] / (memPercent ? 100 : 1)) * allocation.memoryGiB;
  }
  return { cpu: cpuGrid, memGiB: memGrid, startMs: g.startMs, stepMs: g.stepMs, source: 'request' };
}

/** Parses one workload of the request; `registered` fills what the inventory knows. */
export function parseWorkload(
  w: WorkloadWire & { usage_units?: 'fraction' | 'percent' },
  index: number,
  registered?: { cpuCores: number; memoryGiB: number; storageGiB: number; slaClass?: string | null },
  now = Date.now(),
): ParsedWorkload {
  const path = `/body/${index}`;
  const id = w.workload_id ?? w.vm_id ?? `workload_${index}`;
  const provisioned = {
    cpuCores: w.cpu_cores ?? registered?.cpuCores ?? 1,
    memoryGiB: w.memory_gb ?? registered?.memoryGiB ?? 4,
    storageGiB: w.storage_gb ?? registered?.storageGiB ?? 100,
  };
  const slaClass = slaClassOf({ sla_class: w.sla_class ?? registered?.slaClass ?? undefined, sla_uptime: w.sla_uptime });
  const out: ParsedWorkload = { id, index, vmId: w.vm_id, provisioned, slaClass };
  if (w.usage_history?.length) out.series = historySeries(w.usage_history as Record<string, unknown>[], `${path}/usage_history`, provisioned, w.usage_units, now);
  const units = w.usage_units;
  const anyPercent = [w.cpu_utilization, w.memory_utilization, w.cpu_max_7d, w.memory_max_7d].some((x) => typeof x === 'number' && x > PERCENT_ABOVE);
  const percent = units ? units === 'percent' : anyPercent;
  const summary = {
    cpuMax: fraction(w.cpu_max_7d, percent),
    memoryMax: fraction(w.memory_max_7d, percent),
    cpuNow: fraction(w.cpu_utilization, percent),
    memoryNow: fraction(w.memory_utilization, percent),
  };
  for (const [k, v] of Object.entries(summary)) {
    if (v !== undefined && k.startsWith('memory') && v > 1 + 1e-9) throw new WorkloadInputError(`${path}/${k === 'memoryMax' ? 'memory_max_7d' : 'memory_utilization'}`, 'is above 100 % of the allocation');
  }
  if (Object.values(summary).some((v) => v !== undefined)) out.summary = summary;
  return out;
}
