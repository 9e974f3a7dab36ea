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
import { decodeArray, encodeArray } from '../../ml/core/index.js';
import { AnomalyLikelihood, DEFAULT_LIKELIHOOD, type AnomalyLikelihoodOptions } from './anomaly-likelihood.js';
import { CusumDetector, DEFAULT_CHANGE_POINT, type ChangePointOptions } from './change-point.js';
import { ContextualDetector, DEFAULT_CONTEXTUAL, type ContextualOptions } from './contextual.js';
import { DEFAULT_EWMA, EwmaResidual, type EwmaResidualOptions } from './ewma-residual.js';
import { DEFAULT_RECORD, RecordDetector, type RecordDetectorOptions } from './record-detector.js';
import { RobustScale } from './rolling-stats.js';
import { DEFAULT_SEASONAL, SeasonalBaseline, type SeasonalBaselineOptions } from './seasonal-baseline.js';
import { DEFAULT_SHINGLE_ISOLATION, ShingleIsolation, type ShingleIsolationOptions, type ShingleIsolationState } from './shingle-isolation.js';
import { intern } from './shared-options.js';
import { packF64, unpackF64, type EncodedArray } from './state-codec.js';

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

const FORMAT_VERSION = 3;
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
/**
 * Per-point scratch: raw surprises and component scores. Shared by all detectors (one thread, and
 * COMP is read back before the next point), so no detector carries its own cold copy.
 */
const SURPRISE = new Float64Array(N_COMP);
const COMP = new Float64Array(N_COMP);
/**
 * Scalar scratch like COMP: the value expected for the last accepted point (internal units), and
 * the sink of step's pre-loads. In a typed array, since a double stored in a module-level `let`
 * is boxed: one allocation per point.
 */
const SCRATCH = new Float64Array(2);
const LAST_EXPECTED = 0;
const TOUCH_SINK = 1;

/**
 * A detector keeps every number of every component in one Float64Array, `v` (and the contextual
 * counters in a Uint16Array over the same buffer): the components are kernels shared by every
 * series of one configuration (see kernel.ts), so a point touches this series' numbers and
 * nothing else of its own. The layout puts what a point touches first — the detector's scalars,
 * the small components, the records' running extremes, the seasonal phases — then the likelihood
 * histograms, then the rings touched once per block or cycle.
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
/** Points accepted, points skipped. */
const N = 8;
const SKIPPED = 9;
const N_SCALARS = 10;

/** What every detector of one configuration shares: its kernels, where each keeps its numbers in `v`, and derived constants. Built once per configuration. */
interface Layout {
  weights: Float64Array;
  /** An exponential smoother of weight a keeps √(a / (2 − a)) of white noise's σ: the noise of the level and seasonal-residual features. */
  levelNoise: number;
  seasonalNoise: number;
  scale: RobustScale;
  ewma: EwmaResidual;
  cusum: CusumDetector;
  context: ContextualDetector;
  range: RecordDetector;
  level: RecordDetector;
  seasonalRecord: RecordDetector;
  seasonal: SeasonalBaseline;
  /** Per likelihood-calibrated component; null where its weight is 0 (never fed). */
  likelihoods: Array<AnomalyLikelihood | null>;
  atScale: number;
  atEwma: number;
  atCusum: number;
  atContext: number;
  atRange: number;
  atLevel: number;
  atSeasonalRecord: number;
  atSeasonal: number;
  atLikelihood: Int32Array;
  slots: number;
  /** Slots read together before a point is processed (see step). */
  touch: Int32Array;
  /** Contextual counters per series (0 when the component is off). */
  tableSize: number;
}

const layoutOf = new WeakMap<SeriesDetectorOptions, Layout>();
function layout(o: SeriesDetectorOptions): Layout {
  let l = layoutOf.get(o);
  if (l) return l;
  let next = N_SCALARS;
  const place = (slots: number) => {
    const at = next;
    next += slots;
    return at;
  };
  // Records keep their rings of block extremes at the end (cold); their offsets are known once the rest is placed.
  const hotRecords = 3 * RecordDetector.HOT_SLOTS;
  const scale = new RobustScale(o.standardiseAlpha, 4);
  const ewma = new EwmaResidual(o.ewma);
  const cusum = new CusumDetector(o.changePoint);
  const context = new ContextualDetector(o.contextual);
  const seasonal = new SeasonalBaseline(o.seasonal);
  const likelihoods = COMPONENTS.slice(0, N_LIKELIHOOD).map((c, i) => (o.weights[c] > 0 ? new AnomalyLikelihood(Object.freeze(likelihoodOptions(o, c))) : null));
  const atScale = place(scale.slots);
  const atEwma = place(ewma.slots);
  const atCusum = place(cusum.slots);
  const atRange = place(hotRecords);
  const atLevel = atRange + RecordDetector.HOT_SLOTS;
  const atSeasonalRecord = atLevel + RecordDetector.HOT_SLOTS;
  const atContext = place(context.slots);
  const atSeasonal = place(seasonal.slots);
  const atLikelihood = Int32Array.from(likelihoods, (k) => (k ? place(k.slots) : -1));
  const records = [o.range, o.level, o.seasonalRecord].map((r, i) => {
    const at = atRange + i * RecordDetector.HOT_SLOTS;
    const ringAt = next;
    const k = new RecordDetector(r, ringAt - at);
    next += k.ringSlots;
    return k;
  });
  l = {
    weights: Float64Array.from(COMPONENTS.map((c) => o.weights[c])),
    levelNoise: Math.sqrt(o.levelAlpha / (2 - o.levelAlpha)),
    seasonalNoise: Math.sqrt(o.seasonalResidualAlpha / (2 - o.seasonalResidualAlpha)),
    scale,
    ewma,
    cusum,
    context,
    range: records[0],
    level: records[1],
    seasonalRecord: records[2],
    seasonal,
    likelihoods,
    atScale,
    atEwma,
    atCusum,
    atContext,
    atRange,
    atLevel,
    atSeasonalRecord,
    atSeasonal,
    atLikelihood,
    slots: next,
    touch: touchList(atSeasonal + 8, atLikelihood, likelihoods),
    tableSize: o.weights.context > 0 ? context.tableSize : 0,
  };
  layoutOf.set(o, l);
  return l;
}

/**
 * The slots that every point touches whatever its value: one per cache line of the head of `v`
 * (scalars, small components, records' running extremes, the seasonal head) and each likelihood
 * step's head (plus its short window). See step.
 */
function touchList(headEnd: number, atLikelihood: Int32Array, likelihoods: Array<AnomalyLikelihood | null>): Int32Array {
  const slots: number[] = [];
  for (let i = 0; i < headEnd; i += 8) slots.push(i);
  likelihoods.forEach((l, i) => {
    if (!l) return;
    for (let j = 0; j < l.hotSlots; j += 8) slots.push(atLikelihood[i] + j);
  });
  return Int32Array.from(slots);
}

export class SeriesAnomalyDetector {
  readonly options: SeriesDetectorOptions;
  private readonly k: Layout;
  /** Every number of the detector and its components (see Layout). */
  private readonly v: Float64Array;
  /** The contextual detector's counters (empty when it is off). */
  private readonly table: Uint16Array;
  /** The isolation forest: the costliest member and neutral on NAB, so it exists only when weighted in. */
  private isolation: ShingleIsolation | null;

  constructor(options: SeriesDetectorOptionsInput = {}) {
    const o = resolveSeriesOptions(options);
    this.options = o;
    const k = (this.k = layout(o));
    // One buffer for both arrays: one allocation, one backing store.
    const buffer = new ArrayBuffer(k.slots * 8 + k.tableSize * 2);
    const v = (this.v = new Float64Array(buffer, 0, k.slots));
    this.table = new Uint16Array(buffer, k.slots * 8, k.tableSize);
    v.set([-Infinity, 0, 0, Infinity, 0, 0, 0, NaN, 0, 0]);
    k.scale.init(v, k.atScale);
    k.ewma.init(v, k.atEwma);
    k.cusum.init(v, k.atCusum);
    k.range.init(v, k.atRange);
    k.level.init(v, k.atLevel);
    k.seasonalRecord.init(v, k.atSeasonalRecord);
    k.context.init(v, k.atContext);
    k.seasonal.init(v, k.atSeasonal);
    k.likelihoods.forEach((l, i) => l?.init(v, k.atLikelihood[i]));
    this.isolation = o.weights.isolation > 0 ? new ShingleIsolation(o.isolation) : null;
  }

  /** Points accepted so far. */
  get count(): number {
    return this.v[N];
  }

  /** Bytes of numbers and counters this series keeps (the isolation forest, when on, not counted). */
  get stateBytes(): number {
    return this.v.byteLength + this.table.byteLength;
  }

  /** Points skipped so far (non-finite, or timestamp before the last accepted one). */
  get skippedCount(): number {
    return this.v[SKIPPED];
  }

  /**
   * Scores the point at `timestampMs` (epoch ms) with `value`, then learns it. Pass `out` to have
   * the result written into an object you own instead of a new one (no allocation per point).
   */
  update(timestampMs: number, value: number, out?: SeriesScore): SeriesScore {
    const r = out ?? newScore();
    const o = this.options;
    const c = r.components;
    const v = this.v;
    if (!(value - value === 0) || !(timestampMs - timestampMs === 0) || timestampMs < v[LAST_T]) {
      v[SKIPPED]++;
      r.score = 0;
      r.rawScore = 0;
      r.confidence = this.confidence();
      r.warmingUp = v[N] <= o.warmupPoints;
      writeComponents(c, null);
      r.expected = NaN;
      r.accepted = false;
      return r;
    }
    const raw = this.step(timestampMs, value);
    let score = raw;
    if (v[N] <= o.warmupPoints) score = 0;
    else if (v[SINCE_ALARM] <= o.refractoryPoints && raw < v[ALARM_SCORE] + o.refractoryBreakthrough) score *= o.refractoryFactor;
    else if (score >= o.alarmLevel) {
      v[SINCE_ALARM] = 0;
      v[ALARM_SCORE] = score;
    }
    v[SINCE_ALARM]++;
    r.score = score < 1 ? score : 1;
    r.rawScore = raw < 1 ? raw : 1;
    r.confidence = this.confidence();
    r.warmingUp = v[N] <= o.warmupPoints;
    writeComponents(c, COMP);
    r.expected = SCRATCH[LAST_EXPECTED] * (v[INPUT_SCALE] === 0 ? 1 : v[INPUT_SCALE]);
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
    const c = this.v[N] / this.options.fullConfidencePoints;
    return c < 1 ? c : 1;
  }

  /** One accepted point: every detector scores it, then learns it; returns the combined score. */
  private step(t: number, value: number): number {
    const o = this.options;
    const k = this.k;
    const w = k.weights;
    const s = SURPRISE;
    const v = this.v;
    // When thousands of series take turns, this series' numbers are cold. Reading one slot of each
    // line the point will need, back to back, lets the CPU fetch them all at once (independent
    // loads overlap) instead of one miss at a time as the components reach them.
    const touch = k.touch;
    let sink = v[k.atSeasonal + k.seasonal.phaseSlot(t)];
    for (let i = 0; i < touch.length; i++) sink += v[touch[i]];
    SCRATCH[TOUCH_SINK] = sink; // kept, so the compiler cannot drop the loads
    v[LAST_T] = t;
    if (v[INPUT_SCALE] === 0 && value !== 0) v[INPUT_SCALE] = Math.pow(2, Math.round(Math.log2(Math.abs(value))));
    const x = v[INPUT_SCALE] === 0 ? 0 : value / v[INPUT_SCALE];
    const n = ++v[N];
    const first = n === 1;
    // Scales below `floor` are treated as `floor`, so a flat series never divides by zero.
    const floor = 1e-9 * (Math.abs(v[LEVEL]) + 1e-3);
    const sigma = k.scale.sigma(v, k.atScale);
    const sd = sigma > floor ? sigma : floor;
    let u = first ? 0 : (x - v[LEVEL]) / sd;
    if (u > 1e3) u = 1e3;
    else if (u < -1e3) u = -1e3;

    const forecast = k.ewma.forecast(v, k.atEwma);
    s[C_RESIDUAL] = k.ewma.update(v, k.atEwma, x, floor);
    s[C_CHANGE] = w[C_CHANGE] > 0 ? k.cusum.update(v, k.atCusum, x, floor) : 0;
    // Context and isolation surprises are bounded in [0, 1]; −log2(1 − s) puts them on an open
    // scale so the likelihood step can tell "more surprising than ever" by how much.
    if (w[C_CONTEXT] > 0) {
      const cs = k.context.update(v, k.atContext, this.table, 0, u);
      s[C_CONTEXT] = -Math.log2(1 - (cs < 0.999 ? cs : 0.999));
    } else s[C_CONTEXT] = 0;
    if (this.isolation) {
      const is = this.isolation.update(u);
      s[C_ISOLATION] = -Math.log2(1 - (is < 0.999 ? is : 0.999));
    } else s[C_ISOLATION] = 0;

    // Records: of the value, of its smoothed level, of its smoothed seasonal residual.
    const noise = k.ewma.sigma(v, k.atEwma) * o.recordNoiseTolerance;
    s[C_RANGE] = k.range.update(v, k.atRange, x, floor, noise);
    v[SMOOTH] = first ? x : v[SMOOTH] + o.levelAlpha * (x - v[SMOOTH]);
    s[C_LEVEL] = k.level.update(v, k.atLevel, v[SMOOTH], floor, noise * k.levelNoise);
    const seasonal = k.seasonal;
    const e = seasonal.predict(v, k.atSeasonal, t);
    const ready = seasonal.ready(v, k.atSeasonal);
    // What was expected here, before this point was seen: the season where it explains the series.
    SCRATCH[LAST_EXPECTED] = e === e && ready && seasonal.unexplained(v, k.atSeasonal) < SEASON_EXPLAINS ? e : forecast;
    s[C_SEASONAL] = 0;
    if (e === e && ready) {
      if (v[SEASONAL_SINCE] !== v[SEASONAL_SINCE]) v[SEASONAL_SINCE] = t;
      v[SEASONAL_RESIDUAL] += o.seasonalResidualAlpha * (x - e - v[SEASONAL_RESIDUAL]);
      const rec = k.seasonalRecord.update(v, k.atSeasonalRecord, v[SEASONAL_RESIDUAL], floor, noise * k.seasonalNoise);
      if (t - v[SEASONAL_SINCE] >= o.seasonalRecordAfterCycles * o.seasonal.periodMs && seasonal.unexplained(v, k.atSeasonal) <= o.seasonalMaxUnexplained) s[C_SEASONAL] = rec;
    }
    seasonal.observe(v, k.atSeasonal, t, x);

    // The slow level and scale that standardise the next value.
    if (first) v[LEVEL] = x;
    else {
      const a = 1 / n > o.standardiseAlpha ? 1 / n : o.standardiseAlpha;
      k.scale.update(v, k.atScale, x - v[LEVEL]);
      v[LEVEL] += a * (x - v[LEVEL]);
    }

    // Calibrate, weight, combine.
    let raw = 0;
    const settled = n > o.settlePoints;
    for (let i = 0; i < N_COMP; i++) {
      let c = 0;
      if (w[i] > 0) {
        if (i >= N_LIKELIHOOD) c = s[i] / o.likelihood.decades;
        else if (settled && (i !== C_ISOLATION || this.isolation!.ready)) c = k.likelihoods[i]!.update(v, k.atLikelihood[i], s[i]);
        c *= w[i];
      }
      // Kept uncapped here, so a stronger alarm can still break through a refractory period
      // started by a saturated one; reported scores are capped at 1.
      COMP[i] = c < 1 ? c : 1;
      if (c > raw) raw = c;
    }
    return raw;
  }

  /** The detector's whole state as plain JSON; {@link fromState} continues bit for bit. */
  toState(): SeriesDetectorState {
    return {
      kind: 'SeriesAnomalyDetector',
      formatVersion: FORMAT_VERSION,
      options: this.options,
      v: packF64(this.v),
      table: this.table.length > 0 ? encodeArray(this.table) : null,
      isolation: this.isolation ? this.isolation.toState() : null,
    };
  }

  static fromState(s: SeriesDetectorState): SeriesAnomalyDetector {
    if (s?.kind !== 'SeriesAnomalyDetector') throw new MLInputError(`not a SeriesAnomalyDetector state (kind ${String(s?.kind)})`);
    if (s.formatVersion !== FORMAT_VERSION) throw new MLInputError(`SeriesAnomalyDetector state format ${s.formatVersion} is not supported (expected ${FORMAT_VERSION})`);
    const d = new SeriesAnomalyDetector(s.options);
    d.v.set(unpackF64(s.v, d.v.length, 'SeriesAnomalyDetector'));
    if (d.table.length > 0) {
      const table = s.table ? decodeArray(s.table, 'u16') : null;
      if (!table || table.length !== d.table.length) throw new MLInputError(`SeriesAnomalyDetector: state holds ${table?.length ?? 0} contextual counters, options say ${d.table.length}`);
      d.table.set(table);
    }
    if (d.isolation) {
      if (!s.isolation) throw new MLInputError('SeriesAnomalyDetector: state lacks the isolation forest its options weight in');
      d.isolation = ShingleIsolation.fromState(d.options.isolation, s.isolation);
    }
    return d;
  }
}

export interface SeriesDetectorState {
  kind: 'SeriesAnomalyDetector';
  formatVersion: number;
  options: SeriesDetectorOptions;
  /** Every number of the detector and its components, in the layout its options give. */
  v: EncodedArray;
  /** The contextual counters; null where that component is off. */
  table: EncodedArray | null;
  /** Null where the isolation forest is off. */
  isolation: ShingleIsolationState | null;
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
