/**
 * A re-implementation of the Kubernetes Vertical Pod Autoscaler recommender
 * (kubernetes/autoscaler, vertical-pod-autoscaler/pkg/recommender), written from reading its
 * source, used as the baseline our rightsizer must beat. Nothing here is copied; the constants
 * and where they come from:
 *
 * - Histograms (util/histogram.go, util/histogram_options.go): exponential buckets, bucket n has
 *   size firstBucketSize·ratio^n, so bucket n ≥ 1 starts at firstBucketSize·(ratio^n − 1)/(ratio − 1);
 *   a value falls into exactly one bucket (no interpolation); Percentile(p) walks the buckets from
 *   the first non-empty one until the running weight reaches p·total and returns the END of that
 *   bucket (the start of the next one); a bucket is "empty" below epsilon = 0.001·minSampleWeight
 *   = 1e-4 (model/aggregations_config.go).
 * - Bucketing (model/aggregations_config.go): CPU in cores, max 1000, first bucket 0.01 core;
 *   memory in bytes, max 1e12, first bucket 1e7 bytes; ratio 1 + DefaultHistogramBucketSizeGrowth
 *   = 1.05. (One later revision uses a 0.001-core first CPU bucket; `cpuFirstBucket` selects it.)
 * - Decay (util/decaying_histogram.go): a sample's weight is multiplied by
 *   2^((sampleTime − referenceTimestamp)/halfLife), so a sample one half-life older counts half;
 *   DefaultCPUHistogramDecayHalfLife = DefaultMemoryHistogramDecayHalfLife = 24 h.
 * - CPU samples (model/aggregate_container_state.go addCPUSample): weight = max(request in cores,
 *   minSampleWeight 0.1), so history gathered under a larger request counts more.
 * - Memory samples (model/container.go addMemorySample): one sample per MemoryAggregationInterval
 *   (DefaultMemoryAggregationInterval 24 h), the interval's PEAK, timestamped at the interval's
 *   end (WindowEnd); intervals start at the container's first memory sample. History: the
 *   recommender reads `--history-length=8d` from Prometheus (DefaultMemoryAggregationIntervalCount
 *   8 × 24 h is the same window); we feed it the last `historyDays` (8) of the series, CPU included.
 * - OOM (model/container.go RecordOOM, aggregations_config.go DefaultOOMBumpUpRatio 1.2,
 *   DefaultOOMMinBumpUp 100 MiB): an OOM adds an artificial memory sample
 *   max(used + 100 MiB, used × 1.2) with used = max(request, the interval's usage peak).
 *   A VM trace has no OOM kills, so we map an "OOM-like" event to a 5-minute step whose memory in
 *   use reaches `oomUsageFraction` (0.98) of the provisioned memory (the request); the request is
 *   the provisioned memory at that step.
 * - Target (logic/recommender.go CreatePodResourceRecommender): target = p90 of the CPU
 *   histogram and p90 of the memory-peaks histogram; lower bound p50, upper bound p95; all × (1 +
 *   `--recommendation-margin-fraction` 0.15); the upper bound × (1 + 1/confidence), the lower bound
 *   × (1 + 0.001/confidence)^−2, confidence = min(history span in days, samples / 1440)
 *   (logic/estimator.go getConfidence: N days at one sample per minute = N); then at least the pod
 *   minimums `--pod-recommendation-min-cpu-millicores` 25 and `--pod-recommendation-min-memory-mb`
 *   250 (one container per pod, so the whole minimum).
 *
 * What differs from a live VPA: samples here are 5-minute averages (metrics-server gives ~1-minute
 * ones), so the CPU percentile sees slightly smoother usage, and the confidence counts 5-minute
 * samples the way VPA counts whatever it receives. The headroom is exposed for sweeps:
 * `marginFraction` and the target percentiles; the defaults are VPA's defaults.
 */

export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;
const DAY_MS = 86_400_000;

export interface ExponentialBuckets {
  readonly firstBucketSize: number;
  readonly ratio: number;
  readonly numBuckets: number;
  readonly epsilon: number;
}

/** NewExponentialHistogramOptions: buckets up to `maxValue`, sizes growing by `ratio`. */
export function exponentialBuckets(maxValue: number, firstBucketSize: number, ratio: number, epsilon: number): ExponentialBuckets {
  if (!(maxValue > 0 && firstBucketSize > 0 && ratio > 1 && epsilon > 0)) throw new RangeError('exponentialBuckets: maxValue, firstBucketSize, epsilon must be > 0 and ratio > 1');
  const numBuckets = Math.ceil(Math.log((maxValue * (ratio - 1)) / firstBucketSize + 1) / Math.log(ratio)) + 1;
  return { firstBucketSize, ratio, numBuckets, epsilon };
}

export function findBucket(o: ExponentialBuckets, value: number): number {
  if (!(value >= o.firstBucketSize)) return 0;
  const b = Math.floor(Math.log((value * (o.ratio - 1)) / o.firstBucketSize + 1) / Math.log(o.ratio));
  return b >= o.numBuckets ? o.numBuckets - 1 : b;
}

export function bucketStart(o: ExponentialBuckets, bucket: number): number {
  if (bucket <= 0) return 0;
  return (o.firstBucketSize * (o.ratio ** bucket - 1)) / (o.ratio - 1);
}

/**
 * A decaying histogram: weights are stored relative to a reference time, so an older sample
 * simply enters with a smaller weight; percentiles only depend on relative weights.
 */
export class DecayingHistogram {
  readonly weights: Float64Array;
  totalWeight = 0;
  private referenceMs: number | undefined;

  constructor(readonly buckets: ExponentialBuckets, readonly halfLifeMs: number) {
    this.weights = new Float64Array(buckets.numBuckets);
  }

  /** The multiplier a sample taken at `timeMs` gets (2^((t − reference)/halfLife)). */
  decayFactor(timeMs: number): number {
    if (this.referenceMs === undefined) this.referenceMs = Math.round(timeMs / this.halfLifeMs) * this.halfLifeMs;
    const exponent = (timeMs - this.referenceMs) / this.halfLifeMs;
    if (exponent > 100) {
      // Renormalise like VPA: move the reference forward by whole half-lives, rescale everything.
      const newRef = Math.round(timeMs / this.halfLifeMs) * this.halfLifeMs;
      const shift = Math.round((this.referenceMs - newRef) / this.halfLifeMs);
      const f = 2 ** shift;
      for (let b = 0; b < this.weights.length; b++) this.weights[b] *= f;
      this.totalWeight *= f;
      this.referenceMs = newRef;
      return 2 ** ((timeMs - newRef) / this.halfLifeMs);
    }
    return 2 ** exponent;
  }

  addSample(value: number, weight: number, timeMs: number): void {
    if (weight < 0) throw new RangeError('sample weight must be ≥ 0');
    const w = weight * this.decayFactor(timeMs);
    this.weights[findBucket(this.buckets, value)] += w;
    this.totalWeight += w;
  }

  subtractSample(value: number, weight: number, timeMs: number): void {
    const b = findBucket(this.buckets, value);
    let w = weight * this.decayFactor(timeMs);
    if (w > this.weights[b] - this.buckets.epsilon) w = this.weights[b];
    this.weights[b] -= w;
    this.totalWeight -= w;
  }

  /** Raw (decayed) weight held in the bucket that `value` falls into. */
  weightAt(value: number): number {
    return this.weights[findBucket(this.buckets, value)];
  }

  isEmpty(): boolean {
    for (let b = 0; b < this.weights.length; b++) if (this.weights[b] >= this.buckets.epsilon) return false;
    return true;
  }

  /** VPA's Percentile: the end of the bucket where the running weight reaches p·total; 0 when empty. */
  percentile(p: number): number {
    const n = this.weights.length;
    let minB = 0;
    while (minB < n - 1 && this.weights[minB] < this.buckets.epsilon) minB++;
    let maxB = n - 1;
    while (maxB > 0 && this.weights[maxB] < this.buckets.epsilon) maxB--;
    if (this.weights[minB] < this.buckets.epsilon) return 0;
    const threshold = p * this.totalWeight;
    let partial = 0;
    let b = minB;
    for (; b < maxB; b++) {
      partial += this.weights[b];
      if (partial >= threshold) break;
    }
    return b < n - 1 ? bucketStart(this.buckets, b + 1) : bucketStart(this.buckets, b);
  }
}

export interface VpaOptions {
  /** `--recommendation-margin-fraction` (0.15). */
  marginFraction: number;
  /** Target percentiles (CreatePodResourceRecommender: 0.9 and 0.9). */
  targetCpuPercentile: number;
  targetMemoryPercentile: number;
  /** Half-lives (24 h each). */
  cpuHalfLifeMs: number;
  memoryHalfLifeMs: number;
  /** MemoryAggregationInterval (24 h). */
  memoryAggregationIntervalMs: number;
  /** History fed to the recommender, in days (`--history-length=8d`). */
  historyDays: number;
  /** First CPU bucket in cores (0.01) and memory bucket in bytes (1e7); bucket growth (0.05). */
  cpuFirstBucket: number;
  memoryFirstBucketBytes: number;
  bucketGrowth: number;
  /** Pod minimums: 25 millicores, 250 MiB. */
  podMinCpuCores: number;
  podMinMemoryBytes: number;
  /** OOM bump: ×1.2, at least +100 MiB. */
  oomBumpUpRatio: number;
  oomMinBumpUpBytes: number;
  /** Memory in use ≥ this fraction of the provisioned memory counts as an OOM-like event (0.98). */
  oomUsageFraction: number;
}

export const VPA_DEFAULTS: Readonly<VpaOptions> = Object.freeze({
  marginFraction: 0.15,
  targetCpuPercentile: 0.9,
  targetMemoryPercentile: 0.9,
  cpuHalfLifeMs: DAY_MS,
  memoryHalfLifeMs: DAY_MS,
  memoryAggregationIntervalMs: DAY_MS,
  historyDays: 8,
  cpuFirstBucket: 0.01,
  memoryFirstBucketBytes: 1e7,
  bucketGrowth: 0.05,
  podMinCpuCores: 0.025,
  podMinMemoryBytes: 250 * MIB,
  oomBumpUpRatio: 1.2,
  oomMinBumpUpBytes: 100 * MIB,
  oomUsageFraction: 0.98,
});

/** One VM's history on a regular grid; NaN = no data. */
export interface VpaInput {
  /** Cores in use per step. */
  cpu: ArrayLike<number>;
  /** Memory in use per step, GiB. */
  memGiB: ArrayLike<number>;
  /** Provisioned (requested) cores and GiB per step; NaN or 0 = unknown (the last known is used). */
  provCores: ArrayLike<number>;
  provMemGiB: ArrayLike<number>;
  startMs: number;
  stepMs: number;
  /** Use steps [from, to) only (defaults: the whole series). The history window ends at `to`. */
  from?: number;
  to?: number;
}

export interface VpaRecommendation {
  /** Target cores and GiB (p90 × (1 + margin), at least the pod minimums). */
  cpuCores: number;
  memoryGiB: number;
  lowerBound: { cpuCores: number; memoryGiB: number };
  upperBound: { cpuCores: number; memoryGiB: number };
  /** OOM-like events seen in the history window. */
  oomEvents: number;
  /** Daily memory peaks fed to the histogram (GiB, oldest first, OOM bumps included). */
  memoryPeaksGiB: number[];
  cpuSamples: number;
  /** VPA's confidence (history in days, counting 1,440 samples as a day). */
  confidenceDays: number;
}

function cpuBuckets(o: VpaOptions): ExponentialBuckets {
  return exponentialBuckets(1000, o.cpuFirstBucket, 1 + o.bucketGrowth, 0.001 * 0.1);
}
function memoryBuckets(o: VpaOptions): ExponentialBuckets {
  return exponentialBuckets(1e12, o.memoryFirstBucketBytes, 1 + o.bucketGrowth, 0.001 * 0.1);
}

/** Runs the VPA recommender over one VM's history and returns its recommendation. */
export function vpaRecommend(input: VpaInput, options: Partial<VpaOptions> = {}): VpaRecommendation {
  const o: VpaOptions = { ...VPA_DEFAULTS, ...options };
  const to = input.to ?? input.cpu.length;
  const from = Math.max(input.from ?? 0, to - Math.round((o.historyDays * DAY_MS) / input.stepMs));
  const cpuH = new DecayingHistogram(cpuBuckets(o), o.cpuHalfLifeMs);
  const memH = new DecayingHistogram(memoryBuckets(o), o.memoryHalfLifeMs);
  let lastReq = NaN;
  let lastReqMem = NaN;
  let cpuSamples = 0;
  let firstMs = NaN;
  let lastMs = NaN;
  let oomEvents = 0;
  // Memory aggregation state (ContainerState): the current interval's end and peak.
  // usagePeak excludes OOM bumps (RecordOOM bumps from the usage peak, not from an earlier bump).
  let windowEnd = NaN;
  let usagePeak = -1;
  let oomPeak = -1;
  let inOom = false;
  const peaks: number[] = [];
  const flushPeak = () => {
    const peak = Math.max(usagePeak, oomPeak);
    if (peak >= 0) {
      memH.addSample(peak, 1, windowEnd);
      peaks.push(peak / GIB);
    }
  };
  for (let i = from; i < to; i++) {
    const t = input.startMs + i * input.stepMs;
    const pc = input.provCores[i];
    if (pc > 0) lastReq = pc;
    const pm = input.provMemGiB[i];
    if (pm > 0) lastReqMem = pm;
    const c = input.cpu[i];
    if (Number.isFinite(c) && c >= 0) {
      const req = Number.isFinite(lastReq) ? lastReq : 0;
      cpuH.addSample(c, Math.max(req, 0.1), t);
      cpuSamples++;
      if (!(firstMs <= t)) firstMs = t;
      lastMs = t;
    }
    const m = input.memGiB[i];
    if (Number.isFinite(m) && m >= 0) {
      const bytes = m * GIB;
      if (!Number.isFinite(windowEnd)) windowEnd = t;
      if (t >= windowEnd) {
        flushPeak();
        const shift = Math.floor((t - windowEnd) / o.memoryAggregationIntervalMs) * o.memoryAggregationIntervalMs + o.memoryAggregationIntervalMs;
        windowEnd += shift;
        usagePeak = oomPeak = -1;
      }
      if (bytes > usagePeak) usagePeak = bytes;
      const oom = Number.isFinite(lastReqMem) && m >= o.oomUsageFraction * lastReqMem;
      if (oom) {
        // RecordOOM: needed = max(used + min bump, used × ratio), used = max(request, usage peak).
        if (!inOom) oomEvents++;
        const used = Math.max(lastReqMem * GIB, usagePeak);
        oomPeak = Math.max(oomPeak, used + o.oomMinBumpUpBytes, used * o.oomBumpUpRatio);
      }
      inOom = oom;
    }
  }
  flushPeak();
  const margin = 1 + o.marginFraction;
  const confidenceDays = cpuSamples > 0 ? Math.min((lastMs - firstMs) / DAY_MS, cpuSamples / 1440) : 0;
  const upperMul = confidenceDays > 0 ? 1 + 1 / confidenceDays : Infinity;
  const lowerMul = confidenceDays > 0 ? (1 + 0.001 / confidenceDays) ** -2 : 0;
  const minCpu = o.podMinCpuCores;
  const minMem = o.podMinMemoryBytes / GIB;
  const cpuAt = (p: number) => cpuH.percentile(p) * margin;
  const memAt = (p: number) => (memH.percentile(p) * margin) / GIB;
  return {
    cpuCores: Math.max(cpuAt(o.targetCpuPercentile), minCpu),
    memoryGiB: Math.max(memAt(o.targetMemoryPercentile), minMem),
    lowerBound: { cpuCores: Math.max(cpuAt(0.5) * lowerMul, minCpu), memoryGiB: Math.max(memAt(0.5) * lowerMul, minMem) },
    upperBound: { cpuCores: Math.max(cpuAt(0.95) * upperMul, minCpu), memoryGiB: Math.max(memAt(0.95) * upperMul, minMem) },
    oomEvents,
    memoryPeaksGiB: peaks,
    cpuSamples,
    confidenceDays,
  };
}
