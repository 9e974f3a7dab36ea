import type { FailureMode } from '../options.js';

/**
 * What is wrong with a host during one step. The host model starts every step from a healthy
 * host (`resetConditions`) and the active precursor, if any, moves some of these; the physics
 * and counters then follow from them. Expected counts are Poisson means for this step.
 */
export interface HostConditions {
  /** Share of fan speed lost to a failing fan (0 healthy). */
  fanLoss: number;
  /** 0–1: how far the CPU temperature target has moved from normal towards the trip point. */
  runaway: number;
  /** Extra standard deviation of the 12 V rail, volts. */
  voltageRipple: number;
  /** Chance of a voltage sag this step, and its depth in volts. */
  sagChance: number;
  sagDepth: number;
  /** Extra relative standard deviation of the power reading. */
  powerWobble: number;
  /** Expected corrected ECC errors this step (they arrive in bursts). */
  eccCorrected: number;
  /** Uncorrectable ECC errors this step (an exact count). */
  eccUncorrected: number;
  /** Expected newly reallocated sectors this step (SMART 5). */
  reallocated: number;
  /** Mean current pending sectors (SMART 197). */
  pending: number;
  /** Expected new reported-uncorrectable errors this step (SMART 187). */
  uncorrectableSectors: number;
  /** Multiplier on disk read latency. */
  diskLatency: number;
  /** Expected link flaps (down then up) this step. */
  linkFlaps: number;
  /** Expected NIC receive errors this step (bursty). */
  nicErrors: number;
  /** Expected extra dropped packets this step. */
  drops: number;
  /** 0–1: how far host memory use has moved from normal towards exhaustion. */
  memoryLeak: number;
  /** Expected OOM kills this step. */
  oomKills: number;
}

export function healthyConditions(): HostConditions {
  return {
    fanLoss: 0,
    runaway: 0,
    voltageRipple: 0,
    sagChance: 0,
    sagDepth: 0,
    powerWobble: 0,
    eccCorrected: 0,
    eccUncorrected: 0,
    reallocated: 0,
    pending: 0,
    uncorrectableSectors: 0,
    diskLatency: 1,
    linkFlaps: 0,
    nicErrors: 0,
    drops: 0,
    memoryLeak: 0,
    oomKills: 0,
  };
}

/** Back to healthy in place: called every step, so no new object. */
export function resetConditions(c: HostConditions): void {
  c.fanLoss = 0;
  c.runaway = 0;
  c.voltageRipple = 0;
  c.sagChance = 0;
  c.sagDepth = 0;
  c.powerWobble = 0;
  c.eccCorrected = 0;
  c.eccUncorrected = 0;
  c.reallocated = 0;
  c.pending = 0;
  c.uncorrectableSectors = 0;
  c.diskLatency = 1;
  c.linkFlaps = 0;
  c.nicErrors = 0;
  c.drops = 0;
  c.memoryLeak = 0;
  c.oomKills = 0;
}

/** Where a precursor stands at one step. */
export interface PrecursorClock {
  /** 0 at the drawn start (failure time − lead), 1 at the failure. */
  progress: number;
  /** 0.1 (barely visible) to 1 (textbook). */
  strength: number;
  leadMinutes: number;
  /** Exact time left until the failure (the progress is rounded). */
  minutesToFailure: number;
  stepMinutes: number;
}

/** A failure mode's precursor: how it bends a host's conditions as the failure nears. */
export interface FailureModeModel {
  mode: FailureMode;
  precursor(c: HostConditions, clock: PrecursorClock): void;
}

/** Share of the lead that falls in this step, for spreading an expected total over the precursor. */
export function stepShare(clock: PrecursorClock): number {
  return Math.min(1, clock.stepMinutes / clock.leadMinutes);
}
