/**
 * The NAB v1.1 scorer (numenta/NAB nab/sweeper.py, scorer.py, optimizer.py, runner.py — read, not
 * copied), in three layers:
 *
 *  1. `rowRewards`: for one series and one profile, each row's reward if it were a detection
 *     (NAB's per-row "sweep score", which today's NAB writes as the S(t) result columns; the v1.0
 *     result files hold the layout of `attributedRowScores` instead) and the window it falls in. Inside a window the reward is tpWeight · S(pos)/S(−1), pos = −(right − i + 1)/width
 *     ∈ [−1, −1/width], so the window's first row earns exactly tpWeight. Outside, it is
 *     fpWeight · S(|i − prevRight| / (prevWidth − 1)), i.e. just after a window a detection costs
 *     little, and −fpWeight once more than three window widths away or before any window.
 *  2. `scoreFileAtThreshold`: rows with score ≥ threshold are detections. A window's score is the
 *     best reward among its detections (= the first one, rewards fall through a window), or
 *     −fnWeight when none; every detection outside windows adds its (negative) reward. Rows of the
 *     probationary period are ignored, as is any window that lies wholly inside it.
 *  3. `sweepCorpus`: the corpus-wide threshold optimisation. All scorable rows of all files are
 *     sorted once by anomaly score, descending, and the threshold is lowered through each distinct
 *     score, updating the fp sum and the per-window best as each row becomes a detection.
 *
 * Normalisation (runner.py): 100 · (raw − null) / (perfect − null), where null is the raw score of
 * the detector that never fires (−fnWeight per scored window) and perfect is tpWeight per window.
 */
import type { NabSeries } from './corpus.js';
import { NAB_DEFAULT_PROFILES, NAB_PROFILE_NAMES, type CostMatrix, type NabProfileName, type NabProfiles } from './profiles.js';

export const PROBATION_PERCENT = 0.15;

/** The threshold the sweep starts above every score from (NAB's 1.1): no detections at all. */
export const NO_DETECTION_THRESHOLD = 1.1;

/**
 * Rows at the start of a series that are not scored: floor(15 % of the rows), at most 750
 * (sweeper.py: min(floor(p · n), p · 5000)). Rows with index < this are probationary.
 */
export function probationaryLength(rows: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/** NAB's scaled sigmoid 2·sigmoid(−5x) − 1 of a relative position x, and −1 for x > 3. */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 * (1 / (1 + Math.exp(5 * relativePosition))) - 1;
}

/** What NAB knows about each row of one series under one profile, before any threshold. */
export interface RowRewards {
  rows: number;
  /** Index of the first scored row. */
  probation: number;
  /** Per row: index into the series' windows of the window holding it, or −1 outside windows. */
  window: Int32Array;
  /** Per row: the reward (NAB's sweep score, S(t)) this row earns or costs if it is a detection. */
  reward: Float64Array;
  /** Per window: whether it has a row after the probationary period (only those are scored). */
  windowScored: boolean[];
}

/** Indices of each window's first and last rows, located as NAB does (first matching timestamp). */
function windowRowRanges(timestamps: Float64Array, windows: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const firstIndex = new Map<number, number>();
  timestamps.forEach((t, i) => {
    if (!firstIndex.has(t)) firstIndex.set(t, i);
  });
  return windows.map(([start, end]) => {
    const left = firstIndex.get(start);
    const right = firstIndex.get(end);
    if (left === undefined || right === undefined) throw new Error(`window [${start}, ${end}] does not start and end on timestamps of the series`);
    if (right < left) throw new Error(`window [${start}, ${end}] ends before it starts`);
    return [left, right];
  });
}

export function rowRewards(
  timestamps: Float64Array,
  windows: ReadonlyArray<readonly [number, number]>,
  cost: CostMatrix,
  probationPercent = PROBATION_PERCENT,
): RowRewards {
  const rows = timestamps.length;
  const ranges = windowRowRanges(timestamps, windows);
  const probation = probationaryLength(rows, probationPercent);
  const window = new Int32Array(rows).fill(-1);
  const reward = new Float64Array(rows);
  const maxTp = scaledSigmoid(-1);

  // As in sweeper.py: a window is entered on the row whose timestamp equals the next window's
  // start and left after the row whose timestamp equals its end; FPs are weighted relative to
  // the most recently left window.
  let next = 0;
  let current = -1;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < rows; i++) {
    if (next < windows.length && timestamps[i] === windows[next][0]) current = next++;
    if (current >= 0) {
      const [left, right] = ranges[current];
      const width = right - left + 1;
      window[i] = current;
      reward[i] = (scaledSigmoid(-(right - i + 1) / width) * cost.tpWeight) / maxTp;
    } else if (prevRight < 0) {
      reward[i] = -1 * cost.fpWeight;
    } else {
      // A one-row window gives 1/0 = ∞ here, i.e. −fpWeight (NAB itself would divide by zero).
      reward[i] = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1)) * cost.fpWeight;
    }
    if (current >= 0 && timestamps[i] === windows[current][1]) {
      prevRight = i;
      prevWidth = ranges[current][1] - ranges[current][0] + 1;
      current = -1;
    }
  }
  const windowScored = ranges.map(([, right]) => right >= probation);
  return { rows, probation, window, reward, windowScored };
}

export interface FileScore {
  score: number;
  /** Counts of scored rows (after the probationary period), as in NAB's result files. */
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function checkScores(scores: Float64Array, rows: number, what: string): void {
  if (scores.length !== rows) throw new Error(`${what}: ${scores.length} anomaly scores for ${rows} rows`);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    // NAB's detector base class rejects scores outside [0, 1]; the sweep starts at 1.1.
    if (!(s >= 0 && s <= 1)) throw new Error(`${what}: anomaly score ${s} at row ${i} is not in [0, 1]`);
  }
}

/** One file's NAB score and counts when every row with anomaly score ≥ threshold is a detection. */
export function scoreFileAtThreshold(rewards: RowRewards, scores: Float64Array, threshold: number, cost: CostMatrix): FileScore {
  checkScores(scores, rewards.rows, 'scoreFileAtThreshold');
  const best = rewards.windowScored.map(() => -cost.fnWeight);
  let fpSum = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = rewards.probation; i < rewards.rows; i++) {
    const w = rewards.window[i];
    const detected = scores[i] >= threshold;
    if (w >= 0) {
      if (detected) {
        tp++;
        if (rewards.reward[i] > best[w]) best[w] = rewards.reward[i];
      } else fn++;
    } else if (detected) {
      fp++;
      fpSum += rewards.reward[i];
    } else tn++;
  }
  let score = fpSum;
  best.forEach((b, w) => {
    if (rewards.windowScored[w]) score += b;
  });
  return { score, tp, fp, fn, tn };
}

/**
 * Each row's share of the file score at a threshold, laid out as NAB v1.0 wrote its S(t)_<profile>
 * result columns: a scored window's outcome (its best detection's reward, or −fnWeight when
 * missed) on the window's first scored row, each detected false positive's reward on its row,
 * 0 elsewhere. The column sums to the file score.
 */
export function attributedRowScores(rewards: RowRewards, scores: Float64Array, threshold: number, cost: CostMatrix): Float64Array {
  checkScores(scores, rewards.rows, 'attributedRowScores');
  const out = new Float64Array(rewards.rows);
  const firstRow = rewards.windowScored.map(() => -1);
  const best = rewards.windowScored.map(() => -cost.fnWeight);
  for (let i = rewards.probation; i < rewards.rows; i++) {
    const w = rewards.window[i];
    const detected = scores[i] >= threshold;
    if (w >= 0) {
      if (firstRow[w] < 0) firstRow[w] = i;
      if (detected && rewards.reward[i] > best[w]) best[w] = rewards.reward[i];
    } else if (detected) out[i] = rewards.reward[i];
  }
  firstRow.forEach((row, w) => {
    if (row >= 0) out[row] = best[w];
  });
  return out;
}

/** A file prepared for the sweep: its rewards under the profile and the detector's scores. */
export interface SweepFile {
  rewards: RowRewards;
  scores: Float64Array;
}

export interface SweepResult {
  /** Thresholds tried, from NO_DETECTION_THRESHOLD down through every distinct score. */
  thresholds: Float64Array;
  /** Raw corpus score at each threshold (detections = rows with score ≥ threshold). */
  scores: Float64Array;
  /** The best threshold; on equal scores the higher threshold wins, as NAB's stable sort does. */
  bestThreshold: number;
  bestScore: number;
}

/**
 * Rows of all files in sweep order: descending anomaly score, ties in corpus order (NAB uses
 * Python's stable sort on the concatenated files). Independent of the profile, so computed once.
 */
export function sweepOrder(files: ReadonlyArray<{ probation: number; scores: Float64Array }>): { fileOf: Uint32Array; rowOf: Uint32Array } {
  let total = 0;
  for (const f of files) total += Math.max(0, f.scores.length - f.probation);
  const fileOf = new Uint32Array(total);
  const rowOf = new Uint32Array(total);
  const value = new Float64Array(total);
  let k = 0;
  files.forEach((f, fi) => {
    for (let i = f.probation; i < f.scores.length; i++, k++) {
      fileOf[k] = fi;
      rowOf[k] = i;
      value[k] = f.scores[i];
    }
  });
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => value[b] - value[a] || a - b);
  return { fileOf: order.map((o) => fileOf[o]), rowOf: order.map((o) => rowOf[o]) };
}

/** The corpus-wide threshold sweep of sweeper.py / optimizer.py for one profile. */
export function sweepCorpus(files: ReadonlyArray<SweepFile>, cost: CostMatrix, order = sweepOrder(files.map((f) => ({ probation: f.rewards.probation, scores: f.scores })))): SweepResult {
  files.forEach((f, i) => checkScores(f.scores, f.rewards.rows, `sweepCorpus file ${i}`));
  // One slot per scored window of the corpus (windows inside the probationary period have none);
  // a window's part is −fnWeight until detected, then its best detection's reward.
  const slotOf = files.map(() => [] as number[]);
  let slots = 0;
  files.forEach((f, fi) => f.rewards.windowScored.forEach((scored) => slotOf[fi].push(scored ? slots++ : -1)));
  const part = new Float64Array(slots).fill(-cost.fnWeight);
  let fpSum = 0;
  // Like NAB (the sum of its dict at each threshold), the score is re-added from fp and the window
  // parts rather than kept as a running total: a threshold that only adds later detections to
  // already-detected windows gets exactly the previous score, so the tie goes to the higher
  // threshold as in NAB, instead of being decided by rounding drift.
  const total = (): number => {
    let s = fpSum;
    for (let w = 0; w < slots; w++) s += part[w];
    return s;
  };

  const thresholds: number[] = [];
  const scores: number[] = [];
  let current = NO_DETECTION_THRESHOLD;
  let changed = true; // whether fp or a part moved since the last recorded threshold
  let lastTotal = 0;
  const record = (): void => {
    if (changed) lastTotal = total();
    changed = false;
    thresholds.push(current);
    scores.push(lastTotal);
  };
  const n = order.fileOf.length;
  for (let k = 0; k < n; k++) {
    const fi = order.fileOf[k];
    const f = files[fi];
    const i = order.rowOf[k];
    const s = f.scores[i];
    if (s !== current) {
      record();
      current = s;
    }
    const w = f.rewards.window[i];
    const r = f.rewards.reward[i];
    if (w >= 0) {
      const slot = slotOf[fi][w];
      if (r > part[slot]) {
        part[slot] = r;
        changed = true;
      }
    } else {
      fpSum += r;
      changed = true;
    }
  }
  record();

  let best = 0;
  for (let t = 1; t < scores.length; t++) if (scores[t] > scores[best]) best = t;
  return { thresholds: Float64Array.from(thresholds), scores: Float64Array.from(scores), bestThreshold: thresholds[best], bestScore: scores[best] };
}

/** 100 · (raw − null) / (perfect − null); NaN when perfect = null (no windows to score). */
export function normaliseScore(raw: number, nullScore: number, perfectScore: number): number {
  if (perfectScore === nullScore) return Number.NaN;
  return (100 * (raw - nullScore)) / (perfectScore - nullScore);
}

/** Raw score of the detector that never fires: every scored window is missed. */
export function nullDetectorScore(rewards: ReadonlyArray<RowRewards>, cost: CostMatrix): number {
  let windows = 0;
  for (const r of rewards) windows += r.windowScored.filter(Boolean).length;
  return -cost.fnWeight * windows;
}

/** Raw score of a perfect detector, as runner.py counts it: tpWeight per labelled window. */
export function perfectDetectorScore(windowCount: number, cost: CostMatrix): number {
  return windowCount * cost.tpWeight;
}

export interface NabFileResult extends FileScore {
  file: string;
  category: string;
}

export interface NabProfileResult {
  /** The corpus-optimal threshold of this profile. */
  threshold: number;
  normalisedScore: number;
  /** Sum of the per-file raw scores at the threshold (NAB's "Totals" row). */
  rawScore: number;
  nullScore: number;
  perfectScore: number;
  perFile: NabFileResult[];
  /** Normalised score of each category alone at the corpus threshold; NaN for a category without windows. */
  perCategory: Record<string, number>;
  /** Raw score of each category (for categories without windows, only FP costs). */
  perCategoryRaw: Record<string, number>;
}

export type NabEvaluation = Record<NabProfileName, NabProfileResult>;

/**
 * Scores a detector under NAB's protocol: for each profile, optimise one threshold over the
 * whole corpus, then score every file at it and normalise. `scoresByFile` maps each series'
 * `file` to anomaly scores in [0, 1], row for row.
 */
export function evaluateDetector(corpus: NabSeries[], scoresByFile: Map<string, Float64Array>, profiles: NabProfiles = NAB_DEFAULT_PROFILES): NabEvaluation {
  const scores = corpus.map((series) => {
    const s = scoresByFile.get(series.file);
    if (!s) throw new Error(`no anomaly scores for ${series.file}`);
    checkScores(s, series.timestamps.length, series.file);
    return s;
  });
  const probations = corpus.map((series) => probationaryLength(series.timestamps.length));
  const order = sweepOrder(corpus.map((_, i) => ({ probation: probations[i], scores: scores[i] })));
  const windowCount = corpus.reduce((n, s) => n + s.windows.length, 0);

  const evaluation = {} as NabEvaluation;
  for (const name of NAB_PROFILE_NAMES) {
    const cost = profiles[name];
    const rewards = corpus.map((series) => rowRewards(series.timestamps, series.windows, cost));
    const sweep = sweepCorpus(rewards.map((r, i) => ({ rewards: r, scores: scores[i] })), cost, order);
    const perFile = corpus.map((series, i) => ({ file: series.file, category: series.category, ...scoreFileAtThreshold(rewards[i], scores[i], sweep.bestThreshold, cost) }));
    const rawScore = perFile.reduce((sum, f) => sum + f.score, 0);
    const nullScore = nullDetectorScore(rewards, cost);
    const perfectScore = perfectDetectorScore(windowCount, cost);

    const perCategory: Record<string, number> = {};
    const perCategoryRaw: Record<string, number> = {};
    for (const category of [...new Set(corpus.map((s) => s.category))].sort()) {
      const members = corpus.map((_, i) => i).filter((i) => corpus[i].category === category);
      const raw = members.reduce((sum, i) => sum + perFile[i].score, 0);
      perCategoryRaw[category] = raw;
      perCategory[category] = normaliseScore(
        raw,
        nullDetectorScore(members.map((i) => rewards[i]), cost),
        perfectDetectorScore(members.reduce((n, i) => n + corpus[i].windows.length, 0), cost),
      );
    }
    evaluation[name] = {
      threshold: sweep.bestThreshold,
      normalisedScore: normaliseScore(rawScore, nullScore, perfectScore),
      rawScore,
      nullScore,
      perfectScore,
      perFile,
      perCategory,
      perCategoryRaw,
    };
  }
  return evaluation;
}
