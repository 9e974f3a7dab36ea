/**
 * Drive-level cross-validation on the Backblaze extract, read at fixed lead times as the baseline
 * rule is: for lead L, each failed drive's row L days before its failure and each healthy drive's
 * row L days before its last day; FDR = failed drives alarmed, FAR = healthy drives alarmed.
 *
 * Two readings per model and lead:
 *   - the comparison with the rule (the issue's bar, "higher FDR at the same or lower FAR"): the
 *     point of the ROC curve of the out-of-fold scores with the most failed drives caught while
 *     alarming no larger share of healthy drives than the rule — every score comes from a model
 *     that never saw the drive, but the threshold is read with the test labels, as for any ROC point;
 *   - the deployable alarms, whose thresholds see no test information at all (below).
 *
 * Protocol of the deployable alarms:
 *   - 5 outer folds by drive (stratified by whether the drive failed): no drive's rows on both sides;
 *   - within each training fold, CALIBRATION_SHARE of the healthy drives are held out of the fit
 *     (split conformal); the model is trained on the rest (label "fails within HORIZON_DAYS
 *     days");
 *   - alarms are set against those held-out healthy drives, never against the test drives: a test
 *     row's score becomes its share of held-out healthy rows scoring at least as high (a conformal
 *     p-value), and it alarms when that share is within FAR_MARGIN × the rule's FAR at the lead —
 *     the issue's bar is "higher FDR at the same or lower FAR". (Two approaches that did not hold: a
 *     threshold read off inner cross-validation scores and applied to a model refitted on all
 *     training drives overshot the FAR — the refit is more confident; p-values averaged over inner
 *     models undershot it by half — averaging is conservative.)
 *   - folds are pooled, and the whole cross-validation is repeated with several seeds (counts
 *     summed over the repeats).
 * Time in advance ("online"): the same, calibrated on the held-out healthy drives' highest score
 * over their rows, so the share of healthy drives with ANY alarm stays at the rule's; for each
 * caught failed drive, the lead of its first alarm.
 */
import { matrix, Random, takeRows, type Matrix } from '../../src/ml/core/index.js';
import { rocAuc, stratifiedGroupKFold } from '../../src/ml/metrics/index.js';
import { featureNames, leadDays, rowAtLead, rowFeatures, smartRule, type BackblazeData, type DriveHistory } from './backblaze.js';

export const HORIZON_DAYS = 7;
export const LEADS = [0, 1, 3, 7] as const;
/** Share of each training fold's healthy drives held out to calibrate alarms. */
export const CALIBRATION_SHARE = 0.4;
/**
 * Deployable alarms aim at this share of the rule's FAR: the calibration set (~145 held-out healthy
 * drives; their ten rows each are strongly correlated) pins a 3–4 % tail down only to about ±1.5
 * points, so aiming exactly at the rule's FAR overshoots it on about half the runs.
 */
export const FAR_MARGIN = 0.8;

export interface Scorer {
  name: string;
  /** Trains on the rows and returns a function scoring rows of the same layout. */
  fit(X: Matrix, y: Float64Array, seed: number): Promise<(X: Matrix) => Float64Array>;
}

export interface OperatingPoint {
  lead: number;
  failed: number;
  caught: number;
  healthy: number;
  alarmed: number;
  fdr: number;
  far: number;
}

export interface AdvanceReport {
  failed: number;
  caught: number;
  healthy: number;
  alarmed: number;
  medianDays: number;
  meanDays: number;
}

export interface MethodReport {
  name: string;
  /**
   * The comparison: per lead, the highest FDR any threshold reaches on the out-of-fold
   * scores while alarming no larger share of healthy drives than the rule (a point of the ROC
   * curve: it ranks, it does not set a threshold — the threshold is read with the test labels).
   */
  atRuleFar: OperatingPoint[];
  /** The deployable reading: alarms from thresholds calibrated on training drives only (see the file comment). */
  points: OperatingPoint[];
  /** ROC AUC per lead: failed drives' rows at that lead against healthy drives' rows at that lead. */
  auc: Record<number, number>;
  advance: AdvanceReport;
}

/** Row table of the extract: features, label, drive index. */
interface Rows {
  X: Matrix;
  y: Float64Array;
  drive: Int32Array;
  /** Row index of drive d's i-th row: offsets[d] + i. */
  offsets: Int32Array;
}

function buildRows(data: BackblazeData): Rows {
  const names = featureNames(data.smartColumns);
  const n = data.drives.reduce((s, d) => s + d.days.length, 0);
  const X = new Float64Array(n * names.length);
  const y = new Float64Array(n);
  const drive = new Int32Array(n);
  const offsets = new Int32Array(data.drives.length);
  let r = 0;
  data.drives.forEach((d, di) => {
    offsets[di] = r;
    for (let i = 0; i < d.days.length; i++, r++) {
      rowFeatures(d, i, X, r * names.length);
      y[r] = leadDays(d, i) <= HORIZON_DAYS ? 1 : 0;
      drive[r] = di;
    }
  });
  return { X: matrix(X, n, names.length), y, drive, offsets };
}

/** Drive-level folds (stratified by whether the drive failed) as lists of drive indices. */
function driveFolds(drives: readonly DriveHistory[], driveIdx: readonly number[], k: number, seed: number): Array<{ train: number[]; test: number[] }> {
  const y = driveIdx.map((d) => (drives[d].failureDay === null ? 0 : 1));
  return stratifiedGroupKFold(y, driveIdx, k, { shuffle: true, seed }).map((f) => ({
    train: Array.from(f.train, (i) => driveIdx[i]),
    test: Array.from(f.test, (i) => driveIdx[i]),
  }));
}

function rowsOf(rows: Rows, data: BackblazeData, drives: readonly number[]): number[] {
  const out: number[] = [];
  for (const d of drives) for (let i = 0; i < data.drives[d].days.length; i++) out.push(rows.offsets[d] + i);
  return out;
}

/**
 * Healthy calibration scores: every row of the held-out healthy drives (a healthy drive is healthy
 * on each of its days, so all its rows tell how high a healthy score runs — ten times the sample of
 * one row per drive, which matters for a 3 % tail), and each drive's highest score over its rows
 * (for the any-alarm reading).
 */
interface Calibration {
  rows: Float64Array;
  anyRow: Float64Array;
}

function calibrationOf(data: BackblazeData, rows: Rows, heldOut: readonly number[], score: Float64Array): Calibration {
  const all: number[] = [];
  const maxima: number[] = [];
  for (const d of heldOut) {
    const dr = data.drives[d];
    if (dr.failureDay !== null) continue;
    let m = -Infinity;
    for (let i = 0; i < dr.days.length; i++) {
      const s = score[rows.offsets[d] + i];
      all.push(s);
      m = Math.max(m, s);
    }
    maxima.push(m);
  }
  return { rows: Float64Array.from(all).sort(), anyRow: Float64Array.from(maxima).sort() };
}

/** Conformal p-value: the share of calibration scores at or above x, with one added for x itself. */
function exceedance(sortedCalibration: Float64Array, x: number): number {
  let lo = 0;
  let hi = sortedCalibration.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedCalibration[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return (sortedCalibration.length - lo + 1) / (sortedCalibration.length + 1);
}

interface Targets {
  far: Map<number, number>;
  anyFar: number;
}

function operatingPoints(data: BackblazeData, alarmAt: (d: number, i: number, lead: number) => boolean): OperatingPoint[] {
  return LEADS.map((lead) => {
    let failed = 0;
    let caught = 0;
    let healthy = 0;
    let alarmed = 0;
    data.drives.forEach((d, di) => {
      const i = rowAtLead(d, lead);
      if (i < 0) return;
      const a = alarmAt(di, i, lead);
      if (d.failureDay !== null) {
        failed++;
        if (a) caught++;
      } else {
        healthy++;
        if (a) alarmed++;
      }
    });
    return { lead, failed, caught, healthy, alarmed, fdr: caught / failed, far: alarmed / healthy };
  });
}

function advance(data: BackblazeData, alarm: (d: number, i: number) => boolean): AdvanceReport {
  const leads: number[] = [];
  let failed = 0;
  let healthy = 0;
  let alarmed = 0;
  data.drives.forEach((d, di) => {
    let first = -1;
    for (let i = 0; i < d.days.length; i++)
      if (alarm(di, i)) {
        first = i;
        break;
      }
    if (d.failureDay === null) {
      healthy++;
      if (first >= 0) alarmed++;
    } else {
      failed++;
      if (first >= 0) leads.push(leadDays(d, first));
    }
  });
  leads.sort((a, b) => a - b);
  const median = leads.length ? (leads.length % 2 ? leads[leads.length >> 1] : (leads[leads.length / 2 - 1] + leads[leads.length / 2]) / 2) : NaN;
  return { failed, caught: leads.length, healthy, alarmed, medianDays: median, meanDays: leads.reduce((a, b) => a + b, 0) / leads.length };
}

/** Scores at a lead: failed drives' rows at failure − lead, healthy drives' rows at last day − lead. */
function scoresAtLead(data: BackblazeData, rows: Rows, score: Float64Array, lead: number): { failed: number[]; healthy: number[] } {
  const failed: number[] = [];
  const healthy: number[] = [];
  data.drives.forEach((d, di) => {
    const i = rowAtLead(d, lead);
    if (i < 0) return;
    (d.failureDay === null ? healthy : failed).push(score[rows.offsets[di] + i]);
  });
  return { failed, healthy };
}

/** The ROC point with the most failed drives caught among thresholds alarming at most `maxFar` of the healthy ones. */
function bestAtFar(data: BackblazeData, rows: Rows, score: Float64Array, lead: number, maxFar: number): OperatingPoint {
  const { failed, healthy } = scoresAtLead(data, rows, score, lead);
  const all = [...failed.map((x) => ({ x, bad: true })), ...healthy.map((x) => ({ x, bad: false }))].sort((a, b) => b.x - a.x);
  let caught = 0;
  let alarmed = 0;
  let best = { caught: 0, alarmed: 0 };
  for (let i = 0; i < all.length; ) {
    // Every score equal to this one alarms together.
    let j = i;
    for (; j < all.length && all[j].x === all[i].x; j++) {
      if (all[j].bad) caught++;
      else alarmed++;
    }
    i = j;
    if (alarmed / healthy.length > maxFar + 1e-12) break;
    if (caught > best.caught) best = { caught, alarmed };
  }
  return { lead, failed: failed.length, caught: best.caught, healthy: healthy.length, alarmed: best.alarmed, fdr: best.caught / failed.length, far: best.alarmed / healthy.length };
}

function aucByLead(data: BackblazeData, rows: Rows, score: Float64Array): Record<number, number> {
  const out: Record<number, number> = {};
  for (const lead of LEADS) {
    const y: number[] = [];
    const s: number[] = [];
    data.drives.forEach((d, di) => {
      const i = rowAtLead(d, lead);
      if (i < 0) return;
      y.push(d.failureDay === null ? 0 : 1);
      s.push(score[rows.offsets[di] + i]);
    });
    out[lead] = rocAuc(y, s);
  }
  return out;
}

export interface BackblazeEvaluation {
  drives: number;
  failedDrives: number;
  rule: MethodReport;
  models: MethodReport[];
}

export interface BackblazeOptions {
  folds?: number;
  seed?: number;
  /** Cross-validation runs with seeds seed, seed + 1, …; counts are pooled, AUCs averaged. */
  repeats?: number;
}

export async function evaluateBackblaze(data: BackblazeData, scorers: readonly Scorer[], opts: BackblazeOptions = {}): Promise<BackblazeEvaluation> {
  const k = opts.folds ?? 5;
  const seed = opts.seed ?? 1;
  const repeats = opts.repeats ?? 1;
  const rows = buildRows(data);
  const rule = smartRule(data.smartColumns);
  const ruleAlarm = (d: number, i: number) => rule(data.drives[d].smart[i]);
  const rulePoints = operatingPoints(data, (d, i) => ruleAlarm(d, i));
  const ruleAdvance = advance(data, ruleAlarm);
  const ruleScore = Float64Array.from(rows.drive, (d, r) => (rule(data.drives[d].smart[r - rows.offsets[d]]) ? 1 : 0));
  const targets: Targets = {
    far: new Map(rulePoints.map((p) => [p.lead, FAR_MARGIN * p.far])),
    anyFar: (FAR_MARGIN * ruleAdvance.alarmed) / ruleAdvance.healthy,
  };

  const models: MethodReport[] = [];
  for (const scorer of scorers) {
    const runs: MethodReport[] = [];
    for (let rep = 0; rep < repeats; rep++) {
      const r = await crossValidate(data, rows, scorer, targets, k, seed + rep);
      runs.push({
        name: scorer.name,
        atRuleFar: rulePoints.map((p) => bestAtFar(data, rows, r.testScore, p.lead, p.far)),
        points: operatingPoints(data, (d, i, lead) => r.alarmByLead.get(lead)![rows.offsets[d] + i] === 1),
        auc: aucByLead(data, rows, r.testScore),
        advance: advance(data, (d, i) => r.alarmAny[rows.offsets[d] + i] === 1),
      });
    }
    models.push(pool(runs));
  }
  return {
    drives: data.drives.length,
    failedDrives: data.drives.filter((d) => d.failureDay !== null).length,
    rule: { name: 'rule: SMART 5, 196 or 197 raw > 0', atRuleFar: rulePoints, points: rulePoints, auc: aucByLead(data, rows, ruleScore), advance: ruleAdvance },
    models,
  };
}

/** One cross-validation run: test scores and alarms of every row (each scored by the fold that held it out). */
async function crossValidate(data: BackblazeData, rows: Rows, scorer: Scorer, targets: Targets, k: number, seed: number) {
  const testScore = new Float64Array(rows.y.length).fill(NaN);
  const alarmByLead = new Map<number, Uint8Array>(LEADS.map((l) => [l, new Uint8Array(rows.y.length)]));
  const alarmAny = new Uint8Array(rows.y.length);
  const outer = driveFolds(
    data.drives,
    data.drives.map((_, i) => i),
    k,
    seed,
  );
  for (const [f, fold] of outer.entries()) {
    // Split conformal: hold a share of the healthy training drives out of the fit; the test rows'
    // scores are read against theirs (see the file comment).
    const rng = new Random(seed * 1000 + f);
    const healthy = rng.shuffle(fold.train.filter((d) => data.drives[d].failureDay === null));
    const calibrationDrives = healthy.slice(0, Math.round(healthy.length * CALIBRATION_SHARE));
    const held = new Set(calibrationDrives);
    const fitRows = rowsOf(rows, data, fold.train.filter((d) => !held.has(d)));
    const predict = await scorer.fit(takeRows(rows.X, fitRows), Float64Array.from(fitRows, (r) => rows.y[r]), seed * 1000 + f);
    const calRows = rowsOf(rows, data, calibrationDrives);
    const calScores = predict(takeRows(rows.X, calRows));
    const score = new Float64Array(rows.y.length);
    calRows.forEach((r, i) => (score[r] = calScores[i]));
    const cal = calibrationOf(data, rows, calibrationDrives, score);
    const testRows = rowsOf(rows, data, fold.test);
    const t = predict(takeRows(rows.X, testRows));
    testRows.forEach((r, i) => {
      testScore[r] = t[i];
      for (const lead of LEADS) alarmByLead.get(lead)![r] = exceedance(cal.rows, t[i]) <= targets.far.get(lead)! ? 1 : 0;
      alarmAny[r] = exceedance(cal.anyRow, t[i]) <= targets.anyFar ? 1 : 0;
    });
  }
  return { testScore, alarmByLead, alarmAny };
}

/** Repeated runs as one report: counts summed (rates over the sums), AUCs and advance times averaged. */
function pool(runs: readonly MethodReport[]): MethodReport {
  const first = runs[0];
  const poolPoints = (pick: (r: MethodReport) => OperatingPoint[]) =>
    pick(first).map((p, j) => {
      const sum = (key: 'failed' | 'caught' | 'healthy' | 'alarmed') => runs.reduce((s, r) => s + pick(r)[j][key], 0);
      const failed = sum('failed');
      const healthy = sum('healthy');
      return { lead: p.lead, failed, caught: sum('caught'), healthy, alarmed: sum('alarmed'), fdr: sum('caught') / failed, far: sum('alarmed') / healthy };
    });
  const points = poolPoints((r) => r.points);
  const atRuleFar = poolPoints((r) => r.atRuleFar);
  const auc: Record<number, number> = {};
  for (const lead of LEADS) auc[lead] = runs.reduce((s, r) => s + r.auc[lead], 0) / runs.length;
  const adv = (key: keyof AdvanceReport) => runs.reduce((s, r) => s + r.advance[key], 0);
  return {
    name: first.name,
    atRuleFar,
    points,
    auc,
    advance: { failed: adv('failed'), caught: adv('caught'), healthy: adv('healthy'), alarmed: adv('alarmed'), medianDays: adv('medianDays') / runs.length, meanDays: adv('meanDays') / runs.length },
  };
}

/** Whether a model beats the rule at every lead: FDR strictly higher at a FAR no higher (ROC points, see atRuleFar). */
export function beatsRule(rule: MethodReport, model: MethodReport): boolean {
  return model.atRuleFar.every((p, i) => p.far <= rule.points[i].far + 1e-12 && p.fdr > rule.points[i].fdr);
}
