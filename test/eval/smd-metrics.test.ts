import { describe, expect, it } from 'vitest';
import { eventScores } from '../../eval/smd/events.js';
import { hitRate, interpretationPoints, rankMetrics } from '../../eval/smd/hit-rate.js';
import { parseInterpretation, parseMatrixText } from '../../eval/smd/loader.js';
import { bestPaKF1, paKAdjust, paKF1At } from '../../eval/smd/pa-k.js';
import { bestPointF1, pointF1At, trainingQuantileThreshold } from '../../eval/smd/point-metrics.js';
import { alarmsAt, labelSegments } from '../../eval/smd/segments.js';
import { Random } from '../../src/ml/core/random.js';

describe('segments', () => {
  it('finds maximal runs of 1s, including at both ends', () => {
    expect(labelSegments([1, 1, 0, 0, 1, 0, 1])).toEqual([
      { start: 0, end: 1 },
      { start: 4, end: 4 },
      { start: 6, end: 6 },
    ]);
    expect(labelSegments([0, 0])).toEqual([]);
  });

  it('alarms at score ≥ threshold', () => {
    expect(Array.from(alarmsAt([0.1, 0.5, 0.7], 0.5))).toEqual([0, 1, 1]);
  });
});

describe('point-wise F1', () => {
  const labels = [0, 1, 1, 0];
  const scores = [0.1, 0.9, 0.8, 0.85];

  it('finds the best threshold by hand: 0.8 catches both anomalies with one false positive', () => {
    // 0.9: P 1, R .5 → 0.667; 0.85: 0.5; 0.8: P 2/3, R 1 → 0.8; 0.1: 0.667.
    const b = bestPointF1(labels, scores);
    expect(b.threshold).toBe(0.8);
    expect(b.f1).toBeCloseTo(0.8, 12);
    expect(b.precision).toBeCloseTo(2 / 3, 12);
    expect(b.recall).toBe(1);
  });

  it('scores a fixed threshold, and gives 0 (not NaN) when nothing alarms', () => {
    const s = pointF1At(labels, scores, 0.85);
    expect([s.precision, s.recall, s.f1]).toEqual([0.5, 0.5, 0.5]);
    expect(pointF1At(labels, scores, 2).f1).toBe(0);
  });

  it('takes the training threshold as a nearest-rank quantile of training scores', () => {
    const train = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(trainingQuantileThreshold(train, 0.99)).toBe(99);
    expect(trainingQuantileThreshold(train, 0.5)).toBe(50);
    expect(() => trainingQuantileThreshold([], 0.99)).toThrow();
  });
});

describe('PA%K (Kim et al. 2022)', () => {
  // One labelled segment of 10 rows, then 10 normal rows.
  const labels = [...Array(10).fill(1), ...Array(10).fill(0)];

  it('adjusts a segment only when at least K % of it is detected', () => {
    const pred = Array(20).fill(0);
    pred[3] = pred[4] = 1; // 2 of 10 = 20 %
    pred[15] = 1; // a false positive stays as it is
    expect(Array.from(paKAdjust(labels, pred, 20)).slice(0, 10)).toEqual(Array(10).fill(1));
    expect(paKAdjust(labels, pred, 20)[15]).toBe(1);
    expect(Array.from(paKAdjust(labels, pred, 30)).slice(0, 10)).toEqual(pred.slice(0, 10));
    // K = 0 is classic point adjustment, but a segment with no detection stays undetected.
    expect(Array.from(paKAdjust(labels, Array(20).fill(0), 0))).toEqual(Array(20).fill(0));
  });

  it('finds the best adjusted F1 by hand', () => {
    const l = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    const s = [0.9, 0.1, 0.1, 0.1, 0.1, 0.5, 0.2, 0.2, 0.2, 0.2];
    // K = 20: the top point is 1/5 = 20 % of the segment → all 5 count, no false positive.
    expect(bestPaKF1(l, s, 20)).toMatchObject({ threshold: 0.9, f1: 1 });
    // K = 40: 0.9 → 2/6; 0.5 → 2/7; 0.2 → 2/11; 0.1 → every point: 10/15.
    const b = bestPaKF1(l, s, 40);
    expect(b.threshold).toBe(0.1);
    expect(b.f1).toBeCloseTo(2 / 3, 12);
    // K = 100 is plain point-wise F1.
    expect(bestPaKF1(l, s, 100).f1).toBeCloseTo(bestPointF1(l, s).f1, 12);
  });

  it('the one-pass sweep agrees with scoring every threshold separately', () => {
    const rng = new Random(3);
    for (let trial = 0; trial < 20; trial++) {
      const n = 60;
      const l = Array.from({ length: n }, () => 0);
      for (let k = 0; k < 4; k++) {
        const a = rng.int(n - 8);
        const len = 1 + rng.int(8);
        for (let i = a; i < a + len; i++) l[i] = 1;
      }
      // Few distinct values so that ties occur.
      const s = Array.from({ length: n }, () => rng.int(12) / 12);
      for (const K of [0, 20, 50, 100]) {
        const brute = Math.max(...[...new Set(s)].map((t) => paKF1At(l, s, t, K).f1));
        expect(bestPaKF1(l, s, K).f1).toBeCloseTo(brute, 12);
      }
    }
  });
});

describe('event-wise scores', () => {
  it('counts detected segments, false alarm events per day and the delay, by hand', () => {
    const n = 2880; // two days of minutes
    const labels = new Uint8Array(n);
    labels.fill(1, 5, 10); // segment [5, 9]
    labels.fill(1, 20, 25); // segment [20, 24]
    labels.fill(1, 40, 45); // segment [40, 44]
    const alarms = new Uint8Array(n);
    alarms[7] = alarms[8] = 1; // detects [5, 9] 2 minutes late
    alarms.fill(1, 15, 17); // a false alarm event
    alarms[100] = 1; // another
    alarms.fill(1, 38, 42); // starts before [40, 44] and runs into it: not false, delay 0
    const e = eventScores(labels, alarms);
    expect(e.segments).toBe(3);
    expect(e.detected).toBe(2);
    expect(e.recall).toBeCloseTo(2 / 3, 12);
    expect(e.alarmEvents).toBe(4);
    expect(e.falseAlarmEvents).toBe(2);
    expect(e.falseAlarmsPerDay).toBe(1);
    expect(e.meanDelayMinutes).toBe(1); // (2 + 0) / 2
    expect(e.alarmRate).toBeCloseTo(9 / n, 12);
    // Rows five minutes apart: delays and days scale.
    const e5 = eventScores(labels, alarms, 5);
    expect(e5.meanDelayMinutes).toBe(5);
    expect(e5.falseAlarmsPerDay).toBeCloseTo(0.2, 12);
  });

  it('has no delay when nothing is detected', () => {
    const e = eventScores([0, 1, 1, 0], [1, 0, 0, 0]);
    expect(e.detected).toBe(0);
    expect(e.meanDelayMinutes).toBeNaN();
    expect(e.falseAlarmEvents).toBe(1);
  });
});

describe('HitRate@P% (OmniAnomaly)', () => {
  it('counts ground-truth metrics among the top ⌊P %·|GT|⌋ attributed ones, by hand', () => {
    const attribution = {
      rows: 3,
      cols: 4,
      data: [0.5, 0.4, 0.1, 0, /**/ 0, 0, 0, 1, /**/ 1, 0, 0, 0],
    };
    const truth = [[0, 2], [3], []];
    // Point 0: top 2 = {0, 1} → 1/2; top ⌊3⌋ = {0, 1, 2} → 1. Point 1: top 1 (⌊1.5⌋ = 1) = {3} → 1. Point 2 has no truth: skipped.
    expect(hitRate(attribution, truth, 100)).toBeCloseTo(0.75, 12);
    expect(hitRate(attribution, truth, 150)).toBe(1);
  });

  it('ranks ties by metric index', () => {
    expect(rankMetrics([0.2, 0.5, 0.2, 0.1])).toEqual([1, 0, 2, 3]);
  });

  it('expands interpretation segments into points, clipped to the test rows, uniting overlaps', () => {
    const p = interpretationPoints(
      [
        { start: 2, end: 4, metrics: [0] },
        { start: 4, end: 6, metrics: [1] },
      ],
      6,
    );
    expect(Array.from(p.rows)).toEqual([2, 3, 4, 5]);
    expect(p.truth).toEqual([[0], [0], [0, 1], [1]]);
  });
});

describe('SMD file parsing', () => {
  it('reads interpretation labels (1-based metrics → 0-based, trailing comma tolerated)', () => {
    expect(parseInterpretation('246-252:1,2,3\n6412-6419:10,1,\n')).toEqual([
      { start: 246, end: 252, metrics: [0, 1, 2] },
      { start: 6412, end: 6419, metrics: [0, 9] },
    ]);
    expect(() => parseInterpretation('246:1')).toThrow(/start-end/);
  });

  it('reads comma-separated rows and rejects ragged ones', () => {
    expect(parseMatrixText('1,2\n3,0.5\n', 't')).toEqual({ data: Float64Array.from([1, 2, 3, 0.5]), rows: 2, cols: 2 });
    expect(() => parseMatrixText('1,2\n3\n', 't')).toThrow(/line 2/);
    expect(() => parseMatrixText('1,x\n', 't')).toThrow(/not a number/);
  });
});
