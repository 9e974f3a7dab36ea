import { describe, expect, it } from 'vitest';
import { MLInputError, Random } from '../../ml/core/index.js';
import { COMPONENTS, DEFAULT_SERIES_OPTIONS, newScore, SeriesAnomalyDetector, type SeriesScore } from './index.js';
import { alarms, STEP_MS, synthetic, T0, type Scenario } from './fixtures/synthetic.js';

const ALARM = DEFAULT_SERIES_OPTIONS.alarmLevel;

function scoreAll(d: SeriesAnomalyDetector, t: ArrayLike<number>, v: ArrayLike<number>): SeriesScore[] {
  return Array.from({ length: v.length }, (_, i) => d.update(t[i], v[i]));
}

describe('SeriesAnomalyDetector: finds what it should', () => {
  // How soon after the onset an alarm must come (points).
  const within: Record<Exclude<Scenario, 'noise' | 'seasonal'>, number> = { spike: 0, shift: 20, variance: 20, trend: 150, seasonalBreak: 60 };
  for (const [kind, late] of Object.entries(within)) {
    it(`scores a ${kind} at alarm level within ${late} points of its onset, and alarms unless an alarm is already open (3 seeds)`, () => {
      for (const seed of [1, 2, 3]) {
        const { t, v, onset } = synthetic(kind as Scenario, 4000, seed);
        const rs = scoreAll(new SeriesAnomalyDetector(), t, v);
        const seen = rs.findIndex((r, i) => i >= onset && r.rawScore >= ALARM);
        expect(seen, `${kind} seed ${seed}`).toBeGreaterThanOrEqual(onset);
        expect(seen - onset, `${kind} seed ${seed}`).toBeLessThanOrEqual(late);
        // Reported as an alarm, or covered by an alarm raised shortly before (the refractory period).
        const lastAlarm = rs.findLastIndex((r, i) => i <= seen && r.score >= ALARM);
        expect(lastAlarm, `${kind} seed ${seed}`).toBeGreaterThan(seen - DEFAULT_SERIES_OPTIONS.refractoryPoints - 1);
      }
    });
  }

  it('names the detector that saw it, and what it expected instead', () => {
    const spike = synthetic('spike', 4000, 1);
    const r1 = scoreAll(new SeriesAnomalyDetector(), spike.t, spike.v)[spike.onset];
    expect(r1.components.range).toBe(r1.rawScore); // a spike is a new extreme
    expect(Math.abs(r1.expected - 100)).toBeLessThan(2);
    const brk = synthetic('seasonalBreak', 4000, 2);
    const rs = scoreAll(new SeriesAnomalyDetector(), brk.t, brk.v);
    const first = rs.findIndex((r, i) => i >= brk.onset && r.rawScore >= ALARM);
    const top = COMPONENTS.reduce((a, c) => (rs[first].components[c] > rs[first].components[a] ? c : a));
    expect(['seasonal', 'residual']).toContain(top);
    // The baseline expected the season's value, not the flattened one it got.
    expect(Math.abs(rs[first].expected - brk.v[first])).toBeGreaterThan(3);
  });
});

describe('SeriesAnomalyDetector: quiet on clean data', () => {
  it('white noise and a clean daily season: few alarms after warm-up (the records of pure noise), low scores otherwise', () => {
    let alarmCount = 0;
    let points = 0;
    const all: number[] = [];
    for (const kind of ['noise', 'seasonal'] as const) {
      for (const seed of [11, 12, 13, 14]) {
        const { t, v } = synthetic(kind, 4000, seed, Infinity);
        const scores = new SeriesAnomalyDetector().scoreSeries(t, v);
        alarmCount += alarms(scores, ALARM).length;
        points += scores.length - DEFAULT_SERIES_OPTIONS.warmupPoints;
        for (let i = DEFAULT_SERIES_OPTIONS.warmupPoints; i < scores.length; i++) all.push(scores[i]);
      }
    }
    all.sort((a, b) => a - b);
    expect(alarmCount / points).toBeLessThan(0.0025); // < 1 alarm per 400 points of pure noise
    expect(all[Math.floor(all.length * 0.99)]).toBeLessThan(0.3);
  });

  it('a constant series scores 0 everywhere, then alarms at its first change', () => {
    const d = new SeriesAnomalyDetector();
    for (let i = 0; i < 1000; i++) {
      const r = d.update(T0 + i * STEP_MS, 42);
      expect(r.score).toBe(0);
      expect(Number.isNaN(r.rawScore)).toBe(false);
      if (i > 10) expect(r.expected).toBe(42);
    }
    expect(d.update(T0 + 1000 * STEP_MS, 43).score).toBeGreaterThanOrEqual(ALARM);
  });
});

describe('SeriesAnomalyDetector: streaming guarantees', () => {
  it('no look-ahead: the scores of a prefix do not change when later points are appended', () => {
    const { t, v } = synthetic('shift', 3000, 5);
    const full = new SeriesAnomalyDetector().scoreSeries(t, v);
    const prefix = new SeriesAnomalyDetector().scoreSeries(t.subarray(0, 1700), v.subarray(0, 1700));
    for (let i = 0; i < 1700; i++) expect(Object.is(prefix[i], full[i])).toBe(true);
  });

  it('a detector restored from its JSON state mid-stream continues bit-identically (scores, components, expected)', () => {
    for (const weights of [{}, { isolation: 1 }]) {
      const { t, v } = synthetic('seasonalBreak', 4000, 7);
      const a = new SeriesAnomalyDetector({ weights });
      for (let i = 0; i < 2000; i++) a.update(t[i], v[i]);
      const json = JSON.stringify(a.toState());
      const b = SeriesAnomalyDetector.fromState(JSON.parse(json));
      expect(JSON.stringify(b.toState())).toBe(json);
      for (let i = 2000; i < 4000; i++) {
        const ra = a.update(t[i], v[i]);
        const rb = b.update(t[i], v[i]);
        expect(Object.is(ra.score, rb.score)).toBe(true);
        expect(Object.is(ra.expected, rb.expected)).toBe(true);
        for (const c of COMPONENTS) expect(Object.is(ra.components[c], rb.components[c])).toBe(true);
      }
    }
  });

  it('rejects options that could not be checkpointed or make no sense', () => {
    expect(() => new SeriesAnomalyDetector({ refractoryBreakthrough: Infinity })).toThrow(MLInputError);
    expect(() => new SeriesAnomalyDetector({ alarmLevel: 0 })).toThrow(MLInputError);
    expect(() => new SeriesAnomalyDetector({ seasonal: { bins: 0 } })).toThrow(MLInputError);
  });

  it('fromState rejects what is not its state', () => {
    expect(() => SeriesAnomalyDetector.fromState({ kind: 'Other' } as never)).toThrow(MLInputError);
    const s = new SeriesAnomalyDetector().toState();
    expect(() => SeriesAnomalyDetector.fromState({ ...s, formatVersion: 99 })).toThrow(MLInputError);
  });

  it('writing into a caller-owned result gives the same numbers as a fresh one', () => {
    const { t, v } = synthetic('spike', 2000, 8);
    const a = new SeriesAnomalyDetector();
    const b = new SeriesAnomalyDetector();
    const out = newScore();
    for (let i = 0; i < v.length; i++) {
      const ra = a.update(t[i], v[i]);
      const rb = b.update(t[i], v[i], out);
      expect(rb).toBe(out);
      expect(rb).toEqual(ra);
    }
  });
});

describe('SeriesAnomalyDetector: awkward input', () => {
  it('skips NaN, ±Infinity and out-of-order points without touching its state', () => {
    const { t, v } = synthetic('spike', 3000, 9);
    const clean = new SeriesAnomalyDetector().scoreSeries(t, v);
    const d = new SeriesAnomalyDetector();
    const rng = new Random(1);
    for (let i = 0; i < v.length; i++) {
      if (rng.float() < 0.05) {
        const bad = [d.update(t[i], NaN), d.update(t[i], Infinity), d.update(NaN, v[i]), d.update(t[i] - 10 * STEP_MS, v[i])];
        for (const r of bad) {
          expect(r.accepted).toBe(false);
          expect(r.score).toBe(0);
        }
      }
      const r = d.update(t[i], v[i]);
      expect(r.accepted).toBe(true);
      expect(Object.is(r.score, clean[i])).toBe(true);
    }
    expect(d.skippedCount).toBeGreaterThan(0);
    expect(d.count).toBe(v.length);
  });

  it('is exact under power-of-two rescaling and finite for huge and tiny magnitudes', () => {
    const { t, v } = synthetic('shift', 3000, 10);
    const base = new SeriesAnomalyDetector().scoreSeries(t, v);
    for (const k of [2 ** 200, 2 ** -300]) {
      const scaled = new SeriesAnomalyDetector().scoreSeries(
        t,
        v.map((x) => x * k),
      );
      for (let i = 0; i < v.length; i++) expect(Object.is(scaled[i], base[i])).toBe(true);
    }
    const huge = new SeriesAnomalyDetector().scoreSeries(
      t,
      v.map((x) => x * 1e300),
    );
    expect(huge.every((s) => s >= 0 && s <= 1)).toBe(true);
  });

  it('handles irregular timestamps, gaps and repeated timestamps', () => {
    const rng = new Random(3);
    const d = new SeriesAnomalyDetector();
    let ts = T0;
    const scores: number[] = [];
    for (let i = 0; i < 3000; i++) {
      ts += rng.float() < 0.01 ? 6 * 3_600_000 : rng.float() < 0.05 ? 0 : STEP_MS * (0.2 + 1.6 * rng.float());
      const r = d.update(ts, 50 + rng.normal() + (i === 2500 ? 12 : 0));
      expect(r.accepted).toBe(true);
      scores.push(r.score);
    }
    expect(scores[2500]).toBeGreaterThanOrEqual(ALARM);
  });

  it('says when it has too little history: warming up (score 0) at first, confidence rising to 1', () => {
    const { t, v } = synthetic('noise', 1500, 4);
    v[100] += 50; // a huge spike during warm-up raises no alarm
    const d = new SeriesAnomalyDetector();
    let prev = 0;
    for (let i = 0; i < v.length; i++) {
      const r = d.update(t[i], v[i]);
      expect(r.warmingUp).toBe(i < DEFAULT_SERIES_OPTIONS.warmupPoints);
      if (r.warmingUp) expect(r.score).toBe(0);
      expect(r.confidence).toBeGreaterThanOrEqual(prev);
      prev = r.confidence;
    }
    expect(prev).toBe(1);
  });

  it('a component weighted 0 never contributes', () => {
    const { t, v } = synthetic('spike', 2000, 2);
    const d = new SeriesAnomalyDetector({ weights: { range: 0 } });
    for (let i = 0; i < v.length; i++) expect(d.update(t[i], v[i]).components.range).toBe(0);
  });
});
