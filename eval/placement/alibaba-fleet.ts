/**
 * Hosts shaped after Alibaba's cluster-trace-v2018 machine_meta.csv (no header: machine_id,
 * time_stamp, failure_domain_1, failure_domain_2, cpu_num, mem_size, status; see the folder's
 * PROVENANCE.md). Each machine's latest row gives its shape and status; machines are taken in
 * numeric id order (m_1, m_2, …) among those whose latest status is USING.
 *
 * Memory: the trace normalises mem_size to the largest machine (all machines read 100), so the
 * absolute size is not published. It is an explicit parameter here; the evaluation states its
 * choice (512 GiB) and why, and reports other sizes beside it.
 *
 * Failure domains: failure_domain_1 (292 values, about 14 machines each: rack-like) becomes the
 * host's `failureDomain` and `rack`; failure_domain_2 (21 values: a coarser level) its `zone`.
 */
import fs from 'node:fs';
import { datasetPath } from '../lib/datasets-dir.js';
import type { PlacementHost } from '../../src/placement/problem.js';

export const ALIBABA_META = ['alibaba-2018-sample', 'machine_meta.csv'] as const;

export interface AlibabaMachine {
  id: string;
  cpus: number;
  memNormalised: number;
  fd1: string;
  fd2: string;
  status: string;
}

export function alibabaPresent(): boolean {
  return fs.existsSync(datasetPath(...ALIBABA_META));
}

export function readMachines(): AlibabaMachine[] {
  const latest = new Map<string, { t: number; m: AlibabaMachine }>();
  for (const line of fs.readFileSync(datasetPath(...ALIBABA_META), 'utf8').split(/\r?\n/)) {
    if (!line) continue;
    const [id, t, fd1, fd2, cpu, mem, status] = line.split(',');
    const time = Number(t);
    const prev = latest.get(id);
    if (!prev || time >= prev.t) latest.set(id, { t: time, m: { id, cpus: Number(cpu), memNormalised: Number(mem), fd1, fd2, status } });
  }
  const num = (id: string) => Number(id.replace(/^m_/, ''));
  return [...latest.values()].map((x) => x.m).sort((a, b) => num(a.id) - num(b.id));
}

/** The first `n` machines in USING state as empty placement hosts with `memGiB` of memory. */
export function alibabaHosts(machines: readonly AlibabaMachine[], n: number, memGiB: number): PlacementHost[] {
  const using = machines.filter((m) => m.status === 'USING');
  if (using.length < n) throw new Error(`only ${using.length} machines in USING state, ${n} asked`);
  return using.slice(0, n).map((m) => ({
    id: m.id,
    status: 'available',
    capacity: { cpu_cores: m.cpus, memory_mb: (memGiB * 1024 * m.memNormalised) / 100, storage_gb: 0, network_mbps: 0, gpu_count: 0 },
    allocated: { cpu_cores: 0, memory_mb: 0, storage_gb: 0, network_mbps: 0, gpu_count: 0 },
    zone: `fd2-${m.fd2}`,
    rack: `fd1-${m.fd1}`,
    failureDomain: `fd1-${m.fd1}`,
    complianceTags: new Set<string>(),
    labels: {},
    maintenance: [],
    vms: new Set<string>(),
    groups: new Map<string, number>(),
  }));
}
