import type { LogNormalMinutes } from './random-draws.js';

/** The failure modes the simulator injects; each has its own precursor (see docs/simulator.md). */
export const FAILURE_MODES = ['disk', 'memory_ecc', 'thermal', 'psu', 'memory_leak', 'nic'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

/** How one failure mode behaves. Every field has a default in DEFAULT_FAILURE_MODES. */
export interface FailureModeOptions {
  /** Relative share of failures that take this mode (weights need not sum to 1). */
  weight: number;
  /** Lead time of the precursor: how long before the failure its signature starts. */
  lead: LogNormalMinutes;
  /** Precursor strength is drawn uniformly from [min, max]; 1 is a textbook signature, 0.1 barely visible. */
  strength: { min: number; max: number };
  /** Time from failure until the host is back (repair, replacement or reboot). */
  repair: LogNormalMinutes;
}

/** Defaults per mode; the lead times follow the descriptions, repair times the fix each needs. */
export const DEFAULT_FAILURE_MODES: Readonly<Record<FailureMode, FailureModeOptions>> = {
  // SMART counters creep for hours to days before the drive dies; the drive is swapped.
  disk: { weight: 0.25, lead: { median: 18 * 60, sigma: 0.6, min: 120, max: 72 * 60 }, strength: { min: 0.1, max: 1 }, repair: { median: 6 * 60, sigma: 0.7, min: 60, max: 48 * 60 } },
  // Corrected-ECC storms come minutes to an hour before the uncorrectable error; a DIMM is swapped.
  memory_ecc: { weight: 0.15, lead: { median: 25, sigma: 0.7, min: 3, max: 120 }, strength: { min: 0.1, max: 1 }, repair: { median: 4 * 60, sigma: 0.6, min: 60, max: 48 * 60 } },
  // A dead fan heats the host to its trip point in 10–40 minutes; the fan is swapped.
  thermal: { weight: 0.15, lead: { median: 20, sigma: 0.35, min: 8, max: 45 }, strength: { min: 0.1, max: 1 }, repair: { median: 2 * 60, sigma: 0.6, min: 30, max: 24 * 60 } },
  // Ripple on the rails for minutes to a day before the PSU gives out; the PSU is swapped.
  psu: { weight: 0.15, lead: { median: 3 * 60, sigma: 0.8, min: 15, max: 24 * 60 }, strength: { min: 0.1, max: 1 }, repair: { median: 3 * 60, sigma: 0.6, min: 30, max: 24 * 60 } },
  // A leaking host process eats memory over hours until the OOM killer and a crash; a reboot fixes it.
  memory_leak: { weight: 0.15, lead: { median: 8 * 60, sigma: 0.6, min: 60, max: 48 * 60 }, strength: { min: 0.1, max: 1 }, repair: { median: 15, sigma: 0.5, min: 5, max: 120 } },
  // Link flaps and error bursts for minutes to a day before the NIC dies; the NIC is swapped.
  nic: { weight: 0.15, lead: { median: 2 * 60, sigma: 0.9, min: 10, max: 24 * 60 }, strength: { min: 0.1, max: 1 }, repair: { median: 4 * 60, sigma: 0.7, min: 30, max: 48 * 60 } },
};

export interface SimulationOptions {
  /** Seed of every random choice; same seed and options → byte-identical output. Default 1. */
  seed?: number;
  /** Number of hosts. Default 20. */
  hosts?: number;
  /** Simulated duration in days (fractions allowed). Default 7. */
  days?: number;
  /** Telemetry step in seconds. Default 60. */
  stepSeconds?: number;
  /**
   * First sample time: epoch ms or RFC 3339. Default 2026-01-05T00:00:00Z (a Monday), fixed so
   * output never depends on the clock. Posting to an engine needs a start within its retention.
   */
  start?: number | string;
  /** Data centres the hosts are spread over (each with its own timezone and inlet temperature). Default 2. */
  datacenters?: number;
  /** Hosts per rack. Default 16. */
  hostsPerRack?: number;
  /** Host memory filled by VM allocations is drawn from [min, max]. Default 0.45–0.9. */
  memoryFill?: { min: number; max: number };
  /** Failures per host per day (a Poisson process). Default 0.02: far above real fleets so short runs hold positives. */
  failuresPerHostDay?: number;
  /** Share of failures with no precursor at all. Default 0.2. */
  suddenFailureShare?: number;
  /** Per-mode overrides of DEFAULT_FAILURE_MODES; a weight of 0 turns a mode off. */
  failureModes?: Partial<Record<FailureMode, Partial<FailureModeOptions>>>;
  /** Planned maintenance windows per host per day (announced, host down, back). Default 0.02. */
  maintenancePerHostDay?: number;
  /** Unplanned-but-harmless reboots per host per day (down a few minutes, counters reset). Default 0.03. */
  rebootsPerHostDay?: number;
  /** Load spikes per host per day (CPU and temperature up, no failure). Default 0.5. */
  loadSpikesPerHostDay?: number;
  /** Harmless one-off counter bumps per host per day (one ECC correction, one reallocated sector, …). Default 0.1. */
  counterBumpsPerHostDay?: number;
  /** Share of hosts with a chronic trickle of corrected ECC errors that never fails. Default 0.08. */
  noisyDimmShare?: number;
  /** Emit per-VM cpu and memory series. Default true. */
  vmMetrics?: boolean;
  /** Prefix of every host and VM id. Default "sim". */
  idPrefix?: string;
}

/** Options with every default filled in, validated. */
export interface ResolvedSimulationOptions {
  seed: number;
  hosts: number;
  days: number;
  stepSeconds: number;
  start: number;
  datacenters: number;
  hostsPerRack: number;
  memoryFill: { min: number; max: number };
  failuresPerHostDay: number;
  suddenFailureShare: number;
  failureModes: Record<FailureMode, FailureModeOptions>;
  maintenancePerHostDay: number;
  rebootsPerHostDay: number;
  loadSpikesPerHostDay: number;
  counterBumpsPerHostDay: number;
  noisyDimmShare: number;
  vmMetrics: boolean;
  idPrefix: string;
}

export const DEFAULT_START = '2026-01-05T00:00:00Z';

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`simulation options: ${message}`);
}

function rate(name: string, v: number): number {
  check(Number.isFinite(v) && v >= 0, `${name} must be a finite number ≥ 0 (got ${v})`);
  return v;
}

function share(name: string, v: number): number {
  check(Number.isFinite(v) && v >= 0 && v <= 1, `${name} must be within [0, 1] (got ${v})`);
  return v;
}

function parseStart(start: number | string): number {
  const ms = typeof start === 'number' ? start : Date.parse(start);
  check(Number.isFinite(ms) && ms >= Date.UTC(2000, 0, 1), `start must be epoch ms or RFC 3339 after 2000-01-01 (got ${String(start)})`);
  // Whole seconds keep every timestamp exact in RFC 3339 and in epoch ms.
  return Math.floor(ms / 1000) * 1000;
}

function checkMinutes(name: string, d: LogNormalMinutes): void {
  check(d.median > 0 && d.sigma >= 0 && d.min > 0 && d.min <= d.max, `${name} needs median > 0, sigma ≥ 0 and 0 < min ≤ max`);
}

export function resolveOptions(o: SimulationOptions = {}): ResolvedSimulationOptions {
  const seed = o.seed ?? 1;
  check(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff, `seed must be an integer in [0, 2^32) (got ${seed})`);
  const hosts = o.hosts ?? 20;
  check(Number.isInteger(hosts) && hosts >= 1 && hosts <= 100_000, `hosts must be an integer in [1, 100000] (got ${hosts})`);
  const days = o.days ?? 7;
  check(Number.isFinite(days) && days > 0 && days <= 3660, `days must be in (0, 3660] (got ${days})`);
  const stepSeconds = o.stepSeconds ?? 60;
  check(Number.isInteger(stepSeconds) && stepSeconds >= 1 && stepSeconds <= 86_400, `stepSeconds must be an integer in [1, 86400] (got ${stepSeconds})`);
  const datacenters = o.datacenters ?? 2;
  check(Number.isInteger(datacenters) && datacenters >= 1 && datacenters <= 99, `datacenters must be an integer in [1, 99] (got ${datacenters})`);
  const hostsPerRack = o.hostsPerRack ?? 16;
  check(Number.isInteger(hostsPerRack) && hostsPerRack >= 1 && hostsPerRack <= 999, `hostsPerRack must be an integer in [1, 999] (got ${hostsPerRack})`);
  const memoryFill = o.memoryFill ?? { min: 0.45, max: 0.9 };
  check(memoryFill.min > 0 && memoryFill.min <= memoryFill.max && memoryFill.max <= 0.95, 'memoryFill needs 0 < min ≤ max ≤ 0.95');
  const failureModes = {} as Record<FailureMode, FailureModeOptions>;
  for (const mode of FAILURE_MODES) {
    const m = { ...DEFAULT_FAILURE_MODES[mode], ...(o.failureModes?.[mode] ?? {}) };
    rate(`failureModes.${mode}.weight`, m.weight);
    checkMinutes(`failureModes.${mode}.lead`, m.lead);
    checkMinutes(`failureModes.${mode}.repair`, m.repair);
    check(m.strength.min > 0 && m.strength.min <= m.strength.max && m.strength.max <= 1, `failureModes.${mode}.strength needs 0 < min ≤ max ≤ 1`);
    failureModes[mode] = m;
  }
  const failuresPerHostDay = rate('failuresPerHostDay', o.failuresPerHostDay ?? 0.02);
  check(failuresPerHostDay === 0 || FAILURE_MODES.some((m) => failureModes[m].weight > 0), 'at least one failure mode needs a weight above 0');
  const idPrefix = o.idPrefix ?? 'sim';
  check(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(idPrefix), 'idPrefix must be 1–64 letters, digits, _ . or -');
  return {
    seed,
    hosts,
    days,
    stepSeconds,
    start: parseStart(o.start ?? DEFAULT_START),
    datacenters: Math.min(datacenters, hosts),
    hostsPerRack,
    memoryFill,
    failuresPerHostDay,
    suddenFailureShare: share('suddenFailureShare', o.suddenFailureShare ?? 0.2),
    failureModes,
    maintenancePerHostDay: rate('maintenancePerHostDay', o.maintenancePerHostDay ?? 0.02),
    rebootsPerHostDay: rate('rebootsPerHostDay', o.rebootsPerHostDay ?? 0.03),
    loadSpikesPerHostDay: rate('loadSpikesPerHostDay', o.loadSpikesPerHostDay ?? 0.5),
    counterBumpsPerHostDay: rate('counterBumpsPerHostDay', o.counterBumpsPerHostDay ?? 0.1),
    noisyDimmShare: share('noisyDimmShare', o.noisyDimmShare ?? 0.08),
    vmMetrics: o.vmMetrics ?? true,
    idPrefix,
  };
}
