import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNabCorpus, nabDir, type NabSeries } from '../../eval/nab/corpus.js';
import { loadNabProfiles, NAB_DEFAULT_PROFILES, NAB_PROFILE_NAMES, type NabProfiles } from '../../eval/nab/profiles.js';
import { readFinalResults, toNabV1Precision } from '../../eval/nab/published.js';
import {
  attributedRowScores,
  evaluateDetector,
  NO_DETECTION_THRESHOLD,
  nullDetectorScore,
  probationaryLength,
  rowRewards,
  scaledSigmoid,
  scoreFileAtThreshold,
  sweepCorpus,
  type RowRewards,
} from '../../eval/nab/scorer.js';
import { reproduceFinalScores, validatePerFile } from '../../eval/nab/validation.js';
import { windowedGaussianScores } from '../../eval/nab/windowed-gaussian.js';
import { parseNabTimestamp } from '../../eval/nab/timestamp.js';

const standard = NAB_DEFAULT_PROFILES.standard;
const MINUTE = 60_000;

/** A toy series of `rows` one-minute rows with windows given as [first row, last row]. */
function toySeries(file: string, rows: number, windowRows: Array<[number, number]>): NabSeries {
  const timestamps = new Float64Array(rows).map((_, i) => Date.UTC(2020, 0, 1) + i * MINUTE);
  return { file, category: file.split('/')[0], timestamps, values: new Float64Array(rows), windows: windowRows.map(([a, b]) => [timestamps[a], timestamps[b]]) };
}

/** Anomaly scores that fire (1) on the given rows and are 0 elsewhere. */
function firing(rows: number, at: number[]): Float64Array {
  const s = new Float64Array(rows);
  for (const i of at) s[i] = 1;
  return s;
}

function scoreToy(series: NabSeries, at: number[], cost = standard): ReturnType<typeof scoreFileAtThreshold> {
  return scoreFileAtThreshold(rowRewards(series.timestamps, series.windows, cost), firing(series.timestamps.length, at), 0.5, cost);
}

describe('NAB scaled sigmoid and probationary period', () => {
  it('weights positions as NAB documents', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3.0001)).toBe(-1);
  });

  it('is floor(15 % of the rows), at most 750', () => {
    expect(probationaryLength(100)).toBe(15);
    expect(probationaryLength(4032)).toBe(604);
    expect(probationaryLength(5000)).toBe(750);
    expect(probationaryLength(22695)).toBe(750);
  });

  it('reads NAB timestamps as UTC, with or without microseconds', () => {
    expect(parseNabTimestamp('2014-04-10 07:15:00')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseNabTimestamp('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
  });
});

describe('NAB window scoring on hand-made series', () => {
  // 100 rows: probation = rows 0–14; one window over rows 40–49 (width 10).
  const series = toySeries('toy/one-window.csv', 100, [[40, 49]]);

  it('gives a detection on the window start exactly tpWeight', () => {
    const r = scoreToy(series, [40]);
    expect(r.score).toBeCloseTo(1, 12);
    expect(r).toMatchObject({ tp: 1, fp: 0, fn: 9 });
  });

  it('counts only the first detection in a window, weighted by its position', () => {
    const first = scoreToy(series, [45]);
    // position −(49 − 45 + 1)/10 = −0.5
    expect(first.score).toBeCloseTo(scaledSigmoid(-0.5) / scaledSigmoid(-1), 12);
    expect(scoreToy(series, [45, 46, 47, 48, 49]).score).toBe(first.score);
    expect(scoreToy(series, [40, 45]).score).toBeCloseTo(1, 12);
    // The last row of the window still earns a little: position −1/10.
    expect(scoreToy(series, [49]).score).toBeCloseTo(scaledSigmoid(-0.1) / scaledSigmoid(-1), 12);
  });

  it('charges a missed window fnWeight', () => {
    expect(scoreToy(series, []).score).toBe(-1);
    expect(scoreToy(series, [], NAB_DEFAULT_PROFILES.reward_low_FN_rate).score).toBe(-2);
  });

  it('weights false positives by their distance after the preceding window', () => {
    const missed = -1;
    // Before any window: the full −fpWeight.
    expect(scoreToy(series, [20]).score).toBeCloseTo(missed - 0.11, 12);
    // Just after the window: position |49 − 50| / (10 − 1), a small cost.
    const justAfter = scoreToy(series, [50]).score - missed;
    expect(justAfter).toBeCloseTo(0.11 * scaledSigmoid(1 / 9), 12);
    expect(justAfter).toBeLessThan(0);
    expect(justAfter).toBeGreaterThan(-0.11 * 0.6);
    // More than three window widths after: the full −fpWeight again.
    expect(scoreToy(series, [80]).score).toBeCloseTo(missed - 0.11, 12);
    expect(scoreToy(series, [80], NAB_DEFAULT_PROFILES.reward_low_FP_rate).score).toBeCloseTo(missed - 0.22, 12);
    expect(scoreToy(series, [20, 80])).toMatchObject({ fp: 2, tn: 73, tp: 0, fn: 10 });
  });

  it('ignores detections in the probationary period, and windows inside it', () => {
    expect(scoreToy(series, [3, 10]).score).toBe(-1);
    expect(scoreToy(series, [3, 10])).toMatchObject({ fp: 0, tn: 75 });
    const early = toySeries('toy/early-window.csv', 100, [[2, 8], [40, 49]]);
    const rewards = rowRewards(early.timestamps, early.windows, standard);
    expect(rewards.windowScored).toEqual([false, true]);
    expect(nullDetectorScore([rewards], standard)).toBe(-1);
    expect(scoreToy(early, [5, 40]).score).toBeCloseTo(1, 12);
  });

  it('lays out per-row scores as NAB v1.0 did, summing to the file score', () => {
    const two = toySeries('toy/two-windows.csv', 100, [[30, 39], [70, 79]]);
    const rewards = rowRewards(two.timestamps, two.windows, standard);
    const scores = firing(100, [20, 33, 35, 45, 90]);
    const rows = attributedRowScores(rewards, scores, 0.5, standard);
    expect(rows[30]).toBeCloseTo(rewards.reward[33], 12); // the first window's TP, on its first row
    expect(rows[70]).toBe(-1); // the second window, missed
    expect(rows[33]).toBe(0);
    expect(rows[35]).toBe(0);
    expect(rows[20]).toBeCloseTo(-0.11, 12);
    expect(rows[45]).toBeCloseTo(rewards.reward[45], 12);
    expect(rows.reduce((a, b) => a + b, 0)).toBeCloseTo(scoreFileAtThreshold(rewards, scores, 0.5, standard).score, 12);
  });
});

describe('NAB corpus threshold sweep', () => {
  /** A deterministic pseudo-random corpus of small series with scores on a coarse grid (many ties). */
  function randomCorpus(): { corpus: NabSeries[]; scores: Map<string, Float64Array> } {
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const corpus = [
      toySeries('a/one.csv', 120, [[40, 51], [90, 101]]),
      toySeries('a/two.csv', 80, [[30, 41]]),
      toySeries('b/three.csv', 150, []),
      toySeries('b/four.csv', 100, [[20, 32], [60, 70]]),
    ];
    const scores = new Map(corpus.map((s) => [s.file, new Float64Array(s.timestamps.length).map(() => Math.round(rand() * 20) / 20)]));
    return { corpus, scores };
  }

  it('scores every threshold as the per-file scorer does, and picks the best (higher threshold on ties)', () => {
    const { corpus, scores } = randomCorpus();
    for (const name of NAB_PROFILE_NAMES) {
      const cost = NAB_DEFAULT_PROFILES[name];
      const rewards: RowRewards[] = corpus.map((s) => rowRewards(s.timestamps, s.windows, cost));
      const sweep = sweepCorpus(rewards.map((r, i) => ({ rewards: r, scores: scores.get(corpus[i].file)! })), cost);
      expect(sweep.thresholds[0]).toBe(NO_DETECTION_THRESHOLD);
      let best = -Infinity;
      let bestThreshold = NaN;
      sweep.thresholds.forEach((t, k) => {
        const brute = rewards.reduce((sum, r, i) => sum + scoreFileAtThreshold(r, scores.get(corpus[i].file)!, t, cost).score, 0);
        expect(sweep.scores[k]).toBeCloseTo(brute, 10);
        if (brute > best + 1e-12) {
          best = brute;
          bestThreshold = t;
        }
      });
      expect(sweep.bestThreshold).toBe(bestThreshold);
      expect(sweep.bestScore).toBeCloseTo(best, 10);
    }
  });

  it('gives the null detector 0 and a perfect detector 100 under every profile', () => {
    const { corpus } = randomCorpus();
    const never = new Map(corpus.map((s) => [s.file, new Float64Array(s.timestamps.length)]));
    const perfect = new Map(corpus.map((s) => [s.file, firing(s.timestamps.length, s.windows.map(([start]) => s.timestamps.indexOf(start)))]));
    const nullEval = evaluateDetector(corpus, never);
    const perfectEval = evaluateDetector(corpus, perfect);
    for (const name of NAB_PROFILE_NAMES) {
      expect(nullEval[name].normalisedScore).toBe(0);
      expect(nullEval[name].threshold).toBe(NO_DETECTION_THRESHOLD);
      expect(perfectEval[name].normalisedScore).toBeCloseTo(100, 10);
      expect(perfectEval[name].perCategory.a).toBeCloseTo(100, 10);
      expect(perfectEval[name].perCategory.b).toBeCloseTo(100, 10);
      expect(perfectEval[name].perFile.reduce((n, f) => n + f.fp, 0)).toBe(0);
    }
  });

  it('rejects scores outside [0, 1] and missing files', () => {
    const { corpus, scores } = randomCorpus();
    const bad = new Map(scores);
    bad.set(corpus[0].file, new Float64Array(corpus[0].timestamps.length).fill(1.5));
    expect(() => evaluateDetector(corpus, bad)).toThrow(/not in \[0, 1\]/);
    const missing = new Map(scores);
    missing.delete(corpus[1].file);
    expect(() => evaluateDetector(corpus, missing)).toThrow(/no anomaly scores/);
  });
});

const dir = nabDir();
const present = fs.existsSync(path.join(dir, 'labels', 'combined_windows.json')) && fs.existsSync(path.join(dir, 'results', 'final_results.json'));
if (!present) console.warn(`skipping the NAB real-data tests: no NAB v1.1 snapshot at ${dir} (set NOVACRON_DATASETS_DIR to the folder holding nab/)`);

describe.skipIf(!present)(`NAB v1.1 published results (data: ${dir})`, () => {
  let corpus: NabSeries[];
  let profiles: NabProfiles;
  beforeAll(async () => {
    [corpus, profiles] = await Promise.all([loadNabCorpus(dir), loadNabProfiles(dir)]);
  });

  it('has the 58 series and 116 windows, and the profiles of config/profiles.json', () => {
    expect(corpus).toHaveLength(58);
    expect(corpus.reduce((n, s) => n + s.windows.length, 0)).toBe(116);
    expect(profiles).toEqual(NAB_DEFAULT_PROFILES);
  });

  it("reproduces numenta's published per-file scores and counts from its per-timestamp results", async () => {
    const files = new Set(['realKnownCause/nyc_taxi.csv', 'realKnownCause/machine_temperature_system_failure.csv', 'realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv', 'realAWSCloudwatch/grok_asg_anomaly.csv']);
    const v = await validatePerFile(corpus, profiles, 'numenta', dir, files);
    expect(v.checks).toHaveLength(files.size * 3);
    expect(v.countMismatches).toBe(0);
    expect(v.maxScoreDiff).toBeLessThan(1e-9); // the CSVs hold 12 significant digits
    expect(v.maxRowDiff).toBeLessThan(1e-9);
  });

  it('reproduces final_results.json for three detectors from their per-file results', async () => {
    const checks = await reproduceFinalScores(corpus, profiles, dir, ['numenta', 'contextOSE', 'knncad']);
    expect(checks).toHaveLength(9);
    for (const c of checks) {
      expect(c.source).toBe('final_results.json');
      expect(Math.abs(c.ours - c.published!)).toBeLessThan(0.01);
    }
  });

  it('reproduces windowedGaussian end to end: detector, threshold optimisation and normalisation', async () => {
    const final = await readFinalResults(dir);
    const scores = new Map(corpus.map((s) => [s.file, toNabV1Precision(windowedGaussianScores(s.values))]));
    const evaluation = evaluateDetector(corpus, scores, profiles);
    for (const name of NAB_PROFILE_NAMES) {
      expect(evaluation[name].threshold).toBe(1);
      expect(Math.abs(evaluation[name].normalisedScore - final.windowedGaussian[name])).toBeLessThan(0.01);
    }
  });
});
