/**
 * Samples at whatever spacing a caller has, averaged onto one regular grid: the median spacing
 * between distinct timestamps (at least a minute), the latest `maxSteps` steps, NaN where a step
 * has no sample. Every column shares the timestamps.
 */
export const MIN_GRID_STEP_MS = 60_000;

export interface RegularGrid {
  startMs: number;
  stepMs: number;
  /** One array per input column, NaN for steps without a finite sample. */
  columns: Float64Array[];
}

export function toRegularGrid(timestamps: ArrayLike<number>, columns: readonly ArrayLike<number>[], maxSteps = Infinity): RegularGrid {
  const order = Array.from({ length: timestamps.length }, (_, i) => i)
    .filter((i) => Number.isFinite(timestamps[i]))
    .sort((a, b) => timestamps[a] - timestamps[b]);
  if (!order.length) return { startMs: 0, stepMs: MIN_GRID_STEP_MS, columns: columns.map(() => new Float64Array(0)) };
  const gaps: number[] = [];
  for (let k = 1; k < order.length; k++) {
    const d = timestamps[order[k]] - timestamps[order[k - 1]];
    if (d > 0) gaps.push(d);
  }
  gaps.sort((a, b) => a - b);
  const medianGap = gaps.length ? gaps[gaps.length >> 1] : MIN_GRID_STEP_MS;
  const stepMs = Math.max(MIN_GRID_STEP_MS, Math.round(medianGap / 1000) * 1000);
  const end = timestamps[order[order.length - 1]];
  const startMs = Math.max(timestamps[order[0]], end - (Math.min(maxSteps, 1e7) - 1) * stepMs);
  const n = Math.floor((end - startMs) / stepMs) + 1;
  const out = columns.map((col) => {
    const sum = new Float64Array(n);
    const count = new Float64Array(n);
    for (const i of order) {
      const t = timestamps[i];
      const v = col[i];
      if (t < startMs || !Number.isFinite(v)) continue;
      const s = Math.min(n - 1, Math.floor((t - startMs) / stepMs));
      sum[s] += v;
      count[s]++;
    }
    const values = new Float64Array(n);
    for (let s = 0; s < n; s++) values[s] = count[s] ? sum[s] / count[s] : NaN;
    return values;
  });
  return { startMs, stepMs, columns: out };
}
