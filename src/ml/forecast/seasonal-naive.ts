import { assertFitted } from '../core/estimator.js';
import { MLInputError } from '../core/errors.js';
import { quantilesSelect } from './empirical-quantile.js';
import { InsufficientHistoryError } from './errors.js';
import type { Forecaster, QuantileForecast, SeriesGrid } from './forecaster.js';
import { detectSeasonality, type SeasonalityOptions } from './seasonality.js';
import { checkHorizon, checkLevels, checkSeries, countFinite, lastFiniteAtOrBefore } from './series-grid.js';

/**
 * Seasonal naive: the forecast for a step is the value one period earlier (k periods earlier
 * when the horizon reaches past the first cycle). It is the baseline every other forecaster must
 * beat, and the scale of MASE.
 *
 * With less than one full period of history it falls back to naive (the last value, period 1).
 * A missing value at the step it would copy is replaced by the most recent observed value at the
 * same phase (k + 1 periods back, …), and by the last observed value when the phase was never seen.
 *
 * Quantiles are the point forecast plus empirical quantiles of the rule's own in-sample errors at
 * the same reach: for a horizon h that copies from k = ⌈h / period⌉ periods back, the errors
 * y(t) − y(t − k·period) over the latest MAX_ERRORS steps where both are observed. For reaches
 * the history cannot show (k·period ≥ the series length) the widest observed distribution is
 * widened by √(k / k_observed), the random-walk growth of a sum of independent season-to-season
 * changes. Naive mode (period 1) measures reaches 1…8 and then powers of two, interpolating the
 * quantiles in log reach between them.
 */

export interface SeasonalNaiveParams {
  /** Period in steps, or 'auto' (default): the dominant period detectSeasonality finds, else 1 (naive). */
  period?: number | 'auto';
  /** Options for the detection that 'auto' runs. */
  seasonality?: SeasonalityOptions;
}

/** Latest errors kept per reach: a week of 5-minute steps. */
const MAX_ERRORS = 2016;
/** Reaches measured one by one before switching to powers of two. */
const EXACT_REACHES = 8;

interface State {
  values: Float64Array;
  period: number;
  startMs: number;
  stepMs: number;
}

let errBuf = new Float64Array(0);

export class SeasonalNaive implements Forecaster {
  readonly name = 'seasonal_naive';
  readonly params: SeasonalNaiveParams;
  private state?: State;

  constructor(params: SeasonalNaiveParams = {}) {
    this.params = { ...params };
  }

  /** The period used (1 when it fell back to naive). */
  get period(): number {
    return this.ready().period;
  }

  fit(series: SeriesGrid): this {
    const kind = 'SeasonalNaive';
    checkSeries(kind, series);
    const n = series.values.length;
    const finite = countFinite(series.values);
    if (n < 2 || finite < 2) throw new InsufficientHistoryError(kind, 2, Math.min(n, finite), 'two observed steps');
    const p = this.params.period ?? 'auto';
    let period: number;
    if (p === 'auto') period = detectSeasonality(series, this.params.seasonality).dominant ?? 1;
    else {
      if (!(Number.isInteger(p) && p >= 1)) throw new MLInputError(`${kind}: period must be a positive integer number of steps or 'auto', got ${p}`);
      period = p;
    }
    // Less than one full cycle (or no error left to learn from): repeat the last value instead.
    if (n <= period) period = 1;
    this.state = { values: series.values.slice(), period, startMs: series.startMs, stepMs: series.stepMs };
    return this;
  }

  forecast(horizon: number, levels: readonly number[]): QuantileForecast {
    const kind = 'SeasonalNaive';
    const s = this.ready();
    checkHorizon(kind, horizon);
    checkLevels(kind, levels);
    const x = s.values;
    const n = x.length;
    const p = s.period;
    const last = lastFiniteAtOrBefore(x, n - 1);
    const point = new Float64Array(horizon);
    for (let h = 1; h <= horizon; h++) {
      let i = n - 1 + h - p * (((h + p - 1) / p) | 0); // ⌈h / p⌉ as an int32 index
      while (i >= 0 && !(x[i] === x[i])) i -= p;
      point[h - 1] = i >= 0 ? x[i] : last;
    }
    // Error quantiles per reach k (periods copied back), measured where the history allows.
    const maxReach = Math.ceil(horizon / p);
    const reaches: number[] = [];
    for (let k = 1; k <= Math.min(maxReach, EXACT_REACHES); k++) reaches.push(k);
    for (let k = 16; k < maxReach * 2 && maxReach > EXACT_REACHES; k *= 2) reaches.push(Math.min(k, maxReach));
    const table: { k: number; q: Float64Array }[] = [];
    for (const k of reaches) {
      if (table.length && table[table.length - 1].k === k) continue;
      const q = reachQuantiles(x, k * p, levels);
      if (q) table.push({ k, q });
    }
    const quantiles = levels.map(() => new Float64Array(horizon));
    for (let h = 1; h <= horizon; h++) {
      const k = Math.ceil(h / p);
      for (let j = 0; j < levels.length; j++) quantiles[j][h - 1] = point[h - 1] + errorQuantileAt(table, k, j);
    }
    return { startMs: s.startMs + n * s.stepMs, stepMs: s.stepMs, point, levels: [...levels], quantiles };
  }

  private ready(): State {
    assertFitted('SeasonalNaive', this.state);
    return this.state;
  }
}

/** Quantiles of y(t) − y(t − lag) over the latest MAX_ERRORS observed pairs, or null when there is none. */
function reachQuantiles(x: Float64Array, lag: number, levels: readonly number[]): Float64Array | null {
  if (errBuf.length < MAX_ERRORS) errBuf = new Float64Array(MAX_ERRORS);
  let m = 0;
  for (let t = x.length - 1; t >= lag && m < MAX_ERRORS; t--) {
    const d = x[t] - x[t - lag];
    if (d === d) errBuf[m++] = d;
  }
  if (m === 0) return null;
  return quantilesSelect(errBuf, levels, m);
}

/** The j-th level's error quantile at reach k: exact, interpolated in log k, or widened past the table. */
function errorQuantileAt(table: { k: number; q: Float64Array }[], k: number, j: number): number {
  if (table.length === 0) return 0;
  const lastRow = table[table.length - 1];
  if (k >= lastRow.k) return lastRow.q[j] * Math.sqrt(k / lastRow.k);
  if (k <= table[0].k) return table[0].q[j];
  let i = 0;
  while (table[i + 1].k < k) i++;
  const a = table[i];
  const b = table[i + 1];
  if (b.k === k) return b.q[j];
  const f = (Math.log(k) - Math.log(a.k)) / (Math.log(b.k) - Math.log(a.k));
  return a.q[j] + f * (b.q[j] - a.q[j]);
}
