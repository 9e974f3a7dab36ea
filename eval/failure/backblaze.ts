/**
 * The Backblaze TOSHIBA MQ01ABF050 extract (see its PROVENANCE.md): the last ten daily SMART rows
 * of 534 drives in 2019, 79 of which failed.
 *
 * Relabelling. The extract copied `failure = 1` onto every row of a failed drive; Backblaze marks
 * only the last day. A failed drive's failure day is therefore the last date flagged 1 (one drive,
 * 57QEWPXKT, has a further unflagged row after it: that row is dropped — it comes after the
 * failure). A row on day d of a drive failing on day F has lead time F − d days (0…9 here).
 *
 * Features of a row use that row and the drive's earlier rows only (no look-ahead): every SMART
 * raw value, and for each its change over the previous 1 and 3 days and since the drive's first
 * row in the extract (NaN where the history is too short). The date itself is never a feature:
 * most healthy drives end on 2019-12-31, so it would separate the classes for the wrong reason.
 */
import path from 'node:path';
import { columnIndex, readCsv } from '../lib/csv.js';
import { datasetPath } from '../lib/datasets-dir.js';

export const BACKBLAZE_FOLDER = 'backblaze-toshiba-mq01abf050-2019';
const RAW_FILE = 'TOSHIBA MQ01ABF050_last_10_day_all_q_raw.csv';
const DAY_MS = 86_400_000;

export interface DriveHistory {
  serial: string;
  /** Day numbers (days since the epoch), ascending. */
  days: number[];
  /** Per row, the SMART raw values in the order of `smartColumns`. */
  smart: Float64Array[];
  /** Failure day (day number), or null for a drive that did not fail. */
  failureDay: number | null;
}

export interface BackblazeData {
  drives: DriveHistory[];
  /** e.g. ['smart_3_raw', 'smart_4_raw', …]. */
  smartColumns: string[];
}

export async function loadBackblaze(dir = datasetPath(BACKBLAZE_FOLDER)): Promise<BackblazeData> {
  const table = await readCsv(path.join(dir, RAW_FILE));
  const serialCol = columnIndex(table, 'serial_number', RAW_FILE);
  const dateCol = columnIndex(table, 'date', RAW_FILE);
  const failureCol = columnIndex(table, 'failure', RAW_FILE);
  const smartColumns = table.header.filter((h) => /^smart_\d+_raw$/.test(h));
  const smartIdx = smartColumns.map((c) => columnIndex(table, c, RAW_FILE));
  const rows = new Map<string, Array<{ day: number; failed: boolean; smart: Float64Array }>>();
  for (const r of table.rows) {
    const serial = r[serialCol];
    const day = Date.parse(`${r[dateCol]}T00:00:00Z`) / DAY_MS;
    if (!Number.isInteger(day)) throw new Error(`${RAW_FILE}: bad date ${r[dateCol]}`);
    const smart = Float64Array.from(smartIdx, (i) => (r[i] === '' ? NaN : Number(r[i])));
    let list = rows.get(serial);
    if (!list) rows.set(serial, (list = []));
    list.push({ day, failed: r[failureCol] === '1', smart });
  }
  const drives: DriveHistory[] = [];
  for (const [serial, list] of [...rows].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    list.sort((a, b) => a.day - b.day);
    const flagged = list.filter((x) => x.failed);
    const failureDay = flagged.length ? Math.max(...flagged.map((x) => x.day)) : null;
    const kept = failureDay === null ? list : list.filter((x) => x.day <= failureDay);
    drives.push({ serial, days: kept.map((x) => x.day), smart: kept.map((x) => x.smart), failureDay });
  }
  return { drives, smartColumns };
}

/** Lead time in days of row i of a drive (failure day − row day); Infinity for a drive that did not fail. */
export function leadDays(d: DriveHistory, i: number): number {
  return d.failureDay === null ? Infinity : d.failureDay - d.days[i];
}

/** Names of the features {@link rowFeatures} writes. */
export function featureNames(smartColumns: readonly string[]): string[] {
  const names: string[] = [];
  for (const c of smartColumns) names.push(c, `${c}_delta1d`, `${c}_delta3d`, `${c}_delta_all`);
  return names;
}

/** Features of row i from rows 0…i of the drive (see the file comment). */
export function rowFeatures(d: DriveHistory, i: number, out: Float64Array, offset = 0): void {
  const cur = d.smart[i];
  const back = (days: number): Float64Array | null => {
    // The row exactly `days` days earlier (rows are daily but may have gaps).
    for (let j = i - 1; j >= 0; j--) {
      const gap = d.days[i] - d.days[j];
      if (gap === days) return d.smart[j];
      if (gap > days) return null;
    }
    return null;
  };
  const prev1 = back(1);
  const prev3 = back(3);
  const first = i > 0 ? d.smart[0] : null;
  let k = offset;
  for (let c = 0; c < cur.length; c++) {
    out[k++] = cur[c];
    out[k++] = prev1 ? cur[c] - prev1[c] : NaN;
    out[k++] = prev3 ? cur[c] - prev3[c] : NaN;
    out[k++] = first ? cur[c] - first[c] : NaN;
  }
}

/** The rule every model must beat: alarm when SMART 5, 196 or 197 (raw) is above 0. */
export function smartRule(smartColumns: readonly string[]): (row: Float64Array) => boolean {
  const idx = ['smart_5_raw', 'smart_196_raw', 'smart_197_raw'].map((c) => {
    const i = smartColumns.indexOf(c);
    if (i < 0) throw new Error(`Backblaze data lacks ${c}`);
    return i;
  });
  return (row) => idx.some((i) => row[i] > 0);
}

/**
 * The drive's row at lead `lead` days, as the operating-point protocol reads it: for a failed
 * drive the row on failure day − lead, for a healthy drive the row on its last day − lead (its
 * future beyond the extract is unknown, so its last day plays the failure day's part). −1 when the
 * drive has no row on that day.
 */
export function rowAtLead(d: DriveHistory, lead: number): number {
  const anchor = d.failureDay ?? d.days[d.days.length - 1];
  return d.days.indexOf(anchor - lead);
}
