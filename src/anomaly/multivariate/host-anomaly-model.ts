/**
 * Multivariate anomaly detection for one host: which rows of its metric vectors (one column per
 * metric, one row per time step) are abnormal, how abnormal, and which metrics made them so.
 *
 * Fitting (`fit`, on the host's recent normal history):
 *  1. Each metric is compared with its own recent level (trailing-baseline.ts: the median of the
 *     last day's hourly medians, by default), so a lasting shift of a host's normal level stops
 *     being an anomaly after half a day instead of for ever; the residuals are standardised by
 *     their training mean and standard deviation (StandardScaler; a constant metric keeps scale
 *     1). A missing value (NaN) becomes the training mean — it carries no evidence either way —
 *     and values are clipped to ±`clip` standard deviations so one wild metric cannot swamp the
 *     distances the neighbour and kernel members measure.
 *  2. The rows are split in time: the first (1 − calibrationShare) fit the members (isolation
 *     forest, LOF, one-class SVM, PCA residual, and optionally the LSTM autoencoder:
 *     member-detectors.ts), the last calibrationShare are held out to calibrate them.
 *     Calibrating on rows a member has not seen matters: LOF and the autoencoder score their own
 *     training rows as more normal than new normal rows, which would make every new row look
 *     rarer than it is.
 *  3. Each member's held-out scores define its ECDF normaliser (ecdf-normaliser.ts): a raw score
 *     becomes a tail probability p_m, "the share of normal rows that score at least this high".
 *  4. The ensemble's evidence for a row is the mean surprisal −log10 p_m over the members (the
 *     log of the geometric mean of their tail probabilities: one member's certainty is tempered,
 *     agreement accumulates), averaged over the last `smoothing` rows (default 5: anomalies last,
 *     noise flickers). That is calibrated once more on the held-out rows, so the ensemble's
 *     output has the same meaning as a member's.
 *
 * Scoring (`score`) returns, per row, `score` = 1 − p ∈ [0, 1) (0.99: 1 % of normal rows score
 * higher, so alarming at score ≥ 0.99 alarms on about 1 % of normal time), `surprisal` = −log10 p
 * (the same order without rounding to 1 far out: rank and threshold on it), and each member's
 * normalised score. Rows are a time series that continues after the training rows: the baseline
 * carries on from the end of training, the LSTM reads the window of rows ending at each row
 * (padding before the first row with the first row) and the smoothing the rows before.
 *
 * Attribution (`attribute`, `attributions`) ranks the metrics by the mean of up to four
 * per-metric weightings, each summing to 1: the isolation forest's feature attribution (whose
 * splits isolated the row), the PCA residual's split (what the metrics' usual correlations cannot
 * explain: both sides of a broken correlation), the autoencoder's per-metric reconstruction error
 * (what it could not reproduce), and the standardised deviation |z| from the recent level.
 */
import { checkSerialized, throwIfCancelled, type FitProgress, type SerializedModel } from '../../ml/core/estimator.js';
import { MLInputError, NotFittedError } from '../../ml/core/errors.js';
import { fromRows, matrix, type Matrix } from '../../ml/core/matrix.js';
import { StandardScaler } from '../../ml/stats/scalers.js';
import { decodeArray, encodeArray, type EncodedArray } from '../../ml/core/typed-array-codec.js';
import { EcdfNormaliser, type SerializedEcdfNormaliser } from './ecdf-normaliser.js';
import { applyTrailingBaseline, resolveBaselineParams, type BaselineHistory, type TrailingBaselineParams } from './trailing-baseline.js';
import { createMember, MEMBER_NAMES, memberFromJSON, normaliseRows, type MemberDetector, type MemberName, type MemberParams, type SerializedMember } from './member-detectors.js';

export interface AttributionWeights {
  /** Weight of the isolation forest's feature attribution (default 1; used when iforest is a member). */
  iforest?: number;
  /** Weight of the PCA residual's per-metric split (default 1; used when pca is a member). */
  pca?: number;
  /** Weight of the autoencoder's per-metric reconstruction error (default 1; used when lstm is a member). */
  lstm?: number;
  /** Weight of the standardised deviation |z| (default 1). */
  deviation?: number;
}

export interface HostAnomalyModelParams {
  /** Members of the ensemble (default iforest, lof, ocsvm, pca; add 'lstm' for the autoencoder, which costs training time). */
  members?: MemberName[];
  /** Per-member parameters. */
  memberParams?: MemberParams;
  /** Share of the training rows, the last ones, held out to calibrate the scores (default 0.2). */
  calibrationShare?: number;
  /** Share of the calibration scores modelled as an exponential tail (default 0.05). */
  tailShare?: number;
  /**
   * Rows of evidence per score: the members' mean surprisal is averaged over the last `smoothing`
   * rows before it is calibrated (default 5; 1 = each row alone). Anomalies last for minutes,
   * noise does not, so a few rows of evidence flap less; the cost is up to smoothing − 1 rows of
   * delay.
   */
  smoothing?: number;
  /** Standardised values are clipped to ±clip (default 10). */
  clip?: number;
  /**
   * Compare each metric with its recent level (trailing-baseline.ts; default 24 blocks of 60
   * rows), or `false` to compare raw levels with the training period.
   */
  baseline?: TrailingBaselineParams | false;
  attributionWeights?: AttributionWeights;
  /** Metric names, one per column, used in attributions (default metric_0, metric_1, …). */
  metricNames?: string[];
  /** Worker threads the members may use (default every core). */
  threads?: number;
}

export interface HostFitOptions {
  /** Seed for every random choice (default 0): same seed, same data → the same model. */
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

export interface HostScores {
  /** 1 − p ∈ [0, 1): the share of held-out normal training rows this row outscores. */
  score: Float64Array;
  /** −log10 p ≥ 0: the same order as score, without rounding to 1 far out. */
  surprisal: Float64Array;
  /** Each member's normalised score 1 − p_m ∈ [0, 1). */
  members: Partial<Record<MemberName, Float64Array>>;
  /** Each member's raw score (its own scale, higher = more abnormal). */
  raw: Partial<Record<MemberName, Float64Array>>;
}

export interface MetricContribution {
  /** Column index of the metric. */
  metric: number;
  name: string;
  /** Share of the row's abnormality put on this metric (the contributions sum to 1, or are all 0). */
  contribution: number;
  /** Standardised deviation (x − training mean) / training std; 0 for a missing value. */
  deviation: number;
}

/** Rows × metrics input: a Matrix, or nested arrays (one inner array per row). */
export type MatrixLike = Matrix | readonly (readonly number[])[];

const KIND = 'HostAnomalyModel';
const FORMAT_VERSION = 1;
const PARAM_NAMES = ['members', 'memberParams', 'calibrationShare', 'tailShare', 'smoothing', 'clip', 'baseline', 'attributionWeights', 'metricNames', 'threads'] as const;
const DEFAULT_SMOOTHING = 5;
/** The members an ensemble has unless told otherwise. */
export const DEFAULT_MEMBERS: readonly MemberName[] = ['iforest', 'lof', 'ocsvm', 'pca'];
/** Fewest rows to fit and fewest held-out rows to calibrate on. */
const MIN_FIT_ROWS = 10;
const MIN_CALIBRATION_ROWS = 10;

/** The settings scoring depends on, resolved at fit time (a later change of a default does not change a saved model). */
interface ScoringSettings {
  smoothing: number;
  clip: number;
  baseline: Required<TrailingBaselineParams> | null;
}

interface FittedState {
  cols: number;
  settings: ScoringSettings;
  /** The trailing baseline's block medians at the end of training, and each metric's training median. */
  baseline: { history: BaselineHistory; fallback: Float64Array } | null;
  scaler: StandardScaler;
  members: MemberDetector[];
  normalisers: EcdfNormaliser[];
  combined: EcdfNormaliser;
  nFit: number;
  nCalibration: number;
}

interface SerializedState {
  cols: number;
  settings: ScoringSettings;
  nFit: number;
  nCalibration: number;
  baseline: { count: number; medians: EncodedArray; fallback: EncodedArray } | null;
  scaler: SerializedModel;
  members: SerializedMember[];
  normalisers: SerializedEcdfNormaliser[];
  combined: SerializedEcdfNormaliser;
}

function toMatrix(X: MatrixLike, what: string): Matrix {
  if (Array.isArray(X)) {
    const rows = X as readonly (readonly number[])[];
    if (!rows.every((r) => Array.isArray(r) || ArrayBuffer.isView(r))) throw new MLInputError(`${KIND}: ${what} must be a Matrix or an array of rows`);
    return fromRows(rows);
  }
  const m = X as Matrix;
  if (!m || !(m.data instanceof Float64Array || m.data instanceof Float32Array) || !Number.isInteger(m.rows) || !Number.isInteger(m.cols)) throw new MLInputError(`${KIND}: ${what} must be a Matrix or an array of rows`);
  if (m.data.length !== m.rows * m.cols) throw new MLInputError(`${KIND}: ${what} has ${m.data.length} values for shape ${m.rows}×${m.cols}`);
  return m;
}

function isMatrix(x: unknown): x is Matrix {
  return typeof x === 'object' && x !== null && 'data' in x && 'rows' in x && 'cols' in x;
}

function checkNoInfinity(X: Matrix, what: string): void {
  for (let i = 0; i < X.data.length; i++) {
    const v = X.data[i];
    if (v === Infinity || v === -Infinity) throw new MLInputError(`${KIND}: ${what} has an infinite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
  }
}

/** out[i] = mean of values[i − k + 1 … i] (fewer at the start). */
function trailingMean(values: Float64Array, k: number): Float64Array {
  if (k === 1) return values;
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= k) sum -= values[i - k];
    out[i] = sum / Math.min(k, i + 1);
  }
  return out;
}

/** Each column's median over its non-missing values (0 for a column with none). */
function columnMedians(X: Matrix): Float64Array {
  const out = new Float64Array(X.cols);
  const col = new Float64Array(X.rows);
  for (let j = 0; j < X.cols; j++) {
    let n = 0;
    for (let i = 0; i < X.rows; i++) {
      const v = X.data[i * X.cols + j];
      if (v === v) col[n++] = v;
    }
    if (n === 0) continue;
    const s = col.subarray(0, n).sort();
    out[j] = n % 2 ? s[(n - 1) >> 1] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
  return out;
}

/** 1 − 10^(−s) without losing digits for small s. */
function fromSurprisal(s: number): number {
  return -Math.expm1(-s * Math.LN10);
}

export class HostAnomalyModel {
  readonly params: HostAnomalyModelParams;
  private state?: FittedState;

  constructor(params: HostAnomalyModelParams = {}) {
    this.params = structuredClone(params);
  }

  private resolved(cols: number) {
    const p = this.params;
    const unknown = Object.keys(p).filter((k) => !(PARAM_NAMES as readonly string[]).includes(k));
    if (unknown.length) throw new MLInputError(`${KIND}: unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${PARAM_NAMES.join(', ')}`);
    const given: unknown = p.members ?? DEFAULT_MEMBERS;
    if (!Array.isArray(given) || given.length === 0) throw new MLInputError(`${KIND}: members must name at least one of ${MEMBER_NAMES.join(', ')}`);
    const members = given as MemberName[];
    for (const m of members) if (!MEMBER_NAMES.includes(m)) throw new MLInputError(`${KIND}: unknown member ${m}; known: ${MEMBER_NAMES.join(', ')}`);
    if (new Set(members).size !== members.length) throw new MLInputError(`${KIND}: members lists a member twice`);
    const calibrationShare = p.calibrationShare ?? 0.2;
    if (!(calibrationShare > 0 && calibrationShare < 1)) throw new MLInputError(`${KIND}: calibrationShare must be in (0, 1), got ${calibrationShare}`);
    const tailShare = p.tailShare ?? 0.05;
    if (!(tailShare > 0 && tailShare < 1)) throw new MLInputError(`${KIND}: tailShare must be in (0, 1), got ${tailShare}`);
    const smoothing = p.smoothing ?? DEFAULT_SMOOTHING;
    if (!(Number.isInteger(smoothing) && smoothing >= 1)) throw new MLInputError(`${KIND}: smoothing must be a positive integer number of rows, got ${smoothing}`);
    const clip = p.clip ?? 10;
    if (!(clip > 0)) throw new MLInputError(`${KIND}: clip must be positive, got ${clip}`);
    if (p.baseline !== undefined && p.baseline !== false && (typeof p.baseline !== 'object' || p.baseline === null)) throw new MLInputError(`${KIND}: baseline must be false or { blockRows?, blocks? }`);
    const baseline = p.baseline === false ? null : resolveBaselineParams(p.baseline ?? {});
    const w = p.attributionWeights ?? {};
    for (const [k, v] of Object.entries(w)) if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new MLInputError(`${KIND}: attributionWeights.${k} must be a non-negative number, got ${v}`);
    if (p.metricNames !== undefined && (!Array.isArray(p.metricNames) || p.metricNames.length !== cols)) throw new MLInputError(`${KIND}: metricNames has ${p.metricNames?.length} names for ${cols} metrics`);
    if (p.threads !== undefined && !(Number.isInteger(p.threads) && p.threads >= 1)) throw new MLInputError(`${KIND}: threads must be a positive integer, got ${p.threads}`);
    return { members, calibrationShare, tailShare, smoothing, clip, baseline };
  }

  /**
   * Fits on a host's training rows (rows × metrics, in time order; NaN = missing). Needs at least
   * 20 rows: the last calibrationShare of them (at least 10) calibrate the scores.
   */
  async fit(X: MatrixLike, opts: HostFitOptions = {}): Promise<this> {
    const M = toMatrix(X, 'X');
    if (M.rows === 0 || M.cols === 0) throw new MLInputError(`${KIND}: cannot fit on empty data (${M.rows}×${M.cols})`);
    checkNoInfinity(M, 'X');
    const r = this.resolved(M.cols);
    const nCal = Math.max(MIN_CALIBRATION_ROWS, Math.round(r.calibrationShare * M.rows));
    const nFit = M.rows - nCal;
    if (nFit < MIN_FIT_ROWS) throw new MLInputError(`${KIND}: needs at least ${MIN_FIT_ROWS + MIN_CALIBRATION_ROWS} training rows (${MIN_FIT_ROWS} to fit, ${MIN_CALIBRATION_ROWS} to calibrate), got ${M.rows}`);
    if (r.smoothing > Math.min(nCal, nFit)) throw new MLInputError(`${KIND}: smoothing (${r.smoothing} rows) must not exceed the ${Math.min(nCal, nFit)} rows held out to calibrate`);
    const { signal, onProgress } = opts;
    const seed = opts.seed ?? 0;
    throwIfCancelled(signal);

    let baseline: FittedState['baseline'] = null;
    let R = M;
    if (r.baseline) {
      const fallback = columnMedians(M);
      const res = applyTrailingBaseline(M, r.baseline, { medians: new Float64Array(0), count: 0 }, fallback);
      R = res.residuals;
      baseline = { history: res.history, fallback };
    }
    const scaler = await new StandardScaler().fit(matrix(R.data.subarray(0, nFit * M.cols), nFit, M.cols));
    const Z = this.prepareWith(scaler, r.clip, R);
    const Zfit = matrix(Z.data.subarray(0, nFit * M.cols), nFit, M.cols);

    // Work shares for progress: the autoencoder dominates when present.
    const cost: Record<MemberName, number> = { iforest: 1, lof: 2, ocsvm: 2, pca: 1, lstm: 12 };
    const total = r.members.reduce((s, m) => s + cost[m], 0) + 1;
    let done = 0;
    const members: MemberDetector[] = [];
    for (const name of r.members) {
      throwIfCancelled(signal);
      const member = createMember(name, this.params.memberParams);
      const share = cost[name] / total;
      const base = done;
      await member.fit(Zfit, {
        seed: (seed + 7919 * MEMBER_NAMES.indexOf(name)) >>> 0,
        signal,
        threads: this.params.threads,
        onProgress: onProgress ? (q) => onProgress({ fraction: base + share * q.fraction, message: `${name}: ${q.message ?? ''}`.trim(), metrics: q.metrics }) : undefined,
      });
      done += share;
      members.push(member);
      onProgress?.({ fraction: done, message: `${name} fitted` });
    }
    throwIfCancelled(signal);

    // Calibrate on the held-out rows, with the fit rows before them as context (the LSTM's window,
    // the smoothing's earlier rows).
    const normalisers: EcdfNormaliser[] = [];
    const lead = r.smoothing - 1;
    const evidence = new Float64Array(lead + nCal);
    for (const member of members) {
      const raw = member.score(Z, nFit - lead);
      const norm = new EcdfNormaliser({ tailShare: r.tailShare }).fit(raw.subarray(lead));
      const sur = norm.surprisals(raw);
      for (let i = 0; i < sur.length; i++) evidence[i] += sur[i] / members.length;
      normalisers.push(norm);
    }
    const combined = new EcdfNormaliser({ tailShare: r.tailShare }).fit(trailingMean(evidence, r.smoothing).subarray(lead));
    this.state = { cols: M.cols, settings: { smoothing: r.smoothing, clip: r.clip, baseline: r.baseline }, baseline, scaler, members, normalisers, combined, nFit, nCalibration: nCal };
    onProgress?.({ fraction: 1, message: 'fitted' });
    return this;
  }

  private fitted(): FittedState {
    if (!this.state) throw new NotFittedError(KIND);
    return this.state;
  }

  /** Standardised, imputed (NaN → 0 = the training mean) and clipped rows. */
  private prepareWith(scaler: StandardScaler, clip: number, X: Matrix): Matrix {
    const Z = scaler.transform(X);
    const d = Z.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      d[i] = v !== v ? 0 : v > clip ? clip : v < -clip ? -clip : v;
    }
    return Z;
  }

  /** Raw rows → what the members read: residuals from the trailing baseline (continuing from the end of training), standardised, imputed, clipped. */
  private prepare(X: Matrix, what: string): Matrix {
    const s = this.fitted();
    if (X.cols !== s.cols) throw new MLInputError(`${KIND}: ${what} has ${X.cols} metrics, the model was fitted on ${s.cols}`);
    checkNoInfinity(X, what);
    const R = s.baseline && s.settings.baseline ? applyTrailingBaseline(X, s.settings.baseline, s.baseline.history, s.baseline.fallback).residuals : X;
    return this.prepareWith(s.scaler, s.settings.clip, R);
  }

  /** Scores rows (rows × metrics, a time series in order; NaN = missing). */
  score(X: MatrixLike): HostScores {
    const s = this.fitted();
    const M = toMatrix(X, 'X');
    const Z = this.prepare(M, 'X');
    const n = M.rows;
    const combined = new Float64Array(n);
    const members: HostScores['members'] = {};
    const raw: HostScores['raw'] = {};
    s.members.forEach((member, k) => {
      const r = member.score(Z);
      const sur = s.normalisers[k].surprisals(r);
      for (let i = 0; i < n; i++) combined[i] += sur[i] / s.members.length;
      for (let i = 0; i < n; i++) sur[i] = fromSurprisal(sur[i]);
      raw[member.name] = r;
      members[member.name] = sur;
    });
    const surprisal = s.combined.surprisals(trailingMean(combined, s.settings.smoothing));
    const score = new Float64Array(n);
    for (let i = 0; i < n; i++) score[i] = fromSurprisal(surprisal[i]);
    return { score, surprisal, members, raw };
  }

  /**
   * Per-metric contributions for the given rows of the series X (default every row), as
   * rows.length × metrics; each row sums to 1 (or is all 0 when no source sees anything).
   */
  attributions(X: MatrixLike, rows?: ArrayLike<number>): Matrix {
    const s = this.fitted();
    const M = toMatrix(X, 'X');
    const Z = this.prepare(M, 'X');
    const idx = rows ?? Int32Array.from({ length: M.rows }, (_, i) => i);
    for (let k = 0; k < idx.length; k++) if (!(Number.isInteger(idx[k]) && idx[k] >= 0 && idx[k] < M.rows)) throw new MLInputError(`${KIND}: row ${idx[k]} is outside 0..${M.rows - 1}`);
    const cols = s.cols;
    const w = this.params.attributionWeights ?? {};
    const out = new Float64Array(idx.length * cols);
    const add = (part: Float64Array | Float32Array, weight: number) => {
      if (weight > 0) for (let i = 0; i < out.length; i++) out[i] += weight * part[i];
    };
    for (const member of s.members) {
      const weight = member.name === 'iforest' ? (w.iforest ?? 1) : member.name === 'pca' ? (w.pca ?? 1) : member.name === 'lstm' ? (w.lstm ?? 1) : 0;
      if (weight > 0 && member.attribute) add(member.attribute(Z, idx).data, weight);
    }
    const dev = new Float64Array(idx.length * cols);
    for (let k = 0; k < idx.length; k++) for (let j = 0; j < cols; j++) dev[k * cols + j] = Math.abs(Z.data[idx[k] * cols + j]);
    add(normaliseRows(dev, cols), w.deviation ?? 1);
    return matrix(normaliseRows(out, cols), idx.length, cols);
  }

  /**
   * The metrics ranked by their share of one row's abnormality. `x` is the row (one value per
   * metric), or a window (rows × metrics, oldest first) whose last row is the one explained —
   * the rows before it give the autoencoder its context.
   */
  attribute(x: ArrayLike<number> | MatrixLike): MetricContribution[] {
    const s = this.fitted();
    let W: Matrix;
    if (isMatrix(x)) W = toMatrix(x, 'the window');
    else if (Array.isArray(x) && x.length > 0 && (Array.isArray(x[0]) || ArrayBuffer.isView(x[0]))) W = toMatrix(x as MatrixLike, 'the window');
    else {
      const row = x as ArrayLike<number>;
      if (row.length !== s.cols) throw new MLInputError(`${KIND}: the row has ${row.length} values, the model was fitted on ${s.cols} metrics`);
      W = matrix(Float64Array.from(row), 1, s.cols);
    }
    if (W.rows === 0) throw new MLInputError(`${KIND}: nothing to attribute (an empty window)`);
    const contrib = this.attributions(W, [W.rows - 1]).data;
    const z = this.prepare(W, 'the window').data.subarray((W.rows - 1) * W.cols);
    for (let j = 0; j < s.cols; j++) if (Number.isNaN(W.data[(W.rows - 1) * W.cols + j])) z[j] = 0;
    const names = this.metricNames;
    const out: MetricContribution[] = [];
    for (let j = 0; j < s.cols; j++) out.push({ metric: j, name: names[j], contribution: contrib[j], deviation: z[j] });
    return out.sort((a, b) => b.contribution - a.contribution || a.metric - b.metric);
  }

  /**
   * The names of the metrics that stand out in a ranked attribution: those whose contribution is
   * at least twice an even share (2 / metrics), at most `max` (default 5), always at least one.
   */
  affectedMetrics(ranked: readonly MetricContribution[], max = 5): string[] {
    const cols = this.fitted().cols;
    const out = ranked.filter((c, k) => k === 0 || c.contribution >= 2 / cols).slice(0, max);
    return out.filter((c) => c.contribution > 0).map((c) => c.name);
  }

  get metricNames(): string[] {
    const cols = this.fitted().cols;
    return this.params.metricNames ? [...this.params.metricNames] : Array.from({ length: cols }, (_, j) => `metric_${j}`);
  }

  get memberNames(): MemberName[] {
    return this.fitted().members.map((m) => m.name);
  }

  /** Rows the members were fitted on and rows held out to calibrate. */
  get trainingRows(): { fit: number; calibration: number } {
    const s = this.fitted();
    return { fit: s.nFit, calibration: s.nCalibration };
  }

  /** Rows of history a row's score depends on (the autoencoder's window; 1 without it). */
  get context(): number {
    return Math.max(...this.fitted().members.map((m) => m.context));
  }

  toJSON(): SerializedModel<HostAnomalyModelParams, SerializedState> {
    const s = this.fitted();
    return {
      kind: KIND,
      formatVersion: FORMAT_VERSION,
      params: structuredClone(this.params),
      state: {
        cols: s.cols,
        settings: { ...s.settings, baseline: s.settings.baseline ? { ...s.settings.baseline } : null },
        nFit: s.nFit,
        nCalibration: s.nCalibration,
        baseline: s.baseline ? { count: s.baseline.history.count, medians: encodeArray(s.baseline.history.medians), fallback: encodeArray(s.baseline.fallback) } : null,
        scaler: s.scaler.toJSON() as SerializedModel,
        members: s.members.map((m) => m.toJSON()),
        normalisers: s.normalisers.map((n) => n.toJSON()),
        combined: s.combined.toJSON(),
      },
    };
  }

  static fromJSON(json: SerializedModel<HostAnomalyModelParams, SerializedState>): HostAnomalyModel {
    checkSerialized(json, KIND, FORMAT_VERSION);
    const m = new HostAnomalyModel(json.params);
    const st = json.state;
    if (!st || !Number.isInteger(st.cols) || st.cols < 1) throw new MLInputError(`${KIND}: serialised state is malformed`);
    const scaler = StandardScaler.fromJSON(st.scaler as never);
    if (scaler.center.length !== st.cols) throw new MLInputError(`${KIND}: serialised scaler has ${scaler.center.length} columns for ${st.cols}`);
    if (!Array.isArray(st.members) || !Array.isArray(st.normalisers) || st.members.length === 0 || st.members.length !== st.normalisers.length) throw new MLInputError(`${KIND}: serialised members and normalisers do not match`);
    const members = st.members.map(memberFromJSON);
    if (json.params.members && members.map((x) => x.name).join() !== json.params.members.join()) throw new MLInputError(`${KIND}: serialised members ${members.map((x) => x.name).join(', ')} do not match the params' ${json.params.members.join(', ')}`);
    m.resolved(st.cols);
    const set = st.settings;
    if (!set || !(Number.isInteger(set.smoothing) && set.smoothing >= 1) || !(set.clip > 0)) throw new MLInputError(`${KIND}: serialised settings are malformed`);
    const settings: ScoringSettings = { smoothing: set.smoothing, clip: set.clip, baseline: set.baseline ? resolveBaselineParams(set.baseline) : null };
    let baseline: FittedState['baseline'] = null;
    if (settings.baseline) {
      const b = st.baseline;
      if (!b) throw new MLInputError(`${KIND}: serialised state has baseline settings but no baseline`);
      const medians = decodeArray(b.medians, 'f64');
      const fallback = decodeArray(b.fallback, 'f64');
      if (!Number.isInteger(b.count) || b.count < 0 || b.count > settings.baseline.blocks || medians.length !== b.count * st.cols || fallback.length !== st.cols) throw new MLInputError(`${KIND}: serialised baseline is malformed`);
      baseline = { history: { medians, count: b.count }, fallback };
    }
    m.state = {
      cols: st.cols,
      settings,
      baseline,
      scaler,
      members,
      normalisers: st.normalisers.map((n) => EcdfNormaliser.fromJSON(n)),
      combined: EcdfNormaliser.fromJSON(st.combined),
      nFit: st.nFit,
      nCalibration: st.nCalibration,
    };
    return m;
  }
}
