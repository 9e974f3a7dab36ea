/**
 * The "AWS-style" rightsizing baseline: a high percentile of the look-back window plus a fixed
 * headroom. The defaults are AWS Compute Optimizer's documented recommendation preferences
 * (API reference, UtilizationPreference / CustomizableMetricParameters, LookBackPeriod): CPU
 * threshold P99.5 (choices P90, P95, P99.5), CPU headroom 20 % (0, 20, 30 %), memory headroom 20 %
 * (10, 20, 30 %), look-back 14 days (14, 32, 93). Compute Optimizer does not let the memory
 * threshold be set; we use the same P99.5 for memory. The percentile is the exact empirical one
 * (linear interpolation between order statistics) of the 5-minute samples in the window, gaps
 * (NaN) skipped. Compute Optimizer then picks an instance type; here the target is the raw size,
 * the same way VPA's is, so the two baselines and ours are compared on the same footing.
 */
import { quantilesSelect } from '../ml/forecast/index.js';

const DAY_MS = 86_400_000;

export interface PercentileHeadroomOptions {
  /** Percentile of the window (0.995). */
  percentile: number;
  /** Headroom added on top: target = percentile × (1 + headroom). CPU 0.2, memory 0.2. */
  cpuHeadroom: number;
  memoryHeadroom: number;
  /** Look-back window in days (14). */
  lookbackDays: number;
}

export const PERCENTILE_HEADROOM_DEFAULTS: Readonly<PercentileHeadroomOptions> = Object.freeze({
  percentile: 0.995,
  cpuHeadroom: 0.2,
  memoryHeadroom: 0.2,
  lookbackDays: 14,
});

/** Exact empirical quantile (type 7: linear between order statistics) of the finite values in [from, to). */
export function windowQuantile(values: ArrayLike<number>, from: number, to: number, p: number): number {
  let n = 0;
  const buf = new Float64Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (Number.isFinite(v)) buf[n++] = v;
  }
  return quantilesSelect(buf, [p], n)[0];
}

export interface PercentileHeadroomInput {
  cpu: ArrayLike<number>;
  memGiB: ArrayLike<number>;
  stepMs: number;
  /** The window ends at `to` (exclusive); default the series' end. */
  to?: number;
}

export interface PercentileHeadroomRecommendation {
  cpuCores: number;
  memoryGiB: number;
  cpuPercentile: number;
  memoryPercentile: number;
}

/** Target = window percentile × (1 + headroom), per resource; NaN when the window holds no data. */
export function percentileHeadroomRecommend(input: PercentileHeadroomInput, options: Partial<PercentileHeadroomOptions> = {}): PercentileHeadroomRecommendation {
  const o = { ...PERCENTILE_HEADROOM_DEFAULTS, ...options };
  const to = input.to ?? input.cpu.length;
  const from = Math.max(0, to - Math.round((o.lookbackDays * DAY_MS) / input.stepMs));
  const cpuP = windowQuantile(input.cpu, from, to, o.percentile);
  const memP = windowQuantile(input.memGiB, from, to, o.percentile);
  return { cpuCores: cpuP * (1 + o.cpuHeadroom), memoryGiB: memP * (1 + o.memoryHeadroom), cpuPercentile: cpuP, memoryPercentile: memP };
}
