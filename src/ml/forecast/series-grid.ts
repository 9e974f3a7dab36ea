import { MLInputError } from '../core/errors.js';
import type { SeriesGrid } from './forecaster.js';

/** Checks shared by every forecaster: the grid's shape, the horizon and the quantile levels. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export function checkSeries(kind: string, series: SeriesGrid): void {
  if (!series || !(series.values instanceof Float64Array)) throw new MLInputError(`${kind}: series.values must be a Float64Array`);
  if (!(Number.isFinite(series.stepMs) && series.stepMs > 0)) throw new MLInputError(`${kind}: series.stepMs must be a positive number of milliseconds, got ${series.stepMs}`);
  if (!Number.isFinite(series.startMs)) throw new MLInputError(`${kind}: series.startMs must be a finite epoch-ms time, got ${series.startMs}`);
  const v = series.values;
  // NaN is a gap; an infinity is a corrupted sample that would poison every sum downstream.
  for (let i = 0; i < v.length; i++) if (v[i] === Infinity || v[i] === -Infinity) throw new MLInputError(`${kind}: series.values[${i}] is ${v[i]}; use NaN for a missing step`);
}

export function checkHorizon(kind: string, horizon: number): void {
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new MLInputError(`${kind}: horizon must be a positive integer number of steps, got ${horizon}`);
}

export function checkLevels(kind: string, levels: readonly number[]): void {
  if (!Array.isArray(levels) || levels.length === 0) throw new MLInputError(`${kind}: levels must be a non-empty array of quantile levels in (0, 1)`);
  for (let k = 0; k < levels.length; k++) {
    const l = levels[k];
    if (!(typeof l === 'number' && l > 0 && l < 1)) throw new MLInputError(`${kind}: level ${l} is not in (0, 1)`);
    if (k > 0 && !(l > levels[k - 1])) throw new MLInputError(`${kind}: levels must be strictly ascending, got ${levels.join(', ')}`);
  }
}

/**
 * A calendar period in grid steps. Rounded, so a step that does not divide the period (e.g.
 * 7 minutes into a day) gets the nearest whole number of steps and a slowly drifting phase.
 */
export function periodSteps(periodMs: number, stepMs: number): number {
  return Math.round(periodMs / stepMs);
}

/** Number of finite values in values[from, to). */
export function countFinite(values: Float64Array, from = 0, to = values.length): number {
  let c = 0;
  for (let i = from; i < to; i++) if (values[i] === values[i]) c++;
  return c;
}

/** The value at the latest finite index ≤ i, or NaN when there is none. */
export function lastFiniteAtOrBefore(values: Float64Array, i: number): number {
  for (let j = Math.min(i, values.length - 1); j >= 0; j--) if (values[j] === values[j]) return values[j];
  return NaN;
}

/** A grid that starts where `series` ends: the forecast's startMs. */
export function endMs(series: SeriesGrid): number {
  return series.startMs + series.values.length * series.stepMs;
}
