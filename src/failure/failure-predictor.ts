/**
 * The failure predictor: several models on the same host windows, combined by weights learned on
 * validation data, calibrated, and turned into alarms by a threshold chosen from an alert budget.
 *
 * Members (each scored and reported on its own, so the evaluation shows whether the ensemble
 * earns its complexity):
 *   gbdt              boosted trees on the product's horizon: a failure in (t + L, t + H]  (primary)
 *   gbdt_early        boosted trees on an earlier horizon (t + L, t + earlyHorizon], 3 h by default:
 *                     slow precursors (a disk, a leak) show hours ahead, and this member learns them
 *   random_forest     a random forest on the product's horizon
 *   isolation_forest  novelty: an isolation forest fitted on healthy windows only, over the
 *                     features that compare a host with its own recent past (shifts, rates)
 *   lstm              an LSTM classifier on the raw last 30 minutes (counters as increases),
 *                     trained on the early horizon
 * The grey zone. A disk that fails in 10 hours is already degrading now: calling its window
 * "negative" because the failure lies beyond the horizon teaches a model that degradation is
 * normal. The training windows are labelled out to `trainingHorizon` (24 h by default), and each
 * member drops the windows whose failure lies beyond its own horizon but within that reach — they
 * are neither clearly positive nor clearly negative — instead of calling them healthy.
 * Then: StackedScore (weights on the simplex maximising validation AP) → Platt calibration to
 * P(failure in (t + L, t + H]) → alarm when the stacked score reaches the threshold that keeps
 * validation false alarms within the budget. Time to failure: a boosted regressor of log lead on
 * the training positives, reported as a bucket.
 */
import { MLInputError, matrix, type Matrix, type SerializedModel } from '../ml/core/index.js';
import { averagePrecision, PlattCalibrator } from '../ml/metrics/index.js';
import { LstmSequenceClassifier } from '../ml/nn/index.js';
import { GradientBoostedTrees, IsolationForest, RandomForestClassifier } from '../ml/tree/index.js';
import { thresholdForBudget, type ScoredWindow } from './alert-budget.js';
import type { EventScores } from './alert-events.js';
import type { FailureInterval, LeadTimeOptions } from './labels.js';
import { StackedScore, type StackedScoreState } from './stacking.js';
import type { WindowDataset } from './window-dataset.js';

/** See FailurePredictorOptions.budgetMargin. */
export const DEFAULT_BUDGET_MARGIN = 0.8;

export const FAILURE_MEMBERS = ['gbdt', 'gbdt_early', 'random_forest', 'isolation_forest', 'lstm'] as const;
export type FailureMember = (typeof FAILURE_MEMBERS)[number];

/** Time-to-failure buckets: upper edges in minutes; the last bucket is open. */
export const TTF_BUCKETS = [
  { label: '15–30 min', maxMinutes: 30 },
  { label: '30 min–2 h', maxMinutes: 120 },
  { label: '2–8 h', maxMinutes: 480 },
  { label: 'over 8 h', maxMinutes: Infinity },
] as const;

/** Features the novelty member reads: each compares the host with its own recent past. */
const NOVELTY_FEATURE = /\.(shift_5m_vs_6h|shift_30m_vs_6h|spread_30m_vs_6h|rate_30m_vs_6h|slope_30m)$/;

export interface FailurePredictorOptions {
  leadTime: LeadTimeOptions;
  /** How far ahead the training windows are labelled (ms); windows with a failure that far are never used as negatives. */
  trainingHorizonMs: number;
  /** Horizon of the early members (ms, between the horizon and trainingHorizonMs; default 3 h). */
  earlyHorizonMs?: number;
  /** False alarms per host per day the threshold may spend on validation data. */
  alertBudgetPerHostDay: number;
  /**
   * The threshold keeps validation false alarms within this share of the budget (default 0.8): a
   * threshold set at exactly the budget on one fleet lands above it on half of the others (the
   * same margin as the Backblaze protocol's FAR_MARGIN).
   */
  budgetMargin?: number;
  members: readonly FailureMember[];
  seed: number;
  /** Boosting rounds of each boosted member (default 300). */
  boostingRounds?: number;
  /** LSTM passes over its training windows (default 6). */
  lstmEpochs?: number;
  /** Trees of the random forest (default 100). */
  forestTrees?: number;
}

export interface TrainingData {
  /** Windows labelled with the training horizon (negatives may be subsampled: `weight`). */
  dataset: WindowDataset;
  /**
   * The LSTM member's own training windows (SequenceFeaturizer rows, labelled like `dataset`),
   * when the lstm member is used. Its own set, usually sparser: a raw window is 660 numbers.
   */
  sequences?: WindowDataset;
  /** Samples per metric in each sequence row (default 30). */
  sequenceWindow?: number;
}

/** Windows of some hosts, with their sequences when the lstm member is used. */
export interface WindowChunk {
  dataset: WindowDataset;
  sequences?: Matrix;
}

/**
 * Validation windows at the serving cadence, labelled with the product's horizon, all rows kept;
 * given in chunks (a host or a few at a time) because a fleet's windows do not fit in memory at once.
 */
export interface ValidationData {
  chunks: () => Iterable<WindowChunk>;
  failures: readonly FailureInterval[];
  hostDays: number;
}

/** Scored windows of a whole fleet, concatenated over chunks. */
export interface ScoredFleet extends MemberScores {
  y: Float64Array;
  entity: string[];
  t: Float64Array;
  leadMs: Float64Array;
  mode: Array<string | null>;
}

export interface MemberScores {
  /** scores[m][row] in `members` order. */
  members: Float64Array[];
  /** The stacked score (alarm when ≥ threshold). */
  score: Float64Array;
  /** Calibrated P(failure in (t + L, t + H]). */
  probability: Float64Array;
}

export interface ValidationReport {
  /** Each member alone and the ensemble, at their own budget thresholds on validation. */
  byModel: Record<string, { threshold: number; averagePrecision: number; events: EventScores }>;
  weights: Record<string, number>;
  /** The most common time-to-failure bucket among the training positives (the baseline for TTF estimates). */
  ttfMajorityBucket: number;
  /** Rows and positives the members were fitted on. */
  training: { rows: number; positives: number; positivesInHorizon: number };
  validation: { rows: number; positives: number; hostDays: number; failures: number };
}

interface State {
  options: FailurePredictorOptions;
  featureNames: readonly string[];
  sequenceWindow: number;
  sequenceWidth: number;
  gbdt?: GradientBoostedTrees;
  gbdt_early?: GradientBoostedTrees;
  random_forest?: RandomForestClassifier;
  isolation_forest?: { model: IsolationForest; columns: Int32Array; fill: Float64Array };
  lstm?: LstmSequenceClassifier;
  ttf: GradientBoostedTrees;
  stack: StackedScore;
  calibrator: PlattCalibrator;
  threshold: number;
  report: ValidationReport;
}

export interface SerializedFailurePredictor {
  kind: 'FailurePredictor';
  formatVersion: 1;
  options: FailurePredictorOptions;
  featureNames: string[];
  sequenceWindow: number;
  sequenceWidth: number;
  members: Partial<Record<FailureMember, unknown>>;
  noveltyColumns?: number[];
  noveltyFill?: number[];
  ttf: SerializedModel;
  stack: StackedScoreState;
  calibrator: ReturnType<PlattCalibrator['toJSON']>;
  threshold: number;
  report: ValidationReport;
}

export class FailurePredictor {
  private constructor(private readonly s: State) {}

  get options(): FailurePredictorOptions {
    return this.s.options;
  }
  get featureNames(): readonly string[] {
    return this.s.featureNames;
  }
  get members(): readonly FailureMember[] {
    return this.s.options.members;
  }
  get threshold(): number {
    return this.s.threshold;
  }
  get report(): ValidationReport {
    return this.s.report;
  }
  get weights(): Record<string, number> {
    return this.s.report.weights;
  }
  /** Raw samples per metric the LSTM member reads (0 without it). */
  get sequenceWindow(): number {
    return this.s.lstm ? this.s.sequenceWindow : 0;
  }
  /** Columns of a sequence row (0 without the LSTM member). */
  get sequenceWidth(): number {
    return this.s.lstm ? this.s.sequenceWidth : 0;
  }
  /** The calibrated probability at the alarm threshold. */
  get alarmProbability(): number {
    return Number.isFinite(this.s.threshold) ? this.s.calibrator.predict([this.s.threshold])[0] : 1;
  }
  /** Whether a member's weight in the ensemble is non-zero (a zero-weight member need not be scored when serving). */
  uses(member: FailureMember): boolean {
    return (this.s.report.weights[member] ?? 0) > 0;
  }

  static async train(train: TrainingData, validation: ValidationData, options: FailurePredictorOptions, onProgress?: (message: string) => void): Promise<FailurePredictor> {
    const { dataset } = train;
    const H = options.leadTime.horizonMs;
    if (!(options.trainingHorizonMs >= H)) throw new MLInputError(`trainingHorizonMs (${options.trainingHorizonMs}) must be ≥ the horizon (${H})`);
    if (options.members.length === 0) throw new MLInputError('a failure predictor needs at least one member');
    for (const m of options.members) if (!FAILURE_MEMBERS.includes(m)) throw new MLInputError(`unknown member ${m}; members are ${FAILURE_MEMBERS.join(', ')}`);
    const early = options.earlyHorizonMs ?? Math.min(options.trainingHorizonMs, 3 * 3_600_000);
    if (!(early >= H && early <= options.trainingHorizonMs)) throw new MLInputError(`earlyHorizonMs (${early}) must lie between the horizon and trainingHorizonMs`);
    const short = horizonRows(dataset, H);
    const long = horizonRows(dataset, early);
    const count = (y: ArrayLike<number>) => Array.from(y).reduce((a, b) => a + b, 0);
    const positivesLong = count(long.y);
    const positivesShort = count(short.y);
    if (positivesShort < 5) throw new MLInputError(`training data holds ${positivesShort} windows within the horizon of a failure: too few to learn from`);
    // Negatives were kept one in `negativeEvery`: weigh them back so probabilities keep their meaning.
    const negativeWeight = dataset.weight.find((w, i) => dataset.y[i] === 0) ?? 1;
    const rounds = options.boostingRounds ?? 300;
    const boosted = () =>
      new GradientBoostedTrees({ nEstimators: rounds, learningRate: 0.05, maxDepth: 6, subsample: 0.8, colsampleByTree: 0.5, minChildWeight: 1, classWeights: { 0: negativeWeight } });
    const s: Partial<State> = { options, featureNames: dataset.featureNames, sequenceWindow: 0, sequenceWidth: 0 };
    const has = (m: FailureMember) => options.members.includes(m);
    if (has('gbdt')) {
      onProgress?.('fitting gbdt');
      s.gbdt = await boosted().fit(short.X, short.y, { seed: options.seed });
    }
    if (has('gbdt_early')) {
      onProgress?.('fitting gbdt_early');
      s.gbdt_early = await boosted().fit(long.X, long.y, { seed: options.seed + 1 });
    }
    if (has('random_forest')) {
      onProgress?.('fitting random_forest');
      s.random_forest = await new RandomForestClassifier({ nEstimators: options.forestTrees ?? 100, minSamplesLeaf: 3, maxFeatures: 'sqrt' }).fit(short.X, short.y, { seed: options.seed + 2 });
    }
    if (has('isolation_forest')) {
      onProgress?.('fitting isolation_forest');
      s.isolation_forest = await fitNovelty(dataset, options.seed + 3);
    }
    if (has('lstm')) {
      if (!train.sequences) throw new MLInputError('the lstm member needs training sequences');
      onProgress?.('fitting lstm');
      const seqRows = horizonRows(train.sequences, early);
      const { X, y } = balancedSubset(seqRows.X, seqRows.y, 4, options.seed + 4);
      s.sequenceWindow = train.sequenceWindow ?? 30;
      s.sequenceWidth = train.sequences.X.cols;
      s.lstm = await new LstmSequenceClassifier({ windowSize: s.sequenceWindow, hiddenUnits: 16, epochs: options.lstmEpochs ?? 6, batchSize: 128, learningRate: 0.003 }).fit(X, y, { seed: options.seed + 4 });
    }
    onProgress?.('fitting time to failure');
    const ttf = await fitTimeToFailure(dataset, options.seed + 5);
    s.ttf = ttf.model;

    onProgress?.('stacking on validation');
    const partial = s as State;
    const v = await scoreChunks(partial, validation.chunks(), (X, seq) => scoreMembers(partial, X, seq));
    const memberScores = v.members;
    const windows = (sc: ArrayLike<number>): ScoredWindow[] => v.entity.map((e, i) => ({ entityId: e, t: v.t[i], score: sc[i] }));
    const budget = (sc: ArrayLike<number>) => thresholdForBudget(windows(sc), validation.failures, validation.hostDays, effectiveBudget(options), options.leadTime);
    // What the operator gets: failures warned in time at the alert budget. AP breaks ties (recall moves in steps of one failure).
    const eventObjective = (combined: Float64Array) => budgetRecall(v, combined, validation, options) + 1e-3 * averagePrecision(v.y, combined);
    const stack = StackedScore.fit(options.members, memberScores, v.y, [0.2, 0.1, 0.05], eventObjective);
    const score = stack.scoreAll(memberScores);
    const calibrator = new PlattCalibrator().fit(score, v.y);
    const byModel: ValidationReport['byModel'] = {};
    options.members.forEach((m, i) => {
      const b = budget(memberScores[i]);
      byModel[m] = { threshold: b.threshold, averagePrecision: averagePrecision(v.y, memberScores[i]), events: b.scores };
    });
    const ensemble = budget(score);
    byModel.ensemble = { threshold: ensemble.threshold, averagePrecision: averagePrecision(v.y, score), events: ensemble.scores };
    const weights = Object.fromEntries(options.members.map((m, i) => [m, stack.weights[i]]));
    partial.stack = stack;
    partial.calibrator = calibrator;
    partial.threshold = ensemble.threshold;
    partial.report = {
      byModel,
      weights,
      ttfMajorityBucket: ttf.majority,
      training: { rows: dataset.X.rows, positives: positivesLong, positivesInHorizon: positivesShort },
      validation: { rows: v.y.length, positives: count(v.y), hostDays: validation.hostDays, failures: validation.failures.length },
    };
    return new FailurePredictor(partial);
  }

  /** Scores windows: every member, the stacked score and its calibrated probability. */
  /**
   * `weightedOnly`: skip the members whose ensemble weight is 0 (their scores come back NaN) —
   * what serving does, since they cannot change the answer.
   */
  async score(X: Matrix, sequences?: Matrix, opts: { weightedOnly?: boolean } = {}): Promise<MemberScores> {
    const skip = opts.weightedOnly ? new Set(this.s.options.members.filter((m) => !this.uses(m))) : undefined;
    const members = await scoreMembers(this.s, X, sequences, skip);
    const score = this.s.stack.scoreAll(members);
    return { members, score, probability: this.s.calibrator.predict(score) };
  }

  /** Scores a fleet's windows chunk by chunk (see ValidationData). */
  async scoreFleet(chunks: Iterable<WindowChunk>): Promise<ScoredFleet> {
    const fleet = await scoreChunks(this.s, chunks, (X, seq) => scoreMembers(this.s, X, seq));
    fleet.score = this.s.stack.scoreAll(fleet.members);
    fleet.probability = this.s.calibrator.predict(fleet.score);
    return fleet;
  }

  /**
   * Estimated time to failure of each window, should a failure be coming: the most probable bucket
   * (index into TTF_BUCKETS) and its probability. Learned from the training windows that preceded
   * a failure within the training reach, so it answers "how soon", not "whether".
   */
  timeToFailure(X: Matrix): { bucket: Int32Array; probability: Float64Array } {
    return mostProbableBucket(this.s.ttf.predictProba(X), X.rows);
  }

  /** The bucket the training positives fell in most often: the baseline a TTF estimate must beat. */
  get ttfMajorityBucket(): number {
    return this.s.report.ttfMajorityBucket;
  }

  /**
   * Each feature's contribution to the primary boosted member's log-odds for each row (TreeSHAP):
   * rows × (features + 1), bias last. Falls back to the early member when the primary is absent.
   */
  contributions(X: Matrix): Float64Array {
    const model = this.s.gbdt ?? this.s.gbdt_early;
    if (!model) throw new MLInputError('this predictor has no boosted member to explain with');
    return model.shapValues(X);
  }

  toJSON(): SerializedFailurePredictor {
    const s = this.s;
    const members: SerializedFailurePredictor['members'] = {};
    if (s.gbdt) members.gbdt = s.gbdt.toJSON();
    if (s.gbdt_early) members.gbdt_early = s.gbdt_early.toJSON();
    if (s.random_forest) members.random_forest = s.random_forest.toJSON();
    if (s.isolation_forest) members.isolation_forest = s.isolation_forest.model.toJSON();
    if (s.lstm) members.lstm = s.lstm.toJSON();
    return {
      kind: 'FailurePredictor',
      formatVersion: 1,
      options: s.options,
      featureNames: [...s.featureNames],
      sequenceWindow: s.sequenceWindow,
      sequenceWidth: s.sequenceWidth,
      members,
      ...(s.isolation_forest ? { noveltyColumns: Array.from(s.isolation_forest.columns), noveltyFill: Array.from(s.isolation_forest.fill, (x) => (Number.isFinite(x) ? x : 0)) } : {}),
      ttf: s.ttf.toJSON() as SerializedModel,
      stack: s.stack.toJSON(),
      calibrator: s.calibrator.toJSON(),
      threshold: Number.isFinite(s.threshold) ? s.threshold : Number.MAX_VALUE,
      report: s.report,
    };
  }

  static fromJSON(j: SerializedFailurePredictor): FailurePredictor {
    if (!j || j.kind !== 'FailurePredictor' || j.formatVersion !== 1) throw new MLInputError('not a FailurePredictor (format 1)');
    const m = j.members;
    const s: State = {
      options: j.options,
      featureNames: j.featureNames,
      sequenceWindow: j.sequenceWindow,
      sequenceWidth: j.sequenceWidth,
      ttf: GradientBoostedTrees.fromJSON(j.ttf as never),
      stack: StackedScore.fromJSON(j.stack),
      calibrator: PlattCalibrator.fromJSON(j.calibrator),
      threshold: j.threshold,
      report: j.report,
    };
    if (m.gbdt) s.gbdt = GradientBoostedTrees.fromJSON(m.gbdt as never);
    if (m.gbdt_early) s.gbdt_early = GradientBoostedTrees.fromJSON(m.gbdt_early as never);
    if (m.random_forest) s.random_forest = RandomForestClassifier.fromJSON(m.random_forest as never);
    if (m.isolation_forest) s.isolation_forest = { model: IsolationForest.fromJSON(m.isolation_forest as never), columns: Int32Array.from(j.noveltyColumns ?? []), fill: Float64Array.from(j.noveltyFill ?? []) };
    if (m.lstm) s.lstm = LstmSequenceClassifier.fromJSON(m.lstm as never);
    for (const name of j.options.members) if (!s[name]) throw new MLInputError(`serialised predictor lacks its ${name} member`);
    return new FailurePredictor(s);
  }
}

/** Share of ALARM_CANDIDATE windows: a threshold within a budget of ~0.05 false alarms per host-day lies far above the 98th percentile. */
const ALARM_CANDIDATE_QUANTILE = 0.98;

/**
 * Validation event recall of a combined score at the threshold the budget allows. Only windows
 * above the 98th percentile can alarm within any sensible budget, so the search runs on those
 * (a hundredth of the work); if the budget would allow more, the result is merely conservative.
 */
function budgetRecall(v: ScoredFleet, combined: Float64Array, validation: ValidationData, options: FailurePredictorOptions): number {
  const sorted = Float64Array.from(combined).sort();
  const cut = sorted[Math.floor(ALARM_CANDIDATE_QUANTILE * (sorted.length - 1))];
  const windows: ScoredWindow[] = [];
  for (let i = 0; i < combined.length; i++) if (combined[i] >= cut) windows.push({ entityId: v.entity[i], t: v.t[i], score: combined[i] });
  return thresholdForBudget(windows, validation.failures, validation.hostDays, effectiveBudget(options), options.leadTime).scores.recall;
}

/** False alarms per host-day the validation threshold may spend: the budget less the transfer margin. */
export function effectiveBudget(options: Pick<FailurePredictorOptions, 'alertBudgetPerHostDay' | 'budgetMargin'>): number {
  const margin = options.budgetMargin ?? DEFAULT_BUDGET_MARGIN;
  if (!(margin > 0 && margin <= 1)) throw new MLInputError(`budgetMargin must be in (0, 1], got ${margin}`);
  return options.alertBudgetPerHostDay * margin;
}

async function scoreChunks(s: State, chunks: Iterable<WindowChunk>, score: (X: Matrix, sequences?: Matrix) => Promise<Float64Array[]>): Promise<ScoredFleet> {
  const parts: Float64Array[][] = [];
  const y: number[] = [];
  const t: number[] = [];
  const leadMs: number[] = [];
  const entity: string[] = [];
  const mode: Array<string | null> = [];
  for (const { dataset: d, sequences } of chunks) {
    if (d.featureNames.length !== s.featureNames.length) throw new MLInputError('scored windows have different features from the training windows');
    if (d.X.rows === 0) continue;
    parts.push(await score(d.X, sequences));
    for (let i = 0; i < d.X.rows; i++) {
      y.push(d.y[i]);
      t.push(d.t[i]);
      leadMs.push(d.leadMs[i]);
      entity.push(d.entity[i]);
      mode.push(d.mode[i]);
    }
  }
  const members = s.options.members.map((_, m) => {
    const out = new Float64Array(y.length);
    let o = 0;
    for (const p of parts) {
      out.set(p[m], o);
      o += p[m].length;
    }
    return out;
  });
  return { members, score: new Float64Array(0), probability: new Float64Array(0), y: Float64Array.from(y), entity, t: Float64Array.from(t), leadMs: Float64Array.from(leadMs), mode };
}

export function bucketOfMinutes(minutes: number): number {
  const b = TTF_BUCKETS.findIndex((x) => minutes <= x.maxMinutes);
  return b < 0 ? TTF_BUCKETS.length - 1 : b;
}

function mostProbableBucket(proba: Float64Array, rows: number): { bucket: Int32Array; probability: Float64Array } {
  const K = TTF_BUCKETS.length;
  const bucket = new Int32Array(rows);
  const probability = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (proba[r * K + k] > proba[r * K + best]) best = k;
    bucket[r] = best;
    probability[r] = proba[r * K + best];
  }
  return { bucket, probability };
}

/** Time-to-failure estimates against the truth on windows that preceded a failure: accuracy, the majority-bucket baseline, and the confusion matrix (truth × estimate). */
export function ttfAccuracy(fleet: { y: ArrayLike<number>; leadMs: ArrayLike<number>; ttfBucket: ArrayLike<number> }, majorityBucket: number): { windows: number; accuracy: number; baseline: number; balancedAccuracy: number; confusion: number[][] } {
  const K = TTF_BUCKETS.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let n = 0;
  let right = 0;
  let base = 0;
  for (let i = 0; i < fleet.y.length; i++) {
    if (fleet.y[i] !== 1 || !Number.isFinite(fleet.leadMs[i])) continue;
    const truth = bucketOfMinutes(fleet.leadMs[i] / 60_000);
    n++;
    confusion[truth][fleet.ttfBucket[i]]++;
    if (truth === fleet.ttfBucket[i]) right++;
    if (truth === majorityBucket) base++;
  }
  return { windows: n, accuracy: n ? right / n : NaN, baseline: n ? base / n : NaN, balancedAccuracy: balancedAccuracy(confusion), confusion };
}

/** Mean over the true buckets present of the share estimated right (a constant guess scores 1 / buckets present). */
export function balancedAccuracy(confusion: readonly (readonly number[])[]): number {
  let sum = 0;
  let present = 0;
  confusion.forEach((row, a) => {
    const total = row.reduce((x, y) => x + y, 0);
    if (total === 0) return;
    present++;
    sum += row[a] / total;
  });
  return present ? sum / present : NaN;
}

async function scoreMembers(s: State, X: Matrix, sequences?: Matrix, skip?: ReadonlySet<FailureMember>): Promise<Float64Array[]> {
  if (X.cols !== s.featureNames.length) throw new MLInputError(`expected ${s.featureNames.length} features per window, got ${X.cols}`);
  const out: Float64Array[] = [];
  for (const m of s.options.members) {
    if (skip?.has(m)) {
      out.push(new Float64Array(X.rows).fill(NaN));
      continue;
    }
    switch (m) {
      case 'gbdt':
        out.push(s.gbdt!.predictProba(X));
        break;
      case 'gbdt_early':
        out.push(s.gbdt_early!.predictProba(X));
        break;
      case 'random_forest':
        out.push(s.random_forest!.predictProba(X));
        break;
      case 'isolation_forest': {
        const n = s.isolation_forest!;
        out.push(n.model.anomalyScore(noveltyInput(X, n.columns, n.fill)));
        break;
      }
      case 'lstm':
        // Without raw windows (a caller that sent features only) the LSTM has no evidence: NaN, which the stack reads as neutral.
        if (!sequences) {
          out.push(new Float64Array(X.rows).fill(NaN));
          break;
        }
        if (sequences.rows !== X.rows) throw new MLInputError('the lstm member needs one sequence per window');
        out.push(X.rows > 256 ? await s.lstm!.predictProbaAsync(sequences) : s.lstm!.predictProba(sequences));
        break;
    }
  }
  return out;
}

async function fitNovelty(dataset: WindowDataset, seed: number): Promise<State['isolation_forest']> {
  const columns = Int32Array.from(dataset.featureNames.flatMap((n, i) => (NOVELTY_FEATURE.test(n) ? [i] : [])));
  if (columns.length === 0) throw new MLInputError('no novelty features (shift/rate/slope) among the feature names');
  const { X, y } = dataset;
  const healthy: number[] = [];
  for (let r = 0; r < X.rows; r++) if (y[r] === 0) healthy.push(r);
  // Missing values take the healthy median: the isolation forest needs finite inputs, and "as usual" is the neutral reading.
  const fill = new Float64Array(columns.length);
  for (let c = 0; c < columns.length; c++) {
    const v = healthy.map((r) => X.data[r * X.cols + columns[c]]).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    fill[c] = v.length ? v[v.length >> 1] : 0;
  }
  const rows = Float64Array.from(healthy.flatMap((r) => Array.from(columns, (col, c) => finiteOr(X.data[r * X.cols + col], fill[c]))));
  const model = await new IsolationForest({ nEstimators: 200, maxSamples: 256 }).fit(matrix(rows, healthy.length, columns.length), undefined, { seed });
  return { model, columns, fill };
}

function noveltyInput(X: Matrix, columns: Int32Array, fill: Float64Array): Matrix {
  const out = new Float64Array(X.rows * columns.length);
  for (let r = 0; r < X.rows; r++) for (let c = 0; c < columns.length; c++) out[r * columns.length + c] = finiteOr(X.data[r * X.cols + columns[c]], fill[c]);
  return matrix(out, X.rows, columns.length);
}

function finiteOr(x: number, fallback: number): number {
  return Number.isFinite(x) ? x : fallback;
}

/** The training rows a member of horizon `horizonMs` learns from: positives within it, negatives with no failure within the training reach. */
function horizonRows(dataset: WindowDataset, horizonMs: number): { rows: Int32Array; X: Matrix; y: Float64Array } {
  const rows: number[] = [];
  for (let i = 0; i < dataset.y.length; i++) if (dataset.y[i] === 0 || dataset.leadMs[i] <= horizonMs) rows.push(i);
  const r = Int32Array.from(rows);
  return { rows: r, X: takeRows(dataset.X, r), y: Float64Array.from(r, (i) => dataset.y[i]) };
}

function takeRows(X: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float64Array(rows.length * X.cols);
  for (let k = 0; k < rows.length; k++) out.set(X.data.subarray(rows[k] * X.cols, (rows[k] + 1) * X.cols), k * X.cols);
  return matrix(out, rows.length, X.cols);
}

/** All positives and up to `ratio` times as many negatives, drawn evenly (deterministic for a seed). */
function balancedSubset(X: Matrix, y: ArrayLike<number>, ratio: number, seed: number): { X: Matrix; y: Float64Array } {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < y.length; i++) (y[i] === 1 ? pos : neg).push(i);
  const keepNeg = Math.min(neg.length, ratio * pos.length);
  const step = neg.length / Math.max(1, keepNeg);
  const offset = (seed % 997) / 997;
  const chosen = [...pos, ...Array.from({ length: keepNeg }, (_, k) => neg[Math.min(neg.length - 1, Math.floor((k + offset) * step))])].sort((a, b) => a - b);
  return { X: takeRows(X, chosen), y: Float64Array.from(chosen, (r) => y[r]) };
}

/** The time-to-failure bucket of the training positives (a multiclass boosted model) and the majority bucket. */
async function fitTimeToFailure(dataset: WindowDataset, seed: number): Promise<{ model: GradientBoostedTrees; majority: number }> {
  const rows: number[] = [];
  for (let i = 0; i < dataset.y.length; i++) if (dataset.y[i] === 1 && Number.isFinite(dataset.leadMs[i])) rows.push(i);
  if (rows.length < 5) throw new MLInputError(`time to failure: ${rows.length} positive windows, too few`);
  const target = Float64Array.from(rows, (r) => bucketOfMinutes(dataset.leadMs[r] / 60_000));
  // Counts weighted back (far positives may have been thinned), so the majority is the real one.
  const counts = new Array<number>(TTF_BUCKETS.length).fill(0);
  target.forEach((b, k) => (counts[b] += dataset.weight[rows[k]] || 1));
  // Balanced classes: most windows before a failure are hours ahead (disks), and an estimate that always says "over 8 h" would be right most of the time and useless.
  const total = counts.reduce((a, b) => a + b, 0);
  const kept = new Array<number>(TTF_BUCKETS.length).fill(0);
  for (const b of target) kept[b]++;
  const classWeights = Object.fromEntries(kept.map((c, k) => [k, c > 0 ? rows.length / (TTF_BUCKETS.length * c) : 1]));
  const model = await new GradientBoostedTrees({ objective: 'multiclass', numClasses: TTF_BUCKETS.length, nEstimators: 100, learningRate: 0.1, maxDepth: 5, subsample: 0.8, colsampleByTree: 0.5, classWeights }).fit(takeRows(dataset.X, rows), target, { seed });
  return { model, majority: counts.indexOf(Math.max(...counts)) };
}
