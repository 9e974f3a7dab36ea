/**
 * A host's recent history from stored telemetry, as the failure model reads it: every metric of
 * FAILURE_METRICS on a regular 60 s grid ending at "now", oldest first, HISTORY_MINUTES + 1
 * samples, NaN where a minute holds no sample. Grid slot k covers (t_k − 60 s, t_k] and takes the
 * last sample in it. Series are read by their canonical names without qualifier.
 *
 * "Now" is the moment asked for; when none is (the background scorer, a request without
 * timestamp) it is the host's newest sample if that is at most RECENT_MS old — so telemetry that
 * arrives a little late does not look like a gap at the end — and the clock otherwise.
 */
import type { Store } from '../platform/store/index.js';
import { HISTORY_MINUTES } from './history-features.js';
import type { HostHistory } from './host-assessment.js';
import { FAILURE_METRICS } from './host-feature-spec.js';

export const STEP_MS = 60_000;
/** Samples per metric in a history: the model's longest span plus the current minute. */
export const HISTORY_POINTS = HISTORY_MINUTES + 1;
/** A host with a sample at most this old is "reporting": scored in the background, its newest sample taken as now. */
export const RECENT_MS = 15 * 60_000;

export interface StoredHistory {
  history: HostHistory;
  /** The grid's last slot (the moment assessed). */
  end: number;
  /** Samples that landed on the grid. */
  samples: number;
  /** Newest sample read, if any. */
  newest: number | null;
}

export interface ReadOptions {
  /** The clock. */
  now: number;
  /** The moment to assess; absent: the newest sample when recent, else `now`. */
  end?: number;
  /** Only series of this entity type (the background scorer reads 'node'); absent: any. */
  entityType?: string;
}

/** Last sample of each minute slot of the grid ending at `end` (samples sorted by time). */
export function resampleToGrid(ts: Float64Array, values: Float64Array, end: number, points = HISTORY_POINTS, stepMs = STEP_MS): { grid: Float64Array; count: number } {
  const grid = new Float64Array(points).fill(NaN);
  let count = 0;
  for (let i = 0; i < ts.length; i++) {
    const age = end - ts[i];
    if (age < 0) continue;
    const k = points - 1 - Math.floor(age / stepMs);
    if (k < 0) continue;
    if (grid[k] !== grid[k]) count++;
    grid[k] = values[i];
  }
  return { grid, count };
}

export class HistoryReader {
  constructor(private readonly store: Store) {}

  /** Hosts (node entities) with a sample of a model metric in (now − RECENT_MS, now]. */
  recentHosts(now: number): Promise<string[]> {
    return this.store.telemetry.entitiesWithSamples(FAILURE_METRICS, now - RECENT_MS + 1, now, 'node');
  }

  /** Histories of several hosts in one pass over their series (the order of `hostIds`). */
  async read(hostIds: readonly string[], o: ReadOptions): Promise<StoredHistory[]> {
    const span = HISTORY_POINTS * STEP_MS;
    const to = o.end ?? o.now;
    const from = to - span + 1 - (o.end === undefined ? RECENT_MS : 0);
    const series = await this.store.telemetry.seriesOf(FAILURE_METRICS, hostIds, o.entityType);
    const windows = await this.store.telemetry.readWindows(
      series.map((s) => s.id),
      from,
      to,
    );
    const byHost = new Map<string, { metric: string; ts: Float64Array; values: Float64Array }[]>();
    for (const s of series) {
      const w = windows.get(s.id);
      if (!w) continue;
      let list = byHost.get(s.entity_id);
      if (!list) byHost.set(s.entity_id, (list = []));
      list.push({ metric: s.metric, ts: w.ts, values: w.values });
    }
    return hostIds.map((hostId) => {
      const list = byHost.get(hostId) ?? [];
      let newest: number | null = null;
      for (const s of list) if (s.ts.length > 0 && (newest === null || s.ts[s.ts.length - 1] > newest)) newest = s.ts[s.ts.length - 1];
      const end = o.end ?? (newest !== null && newest > o.now - RECENT_MS ? newest : o.now);
      const grids: Record<string, Float64Array> = {};
      let samples = 0;
      for (const s of list) {
        const r = resampleToGrid(s.ts, s.values, end);
        grids[s.metric] = r.grid;
        samples += r.count;
      }
      return { history: { hostId, series: grids, length: HISTORY_POINTS }, end, samples, newest };
    });
  }
}
