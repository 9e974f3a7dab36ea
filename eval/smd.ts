/**
 * `npx tsx eval/smd.ts` (eval:smd): multivariate per-host detection on the Server Machine Dataset
 * (SMD, Su et al. KDD 2019) — the 8 machines staged under $NOVACRON_DATASETS_DIR/smd (default
 * ../shared/data/smd; see its PROVENANCE.md). Each machine: fit on its train half, score its test
 * half, one configuration for every machine (eval/smd/evaluate.ts: DEFAULT_SMD_CONFIG).
 *
 * Reported per method and machine, never point-adjusted F1 alone:
 *   F1 best     point-wise F1 at the best threshold (chosen with the test labels: an upper bound)
 *   F1 @train   point-wise F1 (and P, R) at the threshold from training data only: alarm above the
 *               top 1 % of training scores (held-out training rows for the ensemble)
 *   PA%20 F1    F1 under PA%K (Kim et al. 2022), K = 20, at its best threshold
 *   AP          average precision, threshold-free
 *   ev. recall  labelled segments with ≥ 1 alarm at the training threshold; FA/day: alarm events
 *               outside every segment per day of test data; delay: minutes from segment start to
 *               first alarm (detected segments); alarm %: share of test rows alarming
 *   Hit@100/150 root-cause HitRate@P% against the interpretation labels (OmniAnomaly's metric)
 * The last line is one JSON object with the headline figures (ours vs isolation forest vs random).
 *
 * Options: --machines machine-1-6,machine-3-4   only these; --no-lstm   skip the LSTM variant;
 * --ablation   also run the ensemble with each design choice undone (raw levels instead of the
 * trailing baseline, no PCA member, no smoothing): about 10 s more per machine and variant.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { datasetPath } from './lib/datasets-dir.js';
import { DEFAULT_SMD_CONFIG, evaluateMachine, type MethodResult, type SmdConfig } from './smd/evaluate.js';
import { listSmdMachines, loadSmdMachine } from './smd/loader.js';
import { meanRow, methodTable, summaryTable } from './smd/report.js';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = datasetPath('smd');
  const available = listSmdMachines(dir);
  if (available.length === 0) {
    console.error(`no SMD machines under ${dir} (set NOVACRON_DATASETS_DIR)`);
    process.exit(2);
  }
  const wanted = argValue('--machines')?.split(',');
  const machines = wanted ? available.filter((m) => wanted.includes(m)) : available;
  const cfg: SmdConfig = { ...DEFAULT_SMD_CONFIG, withLstm: !process.argv.includes('--no-lstm') };
  if (process.argv.includes('--ablation')) {
    cfg.ablations = [
      { method: 'ablation:raw-levels', params: { baseline: false } },
      { method: 'ablation:no-pca', params: { members: ['iforest', 'lof', 'ocsvm'] } },
      { method: 'ablation:no-smoothing', params: { smoothing: 1 } },
    ];
  }
  console.log(`SMD: ${machines.length} machines from ${dir}`);
  console.log(`config: ${JSON.stringify({ ...cfg, ensemble: { ...cfg.ensemble, metricNames: '(38 SMD names)' } })}`);

  const all: MethodResult[] = [];
  for (const name of machines) {
    const t0 = performance.now();
    const machine = loadSmdMachine(dir, name);
    const res = await evaluateMachine(machine, cfg, (l) => console.log(l));
    all.push(...res);
    const pick = (m: string) => res.find((r) => r.method === m);
    const ours = pick(cfg.withLstm ? 'ensemble+lstm' : 'ensemble')!;
    console.log(`${name}: ${machine.test.rows} test rows, ${machine.labels.reduce((s, v) => s + v, 0)} anomalous; best F1 ours ${ours.bestF1.toFixed(3)}, iforest ${pick('iforest')!.bestF1.toFixed(3)}, random ${pick('random')!.bestF1.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const methods = [...new Set(all.map((r) => r.method))];
  console.log('');
  for (const m of methods) {
    console.log(methodTable(m, all.filter((r) => r.method === m), cfg.paK));
    console.log('');
  }
  const means = methods.map((m) => meanRow(m, all.filter((r) => r.method === m)));
  console.log('Mean over machines');
  console.log(summaryTable(means, cfg.paK));
  const seconds = (performance.now() - started) / 1000;
  console.log(`\neval:smd finished in ${seconds.toFixed(1)} s`);

  const get = (m: string) => means.find((x) => x.method === m);
  const headlineOf = (m: string) => {
    const x = get(m);
    return x && { bestF1: x.bestF1, trainF1: x.trainF1, paK20F1: x.paKF1, averagePrecision: x.averagePrecision, eventRecall: x.eventRecall, falseAlarmsPerDay: x.falseAlarmsPerDay, meanDelayMinutes: x.meanDelayMinutes, hitRate100: x.hitRate100, hitRate150: x.hitRate150 };
  };
  const oursName = cfg.withLstm ? 'ensemble+lstm' : 'ensemble';
  const ours = get(oursName)!;
  const forest = get('iforest')!;
  const random = get('random')!;
  const headline = {
    smd: {
      machines: machines.length,
      ours: oursName,
      ensemble: headlineOf('ensemble'),
      ...(cfg.withLstm ? { ensembleLstm: headlineOf('ensemble+lstm') } : {}),
      iforest: headlineOf('iforest'),
      random: headlineOf('random'),
      ratio: { bestF1VsIforest: ours.bestF1 / forest.bestF1, bestF1VsRandom: ours.bestF1 / random.bestF1, paK20F1VsIforest: ours.paKF1 / forest.paKF1, hitRate100VsIforest: ours.hitRate100 / forest.hitRate100 },
      runtimeSeconds: seconds,
    },
  };
  console.log(JSON.stringify(headline, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
