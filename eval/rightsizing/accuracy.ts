/**
 * Forecast accuracy on the judged week, on HOURLY mean CPU (cores): our point path
 * (forecastUsagePath: whole-week-weighted hour-of-week profile blended with the hour-of-day one)
 * against seasonal naive with a one-week period (the same hour of the last fitted week) and with
 * a one-day period (the same hour of the last fitted day).
 *
 * - An hour's value is the mean of its 5-minute samples when at least 6 of 12 exist, else missing.
 * - Only whole hours inside the judged window count.
 * - MASE: the forecast's mean absolute error over the judged hours divided by the in-sample MAE
 *   of the one-week seasonal naive on the fit window (|y_t − y_{t−168}|), per VM; VMs whose
 *   in-sample scale is 0 (flat) are left out of MASE. Pooled MASE = Σ|errors| / Σ(hours × scale).
 * - R²: per VM 1 − SSE/SST around that VM's judged-week mean (median over VMs, VMs with SST 0
 *   left out); pooled within-VM 1 − ΣSSE/ΣSST_vm; and pooled across the fleet 1 − ΣSSE/SST
 *   around the fleet-wide mean, which also credits the forecast for knowing which VMs are big
 *   (between-VM variance) — the most flattering of the three, shown because a single pooled R²
 *   such as the seed's 0.82 is usually this one.
 */
import { forecastUsagePath } from '../../src/optimization/usage-quantile-forecast.js';
import { START_MS, type EvalVm, type Split } from './harness.js';

const PER_HOUR = 12;
const HOUR_MS = 3_600_000;

export function hourly(values: ArrayLike<number>, fromStep: number, toStep: number): Float64Array {
  const h0 = Math.ceil(fromStep / PER_HOUR);
  const h1 = Math.floor(toStep / PER_HOUR);
  const out = new Float64Array(Math.max(0, h1 - h0));
  for (let h = h0; h < h1; h++) {
    let s = 0;
    let n = 0;
    for (let i = h * PER_HOUR; i < (h + 1) * PER_HOUR; i++) {
      const v = values[i];
      if (Number.isFinite(v)) {
        s += v;
        n++;
      }
    }
    out[h - h0] = n >= PER_HOUR / 2 ? s / n : NaN;
  }
  return out;
}

export interface MethodAccuracy {
  method: string;
  medianMase: number;
  pooledMase: number;
  medianR2: number;
  pooledWithinR2: number;
  pooledFleetR2: number;
  vmsMase: number;
  vmsR2: number;
}

function median(a: number[]): number {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Seasonal naive from the fit hours: the value `period` × k hours back, k the smallest reaching into the fit window with data. */
function seasonalNaive(fit: Float64Array, fitStartHour: number, targetHours: number[], period: number): Float64Array {
  const out = new Float64Array(targetHours.length);
  const fitEnd = fitStartHour + fit.length;
  targetHours.forEach((h, j) => {
    let k = Math.ceil((h - fitEnd + 1) / period);
    let v = NaN;
    while (h - k * period >= fitStartHour) {
      const x = fit[h - k * period - fitStartHour];
      if (Number.isFinite(x)) {
        v = x;
        break;
      }
      k++;
    }
    out[j] = v;
  });
  return out;
}

export function forecastAccuracy(list: readonly EvalVm[], split: Split, weekWeight = 0.25, weekDecay = 0.7): MethodAccuracy[] {
  const methods = ['ours (week-weighted hour-of-week profile)', 'seasonal naive, 1 week', 'seasonal naive, 1 day'];
  const acc = methods.map(() => ({ mase: [] as number[], r2: [] as number[], absErr: 0, scaleN: 0, sse: 0, sstWithin: 0, fleetSse: 0 }));
  // Fleet-wide mean for the pooled-across-VMs R².
  const all: { y: Float64Array; preds: Float64Array[] }[] = [];
  const fitStartHour = 0;
  const fitHours = Math.floor(split.fitEnd / PER_HOUR);
  const jh0 = Math.ceil(split.judgeStart / PER_HOUR);
  for (const e of list) {
    const fit = hourly(e.vm.cpu, 0, fitHours * PER_HOUR);
    const y = hourly(e.vm.cpu, split.judgeStart, split.judgeEnd);
    const hours = Array.from({ length: y.length }, (_, j) => jh0 + j);
    // In-sample scale: one-week seasonal naive on the fit hours.
    let sAbs = 0;
    let sN = 0;
    for (let t = 168; t < fit.length; t++) {
      if (Number.isFinite(fit[t]) && Number.isFinite(fit[t - 168])) {
        sAbs += Math.abs(fit[t] - fit[t - 168]);
        sN++;
      }
    }
    const scale = sN ? sAbs / sN : NaN;
    const ours = forecastUsagePath({ values: fit, startMs: START_MS, stepMs: HOUR_MS, to: fit.length }, y.length, { offset: jh0 - fitHours, weekWeight, weekDecay });
    const preds = [ours, seasonalNaive(fit, fitStartHour, hours, 168), seasonalNaive(fit, fitStartHour, hours, 24)];
    all.push({ y, preds });
    let ySum = 0;
    let yN = 0;
    for (let j = 0; j < y.length; j++) if (Number.isFinite(y[j])) {
      ySum += y[j];
      yN++;
    }
    const yMean = ySum / yN;
    preds.forEach((p, m) => {
      let ae = 0;
      let se = 0;
      let st = 0;
      let n = 0;
      for (let j = 0; j < y.length; j++) {
        if (!Number.isFinite(y[j]) || !Number.isFinite(p[j])) continue;
        ae += Math.abs(y[j] - p[j]);
        se += (y[j] - p[j]) ** 2;
        st += (y[j] - yMean) ** 2;
        n++;
      }
      if (!n) return;
      const a = acc[m];
      if (scale > 0) {
        a.mase.push(ae / n / scale);
        a.absErr += ae;
        a.scaleN += n * scale;
      }
      if (st > 0) a.r2.push(1 - se / st);
      a.sse += se;
      a.sstWithin += st;
    });
  }
  let fs = 0;
  let fn = 0;
  for (const { y } of all) for (const v of y) if (Number.isFinite(v)) {
    fs += v;
    fn++;
  }
  const fleetMean = fs / fn;
  let fleetSst = 0;
  const fleetSse = methods.map(() => 0);
  for (const { y, preds } of all) {
    for (let j = 0; j < y.length; j++) {
      if (!Number.isFinite(y[j])) continue;
      if (preds.some((p) => !Number.isFinite(p[j]))) continue; // the same hours for every method
      fleetSst += (y[j] - fleetMean) ** 2;
      preds.forEach((p, m) => (fleetSse[m] += (y[j] - p[j]) ** 2));
    }
  }
  return methods.map((method, m) => ({
    method,
    medianMase: median(acc[m].mase),
    pooledMase: acc[m].absErr / acc[m].scaleN,
    medianR2: median(acc[m].r2),
    pooledWithinR2: 1 - acc[m].sse / acc[m].sstWithin,
    pooledFleetR2: 1 - fleetSse[m] / fleetSst,
    vmsMase: acc[m].mase.length,
    vmsR2: acc[m].r2.length,
  }));
}
