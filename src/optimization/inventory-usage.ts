/**
 * The registered VMs with their stored utilisation as usage series, read in bulk (one query per
 * chunk of series, not per VM) for fleet-wide rightsizing. A VM's CPU and memory utilisation
 * (fractions of its allocation) become cores and GiB on one regular grid.
 */
import type { Store, VmRecord } from '../platform/store/index.js';
import { GONE_STATES, yieldToLoop } from './cluster-inventory.js';
import { toRegularGrid } from './regular-grid.js';
import type { WorkloadUsageSeries } from './resource-workload.js';

/** Most VMs one fleet-wide pass sizes. */
export const MAX_FLEET_VMS = 10_000;
/** Most samples read in one pass (about 2,000 VMs × 14 days × 2 metrics at 5 minutes). */
export const MAX_FLEET_SAMPLES = 20_000_000;
const PAGE = 1_000;
const SERIES_CHUNK = 256;
const MAX_STEPS = 10_080;

export interface VmUsage {
  vm: VmRecord;
  /** Undefined when the VM has no stored utilisation in the window. */
  series?: WorkloadUsageSeries;
}

export async function readFleetUsage(store: Store, now: number, days: number): Promise<{ items: VmUsage[]; total: number; notes: string[] }> {
  const notes: string[] = [];
  const vms: VmRecord[] = [];
  let total = 0;
  for (let offset = 0; vms.length < MAX_FLEET_VMS; offset += PAGE) {
    const page = await store.inventory.listVms({ limit: PAGE, offset });
    total = page.total;
    for (const v of page.items) if (!GONE_STATES.has(v.state) && v.cpu_cores > 0 && v.memory_mb > 0 && vms.length < MAX_FLEET_VMS) vms.push(v);
    if (page.items.length < PAGE) break;
  }
  if (total > MAX_FLEET_VMS) notes.push(`${total} VMs registered: the first ${MAX_FLEET_VMS} by id were sized (the limit of one pass)`);
  const index = new Map(vms.map((v, i) => [v.id, i]));
  const cpu: (Float64Array[] | undefined)[] = new Array(vms.length);
  const mem: (Float64Array[] | undefined)[] = new Array(vms.length);
  const series = vms.length ? await store.telemetry.seriesOf(['cpu_utilization', 'memory_utilization'], vms.map((v) => v.id)) : [];
  let samples = 0;
  for (let i = 0; i < series.length; i += SERIES_CHUNK) {
    if (samples > MAX_FLEET_SAMPLES) {
      notes.push(`telemetry read stopped after ${samples} samples (limit ${MAX_FLEET_SAMPLES}): the VMs not read are listed without usage`);
      break;
    }
    const chunk = series.slice(i, i + SERIES_CHUNK);
    const windows = await store.telemetry.readWindows(chunk.map((s) => s.id), now - days * 86_400_000, now);
    for (const s of chunk) {
      const w = windows.get(s.id);
      const k = index.get(s.entity_id);
      if (!w || k === undefined || !w.values.length) continue;
      samples += w.values.length;
      (s.metric === 'cpu_utilization' ? cpu : mem)[k] = [w.ts, w.values];
    }
    await yieldToLoop();
  }
  const items = vms.map((vm, k): VmUsage => {
    const c = cpu[k];
    const m = mem[k];
    const series = usageFromUtilisation({ cpuCores: vm.cpu_cores, memoryGiB: vm.memory_mb / 1024 }, c && { ts: c[0], values: c[1] }, m && { ts: m[0], values: m[1] });
    return series ? { vm, series } : { vm };
  });
  return { items, total, notes };
}

type Samples = { ts: ArrayLike<number>; values: ArrayLike<number> };

/**
 * Stored CPU and memory utilisation (fractions of the allocation, each at its own timestamps) as
 * cores and GiB in use on one regular grid; undefined when neither has a sample.
 */
export function usageFromUtilisation(alloc: { cpuCores: number; memoryGiB: number }, cpu?: Samples, mem?: Samples): WorkloadUsageSeries | undefined {
  const nc = cpu?.ts.length ?? 0;
  const nm = mem?.ts.length ?? 0;
  if (nc + nm === 0) return undefined;
  const ts = new Float64Array(nc + nm);
  const cores = new Float64Array(nc + nm).fill(NaN);
  const gib = new Float64Array(nc + nm).fill(NaN);
  for (let i = 0; i < nc; i++) {
    ts[i] = cpu!.ts[i];
    cores[i] = cpu!.values[i] * alloc.cpuCores;
  }
  for (let i = 0; i < nm; i++) {
    ts[nc + i] = mem!.ts[i];
    gib[nc + i] = mem!.values[i] * alloc.memoryGiB;
  }
  const g = toRegularGrid(ts, [cores, gib], MAX_STEPS);
  return { cpu: g.columns[0], memGiB: g.columns[1], startMs: g.startMs, stepMs: g.stepMs, source: 'telemetry' };
}
