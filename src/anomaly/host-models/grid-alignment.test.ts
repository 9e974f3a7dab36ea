import { describe, expect, it } from 'vitest';
import { alignGrid, samplingStep, type SeriesSamples } from './grid-alignment.js';

const S = 1000;
const MIN = 60 * S;
const T0 = 1_699_999_980_000; // a multiple of 60 s

function series(metric: string, ts: number[], values: number[], counter = false): SeriesSamples {
  return { metric, timestamps: ts, values, counter };
}

/** n samples every `every` ms from t0, value f(i). */
function regular(metric: string, t0: number, every: number, n: number, f: (i: number) => number = (i) => i): SeriesSamples {
  return series(
    metric,
    Array.from({ length: n }, (_, i) => t0 + i * every),
    Array.from({ length: n }, (_, i) => f(i)),
  );
}

function column(g: ReturnType<typeof alignGrid>, metric: string): number[] {
  const j = g.metrics.indexOf(metric);
  return Array.from({ length: g.X.rows }, (_, r) => g.X.data[r * g.X.cols + j]);
}

describe('samplingStep', () => {
  it('is the median interval pooled over the series, rounded to a second', () => {
    // Jittered one-minute samples (59.6–60.4 s) and a 15-second metric with fewer intervals.
    const jitter = [0, 59_600, 120_100, 180_400, 239_800, 300_000, 360_300];
    expect(samplingStep([series('a', jitter.map((d) => T0 + d), jitter.map(() => 1)), regular('b', T0, 15 * S, 4)])).toBe(60 * S);
    expect(samplingStep([regular('a', T0, 15 * S, 20), regular('b', T0, MIN, 3)])).toBe(15 * S);
  });

  it('never goes below the minimum step, and falls back to it without intervals', () => {
    expect(samplingStep([regular('a', T0, 2 * S, 100)])).toBe(10 * S);
    expect(samplingStep([regular('a', T0, 2 * S, 100)], 30 * S)).toBe(30 * S);
    expect(samplingStep([regular('a', T0, MIN, 1), series('b', [], [])])).toBe(10 * S);
  });
});

describe('alignGrid', () => {
  it('buckets by step on epoch multiples, averaging the samples in a bucket', () => {
    // Two samples per minute, offset by 7 s: each bucket averages both.
    const a = series('cpu', [T0 + 7 * S, T0 + 37 * S, T0 + MIN + 7 * S, T0 + MIN + 37 * S], [0.1, 0.3, 0.5, 0.7]);
    const b = regular('mem', T0 + 20 * S, MIN, 2, (i) => 10 + i);
    const g = alignGrid([a, b], { stepMs: MIN, minPoints: 1 });
    expect(g.start).toBe(T0);
    expect(g.X.rows).toBe(2);
    expect(g.metrics).toEqual(['cpu', 'mem']);
    expect(column(g, 'cpu')).toEqual([0.2, 0.6].map((v) => expect.closeTo(v, 12)));
    expect(column(g, 'mem')).toEqual([10, 11]);
    // The same samples from a later `from` land on the same timestamps.
    const later = alignGrid([a, b], { stepMs: MIN, minPoints: 1, from: T0 + MIN + 5 * S });
    expect(later.start).toBe(T0 + MIN);
    expect(column(later, 'cpu')).toEqual([expect.closeTo(0.6, 12)]);
  });

  it('forward-fills gaps up to the limit and leaves longer gaps missing', () => {
    // Values at minutes 0..9, then nothing until minute 20, then 20..29.
    const ts: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < 30; i++) {
      if (i >= 10 && i < 20) continue;
      ts.push(T0 + i * MIN);
      vs.push(i);
    }
    const g = alignGrid([series('cpu', ts, vs), regular('mem', T0, MIN, 30)], { stepMs: MIN, fillLimit: 5, minCoverage: 0 });
    const cpu = column(g, 'cpu');
    expect(cpu.slice(8, 16)).toEqual([8, 9, 9, 9, 9, 9, 9, NaN]); // minutes 10..14 carry minute 9's value
    expect(cpu.slice(15, 20).every(Number.isNaN)).toBe(true);
    expect(cpu[20]).toBe(20);
    // A metric sampled every 5 minutes on a 1-minute grid is filled throughout.
    const sparse = alignGrid([regular('disk', T0, 5 * MIN, 10), regular('mem', T0, MIN, 50)], { stepMs: MIN });
    expect(column(sparse, 'disk').every((v) => !Number.isNaN(v))).toBe(true);
    expect(column(sparse, 'disk').slice(0, 7)).toEqual([0, 0, 0, 0, 0, 1, 1]);
    // Leading rows before a metric's first sample are never filled.
    const late = alignGrid([regular('cpu', T0 + 3 * MIN, MIN, 27), regular('mem', T0, MIN, 30)], { stepMs: MIN });
    expect(column(late, 'cpu').slice(0, 4)).toEqual([NaN, NaN, NaN, 0]);
  });

  it('turns counters into rates per second, across resets', () => {
    // +60 per minute = 1/s; a reset to 30 at minute 4 (30 counted since the reset: 0.5/s).
    const c = series('errors', [0, 1, 2, 3, 4, 5].map((i) => T0 + i * MIN), [100, 160, 220, 280, 30, 90], true);
    const g = alignGrid([c, regular('mem', T0, MIN, 6)], { stepMs: MIN, minPoints: 1, fillLimit: 0, minCoverage: 0 });
    expect(column(g, 'errors')).toEqual([NaN, 1, 1, 1, 0.5, 1]);
  });

  it('drops metrics with too few samples or too little coverage, and caps the metric count', () => {
    const full = regular('cpu', T0, MIN, 100);
    const few = regular('fan', T0, MIN, 5);
    // 20 samples, one every 5 minutes: with fill limit 0 a value on 20 % of the rows.
    const patchy = regular('disk', T0, 5 * MIN, 20);
    const g = alignGrid([full, few, patchy], { stepMs: MIN, fillLimit: 0 });
    expect(g.metrics).toEqual(['cpu']);
    expect(g.dropped.map((d) => d.metric)).toEqual(['fan', 'disk']);
    expect(g.dropped[0].reason).toContain('5 samples');
    expect(g.dropped[1].reason).toContain('20.0 %');
    // Filling one step covers 40 % (still dropped), filling four steps all of it (kept).
    expect(alignGrid([full, patchy], { stepMs: MIN, fillLimit: 1 }).metrics).toEqual(['cpu']);
    expect(alignGrid([full, patchy], { stepMs: MIN, fillLimit: 4 }).metrics).toEqual(['cpu', 'disk']);

    // Cap: the best-covered metrics stay, ties broken by name.
    const g2 = alignGrid([regular('b', T0, MIN, 100), regular('a', T0, MIN, 100), regular('c', T0 + 30 * MIN, MIN, 70)], { stepMs: MIN, maxMetrics: 2 });
    expect(g2.metrics).toEqual(['b', 'a']);
    expect(g2.dropped).toEqual([{ metric: 'c', reason: expect.stringContaining('cap of 2') }]);
  });

  it('measures coverage from the host\'s first sample, not the start of the window', () => {
    // Two days of data in a seven-day window: nothing is dropped for the five days before it.
    const from = T0 - 5 * 1440 * MIN;
    const g = alignGrid([regular('cpu', T0, MIN, 2880), regular('mem', T0, MIN, 2880)], { stepMs: MIN, from, trim: true });
    expect(g.metrics).toEqual(['cpu', 'mem']);
    expect(g.start).toBe(T0);
    expect(g.X.rows).toBe(2880);
  });

  it('keeps every given metric in order when asked, even without samples', () => {
    const g = alignGrid([regular('mem', T0, MIN, 3), series('cpu', [], []), regular('net', T0, MIN, 1)], { stepMs: MIN, keepAll: true, from: T0, to: T0 + 4 * MIN });
    expect(g.metrics).toEqual(['mem', 'cpu', 'net']);
    expect(g.X.rows).toBe(4);
    expect(column(g, 'cpu').every(Number.isNaN)).toBe(true);
    expect(column(g, 'mem')).toEqual([0, 1, 2, 2]);
    expect(g.dropped).toEqual([]);
  });

  it('trims rows without any value at both ends; an empty input gives an empty grid', () => {
    const g = alignGrid([regular('cpu', T0 + 2 * MIN, MIN, 3)], { stepMs: MIN, minPoints: 1, from: T0, to: T0 + 10 * MIN, fillLimit: 1, trim: true });
    expect(g.start).toBe(T0 + 2 * MIN);
    expect(column(g, 'cpu')).toEqual([0, 1, 2, 2]);
    const none = alignGrid([series('cpu', [], [])], { stepMs: MIN });
    expect(none.X.rows).toBe(0);
    expect(none.dropped).toEqual([{ metric: 'cpu', reason: 'no samples' }]);
  });
});
