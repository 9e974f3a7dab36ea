/**
 * A deterministic simulator of VM co-location interference: a host with its neighbours, an
 * incoming VM, and the slowdown that VM measures against running alone on the same hardware.
 * It is the training and evaluation data of the interference model (interference-model.ts).
 *
 * The model is a "stall stack": a VM alone spends fractions f = (compute, memory stalls, disk
 * I/O, network) of its time on four shared resources — its class's time shares, perturbed per
 * VM. Co-located, each part stretches by a contention factor s_k, and the VM's slowdown is
 * S = Σ f_k·s_k (a latency-sensitive service is judged by its tail, so S^γ with γ = 1.4). The
 * measured degradation is the lost throughput, d = 1 − 1/S (0.12 = 12 % less work done per
 * unit of time than alone). The contention factors, each against the VM's own solo baseline:
 *
 *  - compute: busy threads D = Σ vCPUs·utilisation over P physical cores and T logical threads.
 *    Past P, busy threads pair up on SMT siblings (the scheduler spreads first, so pairing is
 *    mostly the overflow D − P, plus some random pairing); a paired thread runs at 58–64 % of a
 *    solo one depending on the generation. Past T, vCPUs wait for a thread (steal time): stretch
 *    D/T. More busy cores lower the all-core turbo frequency (10–18 % from one core to all).
 *    Latency-sensitive VMs also pay wake-up delay in the run queue, growing as r²/(1 − r).
 *  - memory: the last-level cache is shared in proportion to working sets once their sum W
 *    exceeds the LLC; a VM squeezed from c_solo to c_co sees its miss ratio grow as
 *    (c_solo/c_co)^0.5 (the empirical square-root rule), capped at every access missing. Misses
 *    go to DRAM whose loaded latency grows as 1 + 0.3·r²/(1 − r) with bandwidth utilisation r
 *    (thrashing neighbours add bandwidth too); past saturation the VM gets a bandwidth share.
 *  - disk and network: many-server queues (NVMe queues, NIC rings): response time
 *    1 + β·r³/(1 − r), flat at low load and steep near saturation, times ρ/0.95 once overloaded.
 *
 * Hosts come in four hardware generations (cores, LLC per core, memory bandwidth per core,
 * storage and NIC options, SMT efficiency, turbo range) and SMT on for 90 % of hosts. Load is
 * drawn from a mixture — idle, light, medium, heavy and oversubscribed (up to 2 vCPUs per
 * thread) — filled with 0–30 neighbours of 1–16 vCPUs; a third of the hosts are dominated by
 * one class (a batch cluster, a storage tier), the rest mixed. Every VM draws its own demand
 * around its class's catalogue figures (log-normal spread, a shared load level), so two VMs of
 * one class differ.
 *
 * What the engine would observe is drawn apart from what causes the slowdown: the live
 * utilisation the features read is each neighbour's demand in the minutes before placement,
 * which drifts from its demand while the VM is measured (log-normal, σ = 0.2 per neighbour),
 * plus 3 % metering noise; working sets and time shares are never observed. The measurement
 * itself is noisy: a benchmark's run-to-run spread grows with interference (σ of log S is
 * 0.015 + 0.2·ln S), and 1 % of runs catch a transient (a backup, a live migration) that adds
 * 10–60 %. Degradation below zero (a run faster than its baseline) is reported as 0.
 *
 * `ColocationNoise` scales the observation noise (drift and metering) and the measurement noise
 * (0 measurement noise: the measured value is the true one) for tests and sensitivity checks.
 *
 * Sample i of a seed depends only on (seed, i): the first n samples of a larger draw are the
 * n samples of a smaller one.
 */
import { Random, matrix, type Matrix } from '../ml/core/index.js';
import { weightedIndex } from '../sim/index.js';
import {
  NUM_INTERFERENCE_FEATURES,
  NUM_WORKLOAD_CLASSES,
  WORKLOAD_CLASS_PROFILES,
  WORKLOAD_CLASSES,
  writeInterferenceFeatures,
  type HostColocationState,
  type IncomingVm,
} from './interference-features.js';

/** Scales of the noise sources (1 = the documented defaults); tests and the evaluation's sensitivity check vary them. */
export interface ColocationNoise {
  /** Multiplies the σ of neighbour drift (0.2) and metering noise (0.03): how stale and rough the live view is. */
  observation?: number;
  /** Multiplies the σ of the benchmark's measurement noise; 0 also removes the transients. */
  measurement?: number;
}

export interface ColocationSimOptions {
  /** Index of the first sample. Default 0. */
  start?: number;
  noise?: ColocationNoise;
}

/** One simulated placement and its measured outcome. */
export interface ColocationSample {
  /** The host as the engine observes it before placement. */
  host: HostColocationState;
  vm: IncomingVm;
  /** Measured degradation of the incoming VM, 0..1 (with measurement noise). */
  degradation: number;
  /** The degradation without measurement noise (the VM's true slowdown in this draw). */
  noiseFreeDegradation: number;
}

/** Samples as model input: feature rows plus targets. */
export interface ColocationDataset {
  X: Matrix;
  /** Measured degradation. */
  y: Float64Array;
  /** Degradation without measurement noise. */
  noiseFree: Float64Array;
  /** Workload class of each row's incoming VM. */
  vmClass: Uint8Array;
}

interface Generation {
  weight: number;
  cores: readonly number[];
  llcMbPerCore: number;
  memBwGbsPerCore: number;
  /** Log-uniform range of disk IOPS. */
  diskIops: readonly [number, number];
  nicGbps: readonly number[];
  /** Speed of a thread whose SMT sibling is busy, relative to running alone on the core. */
  smtSpeed: number;
  /** Frequency lost from single-core to all-core turbo. */
  turboDrop: number;
}

/** Hardware generations, oldest first (roughly Broadwell, Skylake, Ice Lake, Sapphire Rapids / Genoa). */
const GENERATIONS: readonly Generation[] = [
  { weight: 0.15, cores: [20, 24, 28, 36], llcMbPerCore: 2.5, memBwGbsPerCore: 5.0, diskIops: [30_000, 120_000], nicGbps: [10, 25], smtSpeed: 0.58, turboDrop: 0.1 },
  { weight: 0.3, cores: [32, 40, 48, 56], llcMbPerCore: 1.375, memBwGbsPerCore: 4.4, diskIops: [80_000, 300_000], nicGbps: [25], smtSpeed: 0.6, turboDrop: 0.13 },
  { weight: 0.35, cores: [48, 64, 72, 80], llcMbPerCore: 1.5, memBwGbsPerCore: 4.2, diskIops: [200_000, 800_000], nicGbps: [25, 50], smtSpeed: 0.62, turboDrop: 0.15 },
  { weight: 0.2, cores: [64, 96, 112, 128], llcMbPerCore: 2.0, memBwGbsPerCore: 4.6, diskIops: [400_000, 1_500_000], nicGbps: [50, 100], smtSpeed: 0.64, turboDrop: 0.18 },
];

/** Behaviour of a class that the catalogue does not carry. */
interface ClassPhysics {
  /** Share of the class's memory accesses that miss the LLC when it has its whole working set cached. */
  soloMissRatio: number;
  /** Tail amplification: the class is judged by S^tailExponent. */
  tailExponent: number;
  /** Weight of run-queue wake-up delay. */
  wakeupSensitivity: number;
}

const PHYSICS: Readonly<Record<(typeof WORKLOAD_CLASSES)[number], ClassPhysics>> = {
  cpu_bound: { soloMissRatio: 0.05, tailExponent: 1, wakeupSensitivity: 0.1 },
  memory_bound: { soloMissRatio: 0.2, tailExponent: 1, wakeupSensitivity: 0.1 },
  io_bound: { soloMissRatio: 0.1, tailExponent: 1, wakeupSensitivity: 0.3 },
  network_bound: { soloMissRatio: 0.1, tailExponent: 1, wakeupSensitivity: 0.5 },
  latency_sensitive: { soloMissRatio: 0.1, tailExponent: 1.4, wakeupSensitivity: 1 },
  batch: { soloMissRatio: 0.1, tailExponent: 1, wakeupSensitivity: 0 },
};

/** Mix of classes over the fleet (neighbours and incoming VMs alike). */
const CLASS_WEIGHTS = [0.18, 0.14, 0.12, 0.1, 0.26, 0.2];
const VCPU_SIZES = [1, 2, 4, 8, 16];
const VCPU_WEIGHTS = [0.2, 0.3, 0.28, 0.15, 0.07];
const MAX_NEIGHBOURS = 30;
/** Slowdowns are capped here (degradation 0.83): past it a VM is effectively stalled. */
const MAX_SLOWDOWN = 6;

const CAT = WORKLOAD_CLASSES.map((c) => WORKLOAD_CLASS_PROFILES[c]);
const PHY = WORKLOAD_CLASSES.map((c) => PHYSICS[c]);

function streamSeed(seed: number, index: number): number {
  let h = (seed >>> 0) ^ Math.imul(index + 1, 0x9e3779b1) ^ 0x5bd1e995;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const logNormal = (rng: Random, sigma: number) => Math.exp(sigma * rng.normal());

/** Response-time stretch of a many-server queue at utilisation rho: flat, then steep; a throughput share once overloaded. */
function queueStretch(rho: number, beta: number, power: number): number {
  const r = Math.min(Math.max(rho, 0), 0.95);
  return (1 + (beta * r ** power) / (1 - r)) * Math.max(1, rho / 0.95);
}

/** One VM's true demand during the measurement, and how the live utilisation saw it beforehand. */
interface VmDraw {
  cls: number;
  vcpus: number;
  util: number;
  /** GB/s */
  bw: number;
  /** MB */
  ws: number;
  iops: number;
  /** Mbit/s */
  netMbps: number;
  /** Observed / true demand (live window versus measurement window). */
  drift: number;
}

function drawVm(rng: Random, cls: number, vcpus: number, driftSigma: number): VmDraw {
  const p = CAT[cls];
  const load = logNormal(rng, 0.3);
  return {
    cls,
    vcpus,
    util: Math.min(1, Math.max(0.02, p.cpuPerVcpu * load * logNormal(rng, 0.15))),
    bw: vcpus * p.memBwGbsPerVcpu * load * logNormal(rng, 0.3),
    ws: vcpus * p.workingSetMbPerVcpu * logNormal(rng, 0.4),
    iops: vcpus * p.iopsPerVcpu * load * logNormal(rng, 0.4),
    netMbps: vcpus * p.netMbpsPerVcpu * load * logNormal(rng, 0.4),
    drift: logNormal(rng, driftSigma),
  };
}

interface Hardware {
  gen: Generation;
  generation: number;
  cores: number;
  threadsPerCore: number;
  llcMb: number;
  memBwGbs: number;
  diskIops: number;
  nicGbps: number;
}

function drawHardware(rng: Random): Hardware {
  const g = weightedIndex(rng, GENERATIONS.map((x) => x.weight));
  const gen = GENERATIONS[g];
  const cores = gen.cores[rng.int(gen.cores.length)];
  // Some hosts run with memory channels partly populated.
  const population = rng.float() < 0.2 ? 0.67 : 1;
  const [lo, hi] = gen.diskIops;
  return {
    gen,
    generation: g + 1,
    cores,
    threadsPerCore: rng.float() < 0.9 ? 2 : 1,
    llcMb: cores * gen.llcMbPerCore,
    memBwGbs: cores * gen.memBwGbsPerCore * population,
    diskIops: Math.round(lo * Math.exp(rng.float() * Math.log(hi / lo))),
    nicGbps: gen.nicGbps[rng.int(gen.nicGbps.length)],
  };
}

/** Target vCPUs per logical thread: idle, light, medium, heavy, oversubscribed. */
function drawAllocation(rng: Random): number {
  const band = weightedIndex(rng, [0.08, 0.3, 0.35, 0.2, 0.07]);
  switch (band) {
    case 0:
      return 0;
    case 1:
      return 0.05 + 0.35 * rng.float();
    case 2:
      return 0.4 + 0.5 * rng.float();
    case 3:
      return 0.9 + 0.4 * rng.float();
    default:
      return 1.3 + 0.7 * rng.float();
  }
}

/** Busy-thread fraction that shares a core with a busy SMT sibling. */
function smtPairing(busy: number, cores: number, threadsPerCore: number): number {
  if (threadsPerCore < 2 || busy <= 0) return 0;
  const overflow = Math.min(1, (2 * Math.max(0, busy - cores)) / busy);
  const random = Math.min(1, busy / (2 * cores));
  return 0.75 * overflow + 0.25 * random;
}

/**
 * Compute stretch of one VM on a host with `busy` busy threads (the VM included): SMT pairing,
 * steal past the thread count, all-core turbo, run-queue wake-up delay.
 */
function computeFactor(hw: Hardware, busy: number, wakeup: number): number {
  const threads = hw.cores * hw.threadsPerCore;
  const smt = 1 + smtPairing(busy, hw.cores, hw.threadsPerCore) * (1 / hw.gen.smtSpeed - 1);
  const steal = Math.max(1, busy / threads);
  const turbo = 1 + hw.gen.turboDrop * Math.min(1, busy / hw.cores);
  const r = Math.min(busy / threads, 0.95);
  const wait = 1 + (wakeup * 0.15 * r * r) / (1 - r);
  return smt * steal * turbo * wait;
}

/** Extra DRAM traffic, as a fraction (0..1), when working sets `ws` overflow an LLC of `llc` MB. */
function thrashing(ws: number, llc: number): number {
  return ws > llc ? Math.min(1, (ws / llc - 1) / 3) : 0;
}

/** Memory latency factor at bandwidth utilisation rho (loaded-latency curve). */
const memLatency = (rho: number) => queueStretch(rho, 0.3, 2);

/**
 * The true slowdown S ≥ 1 of VM `x` (its draw and its per-VM time shares and miss ratio) among
 * `vms` (x included, as vms[n - 1]).
 */
function slowdown(hw: Hardware, vms: readonly VmDraw[], share: readonly number[], missRatio: number): number {
  const x = vms[vms.length - 1];
  const phy = PHY[x.cls];
  let busy = 0;
  let ws = 0;
  let bw = 0;
  let iops = 0;
  let net = 0;
  for (const v of vms) {
    busy += v.vcpus * v.util;
    ws += v.ws;
    bw += v.bw;
    iops += v.iops;
    net += v.netMbps;
  }
  const xBusy = x.vcpus * x.util;
  const sCpu = computeFactor(hw, busy, phy.wakeupSensitivity) / computeFactor(hw, xBusy, phy.wakeupSensitivity);

  // LLC: shared in proportion to working sets once they overflow it.
  const L = hw.llcMb;
  const cSolo = Math.min(x.ws, L);
  const cCo = ws > L ? Math.min(x.ws, (L * x.ws) / ws) : cSolo;
  const missGrowth = Math.min(1 / missRatio, Math.sqrt(cSolo / Math.max(cCo, 1e-3)));
  // Thrashing VMs miss more and pull more bandwidth (a VM alone thrashes if its own working set overflows).
  const rhoBw = (bw * (1 + 0.5 * thrashing(ws, L))) / hw.memBwGbs;
  const rhoSolo = (x.bw * (1 + 0.5 * thrashing(x.ws, L))) / hw.memBwGbs;
  const sMem = (missGrowth * memLatency(rhoBw)) / memLatency(rhoSolo);

  const sIo = queueStretch(iops / hw.diskIops, 0.3, 3) / queueStretch(x.iops / hw.diskIops, 0.3, 3);
  const nicMbps = hw.nicGbps * 1000;
  const sNet = queueStretch(net / nicMbps, 0.2, 3) / queueStretch(x.netMbps / nicMbps, 0.2, 3);

  let S = share[0] * sCpu + share[1] * sMem + share[2] * sIo + share[3] * sNet;
  if (phy.tailExponent !== 1) S = S ** phy.tailExponent;
  return Math.min(MAX_SLOWDOWN, Math.max(1, S));
}

/** Sample `index` of the run with `seed`: one host, its neighbours, the incoming VM and its measured degradation. */
export function simulateColocationSample(seed: number, index: number, noise: ColocationNoise = {}): ColocationSample {
  const obs = noise.observation ?? 1;
  const meas = noise.measurement ?? 1;
  if (!(obs >= 0 && meas >= 0)) throw new RangeError(`simulateColocationSample: noise scales must be >= 0, got observation ${obs}, measurement ${meas}`);
  const rng = new Random(streamSeed(seed, index));
  const hw = drawHardware(rng);
  const threads = hw.cores * hw.threadsPerCore;

  // Neighbours: a class mix (a third of hosts dominated by one class), filled to the target allocation.
  let weights = CLASS_WEIGHTS;
  if (rng.float() < 0.35) {
    const dominant = rng.int(NUM_WORKLOAD_CLASSES);
    weights = CLASS_WEIGHTS.map((w, k) => 0.3 * w + (k === dominant ? 0.7 : 0));
  }
  const target = drawAllocation(rng) * threads;
  const vms: VmDraw[] = [];
  let allocated = 0;
  while (allocated < target && vms.length < MAX_NEIGHBOURS) {
    const v = VCPU_SIZES[weightedIndex(rng, VCPU_WEIGHTS)];
    vms.push(drawVm(rng, weightedIndex(rng, weights), v, 0.2 * obs));
    allocated += v;
  }

  // What the engine sees before placement: neighbours' demand in the live window, plus metering noise.
  const neighbourCount = new Float64Array(NUM_WORKLOAD_CLASSES);
  const neighbourVcpus = new Float64Array(NUM_WORKLOAD_CLASSES);
  let busy = 0;
  let ws = 0;
  let bw = 0;
  let iops = 0;
  let net = 0;
  for (const v of vms) {
    neighbourCount[v.cls] += 1;
    neighbourVcpus[v.cls] += v.vcpus;
    busy += v.vcpus * v.util * v.drift;
    ws += v.ws;
    bw += v.bw * v.drift;
    iops += v.iops * v.drift;
    net += v.netMbps * v.drift;
  }
  const thrash = thrashing(ws, hw.llcMb);
  const meter = () => logNormal(rng, 0.03 * obs);
  const host: HostColocationState = {
    cores: hw.cores,
    threadsPerCore: hw.threadsPerCore,
    llcMb: hw.llcMb,
    memBandwidthGbs: hw.memBwGbs,
    diskIops: hw.diskIops,
    nicGbps: hw.nicGbps,
    generation: hw.generation,
    cpuDemand: (busy / threads) * meter(),
    memBandwidthUtil: Math.min(1, ((bw * (1 + 0.5 * thrash)) / hw.memBwGbs) * meter()),
    llcOccupancy: Math.min(1, (ws / hw.llcMb) * meter()),
    diskUtil: (iops / hw.diskIops) * meter(),
    netUtil: (net / (hw.nicGbps * 1000)) * meter(),
    vcpusAllocated: allocated,
    neighbourCount,
    neighbourVcpus,
  };

  // The incoming VM: its class's time shares and miss ratio, perturbed for this VM.
  const cls = weightedIndex(rng, CLASS_WEIGHTS);
  const vcpus = Math.min(VCPU_SIZES[weightedIndex(rng, VCPU_WEIGHTS)], threads);
  const x = drawVm(rng, cls, vcpus, 0);
  const raw = CAT[cls].timeShare.map((f) => f * logNormal(rng, 0.3));
  const sum = raw.reduce((a, b) => a + b, 0);
  const share = raw.map((f) => f / sum);
  const missRatio = Math.min(0.9, PHY[cls].soloMissRatio * logNormal(rng, 0.3));
  vms.push(x);
  const S = slowdown(hw, vms, share, missRatio);

  // The benchmark's measurement: noise that grows with interference, and rare transients.
  let measured = S * Math.exp(meas * (0.015 + 0.2 * Math.log(S)) * rng.normal());
  const transient = rng.float() < 0.01;
  const size = 1.1 + 0.5 * rng.float();
  if (transient && meas > 0) measured *= size;
  return {
    host,
    vm: { workloadClass: cls, vcpus },
    degradation: Math.min(0.99, Math.max(0, 1 - 1 / measured)),
    noiseFreeDegradation: 1 - 1 / S,
  };
}

/** `samples` consecutive samples of the run with `seed` (from index `opts.start`, default 0). */
export function simulateColocation(seed: number, samples: number, opts: ColocationSimOptions = {}): ColocationSample[] {
  if (!(Number.isInteger(samples) && samples >= 0)) throw new RangeError(`simulateColocation: samples must be a non-negative integer, got ${samples}`);
  const start = opts.start ?? 0;
  const out: ColocationSample[] = new Array(samples);
  for (let i = 0; i < samples; i++) out[i] = simulateColocationSample(seed, start + i, opts.noise);
  return out;
}

/** Feature rows (through the serving featurizer) and targets of the samples. */
export function colocationDataset(samples: readonly ColocationSample[]): ColocationDataset {
  const n = samples.length;
  const F = NUM_INTERFERENCE_FEATURES;
  const data = new Float64Array(n * F);
  const y = new Float64Array(n);
  const noiseFree = new Float64Array(n);
  const vmClass = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = samples[i];
    writeInterferenceFeatures(s.host, s.vm, data, i * F);
    y[i] = s.degradation;
    noiseFree[i] = s.noiseFreeDegradation;
    vmClass[i] = s.vm.workloadClass;
  }
  return { X: matrix(data, n, F), y, noiseFree, vmClass };
}

/** Simulates and featurizes in one step. */
export function simulateColocationDataset(seed: number, samples: number, opts: ColocationSimOptions = {}): ColocationDataset {
  return colocationDataset(simulateColocation(seed, samples, opts));
}
