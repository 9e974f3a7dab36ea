/**
 * `npx tsx eval/nab.ts` (eval:nab): the Numenta Anomaly Benchmark v1.1 under its official scoring.
 *
 * Part 1, validation of the scorer in eval/nab/ against NAB's published results (exit code 1 if
 * anything is off by more than 0.01):
 *   (a) numenta's per-timestamp anomaly scores (24 server-metric files in the snapshot), scored at
 *       the published threshold: per-file Score, TP, FP, FN, TN and the per-row S(t) columns;
 *   (b) every detector's published per-file raw scores, normalised here: final_results.json;
 *   (c) end to end, detector included: NAB's windowedGaussian re-implemented (eval/nab/
 *       windowed-gaussian.ts) on the raw series, our corpus-wide threshold optimisation, our
 *       normalisation — against its published thresholds and final scores.
 * Part 2, the detectors in `detectors` below scored under the same protocol, each beside the
 * published scoreboard, with per-category scores. The last line of output is one JSON object.
 *
 * Data: $NOVACRON_DATASETS_DIR/nab (default ../shared/data/nab), see its PROVENANCE.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadNabCorpus, nabDir, type NabSeries } from './nab/corpus.js';
import { loadNabProfiles, NAB_PROFILE_NAMES, type NabProfileName, type NabProfiles } from './nab/profiles.js';
import { listPublishedDetectors, PUBLISHED_DISPLAY_NAMES, README_ONLY_SCORES, readFinalResults, readPublishedScores, readPublishedThresholds, toNabV1Precision, type FinalResults } from './nab/published.js';
import { evaluateDetector, normaliseScore, nullDetectorScore, perfectDetectorScore, rowRewards, type NabEvaluation } from './nab/scorer.js';
import { reproduceFinalScores, validatePerFile, type FinalScoreCheck, type PerFileValidation } from './nab/validation.js';
import { windowedGaussianScores } from './nab/windowed-gaussian.js';
import { SeriesAnomalyDetector } from '../src/anomaly/streaming/index.js';

/** Anything scored here: anomaly scores in [0, 1], one per row of the series, computed causally. */
export interface NabDetector {
  name: string;
  description: string;
  scoreSeries: (series: NabSeries) => Float64Array;
}

/**
 * The detectors of Part 2. windowedGaussian is the sanity row: NAB publishes 39.65 for it (at
 * NAB v1.0's 12-digit score precision; Part 1 (c) reproduces that figure exactly).
 */
export const detectors: NabDetector[] = [
  {
    name: 'windowedGaussian (eval/nab port)',
    description: "NAB's windowedGaussian baseline (window 6400, step 100), full double precision",
    scoreSeries: (series) => windowedGaussianScores(series.values),
  },
  // ── Engine detectors ──────────────────────────────────────────────────────────────────────
  // Each sees its series row by row (timestamp, value) and never looks ahead: no file length,
  // range or probation length, unlike NAB's own HTM, ARTime and CAD OSE runners.
  {
    name: 'novacron streaming',
    description: 'SeriesAnomalyDetector with its defaults (src/anomaly/streaming), one configuration for all 58 files',
    scoreSeries: (series) => new SeriesAnomalyDetector().scoreSeries(series.timestamps, series.values),
  },
];

const PROFILE_LABEL: Record<NabProfileName, string> = { standard: 'standard', reward_low_FP_rate: 'low FP', reward_low_FN_rate: 'low FN' };
const CATEGORY_LABEL: Record<string, string> = {
  realAWSCloudwatch: 'AWS',
  realKnownCause: 'KnownCause',
  realAdExchange: 'AdExch',
  realTraffic: 'Traffic',
  realTweets: 'Tweets',
  artificialWithAnomaly: 'ArtAnom',
};
/** Categories with windows, so with a normalised score (artificialNoAnomaly has none). */
const SCORED_CATEGORIES = Object.keys(CATEGORY_LABEL);
const TOLERANCE = 0.01;

const fmt = (x: number | undefined, digits = 2): string => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));
const pad = (s: string, n: number): string => s.padEnd(n);
const padL = (s: string, n: number): string => s.padStart(n);

interface Context {
  corpus: NabSeries[];
  profiles: NabProfiles;
  final: FinalResults;
  /** Per-category normalised scores of each published detector (standard profile), from its per-file results. */
  publishedCategories: Map<string, Record<string, number>>;
}

const contexts = new Map<string, Promise<Context>>();

/** Corpus, profiles and published results, loaded once per process and data folder. */
function loadContext(dir = nabDir()): Promise<Context> {
  const cached = contexts.get(dir);
  if (cached) return cached;
  const loading = (async () => {
    const [corpus, profiles, final] = await Promise.all([loadNabCorpus(dir), loadNabProfiles(dir), readFinalResults(dir)]);
    const publishedCategories = new Map<string, Record<string, number>>();
    const cost = profiles.standard;
    const bySeries = new Map(corpus.map((s) => [s.file, s]));
    for (const detector of listPublishedDetectors(dir)) {
      const published = await readPublishedScores(detector, 'standard', dir);
      if (published.files.length !== corpus.length) continue; // a partial run (random) has no comparable categories
      const perCategory: Record<string, number> = {};
      for (const category of SCORED_CATEGORIES) {
        const files = published.files.filter((f) => f.file.startsWith(`${category}/`));
        const series = files.map((f) => bySeries.get(f.file)!);
        const raw = files.reduce((sum, f) => sum + f.score, 0);
        const windows = series.reduce((n, s) => n + s.windows.length, 0);
        perCategory[category] = normaliseScore(raw, nullDetectorScore(series.map((s) => rowRewards(s.timestamps, s.windows, cost)), cost), perfectDetectorScore(windows, cost));
      }
      publishedCategories.set(detector, perCategory);
    }
    return { corpus, profiles, final, publishedCategories };
  })();
  contexts.set(dir, loading);
  return loading;
}

export interface NabRunResult {
  detector: string;
  evaluation: NabEvaluation;
  detectSeconds: number;
  scoreSeconds: number;
}

function scoreboardTable(ctx: Context, ours: Array<{ name: string; evaluation: NabEvaluation }>): string {
  type Row = { name: string; mark: string; scores: Record<NabProfileName, number>; categories?: Record<string, number> };
  const published = { ...README_ONLY_SCORES, ...ctx.final };
  const rows: Row[] = Object.entries(published)
    .filter(([detector]) => detector !== 'null')
    .map(([detector, scores]) => ({ name: `${PUBLISHED_DISPLAY_NAMES[detector] ?? detector} (${detector})`, mark: '  ', scores, categories: ctx.publishedCategories.get(detector) }));
  for (const o of ours) {
    rows.push({
      name: o.name,
      mark: '» ',
      scores: { standard: o.evaluation.standard.normalisedScore, reward_low_FP_rate: o.evaluation.reward_low_FP_rate.normalisedScore, reward_low_FN_rate: o.evaluation.reward_low_FN_rate.normalisedScore },
      categories: o.evaluation.standard.perCategory,
    });
  }
  rows.sort((a, b) => b.scores.standard - a.scores.standard);
  const width = Math.max(...rows.map((r) => r.name.length)) + 2;
  const head = `  ${pad('detector', width)}${NAB_PROFILE_NAMES.map((p) => padL(PROFILE_LABEL[p], 9)).join('')}   │${SCORED_CATEGORIES.map((c) => padL(CATEGORY_LABEL[c], 11)).join('')}`;
  const lines = [head, `  ${'─'.repeat(head.length - 2)}`];
  for (const r of rows) {
    lines.push(`${r.mark}${pad(r.name, width)}${NAB_PROFILE_NAMES.map((p) => padL(fmt(r.scores[p]), 9)).join('')}   │${SCORED_CATEGORIES.map((c) => padL(fmt(r.categories?.[c], 1), 11)).join('')}`);
  }
  lines.push('  Published rows: results/final_results.json; bayesChangePt from the NAB README (not in that file). The README gives Random');
  lines.push('  11.0 / 1.2 / 19.5 (mean over seeds) and HTM Java 56.8 / 50.7 / 61.4 where final_results.json has the figures above.');
  lines.push('  Category columns: standard profile, each category normalised alone at the corpus threshold (published ones derived');
  lines.push("  from the per-file results; none for Random, whose stored run covers 32 files). artificialNoAnomaly has no windows.");
  return lines.join('\n');
}

/**
 * Scores one detector under NAB's protocol (corpus-wide threshold per profile, normalised against
 * the null and perfect detectors) and prints it beside the published scoreboard.
 */
export async function runNab(detectorName: string, scoreSeries: (series: NabSeries) => Float64Array, options: { print?: boolean; dir?: string } = {}): Promise<NabRunResult> {
  const ctx = await loadContext(options.dir);
  const t0 = performance.now();
  const scores = new Map(ctx.corpus.map((series) => [series.file, scoreSeries(series)]));
  const t1 = performance.now();
  const evaluation = evaluateDetector(ctx.corpus, scores, ctx.profiles);
  const t2 = performance.now();
  const result: NabRunResult = { detector: detectorName, evaluation, detectSeconds: (t1 - t0) / 1000, scoreSeconds: (t2 - t1) / 1000 };
  if (options.print !== false) {
    console.log(`\n── NAB v1.1: ${detectorName} ──`);
    console.log(
      `  thresholds ${NAB_PROFILE_NAMES.map((p) => `${PROFILE_LABEL[p]} ${evaluation[p].threshold}`).join(', ')}; ` +
        `raw ${NAB_PROFILE_NAMES.map((p) => fmt(evaluation[p].rawScore)).join(' / ')}; detection ${result.detectSeconds.toFixed(2)} s, scoring ${result.scoreSeconds.toFixed(2)} s`,
    );
    console.log(scoreboardTable(ctx, [{ name: detectorName, evaluation }]));
  }
  return result;
}

function printPerFileValidation(v: PerFileValidation): void {
  console.log(`\n(a) ${v.detector}: per-file scores from its per-timestamp results, at the published threshold (${v.checks.length / NAB_PROFILE_NAMES.length} files × 3 profiles)`);
  console.log(`  ${pad('file (standard profile)', 58)}${padL('published', 14)}${padL('ours', 14)}   TP FP FN (published → ours)`);
  for (const c of v.checks.filter((c) => c.profile === 'standard')) {
    const counts = `${c.published.tp} ${c.published.fp} ${c.published.fn} → ${c.ours.tp} ${c.ours.fp} ${c.ours.fn}`;
    console.log(`  ${pad(c.file, 58)}${padL(c.published.score.toFixed(9), 14)}${padL(c.ours.score.toFixed(9), 14)}   ${counts}`);
  }
  for (const profile of NAB_PROFILE_NAMES) {
    const checks = v.checks.filter((c) => c.profile === profile);
    const maxScore = Math.max(...checks.map((c) => Math.abs(c.ours.score - c.published.score)));
    const maxRow = Math.max(...checks.map((c) => c.rowDiff));
    const mismatches = checks.filter((c) => c.ours.tp !== c.published.tp || c.ours.fp !== c.published.fp || c.ours.fn !== c.published.fn || c.ours.tn !== c.published.tn).length;
    console.log(`  ${pad(profile, 20)} max |Δ score| ${maxScore.toExponential(2)}   max |Δ S(t)| per row ${maxRow.toExponential(2)}   files with different TP/FP/FN/TN: ${mismatches}`);
  }
}

function printFinalScores(checks: FinalScoreCheck[]): void {
  console.log('\n(b) final normalised scores from the published per-file results, normalised here (published → ours, Δ)');
  const detectorsSeen = [...new Set(checks.map((c) => c.detector))];
  const byKey = new Map(checks.map((c) => [`${c.detector}/${c.profile}`, c]));
  console.log(`  ${pad('detector', 20)}${NAB_PROFILE_NAMES.map((p) => pad(PROFILE_LABEL[p], 30)).join('')}source`);
  for (const d of detectorsSeen) {
    const cells = NAB_PROFILE_NAMES.map((p) => {
      const c = byKey.get(`${d}/${p}`)!;
      const delta = c.published === undefined ? '' : ` Δ${(c.ours - c.published).toExponential(1)}`;
      return pad(`${fmt(c.published, 4)} → ${fmt(c.ours, 4)}${delta}`, 30);
    });
    const c0 = byKey.get(`${d}/standard`)!;
    console.log(`  ${pad(d, 20)}${cells.join('')}${c0.source}${c0.comparable ? '' : ' (not compared)'}${c0.note ? ` — ${c0.note}` : ''}`);
  }
}

interface EndToEnd {
  profile: NabProfileName;
  publishedScore: number;
  ours: number;
  publishedThreshold: number;
  ourThreshold: number;
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = nabDir();
  if (!fs.existsSync(path.join(dir, 'labels', 'combined_windows.json'))) {
    console.error(`eval:nab: no NAB data at ${dir} (set NOVACRON_DATASETS_DIR to the folder holding nab/)`);
    process.exit(2);
  }
  const ctx = await loadContext(dir);
  const windows = ctx.corpus.reduce((n, s) => n + s.windows.length, 0);
  const rows = ctx.corpus.reduce((n, s) => n + s.timestamps.length, 0);
  console.log(`NAB v1.1 at ${dir}: ${ctx.corpus.length} series, ${rows} rows, ${windows} windows; loaded in ${((performance.now() - started) / 1000).toFixed(2)} s`);

  // ── Part 1: validation ──
  console.log('\n════ Part 1: the scorer against NAB\'s published results ════');
  const perFile = await validatePerFile(ctx.corpus, ctx.profiles, 'numenta', dir);
  printPerFileValidation(perFile);

  const finalChecks = await reproduceFinalScores(ctx.corpus, ctx.profiles, dir);
  printFinalScores(finalChecks);
  const compared = finalChecks.filter((c) => c.comparable && c.published !== undefined);
  const finalMaxDiff = Math.max(...compared.filter((c) => c.source === 'final_results.json').map((c) => Math.abs(c.ours - c.published!)));
  const finalFailures = compared.filter((c) => Math.abs(c.ours - c.published!) > c.tolerance);
  console.log(`  max |Δ| over ${compared.filter((c) => c.source === 'final_results.json').length} final_results.json figures: ${finalMaxDiff.toExponential(2)}; beyond tolerance: ${finalFailures.length}`);

  console.log('\n(c) end to end: windowedGaussian re-implemented, run on the raw series, threshold optimised and normalised here');
  const thresholds = await readPublishedThresholds(dir);
  const gaussianScores = new Map(ctx.corpus.map((s) => [s.file, toNabV1Precision(windowedGaussianScores(s.values))]));
  const gaussian = evaluateDetector(ctx.corpus, gaussianScores, ctx.profiles);
  const endToEnd: EndToEnd[] = NAB_PROFILE_NAMES.map((p) => ({
    profile: p,
    publishedScore: ctx.final.windowedGaussian[p],
    ours: gaussian[p].normalisedScore,
    publishedThreshold: thresholds.windowedGaussian[p].threshold,
    ourThreshold: gaussian[p].threshold,
  }));
  for (const e of endToEnd) {
    console.log(`  ${pad(e.profile, 20)} published ${e.publishedScore.toFixed(6)} at threshold ${e.publishedThreshold}   ours ${e.ours.toFixed(6)} at threshold ${e.ourThreshold}   Δ ${(e.ours - e.publishedScore).toExponential(2)}`);
  }
  console.log('  (scores rounded to 12 significant digits, as NAB v1.0 wrote its result files; full precision is the Part 2 row)');
  const endToEndMaxDiff = Math.max(...endToEnd.map((e) => Math.abs(e.ours - e.publishedScore)));

  const countMismatch = perFile.countMismatches > 0;
  const failed = perFile.maxScoreDiff > TOLERANCE || perFile.maxRowDiff > TOLERANCE || countMismatch || finalFailures.length > 0 || endToEndMaxDiff > TOLERANCE || endToEnd.some((e) => e.ourThreshold !== e.publishedThreshold);
  console.log(`\nvalidation ${failed ? 'FAILED' : 'passed'} (tolerance ${TOLERANCE})`);

  // ── Part 2: detectors ──
  console.log('\n════ Part 2: detectors under the NAB protocol ════');
  const runs: NabRunResult[] = [];
  for (const d of detectors) runs.push(await runNab(d.name, d.scoreSeries, { dir }));

  const seconds = (performance.now() - started) / 1000;
  const headline = {
    nab: {
      version: 'v1.1',
      validation: {
        passed: !failed,
        numentaPerFile: { files: perFile.checks.length / NAB_PROFILE_NAMES.length, maxScoreDiff: perFile.maxScoreDiff, maxRowDiff: perFile.maxRowDiff, countMismatches: perFile.countMismatches },
        finalScores: { compared: compared.length, maxDiffFinalResults: finalMaxDiff, failures: finalFailures.map((c) => `${c.detector}/${c.profile}`) },
        windowedGaussianEndToEnd: Object.fromEntries(endToEnd.map((e) => [e.profile, { published: e.publishedScore, ours: e.ours, threshold: e.ourThreshold }])),
      },
      detectors: runs.map((r) => ({
        name: r.detector,
        standard: r.evaluation.standard.normalisedScore,
        lowFP: r.evaluation.reward_low_FP_rate.normalisedScore,
        lowFN: r.evaluation.reward_low_FN_rate.normalisedScore,
        thresholds: Object.fromEntries(NAB_PROFILE_NAMES.map((p) => [p, r.evaluation[p].threshold])),
        perCategoryStandard: r.evaluation.standard.perCategory,
        detectSeconds: r.detectSeconds,
      })),
      runtimeSeconds: seconds,
    },
  };
  console.log(`\neval:nab finished in ${seconds.toFixed(1)} s`);
  console.log(JSON.stringify(headline, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
  if (failed) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
