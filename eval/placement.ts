/**
 * `npm run eval:placement` — batch placement measured on real VMs and real host shapes.
 *
 * VMs: the 500 VMs of the Bitbrains GWA-T-12 Rnd trace, August 2013 (eval/lib/bitbrains.ts
 * for how rows become a 5-minute grid). Hosts: Alibaba cluster-trace-v2018 machines
 * (eval/placement/alibaba-fleet.ts): 96 cores, failure domains from the trace, in id order.
 *
 * Host memory is an assumption: the trace normalises mem_size to its largest machine and every
 * machine reads 100, so the fleet is homogeneous but its size is not published. We take 512 GiB:
 * a 2017-era two-socket server with 96 hardware threads carries 384–768 GiB, and 512 GiB is the
 * smallest common size that holds Bitbrains' largest VM (VM 27: 32 cores, 511.5 GiB provisioned).
 * Part (a) is repeated at 384 and 256 GiB (where VM 27 fits no host and memory starts to bind).
 *
 * (a) Provisioned packing: each VM's provisioned cores and memory (largest seen in the fit window)
 *     onto a fleet of 2 × the lower bound; hosts used beside the lower bound (max over CPU and
 *     memory of ceil(total demand / host capacity); a tighter "incompatibility-aware" bound is
 *     printed beside it, see eval/placement/packing.ts) for our batch placement, plain FFD, and
 *     Kubernetes LeastAllocated / MostAllocated scoring in arrival order. Every packing is replayed
 *     through verifyAssignment (hard-rule violations must be 0). (a') the same with synthetic
 *     services (5 consecutive VM ids each) spread over failure domains (maxSkew 1).
 * (b) Usage-aware packing: fit = the grid before the last 7 days (≈ 23 days), replay = the last 7
 *     days, never looked at while fitting. Per VM the max, p99 and p95 (and, for contrast, the
 *     median) of cores and of memory in use over the fit window; pack by each (and by provisioned
 *     size) with our batch placement;
 *     replay the real 5-minute usage of the held-out week: hosts used, host-minutes over 100 % and
 *     90 % of capacity (CPU, memory, either), the share of host-steps over, the worst host.
 * (c) Scale: 1,000 VMs (the 500, each twice) onto 1,000 hosts, timed, local search included.
 *
 * The last line is one JSON object with every figure.
 *
 *   npx tsx eval/placement.ts [--vms 500]
 */
import { parseArgs } from 'node:util';
import { placeBatch, verifyAssignment } from '../src/placement/batch-placement.js';
import { alibabaHosts, readMachines } from './placement/alibaba-fleet.js';
import { GRID_STEPS, loadBitbrains, STEP_S } from './lib/bitbrains.js';
import { demands, incompatibilityBound, lowerBound, METHOD_LABEL, METHODS, pack, replayUsage, toRequests, type DemandBasis, type PackingOutcome, type VmDemand } from './placement/packing.js';

const { values: args } = parseArgs({ options: { vms: { type: 'string', default: '500' } } });
const NOW = Date.UTC(2013, 7, 23);
const HOST_CORES = 96;
const MEMORY_GIB = 512;
const ALT_MEMORY_GIB = [384, 256];
const REPLAY_DAYS = 7;

const started = performance.now();
const secs = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);

let t = performance.now();
const machines = readMachines();
const vms = loadBitbrains(Number(args.vms));
const testStart = GRID_STEPS - (REPLAY_DAYS * 86400) / STEP_S;
const iso = (step: number) => new Date((1375308000 + step * STEP_S) * 1000).toISOString().slice(0, 16) + 'Z';
console.log(`Data: ${vms.length} Bitbrains Rnd VMs (${vms.reduce((a, v) => a + v.rows, 0)} rows; ${vms.reduce((a, v) => a + v.merged, 0)} 5-minute steps merged from several rows), ${machines.length} Alibaba machines; loaded in ${secs(t)}`);
console.log(`Fit window ${iso(0)} – ${iso(testStart)} (${testStart} steps); replay window ${iso(testStart)} – ${iso(GRID_STEPS)} (${GRID_STEPS - testStart} steps), never used to fit.`);
console.log(`Hosts: ${HOST_CORES} cores; memory assumed ${MEMORY_GIB} GiB (alternatives ${ALT_MEMORY_GIB.join(', ')} GiB below).`);

const out: Record<string, unknown> = { vms: vms.length, memoryAssumptionGiB: MEMORY_GIB, fitSteps: testStart, replaySteps: GRID_STEPS - testStart };
const provisioned = demands(vms, 'provisioned', 0, testStart);

// ---- (a) provisioned packing ----------------------------------------------------------------
interface PackRow {
  method: string;
  hosts: number;
  ratio: number;
  unplaced: number;
  violations: number;
  ms: number;
  detail?: string;
}
function packTable(title: string, ds: VmDemand[], memGiB: number, spread: boolean): { lb: ReturnType<typeof lowerBound>; tight: number; fleet: number; rows: PackRow[]; outcomes: PackingOutcome[] } {
  const lb = lowerBound(ds, HOST_CORES, memGiB);
  const tight = incompatibilityBound(ds, HOST_CORES, memGiB);
  const fleetSize = 2 * lb.hosts;
  const hosts = alibabaHosts(machines, fleetSize, memGiB);
  const requests = toRequests(ds, spread ? (_d, i) => ({ groups: [`svc${Math.floor(i / 5)}`], spread: [{ over: 'failure_domain', group: `svc${Math.floor(i / 5)}`, maxSkew: 1 }] }) : undefined);
  const outcomes = METHODS.map((m) => pack(m, hosts, requests, NOW));
  const rows = outcomes.map((o) => ({ method: o.method, hosts: o.hostsUsed, ratio: o.hostsUsed / lb.hosts, unplaced: o.unplaced, violations: o.violations, ms: Math.round(o.timeMs), detail: o.detail }));
  const domains = new Set(hosts.map((h) => h.failureDomain)).size;
  console.log(`\n${title}`);
  console.log(`  lower bound ${lb.hosts} hosts (CPU ${lb.byCpu}, memory ${lb.byMemory}; incompatibility-aware ${tight})${lb.tooLarge.length ? `; larger than any host, unplaceable: VM ${lb.tooLarge.join(', ')}` : ''}; fleet ${fleetSize} hosts in ${domains} failure domains`);
  console.log(`  ${pad('method', 40)} ${lpad('hosts', 5)} ${lpad('× LB', 6)} ${lpad('unplaced', 8)} ${lpad('violations', 10)} ${lpad('ms', 6)}`);
  for (const r of rows) console.log(`  ${pad(METHOD_LABEL[r.method as keyof typeof METHOD_LABEL], 40)} ${lpad(r.hosts, 5)} ${lpad(r.ratio.toFixed(3), 6)} ${lpad(r.unplaced, 8)} ${lpad(r.violations, 10)} ${lpad(r.ms, 6)}${r.detail ? `  (${r.detail})` : ''}`);
  return { lb, tight, fleet: fleetSize, rows, outcomes };
}

t = performance.now();
const partA: Record<string, unknown> = {};
const primary = packTable(`(a) Provisioned packing, ${MEMORY_GIB} GiB hosts (the assumption)`, provisioned, MEMORY_GIB, false);
partA[`${MEMORY_GIB}GiB`] = { lowerBound: primary.lb, incompatibilityBound: primary.tight, fleet: primary.fleet, methods: primary.rows };
for (const mem of ALT_MEMORY_GIB) {
  const alt = packTable(`(a) Provisioned packing, ${mem} GiB hosts (sensitivity)`, provisioned, mem, false);
  partA[`${mem}GiB`] = { lowerBound: alt.lb, incompatibilityBound: alt.tight, fleet: alt.fleet, methods: alt.rows };
}
const spread = packTable(`(a') Provisioned packing, ${MEMORY_GIB} GiB, synthetic services of 5 consecutive VMs spread over failure domains (maxSkew 1)`, provisioned, MEMORY_GIB, true);
partA[`${MEMORY_GIB}GiB_spread`] = { lowerBound: spread.lb, incompatibilityBound: spread.tight, fleet: spread.fleet, methods: spread.rows };
console.log(`  part (a) took ${secs(t)}`);
out.provisioned = partA;

// ---- (b) usage-aware packing ----------------------------------------------------------------
t = performance.now();
const fleetB = alibabaHosts(machines, primary.fleet, MEMORY_GIB);
const bases: DemandBasis[] = ['provisioned', 'max', 'p99', 'p95', 'p50'];
const partB: Record<string, unknown> = {};
console.log(`\n(b) Usage-aware packing (ours), ${MEMORY_GIB} GiB hosts, fleet ${fleetB.length}; replay of the held-out ${REPLAY_DAYS} days, 5-minute steps`);
console.log(`  ${pad('packed by', 12)} ${lpad('hosts', 5)} ${lpad('LB', 4)} | ${lpad('CPU>100% min', 12)} ${lpad('>90% min', 9)} ${lpad('share>100', 9)} | ${lpad('mem>100% min', 12)} ${lpad('>90% min', 9)} | ${lpad('either>100 share', 16)} ${lpad('>90 share', 9)} | ${lpad('mean CPU', 8)} ${lpad('mean mem', 8)} | worst host (peak CPU, peak mem, min>100%)`);
for (const basis of bases) {
  const ds = basis === 'provisioned' ? provisioned : demands(vms, basis, 0, testStart);
  const lb = lowerBound(ds, HOST_CORES, MEMORY_GIB);
  const requests = toRequests(ds);
  const o = pack('ours', fleetB, requests, NOW);
  const r = replayUsage(vms, o.assignment, fleetB, testStart, GRID_STEPS);
  const w = r.worst;
  console.log(
    `  ${pad(basis, 12)} ${lpad(o.hostsUsed, 5)} ${lpad(lb.hosts, 4)} | ${lpad(r.cpu.minutesOver100, 12)} ${lpad(r.cpu.minutesOver90, 9)} ${lpad(pct(r.cpu.shareOver100), 9)} | ${lpad(r.memory.minutesOver100, 12)} ${lpad(r.memory.minutesOver90, 9)} | ${lpad(pct(r.either.shareOver100), 16)} ${lpad(pct(r.either.shareOver90), 9)} | ${lpad(pct(r.meanCpu), 8)} ${lpad(pct(r.meanMemory), 8)} | ${w ? `${w.host} (${pct(w.peakCpu)}, ${pct(w.peakMemory)}, ${w.minutesOver100})` : '-'}${o.unplaced ? `  [${o.unplaced} unplaced]` : ''}`,
  );
  partB[basis] = { hostsUsed: o.hostsUsed, lowerBound: lb.hosts, unplaced: o.unplaced, violations: o.violations, cpu: r.cpu, memory: r.memory, either: r.either, meanCpu: r.meanCpu, meanMemory: r.meanMemory, worst: r.worst };
}
console.log(`  part (b) took ${secs(t)}`);
out.usage = partB;

// ---- (c) scale --------------------------------------------------------------------------------
t = performance.now();
const twice: VmDemand[] = [...provisioned, ...provisioned.map((d) => ({ ...d, id: `${d.id}b` }))].filter((d) => d.cores <= HOST_CORES && d.memGiB <= MEMORY_GIB);
const scaleHosts = alibabaHosts(machines, 1000, MEMORY_GIB);
const scaleReqs = toRequests(twice.slice(0, 1000));
const t0 = performance.now();
const scale = placeBatch(scaleHosts, scaleReqs, { goal: 'minimize_hosts', now: NOW });
const batchMs = performance.now() - t0;
const t1 = performance.now();
const scaleViolations = verifyAssignment(scaleHosts, scaleReqs, scale.assignment, { now: NOW }).length;
const verifyMs = performance.now() - t1;
const scaleLb = lowerBound(twice.slice(0, 1000), HOST_CORES, MEMORY_GIB).hosts;
console.log(`\n(c) Scale: ${scaleReqs.length} VMs onto ${scaleHosts.length} hosts: ${batchMs.toFixed(0)} ms for the batch (${scale.summary.tried.length} algorithm runs, local search included), ${scale.summary.hostsUsed} hosts (lower bound ${scaleLb}); verifyAssignment ${verifyMs.toFixed(0)} ms, ${scaleViolations} violations`);
out.scale = { vms: scaleReqs.length, hosts: scaleHosts.length, batchMs: Math.round(batchMs), hostsUsed: scale.summary.hostsUsed, lowerBound: scaleLb, violations: scaleViolations, verifyMs: Math.round(verifyMs) };

const ours = primary.rows.find((r) => r.method === 'ours')!;
const ffd = primary.rows.find((r) => r.method === 'ffd')!;
out.headline = { lowerBound: primary.lb.hosts, ours: ours.hosts, ffd: ffd.hosts, oursOverLowerBound: ours.ratio, ffdOverLowerBound: ffd.ratio, oursOverFfd: ours.hosts / ffd.hosts };
console.log(`\neval:placement finished in ${secs(started)}`);
console.log(JSON.stringify({ placement: out }));
