/**
 * The failure predictor on simulated fleets it never saw: every member and the ensemble alarm at
 * the threshold each got from the alert budget on the validation fleet, and the alarms are
 * grouped into alerts and scored as an operator would (src/failure/alert-events.ts).
 *
 * Recall is reported over three sets of failures, because they mean different things:
 *   all                 every observed failure, sudden ones included (nothing can warn of those);
 *   precursor-bearing   failures whose telemetry shows a precursor at all (the issue's target set);
 *   warnable            precursor-bearing with a precursor that starts ≥ L before the failure
 *                       (a thermal trip whose fan died 9 minutes before cannot be warned 15 ahead).
 * Precision and false alarms per host-day count every alert against every failure.
 */
import { evaluateThreshold, type ScoredWindow } from '../../src/failure/alert-budget.js';
import type { EventScores } from '../../src/failure/alert-events.js';
import { balancedAccuracy, TTF_BUCKETS, ttfAccuracy, type FailurePredictor } from '../../src/failure/failure-predictor.js';
import type { FailureInterval } from '../../src/failure/labels.js';
import { failureFeatures, fleetChunks, simulateForFailures, type FleetSpec } from '../../src/failure/simulator-training.js';
import type { WindowFeaturizer } from '../../src/failure/window-dataset.js';
import { averagePrecision } from '../../src/ml/metrics/index.js';

/**
 * The evaluation fleets. Development used seeds 101–110 only. Seeds 9001–9003 evaluated the first
 * full model once (docs/failure.md has the figures); its false alarms came out above the budget,
 * the threshold then got a transfer margin, and that change is measured on seeds from 9201 up,
 * which nothing has looked at before. A further change moves on to fresh seeds again.
 */
export const EVAL_FLEET: FleetSpec = { seed: 9201, hosts: 100, days: 14, failuresPerHostDay: 0.05 };

export interface ModelOnFleet {
  model: string;
  threshold: number;
  averagePrecision: number;
  all: EventScores;
  precursor: EventScores;
  warnable: EventScores;
}

/** What pooling fleets needs: the alarming windows and the failures, with ids made unique per fleet. */
interface PoolingData {
  alarms: Map<string, ScoredWindow[]>;
  failures: { all: FailureInterval[]; observed: FailureInterval[]; precursor: FailureInterval[]; warnable: FailureInterval[] };
}

export interface FleetEvaluation {
  fleet: FleetSpec;
  hostDays: number;
  failures: { all: number; precursor: number; warnable: number };
  models: ModelOnFleet[];
  /** Time-to-failure bucket accuracy of the ensemble's in-horizon positive windows. */
  ttf: { windows: number; accuracy: number };
}

export async function evaluateOnFleet(predictor: FailurePredictor, spec: FleetSpec, strideMinutes = 5, featurizer: WindowFeaturizer = failureFeatures()): Promise<FleetEvaluation> {
  const fleet = simulateForFailures(spec);
  const truth = fleet.sim.truth();
  const interval = (f: (typeof truth.failures)[number]): FailureInterval => ({ entityId: f.host_id, failedAt: f.failed_at, recoveredAt: f.recovered_at, mode: f.mode });
  const L = predictor.options.leadTime.minLeadMs;
  const observed = truth.failures.filter((f) => f.observed);
  const precursor = observed.filter((f) => f.has_precursor).map(interval);
  const warnable = observed.filter((f) => f.has_precursor && (f.lead_minutes ?? 0) * 60_000 >= L).map(interval);
  const all = observed.map(interval);
  const scored = await predictor.scoreFleet(fleetChunks(fleet, predictor.options.leadTime, strideMinutes, predictor.members.includes('lstm'), undefined, 1, featurizer));
  const windows = (score: ArrayLike<number>): ScoredWindow[] => scored.entity.map((e, i) => ({ entityId: e, t: scored.t[i], score: score[i] }));
  const opts = predictor.options.leadTime;
  const models: ModelOnFleet[] = [...predictor.members.map((m, i) => ({ name: m as string, score: scored.members[i] })), { name: 'ensemble', score: scored.score }].map(({ name, score }) => {
    const threshold = predictor.report.byModel[name].threshold;
    const w = windows(score);
    return {
      model: name,
      threshold,
      averagePrecision: averagePrecision(scored.y, score),
      // Every failure (observed or not) can make an alert true; recall counts the observed ones.
      all: evaluateThreshold(w, threshold, fleet.failures, fleet.hostDays, opts),
      precursor: evaluateThreshold(w, threshold, precursor, fleet.hostDays, opts),
      warnable: evaluateThreshold(w, threshold, warnable, fleet.hostDays, opts),
    };
  });
  // Recall over all observed failures, with precision and false alarms from every failure.
  for (const m of models) {
    const w = windows(m.model === 'ensemble' ? scored.score : scored.members[predictor.members.indexOf(m.model as never)]);
    const onObserved = evaluateThreshold(w, m.threshold, all, fleet.hostDays, opts);
    m.all = { ...m.all, failures: onObserved.failures, warnedInTime: onObserved.warnedInTime, recall: onObserved.recall, medianLeadMs: onObserved.medianLeadMs, byMode: onObserved.byMode };
  }
  const tag = (f: FailureInterval): FailureInterval => ({ ...f, entityId: `${spec.seed}/${f.entityId}` });
  const alarms = new Map<string, ScoredWindow[]>();
  for (const m of models) {
    const score = m.model === 'ensemble' ? scored.score : scored.members[predictor.members.indexOf(m.model as never)];
    const list: ScoredWindow[] = [];
    for (let i = 0; i < score.length; i++) if (score[i] >= m.threshold) list.push({ entityId: `${spec.seed}/${scored.entity[i]}`, t: scored.t[i], score: score[i] });
    alarms.set(m.model, list);
  }
  const pooling: PoolingData = { alarms, failures: { all: fleet.failures.map(tag), observed: all.map(tag), precursor: precursor.map(tag), warnable: warnable.map(tag) } };
  return { fleet: spec, hostDays: fleet.hostDays, failures: { all: all.length, precursor: precursor.length, warnable: warnable.length }, models, ttf: timeToFailureOnFleet(predictor, fleet, featurizer), pooling };
}

/** All fleets as one: alerts scored against the failures of every fleet, false alarms over the total host-days. */
export function pooledEvaluation(results: readonly FleetEvaluation[]): FleetEvaluation {
  const hostDays = results.reduce((a, r) => a + r.hostDays, 0);
  const cat = <K extends keyof PoolingData['failures']>(k: K) => results.flatMap((r) => r.pooling!.failures[k]);
  const failures = { all: cat('all'), observed: cat('observed'), precursor: cat('precursor'), warnable: cat('warnable') };
  const models = results[0].models.map((m0, j) => {
    const alarms = results.flatMap((r) => r.pooling!.alarms.get(m0.model)!);
    const at = (f: FailureInterval[]) => evaluateThreshold(alarms, m0.threshold, f, hostDays);
    const everyFailure = at(failures.all);
    const observed = at(failures.observed);
    const ap = results.reduce((a, r) => a + r.models[j].averagePrecision, 0) / results.length;
    return { model: m0.model, threshold: m0.threshold, averagePrecision: ap, all: { ...everyFailure, failures: observed.failures, warnedInTime: observed.warnedInTime, recall: observed.recall, medianLeadMs: observed.medianLeadMs, byMode: observed.byMode }, precursor: at(failures.precursor), warnable: at(failures.warnable) };
  });
  const K = results[0].ttf.confusion.length;
  const confusion = Array.from({ length: K }, (_, a) => Array.from({ length: K }, (_, b) => results.reduce((s, r) => s + r.ttf.confusion[a][b], 0)));
  const windows = results.reduce((s, r) => s + r.ttf.windows, 0);
  const right = confusion.reduce((s, row, a) => s + row[a], 0);
  const base = results.reduce((s, r) => s + r.ttf.baseline * r.ttf.windows, 0);
  return {
    fleet: { seed: results[0].fleet.seed, hosts: results.reduce((a, r) => a + r.fleet.hosts, 0), days: results[0].fleet.days, failuresPerHostDay: results[0].fleet.failuresPerHostDay },
    hostDays,
    failures: { all: failures.observed.length, precursor: failures.precursor.length, warnable: failures.warnable.length },
    models,
    ttf: { windows, accuracy: right / windows, baseline: base / windows, balancedAccuracy: balancedAccuracy(confusion), confusion },
  };
}

function timeToFailureOnFleet(predictor: FailurePredictor, fleet: ReturnType<typeof simulateForFailures>, featurizer: WindowFeaturizer): ReturnType<typeof ttfAccuracy> {
  const reach = { horizonMs: predictor.options.trainingHorizonMs, minLeadMs: predictor.options.leadTime.minLeadMs };
  const y: number[] = [];
  const leadMs: number[] = [];
  const bucket: number[] = [];
  // Positives only: negatives are dropped (kept one in a billion) since only failures have a time to failure.
  for (const { dataset: d } of fleetChunks(fleet, reach, 5, false, 10, 1e9, featurizer)) {
    const est = predictor.timeToFailure(d.X);
    for (let i = 0; i < d.X.rows; i++) {
      if (d.y[i] !== 1) continue;
      y.push(1);
      leadMs.push(d.leadMs[i]);
      bucket.push(est.bucket[i]);
    }
  }
  return ttfAccuracy({ y: Float64Array.from(y), leadMs: Float64Array.from(leadMs), ttfBucket: Int32Array.from(bucket) }, predictor.ttfMajorityBucket);
}

export function formatFleetEvaluation(e: FleetEvaluation): string[] {
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—');
  const min = (ms: number) => (Number.isFinite(ms) ? `${Math.round(ms / 60_000)} min` : '—');
  const lines = [
    `${e.pooling ? `fleet seed ${e.fleet.seed}` : `all fleets pooled (seeds from ${e.fleet.seed})`}: ${e.fleet.hosts} hosts × ${e.fleet.days} d (${e.hostDays.toFixed(0)} host-days), failures/host-day ${e.fleet.failuresPerHostDay}; observed failures ${e.failures.all}, precursor-bearing ${e.failures.precursor}, warnable (precursor ≥ L ahead) ${e.failures.warnable}`,
    `  model              recall(precursor)  recall(warnable)  recall(all)  precision  FA/host-day  median lead  AP(window)`,
  ];
  for (const m of e.models) {
    lines.push(
      `  ${m.model.padEnd(18)} ${`${pct(m.precursor.recall)} (${m.precursor.warnedInTime}/${m.precursor.failures})`.padEnd(18)} ${`${pct(m.warnable.recall)} (${m.warnable.warnedInTime}/${m.warnable.failures})`.padEnd(17)} ${pct(m.all.recall).padEnd(12)} ${pct(m.all.precision).padEnd(10)} ${m.all.falseAlarmsPerEntityDay.toFixed(3).padEnd(12)} ${min(m.precursor.medianLeadMs).padEnd(12)} ${m.averagePrecision.toFixed(3)}`,
    );
  }
  const ens = e.models.find((m) => m.model === 'ensemble')!;
  lines.push(`  ensemble by mode (precursor-bearing): ${Object.entries(ens.precursor.byMode).sort().map(([k, v]) => `${k} ${v.warnedInTime}/${v.failures} (lead ${min(v.medianLeadMs)})`).join(', ')}`);
  lines.push(`  time to failure (${TTF_BUCKETS.map((b) => b.label).join(' / ')}): bucket right for ${pct(e.ttf.accuracy)} of ${e.ttf.windows} windows within 24 h of a failure (balanced over buckets: ${pct(e.ttf.balancedAccuracy)}); always guessing the commonest training bucket: ${pct(e.ttf.baseline)} (balanced: 25 %)`);
  lines.push(`    confusion (rows truth, columns estimate): ${e.ttf.confusion.map((r) => r.join(' ')).join(' | ')}`);
  return lines;
}
