/**
 * The NAB v1.1 corpus: the 58 series with their labelled anomaly windows
 * (`labels/combined_windows.json`, the ground truth the scoreboard uses).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { datasetPath } from '../lib/datasets-dir.js';
import { columnIndex, readCsv } from '../lib/csv.js';
import { parseNabTimestamp } from './timestamp.js';

export interface NabSeries {
  /** Path relative to NAB's data/ folder, e.g. 'realKnownCause/machine_temperature_system_failure.csv'. */
  file: string;
  category: string;
  /** Epoch ms, the naive NAB timestamps read as UTC. */
  timestamps: Float64Array;
  values: Float64Array;
  /** Anomaly windows as [start, end] epoch ms, both ends inclusive and present in `timestamps`. */
  windows: Array<[number, number]>;
}

/** The NAB folder (holding data/, labels/, config/, results/) under the shared datasets dir. */
export function nabDir(): string {
  return datasetPath('nab');
}

export async function loadNabWindows(dir = nabDir()): Promise<Map<string, Array<[number, number]>>> {
  const raw = JSON.parse(await fs.readFile(path.join(dir, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, Array<[string, string]>>;
  const windows = new Map<string, Array<[number, number]>>();
  for (const [file, list] of Object.entries(raw)) {
    windows.set(file, list.map(([start, end]) => [parseNabTimestamp(start), parseNabTimestamp(end)]));
  }
  return windows;
}

export async function loadNabSeries(file: string, windows: Array<[number, number]>, dir = nabDir()): Promise<NabSeries> {
  const table = await readCsv(path.join(dir, 'data', file));
  const tCol = columnIndex(table, 'timestamp', file);
  const vCol = columnIndex(table, 'value', file);
  const timestamps = new Float64Array(table.rows.length);
  const values = new Float64Array(table.rows.length);
  table.rows.forEach((row, i) => {
    timestamps[i] = parseNabTimestamp(row[tCol]);
    values[i] = Number(row[vCol]);
  });
  // NAB refuses label files whose window limits are not timestamps of the series (labeler.py):
  // the scorer enters and leaves windows on exact timestamp matches.
  const present = new Set(timestamps);
  for (const [start, end] of windows) {
    if (!present.has(start) || !present.has(end)) throw new Error(`${file}: window [${start}, ${end}] does not start and end on timestamps of the series`);
  }
  return { file, category: file.split('/')[0], timestamps, values, windows };
}

/** All series listed in the label file (58 in NAB v1.1), sorted by file name. */
export async function loadNabCorpus(dir = nabDir()): Promise<NabSeries[]> {
  const windows = await loadNabWindows(dir);
  const files = [...windows.keys()].sort();
  return Promise.all(files.map((file) => loadNabSeries(file, windows.get(file)!, dir)));
}
