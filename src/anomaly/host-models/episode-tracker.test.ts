import { describe, expect, it } from 'vitest';
import { advanceEpisodes, type Episode, type EpisodeRow } from './episode-tracker.js';

const STEP = 60_000;
const O = { stepMs: STEP, holdRows: 5 };

/** Rows at steps from..from+n−1; `alarms` maps a step to its surprisal (absent: no alarm). */
function rows(from: number, n: number, alarms: Record<number, number>): EpisodeRow[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { ts: i * STEP, surprisal: alarms[i] ?? 0.5, alarm: i in alarms };
  });
}

describe('advanceEpisodes', () => {
  it('makes consecutive alarming rows one episode, reported at its peak with its length, when it ends', () => {
    const r = advanceEpisodes(null, rows(0, 10, { 2: 2.5, 3: 4, 4: 3 }), 10 * STEP, O);
    expect(r.report).toEqual([{ start: 2 * STEP, last: 4 * STEP, rows: 3, peakTs: 3 * STEP, peakSurprisal: 4, reported: true }]);
    expect(r.open).toBeNull();
  });

  it('reports separate episodes separately', () => {
    const r = advanceEpisodes(null, rows(0, 12, { 1: 3, 5: 2.2, 6: 2.1, 9: 5 }), 12 * STEP, O);
    expect(r.report.map((e) => [e.peakTs / STEP, e.rows])).toEqual([[1, 1], [5, 2], [9, 1]]);
  });

  it('holds a young open episode across runs and reports it once, when it ends', () => {
    const a = advanceEpisodes<string>(null, rows(0, 5, { 3: 2.5, 4: 3 }), 5 * STEP, O);
    expect(a.report).toEqual([]);
    expect(a.open).toMatchObject({ rows: 2, peakTs: 4 * STEP, reported: false });
    a.open!.peak = 'explained at 4';
    const b = advanceEpisodes(a.open, rows(5, 3, { 5: 2.8 }), 8 * STEP, O);
    expect(b.report).toEqual([{ start: 3 * STEP, last: 5 * STEP, rows: 3, peakTs: 4 * STEP, peakSurprisal: 3, peak: 'explained at 4', reported: true }]);
    expect(b.open).toBeNull();
    // The state given in is not changed.
    expect(a.open!.rows).toBe(2);
  });

  it('reports a long episode once it reaches holdRows, and never again while it goes on', () => {
    const a = advanceEpisodes<string>(null, rows(0, 6, { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2.5 }), 6 * STEP, O);
    expect(a.report).toHaveLength(1);
    expect(a.report[0]).toMatchObject({ rows: 5, peakTs: 5 * STEP, reported: true });
    expect(a.open).toMatchObject({ rows: 5, reported: true });
    // Its peak moves later (the explanation is dropped for the new peak) but nothing is re-reported.
    const b = advanceEpisodes<string>({ ...a.open!, peak: 'old' }, rows(6, 4, { 6: 9, 7: 2 }), 10 * STEP, O);
    expect(b.report).toEqual([]);
    expect(b.open).toBeNull();
    const c = advanceEpisodes<string>({ ...a.open!, peak: 'old' }, rows(6, 1, { 6: 9 }), 7 * STEP, O);
    expect(c.open).toMatchObject({ rows: 6, peakTs: 6 * STEP, peakSurprisal: 9, reported: true });
    expect(c.open!.peak).toBeUndefined();
  });

  it('a gap between rows ends the episode', () => {
    const open: Episode = { start: 0, last: 2 * STEP, rows: 3, peakTs: STEP, peakSurprisal: 3, reported: false };
    const r = advanceEpisodes(open, rows(10, 1, { 10: 4 }), 11 * STEP, O);
    expect(r.report.map((e) => e.start)).toEqual([0]);
    expect(r.open).toMatchObject({ start: 10 * STEP, rows: 1 });
  });

  it('reports a held episode when no rows come for holdRows steps (the host went quiet)', () => {
    const open: Episode = { start: 0, last: 2 * STEP, rows: 3, peakTs: STEP, peakSurprisal: 3, reported: false };
    expect(advanceEpisodes(open, [], 5 * STEP, O).report).toEqual([]);
    const late = advanceEpisodes(open, [], 8 * STEP, O);
    expect(late.report).toHaveLength(1);
    expect(late.open).toMatchObject({ reported: true });
  });
});
