/**
 * Root-cause ranking against SMD's interpretation labels, as HitRate@P% in the OmniAnomaly paper
 * (Su et al. KDD 2019): for each anomalous point with ground-truth metrics GT, the share of GT
 * found among the ⌊P % · |GT|⌋ metrics the method ranks highest; averaged over those points.
 * (TranAD's hit_att rounds instead of flooring; the two differ only when 1.5·|GT| ends in .5.)
 */
import type { InterpretationSegment } from './loader.js';

export interface InterpretationPoints {
  /** Test rows covered by an interpretation segment, ascending. */
  rows: Int32Array;
  /** The ground-truth metrics (0-based) of each of those rows. */
  truth: number[][];
}

/** Rows of the interpretation segments (inclusive ranges, clipped to the test rows); overlapping segments unite their metrics. */
export function interpretationPoints(segments: readonly InterpretationSegment[], testRows: number): InterpretationPoints {
  const byRow = new Map<number, Set<number>>();
  for (const s of segments) {
    for (let i = Math.max(0, s.start); i <= Math.min(s.end, testRows - 1); i++) {
      let set = byRow.get(i);
      if (!set) byRow.set(i, (set = new Set()));
      for (const m of s.metrics) set.add(m);
    }
  }
  const rows = Int32Array.from([...byRow.keys()].sort((a, b) => a - b));
  return { rows, truth: Array.from(rows, (r) => [...byRow.get(r)!].sort((a, b) => a - b)) };
}

/** Metric indices by decreasing weight; ties keep the lower index first. */
export function rankMetrics(weights: ArrayLike<number>): number[] {
  return Array.from({ length: weights.length }, (_, j) => j).sort((a, b) => weights[b] - weights[a] || a - b);
}

/**
 * HitRate@P%: `attribution` is points × metrics (row k ranks the metrics of point k, higher =
 * more responsible), `truth[k]` that point's ground-truth metrics. Points with an empty truth are
 * skipped; NaN when none is left.
 */
export function hitRate(attribution: { data: ArrayLike<number>; rows: number; cols: number }, truth: readonly (readonly number[])[], P: number): number {
  if (truth.length !== attribution.rows) throw new Error(`hitRate: ${truth.length} truths for ${attribution.rows} attributed points`);
  if (!(P > 0)) throw new Error(`hitRate: P must be positive, got ${P}`);
  const { cols } = attribution;
  let sum = 0;
  let count = 0;
  for (let k = 0; k < truth.length; k++) {
    const gt = truth[k];
    if (gt.length === 0) continue;
    const w = Array.from({ length: cols }, (_, j) => attribution.data[k * cols + j]);
    const top = new Set(rankMetrics(w).slice(0, Math.floor((P / 100) * gt.length)));
    let hit = 0;
    for (const m of gt) if (top.has(m)) hit++;
    sum += hit / gt.length;
    count++;
  }
  return count ? sum / count : NaN;
}
