/**
 * The catch22 feature set (Lubba, Sethi, Knaute, Schultz, Fulcher & Jones 2019, "catch22:
 * CAnonical Time-series CHaracteristics", Data Mining and Knowledge Discovery 33: 1821–1852):
 * 22 features chosen from hctsa's 7,000+ for being fast, diverse and good at classifying time
 * series. Implemented here in TypeScript from the published definitions, validated against the
 * reference implementation's outputs (fixtures/catch22/). As in the reference, every one of the
 * 22 is computed on the z-scored window (mean 0, sample standard deviation 1): its run_features
 * z-scores once for all of them, and only catch24's two extra features (DN_Mean, DN_Spread_Std,
 * not included here) read the raw series. So they describe shape, not level or scale; the other
 * groups carry level and scale.
 *
 * The reference refuses series shorter than 40 points; we compute from the extractor's minimum
 * of 8. Short windows degrade gracefully rather than fail: the SC_FluctAnal features are 0 below
 * about 32 points (fewer than 12 distinct scales), lag searches are capped by the window. A constant window cannot be
 * z-scored: every catch22 feature is NaN then (also when the variance underflows to 0, which
 * takes deviations below ~1e-154).
 *
 * Names are the canonical ones with a `catch22.` prefix. Values follow the reference outputs in
 * the fixtures (catch22 v0.4-era C code: IN_AutoMutualInfoStats and PD_PeriodicityWang report
 * lags, the SB_BinaryStats features true run lengths), so they are comparable with published
 * catch22 results.
 */
import { gaussianAutoMutualInfoFirstMin, embeddingDistanceExpFit, firstAutocorrelationMinimum, firstOneOverECrossing, histogramAutoMutualInfo, meanForecast1TauRatio, meanForecast3StdErr, pnn40, timeReversibility } from './catch22-autocorrelation.js';
import { histogramMode, outlierInclude } from './catch22-distribution.js';
import { fluctuationBreakpoint } from './catch22-fluctuation.js';
import { periodicityWang } from './catch22-periodicity.js';
import { Catch22Scratch } from './catch22-scratch.js';
import { longestStretchAboveMean, longestStretchDecreasing, tercilePairEntropy, transitionMatrixColumnVariance } from './catch22-symbolic.js';
import { welchSummaries } from './catch22-welch.js';
import { defineGroup } from './feature-group.js';
import type { WindowWorkspace } from './window-workspace.js';

export const CATCH22 = defineGroup(
  'catch22',
  [
    ['DN_HistogramMode_5', 'Mode of the z-scored values: centre of the fullest of 5 equal-width bins over [min, max], mean of the centres on ties (standard deviations).'],
    ['DN_HistogramMode_10', 'The same with 10 bins (standard deviations): where most of the time is spent relative to the mean.'],
    ['CO_f1ecac', 'First lag at which the autocorrelation falls below 1/e, interpolated between lags (steps; n when it never does): the correlation length.'],
    ['CO_FirstMin_ac', 'First local minimum of the autocorrelation (lag, steps; n when there is none): half the period of a dominant cycle.'],
    ['CO_HistogramAMI_even_2_5', 'Automutual information between z[t] and z[t+2] from a 5×5 equal-width joint histogram (nats): nonlinear short-range predictability.'],
    ['CO_trev_1_num', 'Time-reversibility: mean of (z[t+1] − z[t])³ (standard deviations³): rises differ from falls, e.g. slow climbs and sudden drops.'],
    ['MD_hrv_classic_pnn40', 'Share of successive differences of the z-scored series larger than 0.04 (0–1), pNN40 from heart-rate variability: how often the series moves at all.'],
    ['SB_BinaryStats_mean_longstretch1', 'Longest run of consecutive points above the mean (points): long excursions above the usual level.'],
    ['SB_TransitionMatrix_3ac_sumdiagcov', 'Sum of the column variances of the 3×3 transition matrix between terciles, with the series sampled every τ steps, τ the first zero of the autocorrelation (unitless).'],
    ['PD_PeriodicityWang_th0_01', 'Period estimate (Wang et al. 2007): lag of the first peak of the autocovariance of the cubic-spline-detrended series that is positive and ≥ 0.01 above the preceding trough, searching lags up to n/3 (steps); 0 when there is none.'],
    ['CO_Embed2_Dist_tau_d_expfit_meandiff', 'Mean absolute difference between the histogram of successive distances in the 2-d delay embedding (τ = first zero of the autocorrelation, at most n/10) and an exponential density with their mean (unitless).'],
    ['IN_AutoMutualInfoStats_40_gaussian_fmmi', 'Lag of the first local minimum of the Gaussian automutual information −½·log(1 − r(τ)²) over τ = 1 … min(40, ⌈n/2⌉) (steps; the maximum lag when there is none): a correlation time.'],
    ['FC_LocalSimple_mean1_tauresrat', 'First zero of the autocorrelation of the one-step-difference residuals divided by that of the series (ratio): how much memory a naive forecast removes.'],
    ['DN_OutlierInclude_p_001_mdrmd', 'Median, over thresholds 0.01, 0.02, … standard deviations, of the median position of the points above the threshold, scaled to −1 (start) … 1 (end): do high extremes come late in the window?'],
    ['DN_OutlierInclude_n_001_mdrmd', 'The same for the points below −threshold: do low extremes come late in the window?'],
    ['SP_Summaries_welch_rect_area_5_1', 'Power in the lowest fifth of the frequencies of the z-scored periodogram (rectangular window, padded to a power of two) (≈ share, the z-scored variance being 1): slow variation.'],
    ['SB_BinaryStats_diff_longstretch0', 'Longest run of consecutive decreasing steps (steps): sustained declines.'],
    ['SB_MotifThree_quantile_hh', 'Entropy of successive pairs of symbols after coarse-graining into 3 equiprobable symbols (terciles) (nats): how predictable the next tercile is.'],
    ['SC_FluctAnal_2_rsrangefit_50_1_logi_prop_r1', 'Rescaled-range fluctuation analysis of the cumulative sum over 50 log-spaced scales: where a two-line fit of log F against log scale breaks, as a share of the scales (0–1); 0 when fewer than 12 distinct scales fit (n < ~32).'],
    ['SC_FluctAnal_2_dfa_50_1_2_logi_prop_r1', 'Detrended fluctuation analysis on every second point, same breakpoint statistic (0–1): a change of scaling between short and long time scales; 0 when fewer than 12 distinct scales fit.'],
    ['SP_Summaries_welch_rect_centroid', 'Angular frequency below which half of the z-scored periodogram lies (radians per step): low for slow series.'],
    ['FC_LocalSimple_mean3_stderr', 'Standard deviation of the errors of forecasting each point by the mean of the previous 3 (standard deviations): short-term unpredictability.'],
  ] as const,
  'catch22.',
);

const I = CATCH22.at;

export function computeCatch22(ws: WindowWorkspace, out: Float64Array, o: number): void {
  const n = ws.n;
  if (ws.sumSquares === 0 || n < 4) {
    for (let i = 0; i < CATCH22.size; i++) out[o + i] = NaN;
    return;
  }
  const s = ws.catch22 ?? (ws.catch22 = new Catch22Scratch(n));
  // z-score as the reference: mean, then the sample standard deviation (n − 1).
  const sd = Math.sqrt(ws.sumSquares / (n - 1));
  const mean = ws.mean;
  const z = s.z;
  const x = ws.x;
  for (let i = 0; i < n; i++) z[i] = (x[i] - mean) / sd;
  // z is x through an increasing map, so x's order is z's: z in ascending order is the sorted
  // window z-scored the same way, and the positions of x in ascending order are those of z.
  const zSorted = s.zSorted;
  const sorted = ws.sorted;
  for (let i = 0; i < n; i++) zSorted[i] = (sorted[i] - mean) / sd;
  const zMin = zSorted[0];
  const zMax = zSorted[n - 1];
  const acf = ws.acf;

  const counts = s.histogramOf(10);
  out[o + I.DN_HistogramMode_5] = histogramMode(z, n, 5, counts, zMin, zMax);
  out[o + I.DN_HistogramMode_10] = histogramMode(z, n, 10, counts, zMin, zMax);
  out[o + I.CO_f1ecac] = firstOneOverECrossing(acf, n);
  out[o + I.CO_FirstMin_ac] = firstAutocorrelationMinimum(acf, n);
  out[o + I.CO_HistogramAMI_even_2_5] = histogramAutoMutualInfo(z, n, zMin, zMax, s);
  out[o + I.CO_trev_1_num] = timeReversibility(z, n);
  out[o + I.MD_hrv_classic_pnn40] = pnn40(z, n);
  out[o + I.SB_BinaryStats_mean_longstretch1] = longestStretchAboveMean(z, n);
  out[o + I.SB_TransitionMatrix_3ac_sumdiagcov] = transitionMatrixColumnVariance(z, n, acf, s);
  out[o + I.PD_PeriodicityWang_th0_01] = periodicityWang(z, n, s);
  out[o + I.CO_Embed2_Dist_tau_d_expfit_meandiff] = embeddingDistanceExpFit(z, n, acf, s);
  out[o + I.IN_AutoMutualInfoStats_40_gaussian_fmmi] = gaussianAutoMutualInfoFirstMin(z, n, s);
  out[o + I.FC_LocalSimple_mean1_tauresrat] = meanForecast1TauRatio(z, n, acf, s);
  const order = ws.order();
  out[o + I.DN_OutlierInclude_p_001_mdrmd] = outlierInclude(z, n, 1, order, s);
  out[o + I.DN_OutlierInclude_n_001_mdrmd] = outlierInclude(z, n, -1, order, s);
  welchSummaries(z, n, s, out, o + I.SP_Summaries_welch_rect_area_5_1, o + I.SP_Summaries_welch_rect_centroid);
  out[o + I.SB_BinaryStats_diff_longstretch0] = longestStretchDecreasing(z, n);
  out[o + I.SB_MotifThree_quantile_hh] = tercilePairEntropy(z, n, zSorted, s);
  out[o + I.SC_FluctAnal_2_rsrangefit_50_1_logi_prop_r1] = fluctuationBreakpoint(z, n, 1, 'rsrange', s);
  out[o + I.SC_FluctAnal_2_dfa_50_1_2_logi_prop_r1] = fluctuationBreakpoint(z, n, 2, 'dfa', s);
  out[o + I.FC_LocalSimple_mean3_stderr] = meanForecast3StdErr(z, n, s);
}
