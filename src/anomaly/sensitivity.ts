/**
 * Sensitivity (0–1, higher finds more) moves the alarm threshold on the anomaly-score scale,
 * where a score s means a surprise of about 10^(−8·s) for the series (0.5 ≈ one in 10⁴).
 * 0.5 keeps the configured threshold; each 0.1 step moves it by 0.04 (a factor ~2 in rarity).
 * NovaCron's scheduler sends 0.1 by default: a cautious setting, so fewer alarms.
 */
export const NEUTRAL_SENSITIVITY = 0.5;
const STEP = 0.4;
const LOWEST = 0.2;
const HIGHEST = 0.95;

export function alarmThreshold(baseThreshold: number, sensitivity: number | undefined): number {
  const s = sensitivity === undefined || !Number.isFinite(sensitivity) ? NEUTRAL_SENSITIVITY : Math.min(1, Math.max(0, sensitivity));
  const t = baseThreshold - STEP * (s - NEUTRAL_SENSITIVITY);
  return Math.min(HIGHEST, Math.max(LOWEST, t));
}
