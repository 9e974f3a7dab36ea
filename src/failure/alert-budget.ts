/**
 * The decision threshold from an alert budget, not a fixed 0.7: an operator says how many false
 * alarms per host per day they will tolerate (say 0.05: one a month on a 20-host rack... per host,
 * one every 20 days), and the threshold is the lowest one whose false alerts on validation data
 * stay within it — the most failures caught for the noise the operator accepted.
 *
 * False alerts are counted as the operator sees them (see alert-events.ts: alarms of one host
 * within the cooldown are one alert). Lowering the threshold only adds alarms, which can only add
 * alerts or merge them, so the false-alert rate is close to monotone in the threshold and a binary
 * search over the distinct scores finds the boundary in O(n log² n); the result is re-checked.
 */
import { MLInputError } from '../ml/core/index.js';
import { groupAlerts, scoreAlerts, type AlarmPoint, type EventScores } from './alert-events.js';
import type { FailureInterval, LeadTimeOptions } from './labels.js';

export interface ScoredWindow extends AlarmPoint {
  score: number;
}

export interface BudgetOptions extends Partial<LeadTimeOptions> {
  /** Alarms of one entity this close (ms) belong to one alert (default: the horizon). */
  cooldownMs?: number;
}

export interface BudgetThreshold {
  /** Alarm when score ≥ threshold (Infinity: no threshold meets the budget with any alarm at all). */
  threshold: number;
  scores: EventScores;
}

export function evaluateThreshold(windows: readonly ScoredWindow[], threshold: number, failures: readonly FailureInterval[], entityDays: number, opts: BudgetOptions = {}): EventScores {
  const cooldown = opts.cooldownMs ?? opts.horizonMs ?? 30 * 60_000;
  const alarms = windows.filter((w) => w.score >= threshold);
  return scoreAlerts(groupAlerts(alarms, cooldown), failures, entityDays, opts);
}

export function thresholdForBudget(
  windows: readonly ScoredWindow[],
  failures: readonly FailureInterval[],
  entityDays: number,
  budgetPerEntityDay: number,
  opts: BudgetOptions = {},
): BudgetThreshold {
  if (!(budgetPerEntityDay >= 0)) throw new MLInputError(`alert budget must be ≥ 0 false alarms per entity-day, got ${budgetPerEntityDay}`);
  const candidates = [...new Set(windows.map((w) => w.score).filter((s) => Number.isFinite(s)))].sort((a, b) => b - a);
  const fits = (i: number) => evaluateThreshold(windows, candidates[i], failures, entityDays, opts).falseAlarmsPerEntityDay <= budgetPerEntityDay;
  // Largest index (lowest threshold) within budget: candidates[0] alarms least.
  let lo = -1;
  let hi = candidates.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  // The rate is only nearly monotone: step back until the chosen threshold really fits.
  while (lo >= 0 && !fits(lo)) lo--;
  const threshold = lo >= 0 ? candidates[lo] : Infinity;
  return { threshold, scores: evaluateThreshold(windows, threshold, failures, entityDays, opts) };
}
