/**
 * Readers for NAB's published results (`results/` of the NAB v1.1 snapshot):
 *  - `results/final_results.json`: normalised scores per detector and profile (the scoreboard);
 *  - `results/<detector>/<detector>_<profile>_scores.csv`: per-file raw score, threshold and
 *    TP/TN/FP/FN row counts, with a last `Totals` row;
 *  - `results/<detector>/<category>/<detector>_<file>.csv`: per-timestamp anomaly scores and the
 *    scorer's per-row S(t)_<profile> (only numenta's 24 server-metric files are in the snapshot).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { columnIndex, readCsv } from '../lib/csv.js';
import { nabDir } from './corpus.js';
import { NAB_PROFILE_NAMES, type NabProfileName } from './profiles.js';
import { parseNabTimestamp } from './timestamp.js';

export type FinalResults = Record<string, Record<NabProfileName, number>>;

/** Scoreboard names of the detectors in results/ (NAB README). */
export const PUBLISHED_DISPLAY_NAMES: Record<string, string> = {
  ARTime: 'ARTime',
  numenta: 'Numenta HTM',
  contextOSE: 'CAD OSE',
  htmjava: 'HTM Java',
  numentaTM: 'NumentaTM HTM',
  earthgeckoSkyline: 'earthgecko Skyline',
  knncad: 'KNN CAD',
  relativeEntropy: 'Relative Entropy',
  randomCutForest: 'Random Cut Forest (AWS)',
  twitterADVec: 'Twitter ADVec',
  windowedGaussian: 'Windowed Gaussian',
  skyline: 'Etsy Skyline',
  bayesChangePt: 'Bayesian Changepoint',
  expose: 'EXPoSE',
  random: 'Random',
  null: 'Null',
};

/**
 * Scoreboard figures that final_results.json lacks (NAB README, one decimal): bayesChangePt has
 * per-file results in the snapshot but no final_results.json entry.
 */
export const README_ONLY_SCORES: Record<string, Record<NabProfileName, number>> = {
  bayesChangePt: { standard: 17.7, reward_low_FP_rate: 3.2, reward_low_FN_rate: 32.2 },
};

export async function readFinalResults(dir = nabDir()): Promise<FinalResults> {
  return JSON.parse(await fsp.readFile(path.join(dir, 'results', 'final_results.json'), 'utf8')) as FinalResults;
}

export interface PublishedFileScore {
  file: string;
  threshold: number;
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  /** All rows of the file in the v1.0 result files (ARTime's newer run counts scored rows only). */
  totalCount: number;
}

export interface PublishedScores {
  detector: string;
  profile: NabProfileName;
  files: PublishedFileScore[];
  /** The `Totals` row: summed score and counts. */
  totals: Omit<PublishedFileScore, 'file' | 'threshold'>;
}

export function publishedScoresPath(detector: string, profile: NabProfileName, dir = nabDir()): string {
  return path.join(dir, 'results', detector, `${detector}_${profile}_scores.csv`);
}

export async function readPublishedScores(detector: string, profile: NabProfileName, dir = nabDir()): Promise<PublishedScores> {
  const source = publishedScoresPath(detector, profile, dir);
  const table = await readCsv(source);
  const col = (name: string): number => columnIndex(table, name, source);
  const [cDetector, cFile, cThreshold, cScore, cTp, cTn, cFp, cFn, cTotal] = ['Detector', 'File', 'Threshold', 'Score', 'TP', 'TN', 'FP', 'FN', 'Total_Count'].map(col);
  const counts = (row: string[]) => ({ score: Number(row[cScore]), tp: Number(row[cTp]), tn: Number(row[cTn]), fp: Number(row[cFp]), fn: Number(row[cFn]), totalCount: Number(row[cTotal]) });
  const files: PublishedFileScore[] = [];
  let totals: PublishedScores['totals'] | undefined;
  for (const row of table.rows) {
    if (row[cDetector] === 'Totals') totals = counts(row);
    else files.push({ file: row[cFile], threshold: Number(row[cThreshold]), ...counts(row) });
  }
  if (!totals) throw new Error(`${source}: no Totals row`);
  return { detector, profile, files, totals };
}

/** Detectors that have a per-file scores CSV for every profile. */
export function listPublishedDetectors(dir = nabDir()): string[] {
  const results = path.join(dir, 'results');
  return fs
    .readdirSync(results, { withFileTypes: true })
    .filter((e) => e.isDirectory() && NAB_PROFILE_NAMES.every((p) => fs.existsSync(publishedScoresPath(e.name, p, dir))))
    .map((e) => e.name)
    .sort();
}

export interface PublishedThreshold {
  score: number;
  threshold: number;
}

export async function readPublishedThresholds(dir = nabDir()): Promise<Record<string, Record<NabProfileName, PublishedThreshold>>> {
  return JSON.parse(await fsp.readFile(path.join(dir, 'config', 'thresholds.json'), 'utf8')) as Record<string, Record<NabProfileName, PublishedThreshold>>;
}

export interface PublishedTimestampResults {
  timestamps: Float64Array;
  anomalyScores: Float64Array;
  /** The scorer's per-row reward, S(t)_<profile>, for each profile present in the file. */
  rowRewards: Partial<Record<NabProfileName, Float64Array>>;
}

export function timestampResultsPath(detector: string, file: string, dir = nabDir()): string {
  const [category, name] = file.split('/');
  return path.join(dir, 'results', detector, category, `${detector}_${name}`);
}

/** A detector's per-timestamp output for one data file, or undefined when not in the snapshot. */
export async function readTimestampResults(detector: string, file: string, dir = nabDir()): Promise<PublishedTimestampResults | undefined> {
  const source = timestampResultsPath(detector, file, dir);
  if (!fs.existsSync(source)) return undefined;
  const table = await readCsv(source);
  const tCol = columnIndex(table, 'timestamp', source);
  const sCol = columnIndex(table, 'anomaly_score', source);
  const n = table.rows.length;
  const timestamps = new Float64Array(n);
  const anomalyScores = new Float64Array(n);
  const rowRewards: PublishedTimestampResults['rowRewards'] = {};
  const rewardCols = NAB_PROFILE_NAMES.filter((p) => table.header.includes(`S(t)_${p}`)).map((p) => {
    const values = new Float64Array(n);
    rowRewards[p] = values;
    return { col: table.header.indexOf(`S(t)_${p}`), values };
  });
  table.rows.forEach((row, i) => {
    timestamps[i] = parseNabTimestamp(row[tCol]);
    anomalyScores[i] = Number(row[sCol]);
    for (const { col, values } of rewardCols) values[i] = Number(row[col]);
  });
  return { timestamps, anomalyScores, rowRewards };
}

/**
 * A score as NAB v1.0's result files hold it. Those CSVs were written by Python 2, whose str() of a
 * float keeps 12 significant digits ("0.542187690735"), and the published thresholds and scores
 * were computed from the files as written: a detector whose scores crowd near 1 (windowedGaussian's
 * 1 − tail probability) detects more once 1 − 4e-13 reads back as 1.0.
 */
export function toNabV1Precision(scores: Float64Array): Float64Array {
  return scores.map((s) => Number(s.toPrecision(12)));
}
