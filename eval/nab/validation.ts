/**
 * Checks of this scorer against NAB's published results, shared by `eval/nab.ts` and the tests:
 *  - per file: numenta's per-timestamp scores (the snapshot keeps its 24 server-metric files),
 *    scored at the published threshold, must give the published Score / TP / FP / FN / TN and the
 *    published per-row S(t) columns;
 *  - per detector: the published per-file raw scores, summed and normalised here, must give
 *    final_results.json (README scoreboard for detectors missing from that file).
 */
import type { NabSeries } from './corpus.js';
import { NAB_PROFILE_NAMES, type NabProfileName, type NabProfiles } from './profiles.js';
import { listPublishedDetectors, readFinalResults, readPublishedScores, readTimestampResults, README_ONLY_SCORES } from './published.js';
import { attributedRowScores, normaliseScore, nullDetectorScore, perfectDetectorScore, rowRewards, scoreFileAtThreshold } from './scorer.js';

export interface PerFileCheck {
  file: string;
  profile: NabProfileName;
  threshold: number;
  published: { score: number; tp: number; fp: number; fn: number; tn: number };
  ours: { score: number; tp: number; fp: number; fn: number; tn: number };
  /** max |ours − published| over the per-row S(t) column. */
  rowDiff: number;
}

export interface PerFileValidation {
  detector: string;
  checks: PerFileCheck[];
  maxScoreDiff: number;
  maxRowDiff: number;
  /** Checks whose TP, FP, FN or TN differ from the published counts. */
  countMismatches: number;
}

/** Re-scores every file the snapshot has per-timestamp results for, at the published threshold. */
export async function validatePerFile(corpus: NabSeries[], profiles: NabProfiles, detector = 'numenta', dir?: string, onlyFiles?: ReadonlySet<string>): Promise<PerFileValidation> {
  const checks: PerFileCheck[] = [];
  const published = await Promise.all(NAB_PROFILE_NAMES.map((p) => readPublishedScores(detector, p, dir)));
  for (const series of corpus) {
    if (onlyFiles && !onlyFiles.has(series.file)) continue;
    const results = await readTimestampResults(detector, series.file, dir);
    if (!results) continue;
    if (results.anomalyScores.length !== series.timestamps.length) throw new Error(`${series.file}: ${results.anomalyScores.length} result rows for ${series.timestamps.length} data rows`);
    NAB_PROFILE_NAMES.forEach((profile, p) => {
      const pub = published[p].files.find((f) => f.file === series.file);
      if (!pub) throw new Error(`${detector} ${profile}: no published score for ${series.file}`);
      const cost = profiles[profile];
      const rewards = rowRewards(series.timestamps, series.windows, cost);
      const ours = scoreFileAtThreshold(rewards, results.anomalyScores, pub.threshold, cost);
      let rowDiff = Number.NaN;
      const publishedRows = results.rowRewards[profile];
      if (publishedRows) {
        const rows = attributedRowScores(rewards, results.anomalyScores, pub.threshold, cost);
        rowDiff = 0;
        for (let i = 0; i < rows.length; i++) rowDiff = Math.max(rowDiff, Math.abs(rows[i] - publishedRows[i]));
      }
      checks.push({ file: series.file, profile, threshold: pub.threshold, published: { score: pub.score, tp: pub.tp, fp: pub.fp, fn: pub.fn, tn: pub.tn }, ours, rowDiff });
    });
  }
  return {
    detector,
    checks,
    maxScoreDiff: Math.max(0, ...checks.map((c) => Math.abs(c.ours.score - c.published.score))),
    maxRowDiff: Math.max(0, ...checks.map((c) => (Number.isNaN(c.rowDiff) ? 0 : c.rowDiff))),
    countMismatches: checks.filter((c) => c.ours.tp !== c.published.tp || c.ours.fp !== c.published.fp || c.ours.fn !== c.published.fn || c.ours.tn !== c.published.tn).length,
  };
}

export interface FinalScoreCheck {
  detector: string;
  profile: NabProfileName;
  /** The published normalised score, or undefined when neither source has one. */
  published?: number;
  source: 'final_results.json' | 'README (1 decimal)' | 'none';
  ours: number;
  /** Our raw total (sum of the published per-file scores). */
  raw: number;
  /** Whether the check counts towards pass/fail, and why not when it does not. */
  comparable: boolean;
  /** Allowed |ours − published|: 0.01 against final_results.json, 0.1 against the one-decimal README. */
  tolerance: number;
  note?: string;
}

/**
 * Normalises each detector's published per-file raw scores with this scorer's null and perfect
 * scores for the corpus, beside the published normalised score.
 */
export async function reproduceFinalScores(corpus: NabSeries[], profiles: NabProfiles, dir?: string, onlyDetectors?: readonly string[]): Promise<FinalScoreCheck[]> {
  const final = await readFinalResults(dir);
  const corpusFiles = new Set(corpus.map((s) => s.file));
  const windowCount = corpus.reduce((n, s) => n + s.windows.length, 0);
  const checks: FinalScoreCheck[] = [];
  for (const detector of onlyDetectors ?? listPublishedDetectors(dir)) {
    for (const profile of NAB_PROFILE_NAMES) {
      const cost = profiles[profile];
      const nullScore = nullDetectorScore(corpus.map((s) => rowRewards(s.timestamps, s.windows, cost)), cost);
      const perfect = perfectDetectorScore(windowCount, cost);
      const published = await readPublishedScores(detector, profile, dir);
      const raw = published.files.reduce((sum, f) => sum + f.score, 0);
      const ours = normaliseScore(raw, nullScore, perfect);
      const covered = published.files.filter((f) => corpusFiles.has(f.file)).length;
      const fromFinal = final[detector]?.[profile];
      const fromReadme = README_ONLY_SCORES[detector]?.[profile];
      const check: FinalScoreCheck = {
        detector,
        profile,
        published: fromFinal ?? fromReadme,
        source: fromFinal !== undefined ? 'final_results.json' : fromReadme !== undefined ? 'README (1 decimal)' : 'none',
        ours,
        raw,
        comparable: (fromFinal !== undefined || fromReadme !== undefined) && covered === corpus.length,
        tolerance: fromFinal !== undefined ? 0.01 : 0.1,
      };
      if (covered !== corpus.length) check.note = `stored run covers ${covered} of ${corpus.length} files (one seed; the published figure is a mean over seeds)`;
      else if (fromFinal === undefined && fromReadme !== undefined) check.note = 'not in final_results.json; README scoreboard figure, one decimal (32.26 appears there as 32.2), compared within 0.1';
      checks.push(check);
    }
  }
  return checks;
}
