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
  return new CandidateCursor(request, [host], [row], 'numeric' in columns ? liveColumns(columns) : columns).moveTo(0);
}

/**
 * One mutable Candidate that walks the allowed hosts of a request (`moveTo(i)`), so scoring ten
 * thousand hosts allocates no candidate objects. Factors read it during their call and keep nothing.
 * The shares are computed once per host into columns, so walking the hosts again for each
 * factor (the scorer runs factor by factor, which keeps one factor's code hot) costs a copy.
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
  /** Host-major: shares[i * SHARES + k] in the field order of moveTo. */
  private readonly shares: Float64Array;

  constructor(
    readonly request: PlacementRequest,
    private readonly hosts: readonly PlacementHost[],
    private readonly rows: readonly number[],
    columns: LiveColumns,
    /** Where to keep the shares (a scratch buffer of at least hosts × 9); default: a new one. */
    buffer?: Float64Array,
  ) {
    const expected = request.soft?.expectedCpuUtilization ?? DEFAULT_EXPECTED_CPU;
    const r = request.resources;
    const n = hosts.length;
    const out = (this.shares = buffer && buffer.length >= n * SHARES ? buffer : new Float64Array(n * SHARES));
    for (let i = 0; i < n; i++) {
      const c = hosts[i].capacity;
      const a = hosts[i].allocated;
      const row = rows[i];
      const o = i * SHARES;
      out[o] = share(a.cpu_cores + r.cpu_cores, c.cpu_cores);
      out[o + 1] = share(a.memory_mb + r.memory_mb, c.memory_mb);
      out[o + 2] = share(a.storage_gb + r.storage_gb, c.storage_gb);
      out[o + 3] = share(a.network_mbps + r.network_mbps, c.network_mbps);
      out[o + 4] = share(a.gpu_count + r.gpu_count, c.gpu_count);
      out[o + 5] = live(columns.cpu[row], c.cpu_cores, r.cpu_cores * expected);
      out[o + 6] = live(columns.memory[row], c.memory_mb, r.memory_mb);
      out[o + 7] = live(columns.disk[row], c.storage_gb, r.storage_gb);
      out[o + 8] = live(columns.network[row], c.network_mbps, r.network_mbps * expected);
    }
  }

  moveTo(i: number): this {
    const s = this.shares;
    const o = i * SHARES;
    this.host = this.hosts[i];
    this.row = this.rows[i];
    this.cpuAfter = s[o];
    this.memoryAfter = s[o + 1];
    this.storageAfter = s[o + 2];
    this.networkAfter = s[o + 3];
    this.gpuAfter = s[o + 4];
    this.liveCpuAfter = s[o + 5];
    this.liveMemoryAfter = s[o + 6];
    this.liveStorageAfter = s[o + 7];
    this.liveNetworkAfter = s[o + 8];
    return this;
  }
}

/** Numbers kept per host by CandidateCursor. */
export const SHARES = 9;
