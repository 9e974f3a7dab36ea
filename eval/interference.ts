/**
 * `npm run eval:interference` — the learned interference model (src/placement/interference-model.ts)
 * on simulated co-location data (src/placement/colocation-sim.ts).
 *
 * Protocol: train on seed A, early-stop on seed B, evaluate on seeds C₁…Cₖ never used while
 * developing (the defaults were chosen on A = 1, B = 2). Beside the boosted trees, measured in
 * the same run on the same rows:
 *  - mean predictor: the training mean;
 *  - least squares: OLS on the same features (clipped to [0, 1] like the model);
 *  - utilisation heuristic: the class-blind M/M/1 stretch of post-placement utilisation,
 *    1/(1 − ρ) averaged over CPU threads, memory bandwidth, disk and network, as a degradation
 *    1 − 1/S, then a linear calibration (2 parameters) fitted on the training rows;
 *  - class-aware heuristic: the same per-resource stretch weighted by the VM class's catalogue
 *    time shares (what a hand-written analytic model would do), calibrated the same way;
 *  - scikit-learn's HistGradientBoostingRegressor with matching settings, when /usr/bin/python3
 *    has scikit-learn (bench/baselines/interference_baselines.py; skipped with a message if not).
 * Also: the noise ceiling (R² of the simulator's noise-free degradation against the measured one:
 * what a model that knew each VM's true slowdown would score), R² per workload class, feature
 * importance, training time, prediction time per row, and a sensitivity check with the
 * simulator's observation and measurement noise doubled.
 *
 * The last line is one JSON object with the headline figures.
 *
 *   npx tsx eval/interference.ts [--train-seed 1] [--val-seed 2] [--test-seeds 9101,9102,9103,9104,9105]
 *     [--train-samples 30000] [--val-samples 10000] [--test-samples 20000] [--skip-sklearn] [--skip-sensitivity]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { matrix, type Matrix } from '../src/ml/core/index.js';
import { mae, r2, rmse } from '../src/ml/metrics/index.js';
import { simulateColocation, simulateColocationDataset, type ColocationDataset, type ColocationNoise } from '../src/placement/colocation-sim.js';
import { INTERFERENCE_FEATURE_NAMES, NUM_INTERFERENCE_FEATURES, WORKLOAD_CLASSES, writeInterferenceFeatures } from '../src/placement/interference-features.js';
import { InterferenceModel, LeastSquaresRegression } from '../src/placement/interference-model.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';

const { values: args } = parseArgs({
  options: {
    'train-seed': { type: 'string', default: '1' },
    'val-seed': { type: 'string', default: '2' },
    'test-seeds': { type: 'string', default: '9101,9102,9103,9104,9105' },
    'train-samples': { type: 'string', default: '30000' },
    'val-samples': { type: 'string', default: '10000' },
    'test-samples': { type: 'string', default: '20000' },
    'skip-sklearn': { type: 'boolean', default: false },
    'skip-sensitivity': { type: 'boolean', default: false },
  },
});
const trainSeed = Number(args['train-seed']);
const valSeed = Number(args['val-seed']);
const testSeeds = String(args['test-seeds']).split(',').map(Number);
const nTrain = Number(args['train-samples']);
const nVal = Number(args['val-samples']);
const nTest = Number(args['test-samples']);
if (new Set([trainSeed, valSeed, ...testSeeds]).size !== testSeeds.length + 2) throw new Error('train, validation and test seeds must all differ');

const col = (name: string) => {
  const i = INTERFERENCE_FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`no feature ${name}`);
  return i;
};
const clip01 = (a: Float64Array) => a.map((v) => (v < 0 ? 0 : v > 1 ? 1 : v));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Scores {
  r2: number;
  mae: number;
  rmse: number;
}
const score = (y: ArrayLike<number>, p: ArrayLike<number>): Scores => ({ r2: r2(y, p), mae: mae(y, p), rmse: rmse(y, p) });

/** Rows of X whose mask is set, with their y. */
function subset(X: Matrix, y: Float64Array, keep: (i: number) => boolean): { X: Matrix; y: Float64Array; idx: number[] } {
  const idx: number[] = [];
  for (let i = 0; i < X.rows; i++) if (keep(i)) idx.push(i);
  const data = new Float64Array(idx.length * X.cols);
  idx.forEach((r, k) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), k * X.cols));
  return { X: matrix(data, idx.length, X.cols), y: Float64Array.from(idx, (i) => y[i]), idx };
}

function concat(parts: ColocationDataset[]): ColocationDataset {
  const n = parts.reduce((s, p) => s + p.X.rows, 0);
  const F = NUM_INTERFERENCE_FEATURES;
  const data = new Float64Array(n * F);
  const y = new Float64Array(n);
  const noiseFree = new Float64Array(n);
  const vmClass = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    data.set(p.X.data, o * F);
    y.set(p.y, o);
    noiseFree.set(p.noiseFree, o);
    vmClass.set(p.vmClass, o);
    o += p.X.rows;
  }
  return { X: matrix(data, n, F), y, noiseFree, vmClass };
}

// ---------------------------------------------------------------------------------------------
// Heuristic baselines: one derived column each, calibrated linearly on the training rows.
// ---------------------------------------------------------------------------------------------

const RHO_COLUMNS = ['post_cpu_per_thread', 'post_mem_bw', 'post_disk', 'post_net'].map(col);
const SHARE_COLUMNS = ['vm_share_compute', 'vm_share_memory', 'vm_share_io', 'vm_share_net'].map(col);
const mm1 = (rho: number) => 1 / (1 - Math.min(Math.max(rho, 0), 0.95));

function utilisationHeuristic(X: Matrix): Matrix {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (const c of RHO_COLUMNS) s += mm1(X.data[i * X.cols + c]);
    out[i] = 1 - 1 / (s / RHO_COLUMNS.length);
  }
  return matrix(out, X.rows, 1);
}

function classAwareHeuristic(X: Matrix): Matrix {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += X.data[i * X.cols + SHARE_COLUMNS[k]] * mm1(X.data[i * X.cols + RHO_COLUMNS[k]]);
    out[i] = 1 - 1 / s;
  }
  return matrix(out, X.rows, 1);
}

type Predictor = { name: string; predict: (X: Matrix) => Float64Array };

async function fitAll(train: ColocationDataset, val: ColocationDataset, seed: number): Promise<{ model: InterferenceModel; fitMs: number; predictors: Predictor[]; olsFitMs: number }> {
  const t0 = performance.now();
  const model = await new InterferenceModel().fit(train.X, train.y, { seed, validation: { X: val.X, y: val.y } });
  const fitMs = performance.now() - t0;
  let mean = 0;
  for (const v of train.y) mean += v;
  mean /= train.y.length;
  const t1 = performance.now();
  const ols = new LeastSquaresRegression().fit(train.X, train.y);
  const olsFitMs = performance.now() - t1;
  const calibrated = (f: (X: Matrix) => Matrix) => {
    const lin = new LeastSquaresRegression().fit(f(train.X), train.y);
    return (X: Matrix) => clip01(lin.predict(f(X)));
  };
  const util = calibrated(utilisationHeuristic);
  const aware = calibrated(classAwareHeuristic);
  return {
    model,
    fitMs,
    olsFitMs,
    predictors: [
      { name: 'boosted trees (ours)', predict: (X) => model.predict(X) },
      { name: 'least squares', predict: (X) => clip01(ols.predict(X)) },
      { name: 'class-aware heuristic', predict: aware },
      { name: 'utilisation heuristic', predict: util },
      { name: 'mean predictor', predict: (X) => new Float64Array(X.rows).fill(mean) },
    ],
  };
}

// ---------------------------------------------------------------------------------------------

const started = performance.now();
let t = performance.now();
const train = simulateColocationDataset(trainSeed, nTrain);
const val = simulateColocationDataset(valSeed, nVal);
const tests = testSeeds.map((s) => simulateColocationDataset(s, nTest));
const simMs = performance.now() - t;
const pooled = concat(tests);
console.log(`Interference model on simulated co-location: train seed ${trainSeed} (${nTrain} rows), early stopping on seed ${valSeed} (${nVal} rows), test seeds ${testSeeds.join(', ')} (${nTest} rows each); ${NUM_INTERFERENCE_FEATURES} features. Simulation ${(simMs / 1000).toFixed(1)} s.`);

const { model, fitMs, olsFitMs, predictors } = await fitAll(train, val, trainSeed);
console.log(`Boosted trees: ${model.rounds} rounds kept, fit ${(fitMs / 1000).toFixed(2)} s (least squares ${(olsFitMs / 1000).toFixed(2)} s), ${os.cpus().length} CPUs.`);

const ceiling = score(pooled.y, pooled.noiseFree);
console.log(`Noise ceiling (noise-free truth vs measured, pooled test): R² ${ceiling.r2.toFixed(4)}, MAE ${ceiling.mae.toFixed(4)}, RMSE ${ceiling.rmse.toFixed(4)}`);
console.log('');
const head = ['method'.padEnd(24), ...testSeeds.map((s) => `R² s${s}`.padStart(9)), 'R² pooled'.padStart(10), 'MAE'.padStart(8), 'RMSE'.padStart(8)].join(' ');
console.log(head);
const results: Record<string, { pooled: Scores; perSeed: number[]; perClass: number[] }> = {};
for (const p of predictors) {
  const perSeed = tests.map((d) => r2(d.y, p.predict(d.X)));
  const pred = p.predict(pooled.X);
  const s = score(pooled.y, pred);
  const perClass = WORKLOAD_CLASSES.map((_, c) => {
    const idx: number[] = [];
    for (let i = 0; i < pooled.vmClass.length; i++) if (pooled.vmClass[i] === c) idx.push(i);
    return r2(Float64Array.from(idx, (i) => pooled.y[i]), Float64Array.from(idx, (i) => pred[i]));
  });
  results[p.name] = { pooled: s, perSeed, perClass };
  console.log([p.name.padEnd(24), ...perSeed.map((v) => v.toFixed(4).padStart(9)), s.r2.toFixed(4).padStart(10), s.mae.toFixed(4).padStart(8), s.rmse.toFixed(4).padStart(8)].join(' '));
}

console.log('');
console.log('R² per class of the incoming VM (pooled test):');
console.log(['method'.padEnd(24), ...WORKLOAD_CLASSES.map((c) => c.slice(0, 12).padStart(13))].join(' '));
for (const p of predictors) console.log([p.name.padEnd(24), ...results[p.name].perClass.map((v) => v.toFixed(4).padStart(13))].join(' '));
const ceilingPerClass = WORKLOAD_CLASSES.map((_, c) => {
  const s = subset(pooled.X, pooled.y, (i) => pooled.vmClass[i] === c);
  return r2(s.y, Float64Array.from(s.idx, (i) => pooled.noiseFree[i]));
});
console.log(['noise ceiling'.padEnd(24), ...ceilingPerClass.map((v) => v.toFixed(4).padStart(13))].join(' '));

console.log('');
const imp = model.featureImportance();
const total = imp.reduce((a, b) => a + b, 0);
const top = Array.from(imp.keys()).sort((a, b) => imp[b] - imp[a]).slice(0, 10);
console.log(`Top features by gain: ${top.map((f) => `${INTERFERENCE_FEATURE_NAMES[f]} ${((100 * imp[f]) / total).toFixed(1)}%`).join(', ')}`);

// Prediction time: batch over the pooled test rows, and one host at a time (featurize + predict).
model.predict(pooled.X);
const batchTimes: number[] = [];
for (let r = 0; r < 5; r++) {
  t = performance.now();
  model.predict(pooled.X);
  batchTimes.push(performance.now() - t);
}
const batchUs = (1000 * median(batchTimes)) / pooled.X.rows;
const hosts = simulateColocation(testSeeds[0], 10_000);
const scratch = new Float64Array(hosts.length * NUM_INTERFERENCE_FEATURES);
const featTimes: number[] = [];
const oneTimes: number[] = [];
let sink = 0;
for (let r = 0; r < 7; r++) {
  t = performance.now();
  for (let i = 0; i < hosts.length; i++) writeInterferenceFeatures(hosts[i].host, hosts[i].vm, scratch, i * NUM_INTERFERENCE_FEATURES);
  featTimes.push(performance.now() - t);
  t = performance.now();
  for (let i = 0; i < hosts.length; i++) sink += model.predictOne(hosts[i].host, hosts[i].vm);
  oneTimes.push(performance.now() - t);
}
const manyTimes: number[] = [];
const candidates = hosts.map((h) => h.host);
const manyOut = new Float64Array(candidates.length);
for (let r = 0; r < 7; r++) {
  t = performance.now();
  model.predictHosts(candidates, hosts[0].vm, manyOut);
  manyTimes.push(performance.now() - t);
}
const manyMs = median(manyTimes);
const featUs = (1000 * median(featTimes)) / hosts.length;
const oneUs = (1000 * median(oneTimes)) / hosts.length;
console.log(`Prediction: ${batchUs.toFixed(2)} µs per row in batches of ${pooled.X.rows} (one thread, median of 5); featurize + predict one host at a time ${oneUs.toFixed(2)} µs (10,000 hosts: ${((oneUs * 10_000) / 1000).toFixed(1)} ms; featurizer alone ${featUs.toFixed(3)} µs per host); predictHosts over 10,000 candidates ${manyMs.toFixed(1)} ms.`);
if (!Number.isFinite(sink)) throw new Error('non-finite prediction');

// scikit-learn on the same rows.
let sklearn: { library: string; iterations: number; fit_s: number; full_fit_s: number; predict_us_per_row: number; tests: Record<string, Scores>; pooled: Scores } | null = null;
let sklearnNote = '';
if (args['skip-sklearn']) sklearnNote = 'skipped (--skip-sklearn)';
else if (spawnSync(PYTHON, ['-c', 'import sklearn, numpy']).status !== 0) sklearnNote = `unavailable: ${PYTHON} cannot import sklearn and numpy (apt-get install -y python3-sklearn)`;
else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interference-'));
  try {
    const writeCsv = (file: string, d: ColocationDataset) => {
      const F = d.X.cols;
      const lines = [[...INTERFERENCE_FEATURE_NAMES, 'y'].join(',')];
      for (let i = 0; i < d.X.rows; i++) {
        const row: string[] = new Array(F + 1);
        for (let f = 0; f < F; f++) row[f] = String(d.X.data[i * F + f]);
        row[F] = String(d.y[i]);
        lines.push(row.join(','));
      }
      fs.writeFileSync(path.join(dir, file), lines.join('\n') + '\n');
    };
    writeCsv('train.csv', train);
    writeCsv('val.csv', val);
    testSeeds.forEach((s, k) => writeCsv(`test_${s}.csv`, tests[k]));
    const r = spawnSync(PYTHON, [path.join(ROOT, 'bench/baselines/interference_baselines.py'), dir], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      timeout: 900_000,
      // One thread, like our prediction timing (OpenMP threads spin badly on a shared 2-core machine).
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (r.status !== 0) sklearnNote = `failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`;
    else sklearn = JSON.parse(r.stdout.trim().split('\n').pop()!);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
console.log('');
if (sklearn) {
  const ours = results['boosted trees (ours)'];
  console.log(`scikit-learn HistGradientBoostingRegressor (${sklearn.library}; depth 6, lr 0.05, best of 800 iterations on the validation seed: ${sklearn.iterations}):`);
  console.log(`  R² per test seed ${testSeeds.map((s) => sklearn!.tests[String(s)].r2.toFixed(4)).join(' ')}, pooled R² ${sklearn.pooled.r2.toFixed(4)}, MAE ${sklearn.pooled.mae.toFixed(4)}, RMSE ${sklearn.pooled.rmse.toFixed(4)}`);
  console.log(`  ours pooled R² ${ours.pooled.r2.toFixed(4)} (difference ${(ours.pooled.r2 - sklearn.pooled.r2).toFixed(4)})`);
  console.log(`  fit ${sklearn.fit_s.toFixed(2)} s at ${sklearn.iterations} iterations (${sklearn.full_fit_s.toFixed(2)} s for all 800) vs ours ${(fitMs / 1000).toFixed(2)} s with early stopping; predict ${sklearn.predict_us_per_row.toFixed(2)} µs per row (20,000 rows, one thread) vs ours ${batchUs.toFixed(2)} (one thread)`);
} else console.log(`scikit-learn baseline ${sklearnNote}.`);

// Sensitivity: the same protocol with the simulator's noise doubled.
let sensitivity: Record<string, number> | null = null;
if (!args['skip-sensitivity']) {
  console.log('');
  console.log('Sensitivity: the same protocol with the simulator noise scaled (test: the first two test seeds):');
  sensitivity = {};
  for (const [label, noise] of [
    ['observation ×2', { observation: 2 }],
    ['measurement ×2', { measurement: 2 }],
  ] as [string, ColocationNoise][]) {
    const tr = simulateColocationDataset(trainSeed, nTrain, { noise });
    const va = simulateColocationDataset(valSeed, nVal, { noise });
    const te = concat(testSeeds.slice(0, 2).map((s) => simulateColocationDataset(s, nTest, { noise })));
    const fitted = await fitAll(tr, va, trainSeed);
    const ours = r2(te.y, fitted.predictors[0].predict(te.X));
    const ols = r2(te.y, fitted.predictors[1].predict(te.X));
    const ceil = r2(te.y, te.noiseFree);
    sensitivity[label] = ours;
    console.log(`  ${label.padEnd(16)} boosted trees R² ${ours.toFixed(4)}, least squares ${ols.toFixed(4)}, noise ceiling ${ceil.toFixed(4)}`);
  }
}

const ours = results['boosted trees (ours)'];
const ols = results['least squares'];
console.log('');
console.log(`Measured held-out R² ${ours.pooled.r2.toFixed(3)} (the previous Python engine claimed 0.87 on data we do not have; this figure is on our simulator and says nothing about real hardware). Total ${((performance.now() - started) / 1000).toFixed(1)} s.`);
console.log(
  JSON.stringify({
    eval: 'interference',
    r2: ours.pooled.r2,
    mae: ours.pooled.mae,
    rmse: ours.pooled.rmse,
    r2_per_seed: ours.perSeed,
    r2_per_class: Object.fromEntries(WORKLOAD_CLASSES.map((c, k) => [c, ours.perClass[k]])),
    noise_ceiling_r2: ceiling.r2,
    baselines: Object.fromEntries(predictors.slice(1).map((p) => [p.name, results[p.name].pooled])),
    sklearn_hgbr: sklearn ? { r2: sklearn.pooled.r2, mae: sklearn.pooled.mae, rmse: sklearn.pooled.rmse, fit_s: sklearn.fit_s, predict_us_per_row: sklearn.predict_us_per_row } : sklearnNote,
    r2_ratio_vs_least_squares: ours.pooled.r2 / ols.pooled.r2,
    r2_ratio_vs_sklearn: sklearn ? ours.pooled.r2 / sklearn.pooled.r2 : null,
    rounds: model.rounds,
    fit_s: fitMs / 1000,
    predict_us_per_row: batchUs,
    predict_one_host_us: oneUs,
    predict_hosts_10k_ms: manyMs,
    sensitivity_r2: sensitivity,
  }),
);
