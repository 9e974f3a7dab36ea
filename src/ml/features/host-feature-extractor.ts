/**
 * Features of a host window with several metrics: one WindowFeatureExtractor block per metric,
 * concatenated in a fixed metric order, named `${metric}.${feature}` (e.g. `cpu.ols_slope`,
 * `disk_reallocated.catch22.CO_f1ecac`). The metric list is fixed at construction so every row
 * of a training set has the same columns; a metric absent from a host's record yields a block
 * that is NaN throughout (missing_count included: nothing is known about it).
 */
import { MLInputError } from '../core/errors.js';
import { WindowFeatureExtractor, type WindowFeatureParams } from './window-feature-extractor.js';

export class HostFeatureExtractor {
  readonly metrics: readonly string[];
  readonly names: readonly string[];
  readonly size: number;
  readonly perMetric: WindowFeatureExtractor;

  constructor(metrics: readonly string[], params: WindowFeatureParams = {}) {
    if (metrics.length === 0) throw new MLInputError('HostFeatureExtractor needs at least one metric');
    const seen = new Set<string>();
    for (const m of metrics) {
      if (!m || seen.has(m)) throw new MLInputError(`metric names must be non-empty and unique, got "${m}"`);
      seen.add(m);
    }
    this.metrics = Object.freeze([...metrics]);
    this.perMetric = new WindowFeatureExtractor(params);
    this.names = Object.freeze(this.metrics.flatMap((m) => this.perMetric.names.map((f) => `${m}.${f}`)));
    this.size = this.names.length;
  }

  /** Features of one host window, written to out[offset .. offset + size) (a new array when omitted). */
  extract(windows: Readonly<Record<string, ArrayLike<number> | undefined>>, out?: Float64Array, offset = 0): Float64Array {
    const target = out ?? new Float64Array(this.size);
    if (!Number.isInteger(offset) || offset < 0 || offset + this.size > target.length) {
      throw new MLInputError(`output has room for ${target.length - offset} features at offset ${offset}, need ${this.size}`);
    }
    const block = this.perMetric.size;
    for (let m = 0; m < this.metrics.length; m++) {
      const values = windows[this.metrics[m]];
      const at = offset + m * block;
      if (values === undefined) target.fill(NaN, at, at + block);
      else this.perMetric.extract(values, target, at);
    }
    return target;
  }
}

/**
 * One-off convenience: features of every metric in `windows`, metrics in alphabetical order.
 * For many hosts create one HostFeatureExtractor with a fixed metric list instead.
 */
export function extractHostFeatures(windows: Readonly<Record<string, ArrayLike<number>>>, params: WindowFeatureParams = {}): { names: readonly string[]; values: Float64Array } {
  const fx = new HostFeatureExtractor(Object.keys(windows).sort(), params);
  return { names: fx.names, values: fx.extract(windows) };
}
