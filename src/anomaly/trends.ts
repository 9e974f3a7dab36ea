import type { AnomalyService } from './service.js';

const HOUR = 3_600_000;
/** Fewer anomalies than this in the window: too few to call a trend. */
const MIN_FOR_TREND = 4;
/** The second half must differ from the first by this factor to be a trend. */
const TREND_FACTOR = 1.5;

/**
 * The ai-engine's trends shape: totals, rate per hour, distributions and whether the second
 * half of the window saw clearly more (increasing) or fewer (decreasing) anomalies than the first.
 */
export async function anomalyTrends(service: AnomalyService, hours: number, now: number) {
  // Whole milliseconds: the columns are BIGINT (PostgreSQL refuses a fraction).
  const from = Math.floor(now - hours * HOUR);
  const mid = Math.floor(now - (hours * HOUR) / 2);
  const [all, first, second] = await Promise.all([service.countAnomalies(from, now + 1), service.countAnomalies(from, mid), service.countAnomalies(mid, now + 1)]);
  let trend: 'stable' | 'increasing' | 'decreasing' | 'insufficient_data' = 'stable';
  if (all.total < MIN_FOR_TREND) trend = 'insufficient_data';
  else if (second.total > TREND_FACTOR * Math.max(first.total, 1)) trend = 'increasing';
  else if (first.total > TREND_FACTOR * Math.max(second.total, 1)) trend = 'decreasing';
  const body: Record<string, unknown> = {
    total_anomalies: all.total,
    anomaly_rate: all.total / hours,
    severity_distribution: all.bySeverity,
    type_distribution: all.byType,
    trend,
    first_half: first.total,
    second_half: second.total,
  };
  // As the ai-engine: the window is named only when there were anomalies in it.
  if (all.total > 0) body.time_window_hours = hours;
  return body;
}
