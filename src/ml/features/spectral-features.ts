/**
 * Where the window's variance sits in frequency, and how it depends on its own past. The
 * spectrum is the one-sided periodogram of the mean-removed window at the series' own
 * frequencies f_k = k/n cycles per step, k = 1 … ⌊n/2⌋ (interior bins doubled, the Nyquist bin
 * not, so the powers add up to the variance and a "share" is a share of the variance). Bands are
 * octaves below the Nyquist frequency, named by the periods they hold. A constant window has no
 * power: every spectral feature is 0 then, and so are the autocorrelations.
 */
import { defineGroup } from './feature-group.js';
import { Periodogram } from './periodogram.js';
import type { WindowWorkspace } from './window-workspace.js';

export const SPECTRAL = defineGroup('spectral', [
  ['power_share_period_32_plus', 'Share of the variance at periods ≥ 32 steps (f ≤ 1/32 cycles per step) (0–1): slow waves and drift.'],
  ['power_share_period_16_32', 'Share of the variance at periods 16–32 steps (1/32 < f ≤ 1/16) (0–1).'],
  ['power_share_period_8_16', 'Share of the variance at periods 8–16 steps (1/16 < f ≤ 1/8) (0–1).'],
  ['power_share_period_4_8', 'Share of the variance at periods 4–8 steps (1/8 < f ≤ 1/4) (0–1).'],
  ['power_share_period_2_4', 'Share of the variance at periods 2–4 steps (1/4 < f ≤ 1/2) (0–1): step-to-step noise, flapping.'],
  ['dominant_frequency', 'Frequency of the strongest bin (cycles per step); 0 for a constant window.'],
  ['dominant_period', 'Period of the strongest bin, n / k (steps): the length of the main cycle; 0 for a constant window.'],
  ['dominant_power_share', 'Share of the variance in the strongest bin (0–1): near 1 for a clean oscillation.'],
  ['spectral_centroid', 'Power-weighted mean frequency (cycles per step): low for smooth series, high for noisy ones.'],
  ['spectral_entropy', 'Shannon entropy of the power shares over the bins, divided by log(bins) (0–1): 1 for white noise, low for a few clean cycles.'],
  ['spectral_flatness', 'Geometric mean / arithmetic mean of the bin powers (0–1): 1 for white noise; 0 when any bin has no power.'],
  ['spectral_rolloff_85', 'Lowest frequency below which 85% of the variance lies (cycles per step).'],
  ['acf_lag1', 'Autocorrelation at lag 1 (−1 to 1): persistence from one step to the next (also the lag-1 partial autocorrelation).'],
  ['acf_lag2', 'Autocorrelation at lag 2 (−1 to 1).'],
  ['acf_lag3', 'Autocorrelation at lag 3 (−1 to 1).'],
  ['acf_lag5', 'Autocorrelation at lag 5 (−1 to 1).'],
  ['acf_lag10', 'Autocorrelation at lag 10 (−1 to 1); NaN when the window has ≤ 10 points.'],
  ['pacf_lag2', 'Partial autocorrelation at lag 2, (r2 − r1²) / (1 − r1²) (−1 to 1): what lag 2 adds beyond lag 1; 0 when |r1| = 1.'],
  ['box_pierce_10', 'Box–Pierce statistic n·Σ_{k=1..10} r_k² (≈ χ² with 10 degrees of freedom under white noise; unitless): any short-range structure at all; NaN when the window has ≤ 10 points.'],
] as const);

const I = SPECTRAL.at;

/** Upper band edges as fractions of the Nyquist frequency (octaves). */
const BAND_EDGES = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1] as const;
const BAND_SLOTS = [I.power_share_period_32_plus, I.power_share_period_16_32, I.power_share_period_8_16, I.power_share_period_4_8, I.power_share_period_2_4] as const;

/** Per-length scratch: the periodogram plan, its output and each bin's band. */
export class SpectralScratch {
  readonly periodogram: Periodogram;
  readonly power: Float64Array;
  readonly band: Uint8Array;
  readonly bandPower = new Float64Array(BAND_EDGES.length);

  constructor(n: number) {
    this.periodogram = new Periodogram(n);
    this.power = new Float64Array(this.periodogram.bins);
    this.band = new Uint8Array(this.periodogram.bins);
    for (let k = 1; k < this.periodogram.bins; k++) {
      const rel = (2 * k) / n; // frequency / Nyquist
      let b = 0;
      while (b < BAND_EDGES.length - 1 && rel > BAND_EDGES[b] * (1 + 1e-12)) b++;
      this.band[k] = b;
    }
  }
}

export function computeSpectral(ws: WindowWorkspace, out: Float64Array, o: number): void {
  const n = ws.n;
  if (ws.sumSquares === 0) {
    for (let i = 0; i < SPECTRAL.size; i++) out[o + i] = 0;
    if (n <= 10) out[o + I.acf_lag10] = out[o + I.box_pierce_10] = NaN;
    return;
  }
  const s = ws.spectral ?? (ws.spectral = new SpectralScratch(n));
  const power = s.power;
  s.periodogram.compute(ws.centered, power);
  const bins = s.periodogram.bins;
  const nyquist = n % 2 === 0 ? bins - 1 : -1;
  let total = 0;
  for (let k = 1; k < bins; k++) {
    if (k !== nyquist) power[k] *= 2;
    total += power[k];
  }

  const bands = s.bandPower;
  bands.fill(0);
  let best = 1;
  let centroid = 0;
  let entropy = 0;
  let logSum = 0;
  let anyZero = false;
  for (let k = 1; k < bins; k++) {
    const p = power[k];
    bands[s.band[k]] += p;
    if (p > power[best]) best = k;
    const share = p / total;
    centroid += share * (k / n);
    if (share > 0) entropy -= share * Math.log(share);
    if (p > 0) logSum += Math.log(p);
    else anyZero = true;
  }
  const m = bins - 1;
  for (let b = 0; b < 5; b++) out[o + BAND_SLOTS[b]] = bands[b] / total;
  out[o + I.dominant_frequency] = best / n;
  out[o + I.dominant_period] = n / best;
  out[o + I.dominant_power_share] = power[best] / total;
  out[o + I.spectral_centroid] = centroid;
  out[o + I.spectral_entropy] = m > 1 ? entropy / Math.log(m) : 0;
  out[o + I.spectral_flatness] = anyZero ? 0 : Math.exp(logSum / m) / (total / m);
  let cumulative = 0;
  let rolloff = bins - 1;
  for (let k = 1; k < bins; k++) {
    cumulative += power[k];
    if (cumulative >= 0.85 * total) {
      rolloff = k;
      break;
    }
  }
  out[o + I.spectral_rolloff_85] = rolloff / n;

  const acf = ws.acf;
  const r1 = acf.at(1);
  const r2 = acf.at(2);
  out[o + I.acf_lag1] = r1;
  out[o + I.acf_lag2] = r2;
  out[o + I.acf_lag3] = acf.at(3);
  out[o + I.acf_lag5] = acf.at(5);
  out[o + I.acf_lag10] = n > 10 ? acf.at(10) : NaN;
  const denom = 1 - r1 * r1;
  out[o + I.pacf_lag2] = denom > 0 ? (r2 - r1 * r1) / denom : 0;
  if (n > 10) {
    let q = 0;
    for (let k = 1; k <= 10; k++) q += acf.at(k) * acf.at(k);
    out[o + I.box_pierce_10] = n * q;
  } else out[o + I.box_pierce_10] = NaN;
}
