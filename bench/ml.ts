/**
 * `npm run bench:ml`: each ML model beside its Python baseline on the same files.
 *
 *   npm run bench:ml -- [--tasks gbdt,rf,iforest,lof,ocsvm,backblaze] [--fresh]
 *
 * Datasets are generated once (seeded) into bench/.cache/ml/<task>/ in a plain binary format
 * (see bench/ml/datasets.ts); ours and the baseline (bench/baselines/ml_baselines.py, run with
 * Debian's /usr/bin/python3 and python3-xgboost / python3-sklearn) each run in their own process
 * so time and peak RSS are measured alike. A missing baseline is reported, not fatal. The last
 * line is one JSON object with every figure and ratio.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { anomalyProblem, backblaze, binaryProblem, writeDataset, type Dataset } from './ml/datasets.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, 'bench/.cache/ml');
const datasetsDir = path.resolve(root, process.env.NOVACRON_DATASETS_DIR ?? '../shared/data');
const { values } = parseArgs({ options: { tasks: { type: 'string', default: 'gbdt,rf,iforest,lof,ocsvm,backblaze' }, fresh: { type: 'boolean', default: false } } });
const tasks = values.tasks!.split(',').map((t) => t.trim()).filter(Boolean);

/** Bump a dataset's version when its generator changes, so stale cached files are rebuilt. */
const DATASETS: Record<string, { version: number; make: () => Dataset | undefined }> = {
  gbdt: { version: 1, make: () => binaryProblem('gbdt', 200_000, 50_000, 40, 11) },
  rf: { version: 1, make: () => binaryProblem('rf', 50_000, 10_000, 30, 12) },
  iforest: { version: 1, make: () => anomalyProblem('iforest', 100_000, 20, 0.01, 13) },
  lof: { version: 1, make: () => anomalyProblem('lof', 20_000, 10, 0.01, 14, 3) },
  ocsvm: { version: 1, make: () => anomalyProblem('ocsvm', 10_000, 10, 0.02, 15, 2) },
  backblaze: {
    version: 1,
    make: () => (fs.existsSync(path.join(datasetsDir, 'backblaze-toshiba-mq01abf050-2019')) ? backblaze(datasetsDir, 7, 16) : undefined),
  },
};

/** Goals from the issue, per task: which figure, and the target / floor ratios of ours to the baseline. */
const GOALS: Record<string, string> = {
  gbdt: 'fit time ≤ 1.5× XGBoost (floor 2.0×); accuracy ≥ XGBoost − 0.003; AUC ≥ XGBoost − 0.002; row p99 ≤ 20 µs; 50k batch ≤ XGBoost',
  rf: 'time ≤ 1.0× scikit-learn (floor 1.5×); accuracy ≥ sklearn − 0.005',
  iforest: 'fit+score ≤ 0.5× scikit-learn (floor 1.0×); AUC within 0.005',
  lof: 'time and AUC beside scikit-learn',
  ocsvm: 'time and AUC beside scikit-learn',
  backblaze: 'AUC within 0.01 of XGBoost',
};

function ensure(task: string): string | undefined {
  const spec = DATASETS[task];
  if (!spec) throw new Error(`unknown task ${task}; known: ${Object.keys(DATASETS).join(', ')}`);
  const dir = path.join(cache, task);
  const stamp = path.join(dir, 'version');
  if (!values.fresh && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === String(spec.version)) return dir;
  const d = spec.make();
  if (!d) return undefined;
  writeDataset(dir, d);
  fs.writeFileSync(stamp, String(spec.version));
  return dir;
}

function runJson(cmd: string, args: string[]): Record<string, any> {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 1_800_000 });
  const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) {
    const lines = (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n');
    return { error: (lines.find((l) => /Error|Cannot find|not found/.test(l)) ?? lines[lines.length - 1]).trim().slice(0, 200) };
  }
  return JSON.parse(line);
}

function baselineAvailable(): string | undefined {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sklearn, xgboost, numpy'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'baseline unavailable: /usr/bin/python3 lacks scikit-learn/xgboost/numpy (apt-get install -y python3-sklearn python3-xgboost)';
}

const fmt = (v: unknown) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(4)) : v === undefined ? '—' : String(v));

const missing = baselineAvailable();
if (missing) console.log(missing);
const results: Record<string, { ours: Record<string, any>; baseline: Record<string, any> | null; ratios: Record<string, number> }> = {};
for (const task of tasks) {
  const dir = ensure(task);
  if (!dir) {
    console.log(`\n${task}: dataset unavailable (${datasetsDir} missing); skipped`);
    continue;
  }
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
  console.log(`\n== ${task}: ${meta.description}\n   goal: ${GOALS[task]}`);
  const ours = runJson(process.execPath, ['--import', 'tsx', 'bench/ml/run-ours.ts', task, dir]);
  const baseline = missing ? null : runJson('/usr/bin/python3', ['bench/baselines/ml_baselines.py', task, dir]);
  const ratios: Record<string, number> = {};
  const keys = [...new Set([...Object.keys(ours), ...Object.keys(baseline ?? {})])].filter((k) => k !== 'library');
  console.log(`   ${'figure'.padEnd(14)} ${'ours'.padStart(12)} ${'baseline'.padStart(12)} ${'ours/base'.padStart(10)}`);
  for (const k of keys) {
    const a = ours[k];
    const b = baseline?.[k];
    let ratio = '';
    if (typeof a === 'number' && typeof b === 'number' && b !== 0) {
      ratios[k] = a / b;
      ratio = (a / b).toFixed(3);
    }
    console.log(`   ${k.padEnd(14)} ${fmt(a).padStart(12)} ${fmt(b).padStart(12)} ${ratio.padStart(10)}`);
  }
  if (baseline?.library) console.log(`   baseline: ${baseline.library}`);
  results[task] = { ours, baseline, ratios };
}
console.log(JSON.stringify({ bench: 'ml', baseline: missing ? null : 'xgboost/scikit-learn', results }));
