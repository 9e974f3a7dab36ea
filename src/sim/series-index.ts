import type { TelemetryBlock } from './telemetry-stream.js';

/** One entity's metric over a run, joined across blocks. */
export interface JoinedSeries {
  timestamps: number[];
  values: number[];
}

/**
 * Joins blocks into entity → metric → series: for small runs, evaluations and tests that want
 * to look at a host's history as a whole. Holds everything in memory.
 */
export function joinSeries(blocks: Iterable<TelemetryBlock>): Map<string, Map<string, JoinedSeries>> {
  const out = new Map<string, Map<string, JoinedSeries>>();
  for (const block of blocks) {
    for (const s of block.series) {
      let metrics = out.get(s.entity_id);
      if (!metrics) out.set(s.entity_id, (metrics = new Map()));
      let joined = metrics.get(s.metric);
      if (!joined) metrics.set(s.metric, (joined = { timestamps: [], values: [] }));
      for (let i = 0; i < s.values.length; i++) {
        joined.timestamps.push(s.timestamps[i]);
        joined.values.push(s.values[i]);
      }
    }
  }
  return out;
}

/** Values of a joined series with from ≤ timestamp < to. */
export function valuesBetween(s: JoinedSeries | undefined, from: number, to: number): number[] {
  const out: number[] = [];
  if (!s) return out;
  for (let i = 0; i < s.timestamps.length; i++) if (s.timestamps[i] >= from && s.timestamps[i] < to) out.push(s.values[i]);
  return out;
}
