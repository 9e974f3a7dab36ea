/**
 * Runs one ML benchmark task with our models, in its own process so peak RSS is comparable with
 * the Python baseline's. Usage: tsx bench/ml/run-ours.ts TASK DATA_DIR → one JSON line.
 */
import { matrix, type Matrix } from '../../src/ml/core/matrix.js';
import { setPredictionThreads, startPredictionThreads } from '../../src/ml/tree/prediction-threads.js';
import { readDataset } from './datasets.js';

// Two threads, as the baselines get (nthread=2, n_jobs=2).
setPredictionThreads(2);

const [task, dir] = process.argv.slice(2);
const d = readDataset(dir);
const { rows, cols, trainRows } = d.meta;
const train: Matrix = matrix(d.X.subarray(0, trainRows * cols), trainRows, cols);
const test: Matrix = matrix(d.X.subarray(trainRows * cols), rows - trainRows, cols);
const all: Matrix = matrix(d.X, rows, cols);
const yTrain = d.y.subarray(0, trainRows);
const yTest = d.y.subarray(trainRows);

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Median wall time of `runs` calls, as the Python baseline measures it. */
function medianSeconds(runs: number, f: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(seconds(t0));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function metrics() {
  return import('../../src/ml/metrics/index.js');
}

function accuracyAt(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) ok += (p[i] >= 0.5 ? 1 : 0) === y[i] ? 1 : 0;
  return ok / y.length;
}

async function gbdt(rounds = 200): Promise<Record<string, unknown>> {
  const { GradientBoostedTrees } = await import('../../src/ml/tree/gradient-boosting.js');
  const { rocAuc } = await metrics();
  const model = new GradientBoostedTrees({ objective: 'binary', nEstimators: rounds, maxDepth: 6, maxBins: 256, learningRate: 0.1, threads: 2 });
  let t0 = performance.now();
  await model.fit(train, yTrain, { seed: 1 });
  const fit_s = seconds(t0);
  const p = model.predictProba(test);
  // 50k-row batch prediction.
  const n = 50_000;
  const batchData = new Float32Array(n * cols);
  for (let i = 0; i < n; i++) batchData.set(test.data.subarray((i % test.rows) * cols, ((i % test.rows) + 1) * cols), i * cols);
  const batch = matrix(batchData, n, cols);
  model.predictProba(matrix(batchData.subarray(0, 100 * cols), 100, cols));
  // The prediction helper threads persist like XGBoost's OpenMP pool: start them before timing.
  await startPredictionThreads();
  const batch50k_s = medianSeconds(5, () => model.predictProba(batch));
  // Single-row latency on the serving path, after a warm-up so the JIT has compiled it.
  const row = new Float64Array(cols);
  for (let i = 0; i < 5_000; i++) {
    for (let j = 0; j < cols; j++) row[j] = test.data[(i % test.rows) * cols + j];
    model.predictRow(row);
  }
  const lat = new Float64Array(20_000);
  for (let i = 0; i < lat.length; i++) {
    const r = i % test.rows;
    for (let j = 0; j < cols; j++) row[j] = test.data[r * cols + j];
    const t = process.hrtime.bigint();
    model.predictRow(row);
    lat[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  lat.sort();
  return { fit_s, batch50k_s, row_p99_us: lat[Math.floor(lat.length * 0.99)], row_p50_us: lat[Math.floor(lat.length * 0.5)], auc: rocAuc(yTest, p), accuracy: accuracyAt(yTest, p) };
}

async function rf(): Promise<Record<string, unknown>> {
  const { RandomForestClassifier } = await import('../../src/ml/tree/random-forest.js');
  const { rocAuc } = await metrics();
  const model = new RandomForestClassifier({ nEstimators: 100, threads: 2 });
  let t0 = performance.now();
  await model.fit(train, yTrain, { seed: 1 });
  const fit_s = seconds(t0);
  await startPredictionThreads();
  t0 = performance.now();
  const p = model.predictProba(test);
  const predict_s = seconds(t0);
  return { fit_s, predict_s, accuracy: accuracyAt(yTest, p), auc: rocAuc(yTest, p) };
}

async function iforest(): Promise<Record<string, unknown>> {
  const { IsolationForest } = await import('../../src/ml/tree/isolation-forest.js');
  const { rocAuc } = await metrics();
  const model = new IsolationForest({ nEstimators: 100, maxSamples: 256, threads: 2 });
  let t0 = performance.now();
  await model.fit(all, undefined, { seed: 1 });
  const fit_s = seconds(t0);
  t0 = performance.now();
  const s = model.anomalyScore(all);
  const score_s = seconds(t0);
  return { fit_s, score_s, total_s: fit_s + score_s, auc: rocAuc(d.y, s) };
}

async function lof(): Promise<Record<string, unknown>> {
  const { LocalOutlierFactor } = await import('../../src/ml/neighbors/local-outlier-factor.js');
  const { rocAuc } = await metrics();
  const model = new LocalOutlierFactor({ nNeighbors: 20 });
  const t0 = performance.now();
  await model.fit(all, undefined, { seed: 1 });
  const nof = model.negativeOutlierFactor;
  const total_s = seconds(t0);
  const s = new Float64Array(nof.length);
  for (let i = 0; i < s.length; i++) s[i] = -nof[i];
  return { total_s, auc: rocAuc(d.y, s) };
}

async function ocsvm(): Promise<Record<string, unknown>> {
  const { OneClassSVM } = await import('../../src/ml/svm/one-class-svm.js');
  const { rocAuc } = await metrics();
  const model = new OneClassSVM({ kernel: 'rbf', gamma: 'scale', nu: 0.05 });
  const t0 = performance.now();
  await model.fit(all, undefined, { seed: 1 });
  const dec = model.decisionFunction(all);
  const total_s = seconds(t0);
  const s = new Float64Array(dec.length);
  for (let i = 0; i < s.length; i++) s[i] = -dec[i];
  return { total_s, auc: rocAuc(d.y, s), method: (model as unknown as { method?: string }).method };
}

async function backblaze(): Promise<Record<string, unknown>> {
  const { GradientBoostedTrees } = await import('../../src/ml/tree/gradient-boosting.js');
  const { rocAuc } = await metrics();
  const model = new GradientBoostedTrees({ objective: 'binary', nEstimators: 200, maxDepth: 4, learningRate: 0.05, threads: 2 });
  const t0 = performance.now();
  await model.fit(train, yTrain, { seed: 1 });
  const fit_s = seconds(t0);
  return { fit_s, auc: rocAuc(yTest, model.predictProba(test)) };
}

const TASKS: Record<string, () => Promise<Record<string, unknown>>> = { gbdt: () => gbdt(), rf, iforest, lof, ocsvm, backblaze };

const out = await TASKS[task]();
console.log(JSON.stringify({ ...out, peak_rss_mb: process.resourceUsage().maxRSS / 1024 }));
process.exit(0);
