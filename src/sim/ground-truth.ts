import type { FailureMode } from './options.js';

/**
 * What really happened in a simulated run: the labels a failure predictor is trained and scored
 * against. Times are epoch milliseconds here and RFC 3339 in truth.json.
 */
export interface FailureTruth {
  /** Also the id of the failure's operational event. */
  id: string;
  host_id: string;
  mode: FailureMode;
  failed_at: number;
  /** When the host is back; may fall after the simulated period. */
  recovered_at: number;
  /**
   * First moment the precursor shows in telemetry; null for a sudden failure. It is the failure
   * time minus the drawn lead, or the start of the run when the degradation was already under
   * way then (the precursor never overlaps downtime: after one the host runs healthy for an hour first).
   */
  precursor_start: number | null;
  /** 0.1 (barely visible) to 1 (textbook); 0 for a sudden failure. */
  precursor_strength: number;
  has_precursor: boolean;
  /** The drawn lead in minutes (the precursor's clock); null for a sudden failure. */
  lead_minutes: number | null;
  /** False when the failure itself falls after the simulated period but its precursor starts inside it. */
  observed: boolean;
}

export const BENIGN_KINDS = ['maintenance', 'reboot', 'load_spike', 'counter_bump', 'noisy_dimm'] as const;
export type BenignKind = (typeof BENIGN_KINDS)[number];

/** A look-alike that must not be called a failure. */
export interface BenignTruth {
  id: string;
  host_id: string;
  kind: BenignKind;
  started_at: number;
  ended_at: number;
  /** Planned maintenance only: when it was announced in the event stream. */
  announced_at?: number;
  /** What it did, in words (e.g. "ecc_correctable_errors +1", "cpu +0.32"). */
  detail: string;
}

export interface GroundTruth {
  seed: number;
  start: number;
  /** End of the simulated period (exclusive). */
  end: number;
  step_seconds: number;
  failures: FailureTruth[];
  benign: BenignTruth[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** truth.json: the same records with RFC 3339 times. */
export function truthToJson(truth: GroundTruth) {
  return {
    seed: truth.seed,
    start: iso(truth.start),
    end: iso(truth.end),
    step_seconds: truth.step_seconds,
    failures: truth.failures.map((f) => ({
      ...f,
      failed_at: iso(f.failed_at),
      recovered_at: iso(f.recovered_at),
      precursor_start: f.precursor_start === null ? null : iso(f.precursor_start),
    })),
    benign: truth.benign.map((b) => ({
      ...b,
      started_at: iso(b.started_at),
      ended_at: iso(b.ended_at),
      ...(b.announced_at === undefined ? {} : { announced_at: iso(b.announced_at) }),
    })),
  };
}
export type GroundTruthJson = ReturnType<typeof truthToJson>;
