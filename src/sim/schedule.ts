import { Random } from '../ml/core/random.js';
import type { HostSpec } from './fleet-layout.js';
import { STREAM } from './fleet-layout.js';
import type { BenignTruth, FailureTruth } from './ground-truth.js';
import { FAILURE_MODES, type FailureMode, type ResolvedSimulationOptions } from './options.js';
import { chance, exponential, logNormalMinutes, streamSeed, uniform, weightedIndex, type LogNormalMinutes } from './random-draws.js';

/**
 * Each host's timeline, drawn before any telemetry: failures with their precursor windows,
 * maintenance, reboots (which never overlap one another or a precursor), and load spikes and
 * counter bumps (which may land anywhere the host is up). This is the ground truth.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Why a host is down, and what comes back fresh afterwards. */
export interface Downtime {
  from: number;
  to: number;
  cause: 'failure' | 'maintenance' | 'reboot';
  mode?: FailureMode;
}

export interface LoadSpike {
  from: number;
  to: number;
  /** Host CPU utilisation added at the plateau, spread over the VMs (less where they saturate). */
  amplitude: number;
}

export type BumpCounter = 'ecc_correctable_errors' | 'smart_5_raw' | 'network_rx_errors' | 'network_link_flaps';

export interface CounterBump {
  at: number;
  counter: BumpCounter;
  amount: number;
}

export interface Maintenance {
  id: string;
  announcedAt: number;
  from: number;
  to: number;
}

export interface Reboot {
  id: string;
  from: number;
  to: number;
}

export interface HostSchedule {
  host: HostSpec;
  failures: FailureTruth[];
  downtimes: Downtime[];
  maintenance: Maintenance[];
  reboots: Reboot[];
  spikes: LoadSpike[];
  bumps: CounterBump[];
  benign: BenignTruth[];
}

/** Maintenance notice and duration, and reboot and load-spike shapes (documented in docs/simulator.md). */
const MAINTENANCE_NOTICE_HOURS: [number, number] = [2, 72];
const MAINTENANCE_DURATION: LogNormalMinutes = { median: 90, sigma: 0.5, min: 20, max: 8 * 60 };
const REBOOT_MINUTES: [number, number] = [2, 8];
const SPIKE_DURATION: LogNormalMinutes = { median: 30, sigma: 0.6, min: 5, max: 180 };
const SPIKE_AMPLITUDE: [number, number] = [0.15, 0.5];
const BUMPS: readonly { counter: BumpCounter; weight: number; amount: [number, number] }[] = [
  { counter: 'ecc_correctable_errors', weight: 0.4, amount: [1, 1] },
  { counter: 'smart_5_raw', weight: 0.25, amount: [1, 1] },
  { counter: 'network_rx_errors', weight: 0.2, amount: [1, 5] },
  { counter: 'network_link_flaps', weight: 0.15, amount: [2, 2] },
];

const seconds = (ms: number) => Math.round(ms / 1000) * 1000;
/** A host back from downtime runs healthy at least this long before a new precursor starts. */
const HEALTHY_AFTER_DOWNTIME_MS = 60 * MINUTE;

function overlapsDowntime(downtimes: readonly Downtime[], from: number, to: number): boolean {
  return downtimes.some((d) => from < d.to && to > d.from);
}

export function buildSchedule(host: HostSpec, o: ResolvedSimulationOptions): HostSchedule {
  const rng = new Random(streamSeed(o.seed, host.index, STREAM.schedule));
  const start = o.start;
  const end = start + o.days * DAY;
  const modeWeights = FAILURE_MODES.map((m) => o.failureModes[m].weight);
  const maxLead = Math.max(...FAILURE_MODES.map((m) => o.failureModes[m].lead.max)) * MINUTE;
  const rates = [o.failuresPerHostDay / DAY, o.maintenancePerHostDay / DAY, o.rebootsPerHostDay / DAY];
  const totalRate = rates[0] + rates[1] + rates[2];

  const s: HostSchedule = { host, failures: [], downtimes: [], maintenance: [], reboots: [], spikes: [], bumps: [], benign: [] };
  // Exclusive events (failure, maintenance, reboot) run one after another: `free` is when the host
  // is next free of them. Failures are drawn up to one maximal lead past the end, so a precursor
  // at the end of the run belongs to a failure the truth still names.
  let free = start;
  while (totalRate > 0) {
    let at = seconds(free + exponential(rng, 1 / totalRate));
    if (at >= end + maxLead) break;
    const kind = weightedIndex(rng, rates);
    if (kind !== 0 && at >= end) {
      free = at;
      continue;
    }
    if (kind === 0) {
      const mode = FAILURE_MODES[weightedIndex(rng, modeWeights)];
      const spec = o.failureModes[mode];
      const sudden = chance(rng, o.suddenFailureShare);
      const leadMinutes = sudden ? null : logNormalMinutes(rng, spec.lead);
      const strength = sudden ? 0 : uniform(rng, spec.strength.min, spec.strength.max);
      let precursorStart: number | null = null;
      if (leadMinutes !== null) {
        const leadMs = seconds(leadMinutes * MINUTE);
        // Degradation may already be under way when the run begins (the window is cut short
        // there); after downtime the host first runs healthy, so the failure moves later.
        if (free > start && at - leadMs < free + HEALTHY_AFTER_DOWNTIME_MS) at = free + HEALTHY_AFTER_DOWNTIME_MS + leadMs;
        precursorStart = Math.max(at - leadMs, start);
      }
      const repairMs = seconds(logNormalMinutes(rng, spec.repair) * MINUTE);
      if (at >= end && (precursorStart === null || precursorStart >= end)) {
        free = at;
        continue;
      }
      const failure: FailureTruth = {
        id: `${host.id}-failure-${s.failures.length + 1}`,
        host_id: host.id,
        mode,
        failed_at: at,
        recovered_at: at + repairMs,
        precursor_start: precursorStart,
        precursor_strength: Math.round(strength * 1000) / 1000,
        has_precursor: !sudden,
        lead_minutes: leadMinutes === null ? null : Math.round(leadMinutes * 10) / 10,
        observed: at < end,
      };
      s.failures.push(failure);
      if (at >= end) break;
      s.downtimes.push({ from: at, to: failure.recovered_at, cause: 'failure', mode });
      free = failure.recovered_at;
    } else if (kind === 1) {
      const announcedAt = Math.max(start, seconds(at - uniform(rng, MAINTENANCE_NOTICE_HOURS[0], MAINTENANCE_NOTICE_HOURS[1]) * 3_600_000));
      const to = at + seconds(logNormalMinutes(rng, MAINTENANCE_DURATION) * MINUTE);
      const id = `${host.id}-maintenance-${s.maintenance.length + 1}`;
      s.maintenance.push({ id, announcedAt, from: at, to });
      s.downtimes.push({ from: at, to, cause: 'maintenance' });
      s.benign.push({ id, host_id: host.id, kind: 'maintenance', started_at: at, ended_at: to, announced_at: announcedAt, detail: 'planned maintenance: host down, back with counters reset' });
      free = to;
    } else {
      const to = at + seconds(uniform(rng, REBOOT_MINUTES[0], REBOOT_MINUTES[1]) * MINUTE);
      const id = `${host.id}-reboot-${s.reboots.length + 1}`;
      s.reboots.push({ id, from: at, to });
      s.downtimes.push({ from: at, to, cause: 'reboot' });
      s.benign.push({ id, host_id: host.id, kind: 'reboot', started_at: at, ended_at: to, detail: 'reboot: host down for minutes, volatile counters reset' });
      free = to;
    }
  }

  // Look-alikes that happen while the host is up: independent Poisson processes over the run.
  if (o.loadSpikesPerHostDay > 0) {
    for (let t = start + exponential(rng, DAY / o.loadSpikesPerHostDay); t < end; t += exponential(rng, DAY / o.loadSpikesPerHostDay)) {
      const from = seconds(t);
      const to = from + seconds(logNormalMinutes(rng, SPIKE_DURATION) * MINUTE);
      const amplitude = uniform(rng, SPIKE_AMPLITUDE[0], SPIKE_AMPLITUDE[1]);
      if (overlapsDowntime(s.downtimes, from, to)) continue;
      s.spikes.push({ from, to, amplitude });
      s.benign.push({ id: `${host.id}-spike-${s.spikes.length}`, host_id: host.id, kind: 'load_spike', started_at: from, ended_at: to, detail: `host cpu +${amplitude.toFixed(2)} across its VMs, no failure` });
    }
  }
  if (o.counterBumpsPerHostDay > 0) {
    const weights = BUMPS.map((b) => b.weight);
    for (let t = start + exponential(rng, DAY / o.counterBumpsPerHostDay); t < end; t += exponential(rng, DAY / o.counterBumpsPerHostDay)) {
      const at = seconds(t);
      const bump = BUMPS[weightedIndex(rng, weights)];
      const amount = bump.amount[0] + rng.int(bump.amount[1] - bump.amount[0] + 1);
      if (overlapsDowntime(s.downtimes, at, at + 1)) continue;
      s.bumps.push({ at, counter: bump.counter, amount });
      s.benign.push({ id: `${host.id}-bump-${s.bumps.length}`, host_id: host.id, kind: 'counter_bump', started_at: at, ended_at: at, detail: `${bump.counter} +${amount}, never grows` });
    }
  }
  if (host.noisyDimmPerHour > 0) {
    s.benign.push({
      id: `${host.id}-noisy-dimm`,
      host_id: host.id,
      kind: 'noisy_dimm',
      started_at: start,
      ended_at: end,
      detail: `chronic corrected ECC errors, about ${host.noisyDimmPerHour.toFixed(1)} per hour, never failing`,
    });
  }
  s.benign.sort((a, b) => a.started_at - b.started_at || (a.id < b.id ? -1 : 1));
  return s;
}
