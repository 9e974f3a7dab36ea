/**
 * Labels with lead time. A prediction made at time t (from data up to t) is useful only if it
 * comes early enough to act — migrate the VMs off, drain the host — so a window at t is positive
 * when a failure of its entity starts in (t + minLead, t + horizon]:
 *
 *        t          t + L                t + H
 *   ─────┼────────────┼────────────────────┼──────▶
 *        │  too late  │      positive      │  not yet (negative, unless another failure is in range)
 *
 * Windows that no label can honestly be given are excluded, each with its reason:
 *   - 'down':     t lies in [failedAt, recoveredAt) of a failure — the entity is failed or being
 *                 repaired; its telemetry describes the failure, not what precedes one;
 *   - 'too_late': a failure starts in (t, t + L] and none in (t + L, t + H] — warning now is right
 *                 but too late to act; counting it negative would punish a correct alarm, counting
 *                 it positive would reward alarms no one can use;
 *   - 'censored': observation of the entity ends before t + H with no failure seen in
 *                 (t + L, end] — whether it fails within the horizon is unknown.
 *
 * An unrecovered failure (recoveredAt null) keeps the entity down to the end of observation.
 * Failures of one entity may overlap or touch; each is handled on its own, so a window is positive
 * if ANY failure starts in its positive range, and down if it lies inside ANY failure.
 */
import { MLInputError } from '../ml/core/index.js';

export interface FailureInterval {
  entityId: string;
  /** Epoch ms the failure started. */
  failedAt: number;
  /** Epoch ms the entity was back in service; null if it never was within the observation. */
  recoveredAt: number | null;
  /** Failure mode, where known (carried through to the label for per-mode reports). */
  mode?: string;
}

export interface LeadTimeOptions {
  /** H: how far ahead a failure counts, ms (default 30 minutes). */
  horizonMs: number;
  /** L: the least warning that is still useful, ms (default 15 minutes). Must be < H. */
  minLeadMs: number;
}

export const DEFAULT_LEAD_TIME: LeadTimeOptions = { horizonMs: 30 * 60_000, minLeadMs: 15 * 60_000 };

export type ExclusionReason = 'down' | 'too_late' | 'censored';

export interface WindowLabel {
  /** 1 positive, 0 negative, −1 excluded (see `excluded`). */
  label: 1 | 0 | -1;
  excluded: ExclusionReason | null;
  /** For a positive: ms from t to the start of the failure (in (L, H]); else NaN. */
  leadMs: number;
  /** For a positive: the failure's mode, when given. */
  mode: string | null;
}

export function resolveLeadTime(options: Partial<LeadTimeOptions> = {}): LeadTimeOptions {
  const o = { ...DEFAULT_LEAD_TIME, ...options };
  if (!(o.horizonMs > 0) || !(o.minLeadMs >= 0) || !(o.minLeadMs < o.horizonMs) || !Number.isFinite(o.horizonMs)) {
    throw new MLInputError(`lead time: need 0 ≤ minLeadMs < horizonMs, got minLeadMs ${o.minLeadMs}, horizonMs ${o.horizonMs}`);
  }
  return o;
}

/**
 * Labels one entity's windows. `times` are the window end times (epoch ms, the moment of
 * prediction), `failures` that entity's failures (any order), `observedUntil` the end of its
 * observation (epoch ms; Infinity when the future is fully known, e.g. a simulation run to its end
 * plus the horizon).
 */
export function labelWindows(
  times: ArrayLike<number>,
  failures: readonly FailureInterval[],
  observedUntil: number,
  options: Partial<LeadTimeOptions> = {},
): WindowLabel[] {
  const { horizonMs: H, minLeadMs: L } = resolveLeadTime(options);
  for (const f of failures) {
    if (!Number.isFinite(f.failedAt)) throw new MLInputError(`failure of ${f.entityId}: failedAt must be finite`);
    if (f.recoveredAt !== null && !(f.recoveredAt >= f.failedAt)) throw new MLInputError(`failure of ${f.entityId}: recoveredAt precedes failedAt`);
  }
  const sorted = [...failures].sort((a, b) => a.failedAt - b.failedAt);
  const out: WindowLabel[] = [];
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (!Number.isFinite(t)) throw new MLInputError(`window time ${i} is not finite`);
    out.push(labelAt(t, sorted, observedUntil, H, L));
  }
  return out;
}

function labelAt(t: number, failures: readonly FailureInterval[], observedUntil: number, H: number, L: number): WindowLabel {
  let positive: FailureInterval | null = null;
  let tooLate = false;
  for (const f of failures) {
    const end = f.recoveredAt ?? Infinity;
    if (t >= f.failedAt && t < end) return excluded('down');
    const lead = f.failedAt - t;
    if (lead > L && lead <= H && positive === null) positive = f;
    else if (lead > 0 && lead <= L) tooLate = true;
  }
  if (positive) return { label: 1, excluded: null, leadMs: positive.failedAt - t, mode: positive.mode ?? null };
  if (tooLate) return excluded('too_late');
  if (t + H > observedUntil) return excluded('censored');
  return { label: 0, excluded: null, leadMs: NaN, mode: null };
}

function excluded(reason: ExclusionReason): WindowLabel {
  return { label: -1, excluded: reason, leadMs: NaN, mode: null };
}

/**
 * Time-to-failure buckets for a positive window: bucket i holds leads in (edges[i−1], edges[i]]
 * (edges ascending, in ms, the first lower edge being L). Returns the bucket index, or −1 when the
 * lead is NaN (not a positive).
 */
export function leadBucket(leadMs: number, edgesMs: readonly number[]): number {
  if (!(leadMs === leadMs)) return -1;
  for (let i = 0; i < edgesMs.length; i++) if (leadMs <= edgesMs[i]) return i;
  return edgesMs.length - 1;
}
