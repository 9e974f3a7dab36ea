/**
 * `npm run eval:rightsizing` — rightsizing measured on real VMs: how much CPU and memory each
 * method reclaims against how often usage then exceeds the new size.
 *
 * Data: the 500 VMs of the Bitbrains GWA-T-12 Rnd trace, August 2013 (eval/lib/bitbrains.ts for
 * how rows become a 5-minute grid of cores and GiB in use, and what was provisioned).
 *
 * Protocol.
 * - Outer split (the result): every method sees the first 21 days of the grid (steps 0–6047) and
 *   sizes each VM; the sizes are judged on the last 7 days (steps 6625–8640), which no method and
 *   no choice of ours ever looked at. The ≈ 2 days between are unseen by both (a recommendation is
 *   reviewed and applied, then lives for a week).
 * - Tuning splits (inside the first 21 days only): INNER — fit on days 1–12, judge days 15–21 (full
 *   tables below) — and INNER_EXTRA — fit on days 1–7, 1–9, 1–10, judge the 7 days after the same
 *   ≈ 2-day gap (one line each). One judged week decides little: with the same method the memory
 *   ratio at VPA's default moved between ×1.03 and ×1.28 from one of these weeks to the next, so
 *   every choice since the second round (below) was made on the MEAN over the four splits, never
 *   on one. `--inner-only` runs them without the outer split.
 * - The current size is the VM's last non-zero provisioned cores and memory in the fit window.
 *   VMs without data in the fit or judged window, or without a provisioned size, are excluded
 *   (counted below).
 *
 * Disclosure, in order.
 * 1. First round: the design (weekly-mixture forecaster, cost-optimal sizing with per-VM
 *    exceedance caps, the standard class's numbers, the risk grid) was made on INNER alone. The
 *    outer split was then run; three changes followed, each diagnosed and chosen on INNER alone:
 *    the forecast's tail cut at 1.1 × the history's peak (on/off VMs pinned at their ceiling were
 *    sized at 2–2.4 × a ceiling they never exceeded); the trend test made seasonal (lag-7 days);
 *    the risk grid extended down to ×0.1. Outer result of that design: dominates VPA, ×1.082 CPU
 *    and ×1.090 memory at VPA's default (INNER ×1.113 / ×1.088) — target ×1.15 not met.
 * 2. Second round (this version), started knowing those outer numbers and nothing else about the
 *    outer week; all work on the four tuning splits; the outer split was run ONCE at the end and is
 *    reported as it came out, nothing was changed after it. Means over the four tuning splits
 *    (CPU / memory ratio at VPA's default), first-round design: ×1.106 / ×1.149 (per split
 *    1.078/1.114/1.122/1.113 and 1.030/1.235/1.243/1.088; memory did not dominate on days 1–7).
 *    Kept (each number: the mean with that one change undone, all else final):
 *    - memory safety floor on the WORKING SET: the highest level held for 30 minutes in the last
 *      24 h (+ 5 %), not the plain 24 h peak (sla-classes.ts memorySafetySustainMinutes). Most
 *      Bitbrains memory peaks are 5–20-minute spikes of batch VMs; a plain-peak floor pinned those
 *      VMs at their spike. Memory ×1.156 with the plain peak (INNER ×1.091) → ×1.185 (×1.164);
 *      15 minutes ×1.182. An oracle that knows the judged week loses almost nothing to the
 *      30-minute floor (×1.171/1.357/1.374/1.221) but a lot to the plain one (INNER ×1.130). The
 *      critical class keeps the plain 7-day peak.
 *    - per-resource forecast uncertainty: CPU without the level mixture (σ factor 0), memory with
 *      a quarter (0.25) instead of 0.5 for both: ×1.127 / ×1.174 with 0.5 for both → ×1.129 / ×1.185.
 *    - a higher price on running short in the standard class (CPU 200 → 800, memory 700 → 1400 a
 *      VM-month; the other classes scaled alike): buys down cheap tails of small VMs; CPU ×1.100 →
 *      ×1.129, memory ×1.182 → ×1.185, and our default point runs short less often.
 *    - scale up only a VM whose usage came within 2 % of its provisioned size (or trends up):
 *      usage is censored at the provisioned size, so a forecast tail above it on a VM that never
 *      came near is extrapolation (three 38.9 GiB VMs were sized at 43–46 GiB). Memory ×1.180 →
 *      ×1.185, its worst VPA point 0.960 → 0.983.
 *    - one risk knob `risk` (RightsizingOptions): shortfall cost ÷ r, class maxExceedance × r up
 *      to a hard 25 % limit (was an implicit 50 %), and below r = 1 a headroom of 5 % per halving
 *      (the forecast stops at 1.1 × the history's peak, so without a margin the curve did not reach
 *      VPA's lowest memory violation rates: with 0 the memory curve missed VPA's p99 point on two
 *      splits; 0.1 lowers its worst ratio to 0.960). Grid extended to ×0.05 … ×16.
 *    - THE 25 % LIMIT COSTS CPU RATIO, deliberately: with 50 % the CPU mean is ×1.157 (per split
 *      1.169/1.143/1.155/1.160) instead of ×1.129. The difference is almost all one cluster of
 *      8-core batch VMs that run at their ceiling about half of the week: at a large risk appetite
 *      the cost-optimal rule sizes them at 0.1 core (forecast share short 30 %, judged 78 %),
 *      which the pooled violation rate scores as cheap (they already exceed 8 cores in half the
 *      intervals, so the cut adds few violations) while their work would run ~80 × slower. The
 *      metric counts an interval 1 % short the same as one 99 % short; the product must not.
 *    Tried and rejected (means or INNER, same protocol):
 *    - a GLOBAL cross-VM model of next week's exceedance (gradient-boosted trees, src/ml/tree, on
 *      19 per-VM features — quantiles and peaks over 1/3/7 days and all history, share of days
 *      above the size, trend, burstiness, size / provisioned, our forecast's exceedance — trained
 *      on rolling origins inside each split's fit window, deciding by the same cost rule over
 *      ~25 candidate sizes): memory 7d –/9d 1.088/10d –/INNER 1.136, none dominating ("–": the
 *      curve missed VPA's lowest points), against 1.037/1.263/1.249/1.097 for our forecast over the
 *      same candidates; CPU 1.161/1.126/1.110/1.148 against 1.198/1.126/1.128/1.142. With 3–10
 *      days of history to learn from there is too little to calibrate tails across VMs.
 *    - a global isotonic recalibration of forecast exceedances (learned the same way): INNER CPU
 *      ×1.176 → ×1.156, memory ×1.115 → ×1.109. The forecast under-states exceedance at all levels
 *      (forecast 0.2 % → judged 0.4–0.9 %) but nearly proportionally, which only rescales the price.
 *    - pooling each VM's forecast with its peers' (same provisioned shape, weight 0.05–0.5):
 *      worse on every split (days 1–7 memory ×1.019 → ×0.945 at 0.1).
 *    - other recency weightings (flat, 1/2/4/8-day half-lives, last days ×3–×5) and a pessimistic
 *      mix with the busiest days: within ±0.01, a 1-day half-life worse (INNER memory ×1.052).
 *    - no per-VM exceedance cap at all (the pure Lagrangian, one global price): CPU ×1.194 — see
 *      the 25 % limit above, the same cluster.
 *    Outer result of this version (its one run, reported as it came out): dominates VPA on CPU
 *    and memory; at VPA's default violation rate ×1.106 CPU (first round ×1.082) and ×1.197
 *    memory (×1.090) — the ×1.15 target is met for memory, not for CPU.
 *    Bounds, for scale: an oracle that knows each VM's judged-week distribution and sizes by the
 *    same cost rule reaches CPU ×1.27/1.22/1.23/1.25 with no cap, but only ×1.08/1.11/1.11/1.07
 *    if no VM may be short in more than 25 % of the judged intervals (×0.98–1.02 at 10 %): on this
 *    trace, beating VPA's default by 15 % on CPU takes sizing some busy VMs well below their busy
 *    level (VPA's own default leaves its worst VM short in 62–100 % of the intervals).
 *
 3. Third round (2026-11-28), started knowing the second round's outer numbers; all work on the
 *    four tuning splits; NOTHING in the sizing changed. It added a second measure, unserved demand
 *    (below), because the violation rate cannot tell a 1 % shortfall from a 99 % one. Findings:
 *    - our curve's lead at VPA's violation rate is bought with deep cuts: at r = 4 (2.2–2.9 % of
 *      intervals short, below VPA's default 3.0–4.0 %) ours leaves 18–20 % of the judged CPU
 *      demand unserved against VPA's 4.5–7.3 % (split days 1–7: 17.7 % vs 16.1 %); read on unserved
 *      demand instead, ours is on a par with VPA at its default (CPU mean ×1.012) and loses at
 *      VPA's aggressive points (margin 0, p80). Our DEFAULT (r = 1) is better than VPA's default on
 *      both measures for CPU (about the same reclaimed, unserved 2.5–4.5 % vs 4.5–7.3 %).
 *    - a cap on the forecast's unserved share of demand (count limit 50 %, at most 10 % or 5 % of
 *      the forecast demand unserved): CPU mean ×0.993 / ×0.971, not dominating VPA.
 *    - a depth term in the cost (allocation + penalty × P(short) + β × E[unserved]): β = 10 / 20 /
 *      50 fixed ×1.072 / ×1.018 / ×0.980, not dominating; β = 50 ÷ r ×1.115, dominating, unserved
 *      ×1.025, default unserved 0.9–1.6 % (vs 2.5–4.5 %) for 2.5 points less CPU reclaimed — no
 *      clear gain on either measure, not adopted.
 *    - the 50 % count limit (×1.157, the second round's rejected variant) with a depth guard, CPU
 *      never below 25 % / 50 % of the forecast p95: ×1.139 / ×1.112 — what the 50 % limit gains
 *      is the deep cuts themselves.
 *    - a finer risk grid (25 points): ×1.118/1.130/1.137/1.126 against 1.118/1.126/1.136/1.136 —
 *      the 16-point grid does not understate the curve.
 *    - a clairvoyant bound that spreads shortfalls evenly: each VM sized at its OWN judged-week
 *      p95 (3.8 % of intervals short, more than VPA's default) reclaims ×0.95/1.03/1.02/1.01 VPA's
 *      CPU (p97: ×0.94–1.01). Knowing the future is worth almost nothing here unless the shortfall
 *      budget is concentrated on a few VMs; every ratio above ×1.03 — ours, and VPA's own lead over
 *      this bound — comes from that concentration.
 *    The outer split was then run once to report the new measure; the violation-rate figures are
 *    unchanged from the second round.
 *
 * Measures, per method and setting: CPU and memory reclaimed = Σ(provisioned − recommended) /
 * Σ provisioned (a scale-up counts negative); violation rate = share of VM × 5-minute intervals in
 * the judged week with usage above the recommendation (CPU and memory separately); the worst VM's
 * violation share; unserved demand = Σ (usage − recommendation)+ / Σ usage over the judged week
 * (how deep the shortfalls are: for CPU the work that would be throttled), pooled and the worst
 * VM's; VMs with any memory violation (OOM risk) and with ≥ 1 % of intervals over.
 *
 * Methods and their sweeps:
 * - ours (src/optimization/rightsizing.ts): standard SLA class, objective balanced, swept by the
 *   risk-appetite option r (RightsizingOptions.risk: shortfall cost ÷ r, class maxExceedance × r
 *   up to 25 %, a headroom below r = 1; r = 1 is the default), targets as the product emits them
 *   (rounded up, memory working-set floor, no scale-up of a VM that never neared its size,
 *   min-reduction rule: a VM whose cut would be < 10 % keeps its size);
 * - Kubernetes VPA recommender (src/optimization/vpa-recommender.ts, a faithful re-implementation):
 *   recommendation-margin-fraction 0 … 0.5 at the p90 target (default 0.15), and the target
 *   percentile p80/p85/p95/p99 at the default margin;
 * - AWS-style (percentile-headroom-recommender.ts): P99.5 of the last 14 days + headroom 0 … 50 %
 *   (default 20 %);
 * - keeping the provisioned size.
 *
 * Domination: for every VPA point, our curve (upper envelope, linear between points) is read at
 * VPA's violation rate; we dominate when we reclaim at least as much at every one, CPU and memory
 * separately. The ratio at VPA's default point is ours / VPA's reclaimed there (target ≥ 1.15).
 * The same reading is repeated with unserved demand on the x axis (supplementary; not the
 * issue's criterion).
 *
 * Pluggability check: our sizing rule fed by the forecasting library's SeasonalNaive and
 * HoltWinters (src/ml/forecast, through quantileForecastRightsizer) instead of our weekly-mixture
 * forecaster, at risk ×0.5/1/2/4 on the outer split (skipped with a note if the library fails).
 *
 * Forecast accuracy on the judged week (eval/rightsizing/accuracy.ts): hourly mean CPU, our
 * point path vs seasonal naive with a one-week and a one-day period; MASE scaled by the in-sample
 * one-week seasonal-naive MAE; R² per VM (median), pooled within VMs, and pooled across the fleet.
 *
 * The last line is one JSON object with the headline figures.
 *
 *   npx tsx eval/rightsizing.ts [--vms 500] [--inner-only]
 */
import { parseArgs } from 'node:util';
import { GRID_STEPS, GRID_T0, loadBitbrains, STEP_S } from './lib/bitbrains.js';
import { forecastAccuracy, type MethodAccuracy } from './rightsizing/accuracy.js';
import { dominance, INNER, INNER_EXTRA, OUTER, prepare, provisionedPoint, START_MS, STEP_MS, sweepAws, sweepOurs, sweepVpa, type Domination, type Point, type Split } from './rightsizing/harness.js';
import { rightsize } from '../src/optimization/rightsizing.js';

const { values: args } = parseArgs({ options: { vms: { type: 'string', default: '500' }, 'inner-only': { type: 'boolean', default: false } } });
const started = performance.now();
const pct = (x: number, d = 2) => (Number.isFinite(x) ? `${(100 * x).toFixed(d)}%` : '—');
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const iso = (step: number) => new Date((GRID_T0 + step * STEP_S) * 1000).toISOString().slice(0, 16) + 'Z';

let t = performance.now();
const vms = loadBitbrains(Number(args.vms));
console.log(`Data: ${vms.length} Bitbrains Rnd VMs, 5-minute grid of ${GRID_STEPS} steps; loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

function pointsTable(title: string, pts: Point[]): void {
  console.log(`\n${title}`);
  console.log(`${pad('method', 20)} ${pad('setting', 22)} ${lpad('CPU recl', 9)} ${lpad('CPU viol', 9)} ${lpad('worst', 8)} ${lpad('unserved', 9)} ${lpad('worst', 6)} ${lpad('mem recl', 9)} ${lpad('mem viol', 9)} ${lpad('worst', 8)} ${lpad('unserved', 9)} ${lpad('OOM-risk VMs', 13)} ${lpad('≥1%', 5)} ${lpad('ms/VM', 7)}`);
  for (const p of pts) {
    const s = p.score;
    console.log(
      `${pad(p.method, 20)} ${pad(p.setting + (p.isDefault ? ' *' : ''), 22)} ${lpad(pct(s.cpuReclaimed), 9)} ${lpad(pct(s.cpuViolation), 9)} ${lpad(pct(s.cpuWorst, 1), 8)} ${lpad(pct(s.cpuUnserved), 9)} ${lpad(pct(s.cpuUnservedWorst, 0), 6)} ${lpad(pct(s.memReclaimed), 9)} ${lpad(pct(s.memViolation), 9)} ${lpad(pct(s.memWorst, 1), 8)} ${lpad(pct(s.memUnserved, 3), 9)} ${lpad(s.memViolatingVms, 13)} ${lpad(s.memViolatingVms1pct, 5)} ${lpad((p.ms / s.vms).toFixed(3), 7)}`,
    );
  }
}

function dominanceTable(d: Domination): void {
  const name = d.resource === 'cpu' ? 'CPU' : 'Memory';
  const x = d.measure === 'violation' ? 'violation rate' : 'unserved share of demand';
  const digits = d.measure === 'unserved' && d.resource === 'memory' ? 3 : 2;
  console.log(`\n  ${name}: ours read at each VPA point's ${x}`);
  console.log(`  ${pad('VPA setting', 22)} ${lpad(d.measure === 'violation' ? 'violation' : 'unserved', 10)} ${lpad('VPA recl', 9)} ${lpad('ours recl', 10)} ${lpad('ratio', 7)}  ok`);
  for (const r of d.rows) {
    console.log(`  ${pad(r.vpa.setting + (r.vpa.isDefault ? ' *' : ''), 22)} ${lpad(pct(r.violation, digits), 10)} ${lpad(pct(r.vpaReclaimed), 9)} ${lpad(pct(r.oursReclaimed), 10)} ${lpad((r.oursReclaimed / r.vpaReclaimed).toFixed(3), 7)}  ${r.ok ? 'yes' : 'NO'}`);
  }
  const target = d.measure === 'violation' ? ' (target ×1.15)' : '';
  console.log(`  → ${d.dominates ? 'dominates VPA' : 'does NOT dominate VPA'}; at VPA's default (${pct(d.violationAtDefault, digits)} ${d.measure}) ours ${pct(d.oursAtDefault)} vs ${pct(d.vpaAtDefault)}: ×${d.ratioAtDefault.toFixed(3)}${target}`);
  console.log(`    reclaiming as much as VPA's default (${pct(d.vpaAtDefault)}), ours at ${pct(d.oursViolationAtDefaultReclaimed, digits)} ${d.measure} vs ${pct(d.violationAtDefault, digits)}: ×${(d.oursViolationAtDefaultReclaimed / d.violationAtDefault).toFixed(3)}`);
}

interface SplitResult {
  split: Split;
  vms: number;
  ours: Point[];
  vpa: Point[];
  aws: Point[];
  prov: Point;
  cpu: Domination;
  mem: Domination;
  /** The same reading with unserved demand as the measure (supplementary; the measure is the violation rate). */
  cpuUnserved: Domination;
  memUnserved: Domination;
}

function runSplit(split: Split, compact = false): SplitResult {
  const { list, excluded } = prepare(vms, split);
  if (compact) {
    const ours = sweepOurs(list, split);
    const vpa = sweepVpa(list, split);
    const cpu = dominance(ours, vpa, 'cpu');
    const mem = dominance(ours, vpa, 'memory');
    const cpuUnserved = dominance(ours, vpa, 'cpu', 'unserved');
    const memUnserved = dominance(ours, vpa, 'memory', 'unserved');
    const od = ours.find((p) => p.isDefault)!.score;
    const vd = vpa.find((p) => p.isDefault)!.score;
    const worst = (d: Domination) => Math.min(...d.rows.map((r) => r.oursReclaimed / r.vpaReclaimed));
    console.log(`  ${pad(split.name, 44)} ${lpad(list.length, 4)}  CPU ×${cpu.ratioAtDefault.toFixed(3)} ${cpu.dominates ? 'dominates' : 'NOT (worst ×' + worst(cpu).toFixed(3) + ')'}  memory ×${mem.ratioAtDefault.toFixed(3)} ${mem.dominates ? 'dominates' : 'NOT (worst ×' + worst(mem).toFixed(3) + ')'}  | VPA default ${pct(vd.cpuViolation)} / ${pct(vd.memViolation, 3)}, ours ${pct(od.cpuViolation)} / ${pct(od.memViolation, 3)}  | unserved: CPU ×${cpuUnserved.ratioAtDefault.toFixed(3)} ${cpuUnserved.dominates ? 'dominates' : 'NOT (worst ×' + worst(cpuUnserved).toFixed(3) + ')'}, memory ×${memUnserved.ratioAtDefault.toFixed(3)} ${memUnserved.dominates ? 'dominates' : 'NOT (worst ×' + worst(memUnserved).toFixed(3) + ')'}`);
    return { split, vms: list.length, ours, vpa, aws: [], prov: provisionedPoint(list, split), cpu, mem, cpuUnserved, memUnserved };
  }
  console.log(`\n=== ${split.name} ===`);
  console.log(`Fit ${iso(0)} – ${iso(split.fitEnd)} (${split.fitEnd} steps); judged ${iso(split.judgeStart)} – ${iso(split.judgeEnd)} (${split.judgeEnd - split.judgeStart} steps).`);
  console.log(`VMs: ${list.length} evaluated; excluded ${excluded.noFitData} without data in the fit window, ${excluded.noJudgedData} without data in the judged window, ${excluded.noProvisioned} without a provisioned size.`);
  const ours = sweepOurs(list, split);
  const vpa = sweepVpa(list, split);
  const aws = sweepAws(list, split);
  const prov = provisionedPoint(list, split);
  pointsTable('Reclaimed (% of provisioned) vs violations (% of VM × 5-minute intervals over the recommendation); * = default', [...ours, ...vpa, ...aws, prov]);
  const cpu = dominance(ours, vpa, 'cpu');
  const mem = dominance(ours, vpa, 'memory');
  const cpuUnserved = dominance(ours, vpa, 'cpu', 'unserved');
  const memUnserved = dominance(ours, vpa, 'memory', 'unserved');
  console.log('\nDomination check (ours vs every VPA point), on the violation rate:');
  dominanceTable(cpu);
  dominanceTable(mem);
  console.log('\nThe same on unserved demand (supplementary: how deep the shortfalls are, which the violation rate does not see):');
  dominanceTable(cpuUnserved);
  dominanceTable(memUnserved);
  return { split, vms: list.length, ours, vpa, aws, prov, cpu, mem, cpuUnserved, memUnserved };
}

const inner = runSplit(INNER);
console.log('\nAll tuning splits (every choice was made on their mean; ratio = ours / VPA reclaimed at VPA\'s default violation rate; violations CPU / memory at the defaults):');
const innerAll = [...INNER_EXTRA.map((sp) => runSplit(sp, true)), runSplit(INNER, true)];
const meanRatio = (f: (r: SplitResult) => number) => innerAll.reduce((a, r) => a + f(r), 0) / innerAll.length;
console.log(`  mean over the ${innerAll.length} tuning splits: CPU ×${meanRatio((r) => r.cpu.ratioAtDefault).toFixed(3)}, memory ×${meanRatio((r) => r.mem.ratioAtDefault).toFixed(3)}; on unserved demand CPU ×${meanRatio((r) => r.cpuUnserved.ratioAtDefault).toFixed(3)}, memory ×${meanRatio((r) => r.memUnserved.ratioAtDefault).toFixed(3)}`);
if (args['inner-only']) {
  console.log(`\n--inner-only: the outer split was not run. Total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.exit(0);
}
const outer = runSplit(OUTER);

// Forecast accuracy on the judged week.
t = performance.now();
const { list } = prepare(vms, OUTER);
const accuracy: MethodAccuracy[] = forecastAccuracy(list, OUTER);
console.log(`\nForecast accuracy, judged week (${OUTER.name}), hourly mean CPU in cores; ${((performance.now() - t) / 1000).toFixed(1)} s`);
console.log(`${pad('method', 44)} ${lpad('MASE med', 9)} ${lpad('pooled', 7)} ${lpad('R² med', 8)} ${lpad('R² within', 10)} ${lpad('R² fleet', 9)} ${lpad('VMs', 5)}`);
for (const a of accuracy) {
  console.log(`${pad(a.method, 44)} ${lpad(a.medianMase.toFixed(3), 9)} ${lpad(a.pooledMase.toFixed(3), 7)} ${lpad(a.medianR2.toFixed(3), 8)} ${lpad(a.pooledWithinR2.toFixed(3), 10)} ${lpad(a.pooledFleetR2.toFixed(3), 9)} ${lpad(a.vmsMase, 5)}`);
}
console.log('MASE scale: in-sample MAE of the one-week seasonal naive on the fit window; R² within: around each VM\'s own mean; R² fleet: around the fleet-wide mean (credits knowing which VMs are big).');

// Pluggability: our sizing rule fed by the forecasting library's step-wise forecasters
// (src/ml/forecast; their QuantileForecast at levels 0.5/0.9/0.95/0.99 becomes the horizon
// distribution, usage-distribution.ts fromQuantileForecast) instead of our weekly mixture.
const LIB_RISK = [0.5, 1, 2, 4];
const libRows: { name: string; pts: Point[] }[] = [];
try {
  const lib = await import('../src/ml/forecast/index.js');
  const { quantileForecastRightsizer } = await import('../src/optimization/rightsizing.js');
  const makers: [string, () => import('../src/ml/forecast/index.js').Forecaster][] = [
    ['seasonal_naive', () => new lib.SeasonalNaive()],
    ['holt_winters', () => new lib.HoltWinters()],
  ];
  t = performance.now();
  for (const [name, make] of makers) {
    libRows.push({ name, pts: sweepOurs(list, OUTER, LIB_RISK, { forecaster: quantileForecastRightsizer(make) }).map((p) => ({ ...p, method: `ours+${name}` })) });
  }
  const oursSame = outer.ours.filter((p) => LIB_RISK.some((r) => p.setting === `risk ×${r}`));
  pointsTable(`Our sizing rule with the forecasting library's forecasters in place of ours (outer split; ${((performance.now() - t) / 1000).toFixed(1)} s)`, [...oursSame, ...libRows.flatMap((r) => r.pts)]);
} catch (err) {
  console.log(`\nForecasting-library comparison skipped: ${(err as Error).message}`);
}

// Actions our default makes on the outer split, and speed.
t = performance.now();
const actions: Record<string, number> = {};
const priorities: Record<string, number> = {};
let saving = 0;
for (const e of list) {
  const r = rightsize({ id: e.vm.id, cpu: e.vm.cpu, memGiB: e.vm.mem, startMs: START_MS, stepMs: STEP_MS, to: OUTER.fitEnd, provisioned: { cpuCores: e.provCores, memoryGiB: e.provMem } }, { now: START_MS + OUTER.fitEnd * STEP_MS });
  actions[r.recommendation.action] = (actions[r.recommendation.action] ?? 0) + 1;
  priorities[r.recommendation.priority] = (priorities[r.recommendation.priority] ?? 0) + 1;
  saving -= r.detail.monthlyCostChange;
}
const rsMs = (performance.now() - t) / list.length;
console.log(`\nOur default (standard class) on the outer split: actions ${JSON.stringify(actions)}, priorities ${JSON.stringify(priorities)}, net allocation saving ${saving.toFixed(0)} a month (cost model defaults); ${rsMs.toFixed(3)} ms per VM (21 days of history, both resources, reasons included).`);

const pick = (d: Domination) => ({
  dominates: d.dominates,
  ratioAtVpaDefault: +d.ratioAtDefault.toFixed(4),
  oursAtVpaDefault: +d.oursAtDefault.toFixed(4),
  vpaDefault: +d.vpaAtDefault.toFixed(4),
  vpaDefaultViolation: +d.violationAtDefault.toFixed(5),
  oursViolationAtVpaDefaultReclaimed: +d.oursViolationAtDefaultReclaimed.toFixed(5),
});
const def = (pts: Point[]) => {
  const p = pts.find((x) => x.isDefault)!.score;
  return { cpuReclaimed: +p.cpuReclaimed.toFixed(4), cpuViolation: +p.cpuViolation.toFixed(5), cpuUnserved: +p.cpuUnserved.toFixed(5), memUnserved: +p.memUnserved.toFixed(6), memReclaimed: +p.memReclaimed.toFixed(4), memViolation: +p.memViolation.toFixed(5), cpuWorst: +p.cpuWorst.toFixed(4), memWorst: +p.memWorst.toFixed(4), memViolatingVms: p.memViolatingVms };
};
console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(
  JSON.stringify({
    eval: 'rightsizing',
    dataset: 'bitbrains-rnd 2013-8',
    vms: outer.vms,
    outer: { cpu: pick(outer.cpu), memory: pick(outer.mem), cpuUnserved: pick(outer.cpuUnserved), memoryUnserved: pick(outer.memUnserved), oursDefault: def(outer.ours), vpaDefault: def(outer.vpa), awsDefault: def(outer.aws) },
    inner: { cpu: pick(inner.cpu), memory: pick(inner.mem) },
    innerSplits: Object.fromEntries(innerAll.map((r) => [r.split.name, { cpu: +r.cpu.ratioAtDefault.toFixed(4), cpuDominates: r.cpu.dominates, memory: +r.mem.ratioAtDefault.toFixed(4), memoryDominates: r.mem.dominates }])),
    innerMean: { cpu: +meanRatio((r) => r.cpu.ratioAtDefault).toFixed(4), memory: +meanRatio((r) => r.mem.ratioAtDefault).toFixed(4) },
    libraryForecasters: Object.fromEntries(libRows.map((r) => [r.name, Object.fromEntries(r.pts.map((p) => [p.setting, { cpuReclaimed: +p.score.cpuReclaimed.toFixed(4), cpuViolation: +p.score.cpuViolation.toFixed(5), memReclaimed: +p.score.memReclaimed.toFixed(4), memViolation: +p.score.memViolation.toFixed(5) }]))])),
    accuracy: Object.fromEntries(accuracy.map((a) => [a.method.split(' (')[0], { medianMase: +a.medianMase.toFixed(4), pooledMase: +a.pooledMase.toFixed(4), medianR2: +a.medianR2.toFixed(4), pooledWithinR2: +a.pooledWithinR2.toFixed(4), pooledFleetR2: +a.pooledFleetR2.toFixed(4) }])),
    msPerVm: +rsMs.toFixed(4),
  }),
);
