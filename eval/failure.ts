/**
 * `npm run eval:failure` — failure prediction measured on real disk failures.
 *
 * Backblaze (TOSHIBA MQ01ABF050, 2019; see eval/failure/backblaze.ts for the relabelling and
 * eval/failure/backblaze-eval.ts for the protocol): drive-level 5-fold cross-validation, FDR and FAR
 * at lead times of 0, 1, 3 and 7 days beside the rule "SMART 5, 196 or 197 raw > 0" (thresholds
 * chosen on training drives to alarm no more healthy drives than the rule does), ROC AUC per lead,
 * and time in advance of the first alarm.
 *
 * Simulator (eval/failure/simulator-eval.ts): the served model (models/failure-default.json.gz,
 * trained on dev seeds 101/102 — or trained afresh with --train) on fleets of seeds 9201 and up,
 * never used while developing: event recall with ≥ 15 minutes of lead, precision, false alarms per
 * host-day, median lead, per failure mode, for every member and the ensemble.
 *
 * The last line is one JSON object with every figure.
 *
 *   npx tsx eval/failure.ts [--seed 1] [--repeats 3] [--fleets 3] [--train] [--skip-backblaze] [--skip-simulator]
 */
import { parseArgs } from 'node:util';
import { readFailureModel } from '../src/failure/model-file.js';
import { DEFAULT_SIMULATOR_TRAINING, failureFeatures, trainOnSimulator } from '../src/failure/simulator-training.js';
import { evaluateOnFleet, EVAL_FLEET, formatFleetEvaluation, pooledEvaluation, type FleetEvaluation } from './failure/simulator-eval.js';
import { GradientBoostedTrees, RandomForestClassifier } from '../src/ml/tree/index.js';
import { loadBackblaze } from './failure/backblaze.js';
import { beatsRule, evaluateBackblaze, HORIZON_DAYS, type MethodReport, type Scorer } from './failure/backblaze-eval.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
    fleets: { type: 'string', default: '3' },
    train: { type: 'boolean', default: false },
    'skip-backblaze': { type: 'boolean', default: false },
    'skip-simulator': { type: 'boolean', default: false },
  },
});
const seed = Number(args.seed);
const repeats = Number(args.repeats);

const gbdt: Scorer = {
  name: 'boosted trees',
  async fit(X, y, s) {
    const m = await new GradientBoostedTrees({ nEstimators: 150, learningRate: 0.05, maxDepth: 3, subsample: 0.8, colsampleByTree: 0.8, minChildWeight: 2 }).fit(X, y, { seed: s });
    return (Xt) => m.predictProba(Xt);
  },
};
const forest: Scorer = {
  name: 'random forest',
  async fit(X, y, s) {
    const m = await new RandomForestClassifier({ nEstimators: 300, minSamplesLeaf: 2 }).fit(X, y, { seed: s });
    return (Xt) => m.predictProba(Xt);
  },
};

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function report(m: MethodReport, isRule = false): string[] {
  const lines = [`${m.name}`];
  m.points.forEach((p, j) => {
    const r = m.atRuleFar[j];
    const roc = isRule ? '' : `; at the rule's FAR (ROC point): caught ${r.caught}/${r.failed} (FDR ${pct(r.fdr)}) at FAR ${pct(r.far)}`;
    lines.push(`  lead ${p.lead} d: AUC ${m.auc[p.lead].toFixed(3)}${roc}`);
    lines.push(`           ${isRule ? '' : 'calibrated on training drives: '}caught ${p.caught}/${p.failed} (FDR ${pct(p.fdr)}), alarmed ${p.alarmed}/${p.healthy} healthy (FAR ${pct(p.far)})`);
  });
  const a = m.advance;
  lines.push(`  online, any alarm over the rows: caught ${a.caught}/${a.failed}, healthy alarmed ${a.alarmed}/${a.healthy}; first alarm median ${a.medianDays} d, mean ${a.meanDays.toFixed(2)} d before failure`);
  return lines;
}

const started = performance.now();
const out: Record<string, unknown> = {};
if (!args['skip-backblaze']) {
  const data = await loadBackblaze();
  const result = await evaluateBackblaze(data, [gbdt, forest], { seed, repeats });
  console.log(`Backblaze TOSHIBA MQ01ABF050 (2019): ${result.drives} drives, ${result.failedDrives} failed; label "fails within ${HORIZON_DAYS} days"; drive-level 5-fold CV × ${repeats} repeats (seeds ${seed}…${seed + repeats - 1}; counts summed over repeats)`);
  for (const line of report(result.rule, true)) console.log(line);
  for (const m of result.models) {
    for (const line of report(m)) console.log(line);
    console.log(`  beats the rule at every lead (FDR > rule's at FAR ≤ rule's): ${beatsRule(result.rule, m) ? 'yes' : 'NO'}`);
  }
  out.backblaze = { ...result, beats_rule: Object.fromEntries(result.models.map((m) => [m.name, beatsRule(result.rule, m)])) };
}
if (!args['skip-simulator']) {
  const fleets = Number(args.fleets);
  const model = args.train
    ? await trainOnSimulator(DEFAULT_SIMULATOR_TRAINING, (m) => console.error(m)).then((t) => ({ predictor: t.predictor, training: t.config, source: 'trained now with DEFAULT_SIMULATOR_TRAINING' }))
    : { ...readFailureModel(), source: 'models/failure-default.json.gz' };
  const { predictor, training } = model;
  const t = predictor.report.byModel.ensemble.events;
  console.log(`\nSimulator: model ${model.source} (trained on seed ${training.train.seed}, validated on seed ${training.validation.seed}; alert budget ${predictor.options.alertBudgetPerHostDay} false alarms/host-day; scored every ${training.strideMinutes} min)`);
  console.log(`  validation: event recall ${(100 * t.recall).toFixed(1)} % at ${t.falseAlarmsPerEntityDay.toFixed(3)} FA/host-day; ensemble weights ${JSON.stringify(predictor.weights)}`);
  const results: FleetEvaluation[] = [];
  for (let k = 0; k < fleets; k++) {
    const e = await evaluateOnFleet(predictor, { ...EVAL_FLEET, seed: EVAL_FLEET.seed + k }, training.strideMinutes, failureFeatures(training));
    results.push(e);
    for (const line of formatFleetEvaluation(e)) console.log(line);
  }
  const pooled = pooledEvaluation(results);
  for (const line of formatFleetEvaluation(pooled)) console.log(line);
  out.simulator = { model: model.source, weights: predictor.weights, validation: predictor.report, fleets: results, pooled };
}
console.log(`eval:failure finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(JSON.stringify({ failure: out }));
