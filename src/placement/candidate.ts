/**
 * One allowed host seen through one request: the shares every factor needs — allocation and live
 * use after the VM lands — computed once per host, so a hundred factors do not recompute them.
 */
import type { FactColumns } from './fact-columns.js';
import type { PlacementHost, PlacementRequest } from './problem.js';

/** Share of the VM's requested cores it is expected to keep busy when nothing says otherwise. */
export const DEFAULT_EXPECTED_CPU = 0.5;

export interface Candidate {
  readonly host: PlacementHost;
  /** The host's row in its fleet (its index in the fact columns). */
  readonly row: number;
  readonly request: PlacementRequest;
  /** Allocated share of capacity after placement per dimension; NaN where the host offers none. */
  readonly cpuAfter: number;
  readonly memoryAfter: number;
  readonly storageAfter: number;
  readonly networkAfter: number;
  readonly gpuAfter: number;
  /** Measured use after placement (live utilisation plus the VM's expected use); NaN without telemetry. */
  readonly liveCpuAfter: number;
  readonly liveMemoryAfter: number;
  readonly liveStorageAfter: number;
  readonly liveNetworkAfter: number;
}

const share = (used: number, capacity: number): number => (capacity > 0 ? used / capacity : NaN);

/** Live use after placement: measured share plus the VM's expected use; NaN without a measurement. */
const live = (u: number, capacity: number, add: number) => (u !== u || !(capacity > 0) ? NaN : u + add / capacity);

export function makeCandidate(host: PlacementHost, row: number, request: PlacementRequest, columns: FactColumns): Candidate {
  const c = host.capacity;
  const a = host.allocated;
  const r = request.resources;
  const expected = request.soft?.expectedCpuUtilization ?? DEFAULT_EXPECTED_CPU;
  return {
    host,
    row,
    request,
    cpuAfter: share(a.cpu_cores + r.cpu_cores, c.cpu_cores),
    memoryAfter: share(a.memory_mb + r.memory_mb, c.memory_mb),
    storageAfter: share(a.storage_gb + r.storage_gb, c.storage_gb),
    networkAfter: share(a.network_mbps + r.network_mbps, c.network_mbps),
    gpuAfter: share(a.gpu_count + r.gpu_count, c.gpu_count),
    liveCpuAfter: live(columns.numeric('cpu_utilization')[row], c.cpu_cores, r.cpu_cores * expected),
    liveMemoryAfter: live(columns.numeric('memory_utilization')[row], c.memory_mb, r.memory_mb),
    liveStorageAfter: live(columns.numeric('disk_utilization')[row], c.storage_gb, r.storage_gb),
    liveNetworkAfter: live(columns.numeric('network_utilization')[row], c.network_mbps, r.network_mbps * expected),
  };
}
