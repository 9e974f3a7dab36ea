/**
 * A demand series as callers send it: timestamped points averaged onto a regular grid, the units
 * inferred, and the quantile levels every demand forecast reports. Shared by per-request
 * forecasts (demand-forecast.ts) and model selection (demand-model-selection.ts).
 */
import type { SeriesGrid } from '../ml/forecast/index.js';
import { toRegularGrid } from './regular-grid.js';

/** Grid steps kept for fitting: the latest 5 weeks of 5-minute steps (older history adds little and costs time). */
const MAX_GRID_STEPS = 10_080;

export const DEMAND_LEVELS = [0.5, 0.9, 0.95, 0.99] as const;

export type DemandUnits = 'fraction' | 'percent' | 'absolute';

export interface DemandPoint {
  /** Epoch ms. */
  ts: number;
  value: number;
}

/** The points averaged onto a regular grid of the median spacing (NaN where a step has none). */
export function toGrid(points: readonly DemandPoint[]): SeriesGrid {
  const g = toRegularGrid(Float64Array.from(points, (p) => p.ts), [Float64Array.from(points, (p) => p.value)], MAX_GRID_STEPS);
  return { values: g.columns[0], startMs: g.startMs, stepMs: g.stepMs };
}

export function inferUnits(values: ArrayLike<number>): DemandUnits {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max <= 1 ? 'fraction' : max <= 100 ? 'percent' : 'absolute';
}
