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

/** The live-utilisation columns makeCandidate reads, resolved once per request. */
export interface LiveColumns {
  cpu: Float64Array;
  memory: Float64Array;
  disk: Float64Array;
  network: Float64Array;
}

export function liveColumns(columns: FactColumns): LiveColumns {
  return { cpu: columns.numeric('cpu_utilization'), memory: columns.numeric('memory_utilization'), disk: columns.numeric('disk_utilization'), network: columns.numeric('network_utilization') };
}

export function makeCandidate(host: PlacementHost, row: number, request: PlacementRequest, columns: FactColumns | LiveColumns): Candidate {
  const lc = 'numeric' in columns ? liveColumns(columns) : columns;
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
    liveCpuAfter: live(lc.cpu[row], c.cpu_cores, r.cpu_cores * expected),
    liveMemoryAfter: live(lc.memory[row], c.memory_mb, r.memory_mb),
    liveStorageAfter: live(lc.disk[row], c.storage_gb, r.storage_gb),
    liveNetworkAfter: live(lc.network[row], c.network_mbps, r.network_mbps * expected),
  };
}

/**
 * One mutable Candidate that walks the allowed hosts of a request (`moveTo(i)`), so scoring ten
 * thousand hosts allocates no candidate objects. Factors read it during their call and keep nothing.
 */
export class CandidateCursor implements Candidate {
  host!: PlacementHost;
  row = -1;
  cpuAfter = NaN;
  memoryAfter = NaN;
  storageAfter = NaN;
  networkAfter = NaN;
  gpuAfter = NaN;
  liveCpuAfter = NaN;
  liveMemoryAfter = NaN;
  liveStorageAfter = NaN;
  liveNetworkAfter = NaN;
  private readonly expected: number;

  constructor(
    readonly request: PlacementRequest,
    private readonly hosts: readonly PlacementHost[],
    private readonly rows: readonly number[],
    private readonly live: LiveColumns,
  ) {
    this.expected = request.soft?.expectedCpuUtilization ?? DEFAULT_EXPECTED_CPU;
  }

  moveTo(i: number): this {
    const host = this.hosts[i];
    const row = this.rows[i];
    const c = host.capacity;
    const a = host.allocated;
    const r = this.request.resources;
    this.host = host;
    this.row = row;
    this.cpuAfter = share(a.cpu_cores + r.cpu_cores, c.cpu_cores);
    this.memoryAfter = share(a.memory_mb + r.memory_mb, c.memory_mb);
    this.storageAfter = share(a.storage_gb + r.storage_gb, c.storage_gb);
    this.networkAfter = share(a.network_mbps + r.network_mbps, c.network_mbps);
    this.gpuAfter = share(a.gpu_count + r.gpu_count, c.gpu_count);
    this.liveCpuAfter = live(this.live.cpu[row], c.cpu_cores, r.cpu_cores * this.expected);
    this.liveMemoryAfter = live(this.live.memory[row], c.memory_mb, r.memory_mb);
    this.liveStorageAfter = live(this.live.disk[row], c.storage_gb, r.storage_gb);
    this.liveNetworkAfter = live(this.live.network[row], c.network_mbps, r.network_mbps * this.expected);
    return this;
  }
}
