/**
 * Short-term predictive scaling (NovaCron's `/optimize/scaling` and `predictive_scaling`): for each
 * resource, forecast its utilisation over the horizon and act on the forecast p95 peak, not on
 * the current value — scale up before a peak arrives, scale down only when even the peak is low.
 *
 * Bands (fractions of the current allocation): above SCALE_UP_ABOVE the resource is resized so
 * the peak lands at TARGET_UTILISATION; below SCALE_DOWN_BELOW it is cut to the same target but
 * never below MIN_SCALE of its size; in between nothing changes. Without history the current
 * value stands in for the peak and the confidence says so (0.3: below NovaCron's 0.7 threshold).
 */
import { allocationMonthlyCost, type CostModel } from './cost-model.js';
import { forecastDemand, InsufficientDataError, type DemandPoint } from './demand-forecast.js';
import { roundUp } from './rightsizing.js';

export const SCALE_UP_ABOVE = 0.8;
export const SCALE_DOWN_BELOW = 0.3;
export const TARGET_UTILISATION = 0.65;
/** A scale-down keeps at least this share of the current size per decision (step down, watch, repeat). */
export const MIN_SCALE = 0.5;
/** Confidence of a decision made from the current value alone. */
export const CURRENT_ONLY_CONFIDENCE = 0.3;
const SATURATED = 0.9;

export interface ScalingResourceInput {
  /** cpu, memory, disk, network … */
  resource: string;
  /** Utilisation now, fraction of the allocation. */
  current: number;
  /** Past utilisation (fractions), any spacing. */
  history: DemandPoint[];
  /** The allocation in `unit`s (cores, GiB …) when known: targets are then absolute. */
  capacity?: number;
  unit?: string;
}

export interface ScalingDecision {
  action: 'scale_up' | 'scale_down' | 'no_action';
  resource: string;
  /** The allocation now (capacity, or 1 = the current size when the capacity is unknown). */
  current_value: number;
  target_value: number;
  units: string;
  confidence: number;
  reasoning: string;
  /** Monthly cost change of the resize under the cost model (0 when the units are relative). */
  cost_impact: number;
  /** p95 forecast utilisation peak over the horizon. */
  forecast_peak: number;
  /** Epoch ms: now for a scale-up; the forecast trough for a scale-down. */
  scheduledAt: number;
  urgency: 'critical' | 'high' | 'medium' | 'low';
  /** Forecast share of steps above 90 % before and after the decision. */
  saturatedBefore: number;
  saturatedAfter: number;
  source: 'forecast' | 'current';
}

const PRICE: Record<string, keyof CostModel> = { cpu: 'perCoreMonth', memory: 'perGiBMonth', storage: 'perStorageGiBMonth', disk: 'perStorageGiBMonth' };

export function decideScaling(r: ScalingResourceInput, opts: { horizonMinutes: number; costModel: CostModel; now: number }): ScalingDecision {
  let peak = r.current;
  let median: number[] = [r.current];
  let timestamps = [opts.now];
  let confidence = CURRENT_ONLY_CONFIDENCE;
  let source: ScalingDecision['source'] = 'current';
  let note = 'no usable history: decided on the current value';
  try {
    const f = forecastDemand([...r.history, { ts: opts.now, value: r.current }], { horizonMinutes: opts.horizonMinutes, units: 'fraction', bounded: false });
    const p95 = f.quantiles.find((q) => q.level === 0.95)!.values;
    peak = Math.max(...p95);
    median = f.predictions;
    timestamps = f.timestamps;
    confidence = f.confidence;
    source = 'forecast';
    note = `${f.model} forecast over ${opts.horizonMinutes} min (p95 peak ${(peak * 100).toFixed(0)} %)`;
  } catch (e) {
    if (!(e instanceof InsufficientDataError)) throw e;
  }
  let factor = 1;
  let action: ScalingDecision['action'] = 'no_action';
  if (peak > SCALE_UP_ABOVE) {
    action = 'scale_up';
    factor = peak / TARGET_UTILISATION;
  } else if (peak < SCALE_DOWN_BELOW) {
    factor = Math.max(MIN_SCALE, peak / TARGET_UTILISATION);
    if (factor < 0.9) action = 'scale_down';
    else factor = 1;
  }
  const absolute = r.capacity !== undefined && r.capacity > 0;
  const current = absolute ? r.capacity! : 1;
  let target = current * factor;
  if (absolute && (r.resource === 'cpu' || r.resource === 'memory')) target = Math.max(r.resource === 'cpu' ? 0.025 : 0.25, roundUp(target, r.resource));
  const priceKey = PRICE[r.resource];
  const cost_impact = absolute && priceKey ? (target - current) * (opts.costModel[priceKey] as number) : 0;
  const saturated = (xs: number[], scale: number) => (xs.length ? xs.filter((x) => x / scale > SATURATED).length / xs.length : 0);
  const scale = target / current;
  // Urgency: how soon the median forecast crosses 90 %.
  const crossing = median.findIndex((x) => x > SATURATED);
  const minutes = crossing < 0 ? Infinity : (timestamps[crossing] - opts.now) / 60_000;
  const urgency = action !== 'scale_up' ? 'low' : minutes <= 15 ? 'critical' : minutes <= 60 ? 'high' : 'medium';
  let trough = 0;
  for (let i = 1; i < median.length; i++) if (median[i] < median[trough]) trough = i;
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const reasoning =
    action === 'scale_up'
      ? `${r.resource}: ${note} exceeds ${pct(SCALE_UP_ABOVE)}; grow to bring it to ${pct(TARGET_UTILISATION)}`
      : action === 'scale_down'
        ? `${r.resource}: ${note} stays under ${pct(SCALE_DOWN_BELOW)}; shrink to bring the peak to ${pct(Math.min(TARGET_UTILISATION, peak / factor))} (at most halving per step)`
        : `${r.resource}: ${note} is within ${pct(SCALE_DOWN_BELOW)}–${pct(SCALE_UP_ABOVE)}; no change`;
  return {
    action,
    resource: r.resource,
    current_value: current,
    target_value: target,
    units: absolute ? (r.unit ?? 'units') : 'fraction of the current allocation',
    confidence,
    reasoning,
    cost_impact,
    forecast_peak: peak,
    scheduledAt: action === 'scale_down' ? timestamps[trough] : opts.now,
    urgency,
    saturatedBefore: saturated(median, 1),
    saturatedAfter: saturated(median, scale),
    source,
  };
}
