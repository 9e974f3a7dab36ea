import { Random } from '../ml/core/random.js';
import { FAILURE_MODE_MODELS, healthyConditions, resetConditions, type HostConditions } from './failure-modes/index.js';
import { STREAM, type HostSpec, type VmSpec } from './fleet-layout.js';
import type { FailureTruth } from './ground-truth.js';
import { HM as HOST_METRIC_INDEX, HOST_METRICS, VM_METRICS } from './metric-set.js';
import type { ResolvedSimulationOptions } from './options.js';
import { burstyCount, clamp, Gaussian, poisson, streamSeed, uniform } from './random-draws.js';
import type { Downtime, HostSchedule } from './schedule.js';
import { cpuLevel, dailyShape, dailyShapeFrom, localTime, WORKLOADS } from './workload.js';

const MINUTE = 60_000;
/** A module-local copy: imported bindings can cost a getter per access under loaders like tsx. */
const HM = { ...HOST_METRIC_INDEX };
/** Workload noise decorrelates over about 10 minutes, memory drift over about 2 hours. */
const CPU_NOISE_TAU_S = 600;
const MEMORY_NOISE_TAU_S = 7200;
/** CPU package temperature follows its target with this time constant. */
const THERMAL_TAU_S = 180;
/** Load spikes ramp up and down over this long. */
const SPIKE_RAMP_MS = 5 * MINUTE;
/** Memory use a leak drives the host to before the OOM killer wins. */
const LEAK_CEILING = 0.985;
/** Runaway drives the temperature target this far past the trip point, so that the lagging reading gets there. */
const RUNAWAY_OVERSHOOT_C = 8;

/**
 * One host stepped through time: workload → utilisation → heat, fans and power, plus the
 * counters, all bent by whatever precursor or look-alike is under way. It draws from its own
 * random stream, so a host's series are the same whether the fleet is generated step by step
 * or host by host.
 */
export class HostModel {
  /** The host's values at the last `step`, in HOST_METRICS order (unrounded). */
  readonly hostValues = new Float64Array(HOST_METRICS.length);
  /** VM values at the last `step`: VM i's metric j at i·VM_METRICS.length + j. */
  readonly vmValues: Float64Array;

  private readonly rng: Random;
  private readonly gauss: Gaussian;
  /** Each VM's workload profile, looked up once. */
  private readonly profiles: (typeof WORKLOADS)[keyof typeof WORKLOADS][];
  /** A spike of host CPU x needs x·cores/vCPUs more from each VM (until they saturate). */
  private readonly spikeToVm: number;
  private readonly stepS: number;
  private readonly stepMinutes: number;
  private readonly cpuPhi: number;
  private readonly memPhi: number;
  private readonly thermalAlpha: number;
  /** Cosine and sine of each VM's peak hour as an angle. */
  private readonly peakCos: Float64Array;
  private readonly peakSin: Float64Array;
  private readonly cpuNoise: Float64Array;
  private readonly memNoise: Float64Array;
  private readonly conditions: HostConditions = healthyConditions();
  /** NaN until the first sample after boot: a cold host starts at its target temperature. */
  private cpuTemp = Number.NaN;
  private bootAt: number;
  // Cumulative counters. SMART lives on the disk and survives reboots; the rest restart at boot.
  private smartReallocated = 0;
  private smartUncorrectable = 0;
  private eccCorrected = 0;
  private eccUncorrected = 0;
  private rxErrors = 0;
  private rxDropped = 0;
  private linkFlaps = 0;
  private oomKills = 0;
  // Cursors into the schedule: time only moves forward.
  private downtimeAt = 0;
  private failureAt = 0;
  private spikeAt = 0;
  private bumpAt = 0;

  readonly host: HostSpec;

  constructor(
    private readonly schedule: HostSchedule,
    private readonly vms: readonly VmSpec[],
    o: ResolvedSimulationOptions,
  ) {
    this.host = schedule.host;
    this.rng = new Random(streamSeed(o.seed, this.host.index, STREAM.telemetry));
    this.gauss = new Gaussian(this.rng);
    this.profiles = vms.map((vm) => WORKLOADS[vm.workload.kind]);
    const vcpus = vms.reduce((n, vm) => n + vm.vcpus, 0);
    this.spikeToVm = vcpus > 0 ? this.host.generation.cores / vcpus : 0;
    this.stepS = o.stepSeconds;
    this.stepMinutes = o.stepSeconds / 60;
    this.cpuPhi = Math.exp(-this.stepS / CPU_NOISE_TAU_S);
    this.memPhi = Math.exp(-this.stepS / MEMORY_NOISE_TAU_S);
    this.thermalAlpha = 1 - Math.exp(-this.stepS / THERMAL_TAU_S);
    this.peakCos = Float64Array.from(vms, (vm) => Math.cos((2 * Math.PI * vm.workload.peakHour) / 24));
    this.peakSin = Float64Array.from(vms, (vm) => Math.sin((2 * Math.PI * vm.workload.peakHour) / 24));
    this.cpuNoise = new Float64Array(vms.length);
    this.memNoise = new Float64Array(vms.length);
    for (let i = 0; i < vms.length; i++) this.memNoise[i] = this.gauss.next();
    this.vmValues = new Float64Array(vms.length * VM_METRICS.length);
    this.bootAt = o.start - this.host.initialUptimeS * 1000;
  }

  /** Computes every metric at time t (steps must come in time order); false while the host is down. */
  step(t: number): boolean {
    const downtimes = this.schedule.downtimes;
    while (this.downtimeAt < downtimes.length && downtimes[this.downtimeAt].to <= t) this.comeBack(downtimes[this.downtimeAt++]);
    if (this.downtimeAt < downtimes.length && downtimes[this.downtimeAt].from <= t) return false;

    const failures = this.schedule.failures;
    while (this.failureAt < failures.length && failures[this.failureAt].failed_at <= t) this.failureAt++;
    const c = this.conditions;
    resetConditions(c);
    const next = failures[this.failureAt];
    if (next && next.precursor_start !== null && next.precursor_start <= t) this.applyPrecursor(next, t, c);

    const { hour, weekend } = localTime(t, this.host.utcOffsetHours);
    const spike = this.spikeLevel(t);
    this.applyBumps(t);
    this.stepWorkload(hour, weekend, spike, c);
    this.stepPhysics(hour, c);
    this.stepCounters(c);
    this.hostValues[HM.uptime_seconds] = (t - this.bootAt) / 1000;
    return true;
  }

  private applyPrecursor(f: FailureTruth, t: number, c: HostConditions): void {
    const leadMinutes = f.lead_minutes ?? 0;
    const progress = clamp(1 - (f.failed_at - t) / (leadMinutes * MINUTE), 0, 1);
    const minutesToFailure = (f.failed_at - t) / MINUTE;
    FAILURE_MODE_MODELS[f.mode].precursor(c, { progress, strength: f.precursor_strength, leadMinutes, minutesToFailure, stepMinutes: this.stepMinutes });
  }

  /** After any downtime the host has rebooted; after a disk failure it also has a new disk. */
  private comeBack(d: Downtime): void {
    this.bootAt = d.to;
    this.cpuTemp = Number.NaN;
    this.eccCorrected = 0;
    this.eccUncorrected = 0;
    this.rxErrors = 0;
    this.rxDropped = 0;
    this.linkFlaps = 0;
    this.oomKills = 0;
    if (d.cause === 'failure' && d.mode === 'disk') {
      this.smartReallocated = 0;
      this.smartUncorrectable = 0;
    }
  }

  /** Host CPU added by the load spikes under way (they may overlap), with 5-minute ramps. */
  private spikeLevel(t: number): number {
    const spikes = this.schedule.spikes;
    while (this.spikeAt < spikes.length && spikes[this.spikeAt].to <= t) this.spikeAt++;
    let level = 0;
    for (let i = this.spikeAt; i < spikes.length && spikes[i].from <= t; i++) {
      const s = spikes[i];
      if (t < s.to) level += s.amplitude * Math.min(1, (t - s.from) / SPIKE_RAMP_MS, (s.to - t) / SPIKE_RAMP_MS);
    }
    return level;
  }

  private applyBumps(t: number): void {
    const bumps = this.schedule.bumps;
    for (; this.bumpAt < bumps.length && bumps[this.bumpAt].at <= t; this.bumpAt++) {
      const b = bumps[this.bumpAt];
      if (b.counter === 'ecc_correctable_errors') this.eccCorrected += b.amount;
      else if (b.counter === 'smart_5_raw') this.smartReallocated += b.amount;
      else if (b.counter === 'network_rx_errors') this.rxErrors += b.amount;
      else this.linkFlaps += b.amount;
    }
  }

  /** VM demand → VM and host utilisation, disk and network traffic. */
  private stepWorkload(hour: number, weekend: boolean, spike: number, c: HostConditions): void {
    const rng = this.rng;
    const gauss = this.gauss;
    const host = this.host;
    const gen = host.generation;
    const cpuInnovation = Math.sqrt(1 - this.cpuPhi * this.cpuPhi);
    const vmSpike = spike * this.spikeToVm;
    const hourCos = Math.cos((2 * Math.PI * hour) / 24);
    const hourSin = Math.sin((2 * Math.PI * hour) / 24);
    const memInnovation = Math.sqrt(1 - this.memPhi * this.memPhi);
    let busyVcpus = 0;
    let memoryMb = 0;
    let iops = 0;
    let rx = 0;
    let tx = 0;
    for (let i = 0; i < this.vms.length; i++) {
      const vm = this.vms[i];
      const w = vm.workload;
      this.cpuNoise[i] = this.cpuPhi * this.cpuNoise[i] + cpuInnovation * gauss.next();
      this.memNoise[i] = this.memPhi * this.memNoise[i] + memInnovation * gauss.next();
      const shape = dailyShapeFrom(hourCos, hourSin, this.peakCos[i], this.peakSin[i]);
      const level = cpuLevel(w, shape, weekend) * host.loadFactor;
      const cpu = clamp(level * (1 + w.noise * this.cpuNoise[i]) + vmSpike, 0.005, 1);
      const mem = clamp(w.memory + 0.04 * (shape - 0.5) + 0.03 * this.memNoise[i], 0.05, 0.99);
      this.vmValues[i * 2] = cpu;
      this.vmValues[i * 2 + 1] = mem;
      const busy = vm.vcpus * cpu;
      const profile = this.profiles[i];
      busyVcpus += busy;
      memoryMb += vm.memoryMb * mem;
      iops += busy * profile.iopsPerVcpu;
      rx += busy * profile.netBytesPerVcpu;
      tx += busy * profile.netBytesPerVcpu * profile.txRatio;
    }
    const v = this.hostValues;
    v[HM.cpu_utilization] = clamp(0.02 + busyVcpus / gen.cores + 0.005 * gauss.next(), 0, 1);
    const baseMemory = 0.06 + memoryMb / gen.memoryMb;
    v[HM.memory_utilization] = clamp(baseMemory + (LEAK_CEILING - baseMemory) * c.memoryLeak + 0.003 * gauss.next(), 0, 0.999);
    const readIops = iops * Math.exp(0.1 * gauss.next());
    const writeIops = 0.6 * iops * Math.exp(0.1 * gauss.next());
    v[HM.disk_read_iops] = readIops;
    v[HM.disk_write_iops] = writeIops;
    const diskBusy = Math.min(1, (readIops + writeIops) / 20_000);
    v[HM.disk_read_latency_ms] = host.diskLatencyMs * (1 + 0.8 * diskBusy) * c.diskLatency * Math.exp(0.12 * gauss.next());
    // A flap takes the link down for part of the step.
    const flaps = poisson(rng, c.linkFlaps);
    const linkUp = flaps > 0 ? uniform(rng, 0.3, 0.9) : 1;
    v[HM.network_rx_bytes_per_s] = rx * linkUp * Math.exp(0.1 * gauss.next());
    v[HM.network_tx_bytes_per_s] = tx * linkUp * Math.exp(0.1 * gauss.next());
    this.linkFlaps += 2 * flaps;
    // Busy links drop a few packets anyway: a healthy counter that grows.
    const netUtil = ((rx + tx) * 8) / (gen.networkMbps * 1e6);
    this.rxDropped += poisson(rng, 2 * netUtil * this.stepMinutes + c.drops);
    this.rxErrors += burstyCount(rng, c.nicErrors, 15);
  }

  /** Inlet air, CPU temperature with thermal lag, fan control, power and the 12 V rail. */
  private stepPhysics(hour: number, c: HostConditions): void {
    const rng = this.rng;
    const gauss = this.gauss;
    const host = this.host;
    const gen = host.generation;
    const v = this.hostValues;
    const cpu = v[HM.cpu_utilization];
    // The building runs a little warmer in the afternoon.
    const inlet = host.inletBase + 1.2 * (dailyShape(hour, 15) - 0.5) + 0.15 * gauss.next();
    let target = inlet + host.thermalOffset + 40 * cpu + 8 * cpu * cpu;
    if (c.runaway > 0) target += (host.tripTemperature + RUNAWAY_OVERSHOOT_C - target) * c.runaway;
    this.cpuTemp = Number.isNaN(this.cpuTemp) ? target : this.cpuTemp + (target - this.cpuTemp) * this.thermalAlpha;
    v[HM.inlet_temperature] = inlet;
    v[HM.cpu_temperature] = clamp(this.cpuTemp + 0.4 * gauss.next(), 0, 125);
    const fanControl = gen.fanRpm * (0.45 + 0.55 * clamp((this.cpuTemp - 45) / 35, 0, 1));
    const fan = Math.max(0, fanControl * (1 - c.fanLoss) * (1 + 0.02 * gauss.next()));
    v[HM.fan_speed_rpm] = fan;
    const fanShare = fan / gen.fanRpm;
    const power = gen.idleWatts + (gen.maxWatts - gen.idleWatts) * Math.pow(cpu, 0.9) + 30 * fanShare * fanShare * fanShare + 3 * gauss.next();
    v[HM.power_watts] = Math.max(0, power * (1 + c.powerWobble * gauss.next()));
    let volts = host.psuNominal + 0.012 * gauss.next();
    if (c.voltageRipple > 0) volts += c.voltageRipple * gauss.next();
    if (c.sagChance > 0 && rng.float() < c.sagChance) volts -= c.sagDepth * uniform(rng, 0.5, 1);
    v[HM.psu_voltage] = Math.max(0, volts);
  }

  private stepCounters(c: HostConditions): void {
    const rng = this.rng;
    const v = this.hostValues;
    this.eccCorrected += poisson(rng, (this.host.noisyDimmPerHour * this.stepMinutes) / 60) + burstyCount(rng, c.eccCorrected, 4);
    this.eccUncorrected += c.eccUncorrected;
    this.smartReallocated += poisson(rng, c.reallocated);
    this.smartUncorrectable += poisson(rng, c.uncorrectableSectors);
    this.oomKills += poisson(rng, c.oomKills);
    v[HM.smart_5_raw] = this.smartReallocated;
    v[HM.smart_197_raw] = poisson(rng, c.pending);
    v[HM.smart_187_raw] = this.smartUncorrectable;
    v[HM.ecc_correctable_errors] = this.eccCorrected;
    v[HM.ecc_uncorrectable_errors] = this.eccUncorrected;
    v[HM.network_rx_errors] = this.rxErrors;
    v[HM.network_rx_dropped] = this.rxDropped;
    v[HM.network_link_flaps] = this.linkFlaps;
    v[HM.oom_kills] = this.oomKills;
  }
}
