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
}

export interface WindowDataset {
  X: Matrix;
  y: Float64Array;
  entity: string[];
  /** Window end time (epoch ms). */
  t: Float64Array;
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
  if (!(Number.isInteger(W) && W >= 8) || !(Number.isInteger(stride) && stride >= 1)) throw new MLInputError(`windowPoints must be an integer ≥ 8 and stridePoints ≥ 1, got ${W} and ${stride}`);
  const fx = new HostFeatureExtractor(options.metrics, options.features);
  const byEntity = new Map<string, FailureInterval[]>();
  for (const f of failures) {
    let list = byEntity.get(f.entityId);
    if (!list) byEntity.set(f.entityId, (list = []));
    list.push(f);
  }
  // First pass: which windows get a label (so the matrix is allocated once).
  const plans: Array<{ host: HostSeries; ends: number[]; labels: ReturnType<typeof labelWindows> }> = [];
  const excluded: Record<ExclusionReason, number> = { down: 0, too_late: 0, censored: 0 };
  let rows = 0;
  for (const host of hosts) {
    const n = host.timestamps.length;
    for (const m of options.metrics) {
      const v = host.metrics[m];
      if (v && v.length !== n) throw new MLInputError(`${host.entityId}: metric ${m} has ${v.length} values for ${n} timestamps`);
    }
    const ends: number[] = [];
    for (let e = W - 1; e < n; e += stride) ends.push(e);
    const times = ends.map((e) => host.timestamps[e]);
    const until = host.observedUntil ?? (n > 0 ? host.timestamps[n - 1] : 0);
    const labels = labelWindows(times, byEntity.get(host.entityId) ?? [], until, options);
    for (const l of labels) {
      if (l.excluded) excluded[l.excluded]++;
      else rows++;
    }
    plans.push({ host, ends, labels });
  }
  const X = new Float64Array(rows * fx.size);
  const y = new Float64Array(rows);
  const t = new Float64Array(rows);
  const leadMs = new Float64Array(rows);
  const entity: string[] = [];
  const mode: Array<string | null> = [];
  const M = options.metrics.length;
  const raw = options.keepRaw ? new Float32Array(rows * W * M) : null;
  const windows: Record<string, Float64Array> = {};
  for (const m of options.metrics) windows[m] = new Float64Array(W);
  let r = 0;
  for (const { host, ends, labels } of plans) {
    for (let k = 0; k < ends.length; k++) {
      const l = labels[k];
      if (l.excluded) continue;
      const end = ends[k];
      const present: Record<string, Float64Array | undefined> = {};
      for (let m = 0; m < M; m++) {
        const name = options.metrics[m];
        const v = host.metrics[name];
        if (!v) continue;
        const w = windows[name];
        for (let i = 0; i < W; i++) w[i] = v[end - W + 1 + i];
        present[name] = w;
        if (raw) for (let i = 0; i < W; i++) raw[(r * W + i) * M + m] = w[i];
      }
      fx.extract(present, X, r * fx.size);
      y[r] = l.label;
      t[r] = host.timestamps[end];
      leadMs[r] = l.leadMs;
      entity.push(host.entityId);
      mode.push(l.mode);
      r++;
    }
  }
  return { X: matrix(X, rows, fx.size), y, entity, t, leadMs, mode, featureNames: fx.names, raw, windowPoints: W, metrics: [...options.metrics], excluded };
}
