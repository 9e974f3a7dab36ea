/**
 * One SMD machine under every method: fit on the train half, score the test half, and measure
 * point-wise F1 (best threshold and training-only threshold), F1 under PA%K, average precision,
 * event recall / false alarms per day / delay at the training-only threshold, and HitRate@100 %
 * and @150 % of the root-cause ranking against the interpretation labels.
 *
 * Methods:
 * - `ensemble`: HostAnomalyModel with its default members (isolation forest, LOF, one-class SVM);
 * - `ensemble+lstm`: the same plus the LSTM autoencoder (when configured);
 * - `member:<name>`: each member of the largest ensemble alone (its raw per-row score, not
 *   smoothed, and its own calibrated threshold) — free, from the same fit;
 * - `ablation:<what>`: the ensemble with one design choice undone (when configured);
 * - `iforest`: the baseline, sklearn-default isolation forest on the raw rows, its threshold the
 *   0.99 quantile of its scores on the training rows, its attribution the forest's own;
 * - `random`: uniform random scores and a random metric ranking per point.
 *
 * The training-only threshold follows one rule for every method and machine: alarm on the rows
 * that score as high as the top 1 % of training rows (the ensemble and its members use their
 * held-out calibration rows, where score ≥ 0.99 means exactly that).
 */
import { matrix, takeRows, type Matrix } from '../../src/ml/core/matrix.js';
import { Random } from '../../src/ml/core/random.js';
import { IsolationForest } from '../../src/ml/tree/isolation-forest.js';
import { DEFAULT_MEMBERS, HostAnomalyModel, type HostAnomalyModelParams } from '../../src/anomaly/multivariate/index.js';
import { eventScores, type EventScores } from './events.js';
import { hitRate, interpretationPoints } from './hit-rate.js';
import { SMD_METRICS, SMD_MINUTES_PER_ROW, type SmdMachine } from './loader.js';
import { bestPaKF1 } from './pa-k.js';
import { bestPointF1, pointAveragePrecision, pointF1At, trainingQuantileThreshold } from './point-metrics.js';
import { alarmsAt } from './segments.js';

export interface SmdConfig {
  /** The ensemble's parameters (one configuration for every machine). */
  ensemble: HostAnomalyModelParams;
  /** Also run the ensemble with the LSTM autoencoder added. */
  withLstm: boolean;
  /** Report each member of the largest ensemble alone. */
  members: boolean;
  /** Trees of the isolation-forest baseline (default 100, as sklearn). */
  iforestTrees: number;
  /** Training-only threshold: alarm above the top (1 − q) of training scores. */
  trainQuantile: number;
  /** PA%K's K. */
  paK: number;
  seed: number;
  /** Score only the first `testRows` test rows (the CI slice); default all. */
  testRows?: number;
  /** Further ensembles to report beside `ensemble`: its parameters with these changes (ablations). */
  ablations?: Array<{ method: string; params: Partial<HostAnomalyModelParams> }>;
}

export const DEFAULT_SMD_CONFIG: SmdConfig = {
  ensemble: { metricNames: [...SMD_METRICS], threads: 1 },
  withLstm: true,
  members: true,
  iforestTrees: 100,
  trainQuantile: 0.99,
  paK: 20,
  seed: 1,
};

export interface MethodResult {
  method: string;
  machine: string;
  bestF1: number;
  bestPrecision: number;
  bestRecall: number;
  /** Point-wise scores at the training-only threshold. */
  trainF1: number;
  trainPrecision: number;
  trainRecall: number;
  paKF1: number;
  averagePrecision: number;
  events: EventScores;
  /** NaN where the method has no attribution. */
  hitRate100: number;
  hitRate150: number;
  fitSeconds: number;
  scoreSeconds: number;
}

interface Scored {
  /** Ranking score: higher = more abnormal. */
  rank: ArrayLike<number>;
  /** Alarms at the training-only threshold. */
  alarms: Uint8Array;
  attribution?: Matrix;
  fitSeconds: number;
  scoreSeconds: number;
}

function measure(method: string, machine: SmdMachine, labels: Uint8Array, s: Scored, truth: number[][], cfg: SmdConfig): MethodResult {
  const best = bestPointF1(labels, s.rank);
  // The alarms as 0/1 scores: alarming at ≥ 1 is alarming where the training-only threshold did.
  const atTrain = pointF1At(labels, s.alarms, 1);
  return {
    method,
    machine: machine.name,
    bestF1: best.f1,
    bestPrecision: best.precision,
    bestRecall: best.recall,
    trainF1: atTrain.f1,
    trainPrecision: atTrain.precision,
    trainRecall: atTrain.recall,
    paKF1: bestPaKF1(labels, s.rank, cfg.paK).f1,
    averagePrecision: pointAveragePrecision(labels, s.rank),
    events: eventScores(labels, s.alarms, SMD_MINUTES_PER_ROW),
    hitRate100: s.attribution ? hitRate(s.attribution, truth, 100) : NaN,
    hitRate150: s.attribution ? hitRate(s.attribution, truth, 150) : NaN,
    fitSeconds: s.fitSeconds,
    scoreSeconds: s.scoreSeconds,
  };
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

export async function evaluateMachine(machine: SmdMachine, cfg: SmdConfig, log: (line: string) => void = () => {}): Promise<MethodResult[]> {
  const cols = machine.cols;
  const testRows = Math.min(cfg.testRows ?? machine.test.rows, machine.test.rows);
  const train = matrix(machine.train.data, machine.train.rows, cols);
  const test = matrix(machine.test.data.subarray(0, testRows * cols), testRows, cols);
  const labels = machine.labels.subarray(0, testRows);
  const { rows: interpRows, truth } = interpretationPoints(machine.interpretation, testRows);
  const results: MethodResult[] = [];
  const q = cfg.trainQuantile;

  // ── The ensembles ──
  const variants: Array<{ method: string; params: HostAnomalyModelParams; reportMembers?: boolean }> = [{ method: 'ensemble', params: { ...cfg.ensemble } }];
  if (cfg.withLstm) variants.push({ method: 'ensemble+lstm', params: { ...cfg.ensemble, members: [...(cfg.ensemble.members ?? DEFAULT_MEMBERS), 'lstm'] } });
  variants[variants.length - 1].reportMembers = cfg.members;
  for (const a of cfg.ablations ?? []) variants.push({ method: a.method, params: { ...cfg.ensemble, ...a.params } });
  for (const variant of variants) {
    let t0 = performance.now();
    const params = variant.params;
    const model = await new HostAnomalyModel(params).fit(train, { seed: cfg.seed });
    const fitSeconds = seconds(t0);
    t0 = performance.now();
    const s = model.score(test);
    const attribution = model.attributions(test, interpRows);
    const scoreSeconds = seconds(t0);
    const alarms = alarmsAt(s.surprisal, -Math.log10(1 - q));
    results.push(measure(variant.method, machine, labels, { rank: s.surprisal, alarms, attribution, fitSeconds, scoreSeconds }, truth, cfg));
    log(`  ${machine.name} ${variant.method}: fit ${fitSeconds.toFixed(1)} s, score ${scoreSeconds.toFixed(1)} s`);
    // Members alone, from the largest ensemble's fit.
    if (variant.reportMembers) {
      for (const name of model.memberNames) {
        const raw = s.raw[name]!;
        const normalised = s.members[name]!;
        results.push(measure(`member:${name}`, machine, labels, { rank: raw, alarms: alarmsAt(normalised, q), fitSeconds: NaN, scoreSeconds: NaN }, truth, cfg));
      }
    }
  }

  // ── Baseline: isolation forest on the raw rows ──
  {
    let t0 = performance.now();
    const forest = await new IsolationForest({ nEstimators: cfg.iforestTrees, threads: 1 }).fit(train, undefined, { seed: cfg.seed });
    const threshold = trainingQuantileThreshold(forest.anomalyScore(train), q);
    const fitSeconds = seconds(t0);
    t0 = performance.now();
    const scores = forest.anomalyScore(test);
    const attribution = forest.featureAttributions(takeRows(test, interpRows));
    const scoreSeconds = seconds(t0);
    results.push(measure('iforest', machine, labels, { rank: scores, alarms: alarmsAt(scores, threshold), attribution, fitSeconds, scoreSeconds }, truth, cfg));
  }

  // ── Random scores ──
  {
    const rng = new Random(cfg.seed * 1009 + 17);
    const trainScores = Float64Array.from({ length: train.rows }, () => rng.float());
    const scores = Float64Array.from({ length: testRows }, () => rng.float());
    const threshold = trainingQuantileThreshold(trainScores, q);
    const attribution = matrix(Float64Array.from({ length: interpRows.length * cols }, () => rng.float()), interpRows.length, cols);
    results.push(measure('random', machine, labels, { rank: scores, alarms: alarmsAt(scores, threshold), attribution, fitSeconds: 0, scoreSeconds: 0 }, truth, cfg));
  }
  return results;
}
