/**
 * From alarming rows to anomalies: consecutive alarming rows of a host are one episode and one
 * anomaly, reported at the episode's peak with persistence = its rows. Reporting every alarming
 * row would turn one ten-minute correlation break into ten anomalies; reporting only when the
 * episode ends would hold an ongoing one back for as long as it lasts. So an episode is reported
 * once, at the first of:
 *
 *  - it ends (a row that does not alarm, or a gap in the rows);
 *  - it has lasted `holdRows` rows (default 5: by then its persistence already escalates the
 *    severity, and waiting longer only delays the alert);
 *  - no new row has come for `holdRows` steps (the host stopped reporting mid-episode).
 *
 * An episode reported while still open keeps being tracked (so it is not reported again when it
 * goes on), and its peak keeps moving, but it is not reported a second time. The open episode is
 * plain data, checkpointed with the host's scoring cursor, so an episode spanning scoring runs
 * and restarts is still one anomaly.
 */

/** One scored row. Rows are given in time order, one per grid step. */
export interface EpisodeRow {
  ts: number;
  /** −log10 p: ranks rows (the peak) without rounding to 1 far out. */
  surprisal: number;
  alarm: boolean;
}

export interface Episode<P = unknown> {
  /** First and last alarming row. */
  start: number;
  last: number;
  /** Alarming rows so far. */
  rows: number;
  peakTs: number;
  peakSurprisal: number;
  /** What the caller attached to the peak row (its explanation); cleared when the peak moves. */
  peak?: P;
  reported: boolean;
}

export interface EpisodeOptions {
  stepMs: number;
  holdRows: number;
}

export interface EpisodeStep<P> {
  /** Episodes to report now (each exactly once over its life). */
  report: Episode<P>[];
  /** The episode still open after the rows (already reported or not), or null. */
  open: Episode<P> | null;
}

/**
 * Advances the episode state over new rows (in order, consecutive grid rows; the first may
 * follow the open episode's last row after a gap) and says what to report. `now` (epoch ms)
 * decides whether a held episode has waited long enough without new rows.
 */
export function advanceEpisodes<P>(open: Episode<P> | null, rows: readonly EpisodeRow[], now: number, o: EpisodeOptions): EpisodeStep<P> {
  const report: Episode<P>[] = [];
  let cur: Episode<P> | null = open ? { ...open } : null;
  let prevTs = cur ? cur.last : -Infinity;
  const close = () => {
    if (cur && !cur.reported) report.push({ ...cur, reported: true });
    cur = null;
  };
  for (const row of rows) {
    // A gap between rows (skipped backlog, rows without data) ends the episode.
    if (cur && row.ts - prevTs > o.stepMs) close();
    prevTs = row.ts;
    if (!row.alarm) {
      close();
      continue;
    }
    if (!cur) {
      cur = { start: row.ts, last: row.ts, rows: 1, peakTs: row.ts, peakSurprisal: row.surprisal, reported: false };
    } else {
      cur.last = row.ts;
      cur.rows++;
      if (row.surprisal > cur.peakSurprisal) {
        cur.peakTs = row.ts;
        cur.peakSurprisal = row.surprisal;
        delete cur.peak;
      }
    }
  }
  const still = cur as Episode<P> | null;
  if (still && !still.reported && (still.rows >= o.holdRows || now - still.last >= (o.holdRows + 1) * o.stepMs)) {
    still.reported = true;
    report.push({ ...still });
  }
  return { report, open: still };
}
