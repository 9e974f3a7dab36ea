import type { Random } from '../ml/core/random.js';
import { uniform } from './random-draws.js';

/**
 * What VMs do over the day and the week. Each VM's CPU demand is a level that follows the local
 * time of its data centre (business-hours peaks for web and databases, night peaks for batch),
 * scaled down at weekends, with AR(1) noise on top drawn by the host model.
 */
export const WORKLOAD_KINDS = ['web_server', 'database', 'batch', 'ml_training'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

interface WorkloadProfile {
  /** Share of VMs of this kind. */
  weight: number;
  /** Mean CPU utilisation of the VM's vCPUs, drawn per VM. */
  baseCpu: [number, number];
  /** Relative swing between trough and peak: level = base·(1 ± amplitude). */
  amplitude: [number, number];
  /** Local hour of the daily peak. */
  peakHour: [number, number];
  /** Multiplier on Saturdays and Sundays. */
  weekendFactor: number;
  /** Share of the VM's memory in use. */
  memory: [number, number];
  /** Standard deviation of the AR(1) CPU noise, relative to the level. */
  noise: number;
  /** Disk operations per second per busy vCPU. */
  iopsPerVcpu: number;
  /** Network bytes per second per busy vCPU (received; sent is `txRatio` of it). */
  netBytesPerVcpu: number;
  txRatio: number;
}

export const WORKLOADS: Readonly<Record<WorkloadKind, WorkloadProfile>> = {
  web_server: { weight: 0.45, baseCpu: [0.15, 0.35], amplitude: [0.5, 0.85], peakHour: [13, 16], weekendFactor: 0.6, memory: [0.35, 0.6], noise: 0.12, iopsPerVcpu: 40, netBytesPerVcpu: 4e6, txRatio: 3 },
  database: { weight: 0.2, baseCpu: [0.2, 0.4], amplitude: [0.3, 0.5], peakHour: [10, 15], weekendFactor: 0.8, memory: [0.7, 0.9], noise: 0.08, iopsPerVcpu: 300, netBytesPerVcpu: 2e6, txRatio: 1.5 },
  batch: { weight: 0.2, baseCpu: [0.1, 0.3], amplitude: [0.5, 0.9], peakHour: [1, 4], weekendFactor: 1, memory: [0.3, 0.6], noise: 0.2, iopsPerVcpu: 150, netBytesPerVcpu: 1e6, txRatio: 0.3 },
  ml_training: { weight: 0.15, baseCpu: [0.6, 0.85], amplitude: [0.03, 0.1], peakHour: [0, 24], weekendFactor: 1, memory: [0.6, 0.85], noise: 0.05, iopsPerVcpu: 20, netBytesPerVcpu: 5e5, txRatio: 0.5 },
};

export interface VmWorkload {
  kind: WorkloadKind;
  baseCpu: number;
  amplitude: number;
  peakHour: number;
  weekendFactor: number;
  memory: number;
  noise: number;
}

export function drawWorkload(rng: Random, kind: WorkloadKind): VmWorkload {
  const p = WORKLOADS[kind];
  return {
    kind,
    baseCpu: uniform(rng, p.baseCpu[0], p.baseCpu[1]),
    amplitude: uniform(rng, p.amplitude[0], p.amplitude[1]),
    peakHour: uniform(rng, p.peakHour[0], p.peakHour[1]),
    weekendFactor: p.weekendFactor,
    memory: uniform(rng, p.memory[0], p.memory[1]),
    noise: p.noise,
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Local clock of a data centre: hour of day (fractional) and whether it is Saturday or Sunday. */
export function localTime(t: number, utcOffsetHours: number): { hour: number; weekend: boolean } {
  const local = t + utcOffsetHours * HOUR;
  const day = Math.floor(local / DAY);
  const hour = (local - day * DAY) / HOUR;
  // 1970-01-01 was a Thursday (4); 0 is Sunday.
  const weekday = (((day + 4) % 7) + 7) % 7;
  return { hour, weekend: weekday === 0 || weekday === 6 };
}

/** 1 at the peak hour, 0 twelve hours away, a smooth cosine between. */
export function dailyShape(hour: number, peakHour: number): number {
  return 0.5 + 0.5 * Math.cos((2 * Math.PI * (hour - peakHour)) / 24);
}

/**
 * The same shape from the cosine and sine of both angles (cos(a − b) = cos a·cos b + sin a·sin b),
 * so that a host computes one cosine per step instead of one per VM.
 */
export function dailyShapeFrom(hourCos: number, hourSin: number, peakCos: number, peakSin: number): number {
  return 0.5 + 0.5 * (hourCos * peakCos + hourSin * peakSin);
}

/** The CPU level a VM's demand follows, before noise, given its daily shape now (see dailyShape). */
export function cpuLevel(w: VmWorkload, shape: number, weekend: boolean): number {
  return w.baseCpu * (1 + w.amplitude * (2 * shape - 1)) * (weekend ? w.weekendFactor : 1);
}
