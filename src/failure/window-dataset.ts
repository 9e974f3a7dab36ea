/**
 * Training and evaluation rows for failure prediction: every host's telemetry cut into windows
 * ending at regular times t (the moment a prediction would be made), each turned into the host
 * feature vector (src/ml/features: ~100 features per metric) and labelled with lead time
 * (labels.ts). Windows without an honest label (down, too late, censored) are left out and counted.
 *
 * A window uses the `windowPoints` samples up to and including t — never a later one — so a model
 * trained on these rows sees at serving time exactly what it saw in training.
 */
import { MLInputError, matrix, type Matrix } from '../ml/core/index.js';
import { HostFeatureExtractor, type WindowFeatureParams } from '../ml/features/index.js';
import { labelWindows, type ExclusionReason, type FailureInterval, type LeadTimeOptions } from './labels.js';

export interface HostSeries {
  entityId: string;
  /** Sample times (epoch ms), ascending, on a regular grid (gaps as NaN values, not missing times). */
  timestamps: ArrayLike<number>;
  /** Metric name → values aligned with `timestamps` (NaN where missing). */
  metrics: Readonly<Record<string, ArrayLike<number>>>;
  /** End of observation (epoch ms); defaults to the last timestamp. */
  observedUntil?: number;
}

export interface WindowDatasetOptions extends Partial<LeadTimeOptions> {
  /** Metrics to use, in column order (a host lacking one gets NaN features for it). */
  metrics: readonly string[];
  /** Samples per window (default 30). */
  windowPoints?: number;
  /** Samples between consecutive window ends (default 5). */
  stridePoints?: number;
  /** Keep the raw windows too (for sequence models): [row][point][metric], float32. */
  keepRaw?: boolean;
  features?: WindowFeatureParams;
  /**
   * How windows become feature rows. Default: the src/ml/features set over the `windowPoints`
   * samples of every metric (HostFeatureExtractor). A featurizer may read further back than the window.
   */
  featurizer?: WindowFeaturizer;
  /** Keep one negative window in this many (positives are all kept); `weight` says how many each stands for. Default 1. */
  negativeEvery?: number;
  /**
   * Keep one positive window in `every` among those whose failure is more than `beyondMs` away
   * (a disk degrading for a day gives over a thousand near-identical windows a minute apart).
   */
  thinFarPositives?: { beyondMs: number; every: number };
}

/** Turns a host's series into feature rows at chosen window ends. */
export interface WindowFeaturizer {
  readonly names: readonly string[];
  prepare(series: Readonly<Record<string, ArrayLike<number> | undefined>>, length: number): { featuresAt(end: number, out: Float64Array, offset: number): void };
}

export interface WindowDataset {
  X: Matrix;
  y: Float64Array;
  entity: string[];
  /** Window end time (epoch ms). */
  t: Float64Array;
  /** How many windows each row stands for (negatives kept one in `negativeEvery`). */
  weight: Float64Array;
  /** Time to the failure for positives (ms), NaN otherwise. */
  leadMs: Float64Array;
  mode: Array<string | null>;
  featureNames: readonly string[];
  /** Raw windows when asked for: rows × windowPoints × metrics. */
  raw: Float32Array | null;
  windowPoints: number;
  metrics: readonly string[];
  excluded: Record<ExclusionReason, number>;
}

export function buildWindowDataset(hosts: readonly HostSeries[], failures: readonly FailureInterval[], options: WindowDatasetOptions): WindowDataset {
  const W = options.windowPoints ?? 30;
  const stride = options.stridePoints ?? 5;
  const negativeEvery = options.negativeEvery ?? 1;
  if (!(Number.isInteger(W) && W >= 8) || !(Number.isInteger(stride) && stride >= 1)) throw new MLInputError(`windowPoints must be an integer ≥ 8 and stridePoints ≥ 1, got ${W} and ${stride}`);
  if (!(Number.isInteger(negativeEvery) && negativeEvery >= 1)) throw new MLInputError(`negativeEvery must be a positive integer, got ${negativeEvery}`);
  const fx = options.featurizer ?? lastWindowFeaturizer(options.metrics, W, options.features);
  const width = fx.names.length;
  const byEntity = new Map<string, FailureInterval[]>();
  for (const f of failures) {
    let list = byEntity.get(f.entityId);
    if (!list) byEntity.set(f.entityId, (list = []));
    list.push(f);
  }
  // First pass: which windows become rows (so the matrix is allocated once).
  const plans: Array<{ host: HostSeries; ends: number[]; labels: ReturnType<typeof labelWindows> }> = [];
  const excluded: Record<ExclusionReason, number> = { down: 0, too_late: 0, censored: 0 };
  let rows = 0;
  let negativesSeen = 0;
  let farSeen = 0;
  const thin = options.thinFarPositives;
  if (thin && !(Number.isInteger(thin.every) && thin.every >= 1)) throw new MLInputError(`thinFarPositives.every must be a positive integer, got ${thin.every}`);
  for (const host of hosts) {
    const n = host.timestamps.length;
    for (const m of options.metrics) {
      const v = host.metrics[m];
      if (v && v.length !== n) throw new MLInputError(`${host.entityId}: metric ${m} has ${v.length} values for ${n} timestamps`);
    }
    const candidates: number[] = [];
    for (let e = W - 1; e < n; e += stride) candidates.push(e);
    const until = host.observedUntil ?? (n > 0 ? host.timestamps[n - 1] : 0);
    const all = labelWindows(
      candidates.map((e) => host.timestamps[e]),
      byEntity.get(host.entityId) ?? [],
      until,
      options,
    );
    const ends: number[] = [];
    const labels: typeof all = [];
    for (let k = 0; k < all.length; k++) {
      const l = all[k];
      if (l.excluded) {
        excluded[l.excluded]++;
        continue;
      }
      if (l.label === 0 && negativesSeen++ % negativeEvery !== 0) continue;
      if (thin && l.label === 1 && l.leadMs > thin.beyondMs && farSeen++ % thin.every !== 0) continue;
      ends.push(candidates[k]);
      labels.push(l);
      rows++;
    }
    plans.push({ host, ends, labels });
  }
  const X = new Float64Array(rows * width);
  const y = new Float64Array(rows);
  const t = new Float64Array(rows);
  const weight = new Float64Array(rows);
  const leadMs = new Float64Array(rows);
  const entity: string[] = [];
  const mode: Array<string | null> = [];
  const M = options.metrics.length;
  const raw = options.keepRaw ? new Float32Array(rows * W * M) : null;
  let r = 0;
  for (const { host, ends, labels } of plans) {
    if (ends.length === 0) continue;
    const prepared = fx.prepare(host.metrics, host.timestamps.length);
    for (let k = 0; k < ends.length; k++) {
      const l = labels[k];
      const end = ends[k];
      prepared.featuresAt(end, X, r * width);
      if (raw) {
        for (let m = 0; m < M; m++) {
          const v = host.metrics[options.metrics[m]];
          for (let i = 0; i < W; i++) raw[(r * W + i) * M + m] = v ? v[end - W + 1 + i] : NaN;
        }
      }
      y[r] = l.label;
      t[r] = host.timestamps[end];
      weight[r] = l.label === 0 ? negativeEvery : thin && l.leadMs > thin.beyondMs ? thin.every : 1;
      leadMs[r] = l.leadMs;
      entity.push(host.entityId);
      mode.push(l.mode);
      r++;
    }
  }
  return { X: matrix(X, rows, width), y, entity, t, weight, leadMs, mode, featureNames: fx.names, raw, windowPoints: W, metrics: [...options.metrics], excluded };
}

/** The default featurizer: the src/ml/features set over the last `W` samples of every metric. */
export function lastWindowFeaturizer(metrics: readonly string[], W: number, params?: WindowFeatureParams): WindowFeaturizer {
  const fx = new HostFeatureExtractor(metrics, params);
  const windows: Record<string, Float64Array> = {};
  for (const m of metrics) windows[m] = new Float64Array(W);
  return {
    names: fx.names,
    prepare(series) {
      return {
        featuresAt(end, out, offset) {
          const present: Record<string, Float64Array | undefined> = {};
          for (const name of metrics) {
            const v = series[name];
            if (!v) continue;
            const w = windows[name];
            for (let i = 0; i < W; i++) w[i] = end - W + 1 + i >= 0 ? v[end - W + 1 + i] : NaN;
            present[name] = w;
          }
          fx.extract(present, out, offset);
        },
      };
    },
  };
}
