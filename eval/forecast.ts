/**
 * `npm run eval:forecast` — the demand forecasts NovaCron asks for (`predict_demand`,
 * `/predict/resources`): short horizons from a VM's recent history, as the service makes them
 * (forecastDemand: method chosen by backtest on the history sent).
 *
 * Data: Bitbrains Rnd, CPU in use (cores) on the 5-minute grid (eval/lib/bitbrains.ts). Origins:
 * every 12 hours through the last 7 days of the month (the week eval:rightsizing judges); each
 * forecast sees the 7 days before its origin, as a caller would send. Horizons 1 h and 6 h.
 *
 * Scored against the naive rule (the last value) and seasonal naive (the same time a day
 * earlier), on the same origins: MAE (cores), MASE (MAE over the in-sample one-step naive MAE of
 * the history sent, per forecast, then the mean), coverage of the p90 and p95 quantiles (share of
 * actuals at or below them: 0.90 and 0.95 when calibrated), and which method was chosen.
 *
 *   npx tsx eval/forecast.ts [--vms 500]
 */
import { parseArgs } from 'node:util';
import { bitbrainsPresent, GRID_STEPS, GRID_T0, readVm, STEP_S } from './lib/bitbrains.js';
import { forecastDemand, InsufficientDataError } from '../src/optimization/demand-forecast.js';

const { values: args } = parseArgs({ options: { vms: { type: 'string', default: '500' } } });
const VMS = Number(args.vms);
const STEP_MS = STEP_S * 1000;
const DAY = 288;
const HISTORY = 7 * DAY;
const HORIZONS = [60, 360];

interface Tally {
  ours: number;
  naive: number;
  seasonal: number;
  mase: number;
  maseNaive: number;
  count: number;
  forecasts: number;
  p90: number;
  p95: number;
  covered: number;
  picks: Record<string, number>;
}

export function evaluateForecasts(vms: number, originsEvery = DAY / 2): Record<number, Tally> {
  const out: Record<number, Tally> = {};
  for (const h of HORIZONS) out[h] = { ours: 0, naive: 0, seasonal: 0, mase: 0, maseNaive: 0, count: 0, forecasts: 0, p90: 0, p95: 0, covered: 0, picks: {} };
  const firstOrigin = GRID_STEPS - 1 - 7 * DAY;
  for (let v = 1; v <= vms; v++) {
    const cpu = readVm(v).cpu;
    for (let origin = firstOrigin; origin + 6 * 12 <= GRID_STEPS; origin += originsEvery) {
      const points = [];
      for (let i = origin - HISTORY; i < origin; i++) if (Number.isFinite(cpu[i])) points.push({ ts: (GRID_T0 + i * STEP_S) * 1000, value: cpu[i] });
      if (points.length < DAY) continue;
      // In-sample one-step naive MAE of the history sent: the MASE scale.
      let scale = 0;
      let scaleN = 0;
      for (let i = 1; i < points.length; i++) {
        if (points[i].ts - points[i - 1].ts !== STEP_MS) continue;
        scale += Math.abs(points[i].value - points[i - 1].value);
        scaleN++;
      }
      scale = scaleN ? scale / scaleN : NaN;
      const last = points[points.length - 1].value;
      for (const h of HORIZONS) {
        let f;
        try {
          f = forecastDemand(points, { horizonMinutes: h, units: 'absolute', bounded: false });
        } catch (e) {
          if (e instanceof InsufficientDataError) continue;
          throw e;
        }
        const t = out[h];
        t.forecasts++;
        t.picks[f.model] = (t.picks[f.model] ?? 0) + 1;
        const p90 = f.quantiles.find((q) => q.level === 0.9)!.values;
        const p95 = f.quantiles.find((q) => q.level === 0.95)!.values;
        let e = 0;
        let eNaive = 0;
        let n = 0;
        for (let k = 0; k < f.predictions.length; k++) {
          const y = cpu[origin + k];
          const day = cpu[origin + k - DAY];
          if (!Number.isFinite(y) || !Number.isFinite(day)) continue;
          t.ours += Math.abs(f.predictions[k] - y);
          t.naive += Math.abs(last - y);
          t.seasonal += Math.abs(day - y);
          e += Math.abs(f.predictions[k] - y);
          eNaive += Math.abs(last - y);
          t.p90 += y <= p90[k] ? 1 : 0;
          t.p95 += y <= p95[k] ? 1 : 0;
          t.count++;
          n++;
        }
        if (n && scale > 0) {
          t.mase += e / n / scale;
          t.maseNaive += eNaive / n / scale;
          t.covered++;
        }
      }
    }
  }
  return out;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  if (!bitbrainsPresent()) {
    console.log('eval:forecast: the Bitbrains dataset is absent (../shared/data/bitbrains-rnd); nothing to evaluate');
    process.exit(0);
  }
  const t0 = performance.now();
  const res = evaluateForecasts(VMS);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  console.log(`Bitbrains Rnd, ${VMS} VMs, origins every 12 h in the last 7 days, 7 days of history per forecast\n`);
  console.log('horizon  forecasts  MAE ours  MAE naive  MAE seasonal-naive(1 d)  ours/naive  MASE ours  MASE naive  p90 cover  p95 cover  chosen');
  const json: Record<string, unknown> = {};
  for (const h of HORIZONS) {
    const t = res[h];
    const row = {
      forecasts: t.forecasts,
      mae: r3(t.ours / t.count),
      maeNaive: r3(t.naive / t.count),
      maeSeasonalNaive: r3(t.seasonal / t.count),
      ratioToNaive: r3(t.ours / t.naive),
      mase: r3(t.mase / t.covered),
      maseNaive: r3(t.maseNaive / t.covered),
      p90Coverage: r3(t.p90 / t.count),
      p95Coverage: r3(t.p95 / t.count),
      chosen: t.picks,
    };
    json[`${h}min`] = row;
    console.log(
      `${`${h} min`.padEnd(8)} ${String(row.forecasts).padStart(9)}  ${String(row.mae).padStart(8)}  ${String(row.maeNaive).padStart(9)}  ${String(row.maeSeasonalNaive).padStart(23)}  ${String(row.ratioToNaive).padStart(10)}  ${String(row.mase).padStart(9)}  ${String(row.maseNaive).padStart(10)}  ${String(row.p90Coverage).padStart(9)}  ${String(row.p95Coverage).padStart(9)}  ${JSON.stringify(row.chosen)}`,
    );
  }
  console.log(`\neval:forecast finished in ${(performance.now() - t0) / 1000 | 0} s`);
  console.log(JSON.stringify({ eval: 'forecast', dataset: 'bitbrains-rnd 2013-8', vms: VMS, ...json }));
}
