/**
 * The ML benchmark datasets, generated once (seeded) and written in a plain binary format that
 * both our runner and the Python baselines read: `X.f32` (rows×cols float32, row-major,
 * little-endian), `y.f32` (float32 labels), `meta.json` ({rows, cols, trainRows, task, ...}).
 * Rows [0, trainRows) are the training set, the rest the test set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Random } from '../../src/ml/core/random.js';

export interface DatasetMeta {
  task: string;
  rows: number;
  cols: number;
  trainRows: number;
  description: string;
  seed: number;
  featureNames?: string[];
}

export interface Dataset {
  meta: DatasetMeta;
  X: Float32Array;
  y: Float32Array;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A binary problem with interactions, thresholds and noise features: trees have something to learn. */
export function binaryProblem(task: string, train: number, test: number, cols: number, seed: number): Dataset {
  const rng = new Random(seed);
  const rows = train + test;
  const X = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) X[o + j] = rng.normal();
    // Some correlated and some missing-free heavy-tailed columns make binning matter.
    if (cols > 12) X[o + 12] = X[o] * 0.7 + X[o + 12] * 0.3;
    if (cols > 13) X[o + 13] = Math.exp(X[o + 13]);
    const logit =
      1.5 * Math.sin(2 * X[o]) + 1.2 * X[o + 1] * X[o + 2] + (X[o + 3] > 0.5 ? 1.4 : -0.4) - 0.6 * X[o + 4] * X[o + 4] + 0.8 * X[o + 5] - 0.7 * X[o + 6] + 0.5 * Math.abs(X[o + 7]) + (X[o + 8] > 0 && X[o + 9] > 0 ? 1 : 0) - 0.3;
    y[i] = rng.float() < sigmoid(logit) ? 1 : 0;
  }
  return { meta: { task, rows, cols, trainRows: train, description: `${train}+${test} rows × ${cols}: non-linear binary problem (10 informative features)`, seed }, X, y };
}

/** Correlated Gaussian inliers with a share of anomalies: shifted in a few dimensions or scattered. */
export function anomalyProblem(task: string, rows: number, cols: number, anomalyShare: number, seed: number, clusters = 1): Dataset {
  const rng = new Random(seed);
  const X = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: cols }, () => rng.normal() * 4));
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const c = centres[rng.int(clusters)];
    const base = rng.normal();
    for (let j = 0; j < cols; j++) X[o + j] = c[j] + 0.6 * base + 0.8 * rng.normal();
    if (rng.float() < anomalyShare) {
      y[i] = 1;
      if (rng.float() < 0.5) {
        for (let j = 0; j < cols; j++) X[o + j] = c[j] + (rng.float() * 2 - 1) * 8;
      } else {
        const k = 1 + rng.int(3);
        for (let m = 0; m < k; m++) X[o + rng.int(cols)] += (rng.float() < 0.5 ? -1 : 1) * (4 + 3 * rng.float());
      }
    }
  }
  return { meta: { task, rows, cols, trainRows: rows, description: `${rows} rows × ${cols}: ${clusters} correlated Gaussian cluster(s), ${(anomalyShare * 100).toFixed(1)}% injected anomalies`, seed }, X, y };
}

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.length);
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/**
 * The Backblaze TOSHIBA MQ01ABF050 extract (see its PROVENANCE.md): the label was copied onto all
 * ten rows of a failed drive, so it is rebuilt: a drive failed on its last date; a row is positive
 * when its drive fails within `horizonDays` of the row's date. Split by drive (no drive in both
 * train and test), seeded; stratified by whether the drive failed.
 */
export function backblaze(dataDir: string, horizonDays: number, seed: number): Dataset {
  const file = path.join(dataDir, 'backblaze-toshiba-mq01abf050-2019', 'TOSHIBA MQ01ABF050_last_10_day_all_q_raw.csv');
  const { header, rows } = parseCsv(fs.readFileSync(file, 'utf8'));
  const col = (n: string) => header.indexOf(n);
  const featureNames = header.filter((h) => /^smart_\d+_raw$/.test(h));
  const byDrive = new Map<string, { date: string; failure: number; features: number[] }[]>();
  for (const r of rows) {
    const serial = r[col('serial_number')];
    const list = byDrive.get(serial) ?? [];
    list.push({ date: r[col('date')], failure: Number(r[col('failure')]), features: featureNames.map((f) => (r[col(f)] === '' ? NaN : Number(r[col(f)]))) });
    byDrive.set(serial, list);
  }
  const drives = [...byDrive.keys()].sort();
  const failedDay = new Map<string, number>();
  for (const d of drives) {
    const list = byDrive.get(d)!;
    const failedRows = list.filter((x) => x.failure === 1);
    // The failure day is the last date flagged failed (one drive has a later unflagged row).
    if (failedRows.length) failedDay.set(d, Math.max(...failedRows.map((x) => Date.parse(x.date))));
  }
  const rng = new Random(seed);
  const failed = drives.filter((d) => failedDay.has(d));
  const healthy = drives.filter((d) => !failedDay.has(d));
  rng.shuffle(failed);
  rng.shuffle(healthy);
  const testDrives = new Set([...failed.slice(0, Math.round(failed.length * 0.3)), ...healthy.slice(0, Math.round(healthy.length * 0.3))]);
  const ordered = [...drives.filter((d) => !testDrives.has(d)), ...drives.filter((d) => testDrives.has(d))];
  const cols = featureNames.length;
  const out: { x: number[]; y: number; test: boolean }[] = [];
  for (const d of ordered) {
    const fd = failedDay.get(d);
    for (const r of byDrive.get(d)!) {
      const t = Date.parse(r.date);
      if (fd !== undefined && t > fd) continue; // after the failure: not a prediction point
      const lead = fd === undefined ? Infinity : (fd - t) / 86_400_000;
      out.push({ x: r.features, y: lead < horizonDays ? 1 : 0, test: testDrives.has(d) });
    }
  }
  const X = new Float32Array(out.length * cols);
  const y = new Float32Array(out.length);
  out.forEach((r, i) => {
    X.set(r.x, i * cols);
    y[i] = r.y;
  });
  const trainRows = out.filter((r) => !r.test).length;
  return {
    meta: { task: 'backblaze', rows: out.length, cols, trainRows, featureNames, seed, description: `Backblaze TOSHIBA MQ01ABF050: ${drives.length} drives (${failed.length} failed), drive-level 70/30 split, label = fails within ${horizonDays} days` },
    X,
    y,
  };
}

export function writeDataset(dir: string, d: Dataset): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'X.f32'), Buffer.from(d.X.buffer, d.X.byteOffset, d.X.byteLength));
  fs.writeFileSync(path.join(dir, 'y.f32'), Buffer.from(d.y.buffer, d.y.byteOffset, d.y.byteLength));
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(d.meta, null, 2));
}

export function readDataset(dir: string): Dataset {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as DatasetMeta;
  const xb = fs.readFileSync(path.join(dir, 'X.f32'));
  const yb = fs.readFileSync(path.join(dir, 'y.f32'));
  const X = new Float32Array(xb.buffer.slice(xb.byteOffset, xb.byteOffset + xb.byteLength));
  const y = new Float32Array(yb.buffer.slice(yb.byteOffset, yb.byteOffset + yb.byteLength));
  if (X.length !== meta.rows * meta.cols || y.length !== meta.rows) throw new Error(`dataset ${dir} does not match its meta.json`);
  return { meta, X, y };
}
