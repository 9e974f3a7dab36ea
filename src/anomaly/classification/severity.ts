/**
 * Severity of an anomaly from its score in [0, 1], how long it has persisted, and a sensitivity.
 *
 * Score thresholds are NovaCron's (contract §4B, and the v2 engine's test "score 0.85 → critical"):
 *
 * | score      | severity |
 * |------------|----------|
 * | ≥ 0.8      | critical |
 * | ≥ 0.6      | high     |
 * | ≥ 0.4      | medium   |
 * | ≥ 0.2      | low      |
 * | otherwise  | normal   |
 *
 * **Sensitivity** (0–1, default 0.5 = neutral) shifts all four thresholds together by
 * `(0.5 − sensitivity) · 0.2`: sensitivity 1 lowers them by 0.1 (critical from 0.7), sensitivity 0
 * raises them by 0.1 (critical from 0.9). The shift is bounded on purpose: sensitivity tunes how
 * eagerly we escalate, it must not turn a 0.3 score into a page.
 *
 * **Persistence** then moves the score-based level by at most two steps:
 *
 * - *Escalation.* An anomaly that lasts is worse than one that does not: a host pinned at 95 % CPU
 *   for half an hour has hurt its VMs' SLAs, the same reading for ten seconds has not. So
 *   ≥ 5 points or ≥ 5 min raise the level by one step, ≥ 30 points or ≥ 30 min by two. Two caps:
 *   `normal` is never escalated (a long run of normal scores is just normal), and persistence alone
 *   never reaches `critical` from below `high` — critical means "the evidence is strong right now",
 *   which only a high score can say; a long, mild deviation tops out at `high`.
 * - *De-escalation.* A single anomalous point (1 point and, when known, under 60 s) is the commonest
 *   false positive of a streaming detector (a scrape glitch, a counter reset), so `high` and
 *   `medium` transients drop one step until a second point confirms them. `critical` is never
 *   de-escalated (a score ≥ 0.8 is extreme enough to report on one point: an uncorrectable ECC
 *   error, a disk dropping off), and nothing is de-escalated below `low` — hiding an anomaly the
 *   detector flagged is the job of suppression rules, not of severity.
 * - *Unknown persistence* (`persistencePoints` ≤ 0 or not finite, and no `persistenceSeconds`)
 *   applies no adjustment, so one-shot requests (NovaCron's `/detect/anomaly`) get exactly the
 *   contract thresholds.
 */

export type Severity = 'normal' | 'low' | 'medium' | 'high' | 'critical';

/** All severities, least severe first; the index is the rank. */
export const SEVERITIES: readonly Severity[] = ['normal', 'low', 'medium', 'high', 'critical'];

/** Score thresholds at neutral sensitivity (NovaCron §4B). */
export const SEVERITY_THRESHOLDS: Readonly<Record<Exclude<Severity, 'normal'>, number>> = {
  critical: 0.8,
  high: 0.6,
  medium: 0.4,
  low: 0.2,
};

export interface PersistencePolicy {
  /** Points of persistence that raise the level one step (default 5). */
  escalatePoints: number;
  /** Seconds of persistence that raise the level one step (default 300). */
  escalateSeconds: number;
  /** Points that raise the level two steps (default 30). */
  escalateTwicePoints: number;
  /** Seconds that raise the level two steps (default 1800). */
  escalateTwiceSeconds: number;
  /** A run shorter than this many seconds, of a single point, is a transient (default 60). */
  transientSeconds: number;
  /** Whether single-point transients drop a step (default true). */
  deescalateTransients: boolean;
}

export const DEFAULT_PERSISTENCE_POLICY: Readonly<PersistencePolicy> = {
  escalatePoints: 5,
  escalateSeconds: 300,
  escalateTwicePoints: 30,
  escalateTwiceSeconds: 1800,
  transientSeconds: 60,
  deescalateTransients: true,
};

export interface SeverityInput {
  /** Anomaly score in [0, 1]; out-of-range values are clamped, NaN counts as 0. */
  score: number;
  /** Consecutive (or recent) anomalous points including this one; ≤ 0 means unknown. */
  persistencePoints?: number;
  /** Seconds the anomaly has lasted so far, when known. */
  persistenceSeconds?: number;
  /** 0–1, higher reports more eagerly; default 0.5 (neutral). */
  sensitivity?: number;
}

export interface SeverityResult {
  severity: Severity;
  /** The level from the score and sensitivity alone, before persistence. */
  scoreSeverity: Severity;
  /** Steps persistence moved the level: −1, 0, +1 or +2. */
  adjustment: number;
  /** The clamped score. */
  score: number;
  /** Plain-words reasons, e.g. "score 0.72 ≥ 0.6 (high)", "persisted 12 min: raised one step". */
  reasons: string[];
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Negative when `a` is less severe than `b`, 0 when equal, positive when more severe. */
export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank(a) - severityRank(b);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return compareSeverity(a, b) >= 0 ? a : b;
}

export function isSeverity(x: unknown): x is Severity {
  return typeof x === 'string' && (SEVERITIES as readonly string[]).includes(x);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : x === Number.POSITIVE_INFINITY ? 1 : 0;
}

/** The four thresholds after the sensitivity shift. */
export function severityThresholds(sensitivity = 0.5): Record<Exclude<Severity, 'normal'>, number> {
  const s = Number.isFinite(sensitivity) ? clamp01(sensitivity) : 0.5;
  const shift = (0.5 - s) * 0.2;
  return {
    critical: SEVERITY_THRESHOLDS.critical + shift,
    high: SEVERITY_THRESHOLDS.high + shift,
    medium: SEVERITY_THRESHOLDS.medium + shift,
    low: SEVERITY_THRESHOLDS.low + shift,
  };
}

/** Severity from the score alone (with the sensitivity shift), no persistence. */
export function severityFromScore(score: number, sensitivity?: number): Severity {
  const x = clamp01(score);
  const t = severityThresholds(sensitivity);
  // A tiny tolerance so 0.6 computed as 0.6000000000000001 − ε still lands on "high".
  const eps = 1e-12;
  if (x >= t.critical - eps) return 'critical';
  if (x >= t.high - eps) return 'high';
  if (x >= t.medium - eps) return 'medium';
  if (x >= t.low - eps) return 'low';
  return 'normal';
}

function fmtDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Severity from score, persistence and sensitivity; see the module comment for the rules. */
export function classifySeverity(input: SeverityInput, policy: Partial<PersistencePolicy> = {}): SeverityResult {
  const p = { ...DEFAULT_PERSISTENCE_POLICY, ...policy };
  const score = clamp01(input.score);
  const t = severityThresholds(input.sensitivity);
  const scoreSeverity = severityFromScore(score, input.sensitivity);
  const reasons: string[] = [];
  if (scoreSeverity === 'normal') {
    reasons.push(`score ${score.toFixed(2)} < ${t.low.toFixed(2)} (normal)`);
  } else {
    reasons.push(`score ${score.toFixed(2)} ≥ ${t[scoreSeverity].toFixed(2)} (${scoreSeverity})`);
  }

  const points = input.persistencePoints !== undefined && Number.isFinite(input.persistencePoints) && input.persistencePoints > 0 ? input.persistencePoints : undefined;
  const seconds = input.persistenceSeconds !== undefined && Number.isFinite(input.persistenceSeconds) && input.persistenceSeconds >= 0 ? input.persistenceSeconds : undefined;

  let adjustment = 0;
  if (scoreSeverity !== 'normal' && (points !== undefined || seconds !== undefined)) {
    const long2 = (points ?? 0) >= p.escalateTwicePoints || (seconds ?? 0) >= p.escalateTwiceSeconds;
    const long1 = (points ?? 0) >= p.escalatePoints || (seconds ?? 0) >= p.escalateSeconds;
    const transient = points !== undefined && points <= 1 && (seconds === undefined || seconds < p.transientSeconds);
    const lasted = seconds !== undefined ? fmtDuration(seconds) : `${points} points`;
    if (long2 || long1) {
      adjustment = long2 ? 2 : 1;
      // Persistence alone never reaches critical from below high.
      const cap = severityRank(scoreSeverity) >= severityRank('high') ? severityRank('critical') : severityRank('high');
      const target = Math.min(cap, severityRank(scoreSeverity) + adjustment);
      adjustment = target - severityRank(scoreSeverity);
      if (adjustment > 0) reasons.push(`persisted ${lasted}: raised ${adjustment === 1 ? 'one step' : 'two steps'}`);
      else reasons.push(`persisted ${lasted}, but persistence alone does not make it critical`);
    } else if (transient && p.deescalateTransients && (scoreSeverity === 'high' || scoreSeverity === 'medium')) {
      adjustment = -1;
      reasons.push('a single anomalous point: lowered one step until a second point confirms it');
    }
  }
  const severity = SEVERITIES[severityRank(scoreSeverity) + adjustment];
  return { severity, scoreSeverity, adjustment, score, reasons };
}
