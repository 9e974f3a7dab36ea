/**
 * Maps a raw detector score to how rare it is among the scores of normal (training) rows: its
 * tail probability
 *
 *   p(s) = (1 + #{calibration scores ≥ s}) / (n + 1)        (the ECDF's upper tail, never 0)
 *
 * so the scores of detectors on different scales (path lengths, LOF ratios, kernel sums,
 * reconstruction errors) become comparable numbers with one meaning: "a share p of normal rows
 * score at least this high".
 *
 * The empirical tail alone would give every score beyond the largest calibration score the same
 * p = 1/(n + 1), erasing the order among exactly the rows that matter (the anomalies). Above the
 * (1 − tailShare) quantile u the tail is therefore modelled as exponential, fitted to the top k
 * excesses by maximum likelihood (the peaks-over-threshold idea with a shape of 0):
 *
 *   p(s) = (k + 1)/(n + 1) · exp(−(s − u)/β),  β = mean of the k excesses over u,   s > u
 *
 * which keeps decreasing past the calibration maximum. p is non-increasing in s everywhere.
 * `surprisal` = −log10 p is computed in the log domain, so it stays finite and ordered however
 * far out s lies (1 − p would round to 1 beyond p ≈ 1e-16). NaN scores carry no evidence: p = 1.
 */
import { MLInputError } from '../../ml/core/errors.js';
import { decodeArray, encodeArray, type EncodedArray } from '../../ml/core/typed-array-codec.js';

export interface EcdfNormaliserParams {
  /** Share of the calibration scores, the highest, used to fit the exponential tail (default 0.05). */
  tailShare?: number;
  /** The tail is modelled only with at least this many excesses; below it p is purely empirical (default 10). */
  minTailPoints?: number;
}

export interface SerializedEcdfNormaliser {
  tailShare: number;
  minTailPoints: number;
  sorted: EncodedArray;
  tail: { u: number; k: number; beta: number } | null;
}

const LN10 = Math.LN10;

export class EcdfNormaliser {
  readonly tailShare: number;
  readonly minTailPoints: number;
  private sorted?: Float64Array;
  private tail: { u: number; k: number; beta: number } | null = null;

  constructor(params: EcdfNormaliserParams = {}) {
    const tailShare = params.tailShare ?? 0.05;
    if (!(tailShare > 0 && tailShare < 1)) throw new MLInputError(`EcdfNormaliser: tailShare must be in (0, 1), got ${tailShare}`);
    const minTailPoints = params.minTailPoints ?? 10;
    if (!Number.isInteger(minTailPoints) || minTailPoints < 1) throw new MLInputError(`EcdfNormaliser: minTailPoints must be a positive integer, got ${minTailPoints}`);
    this.tailShare = tailShare;
    this.minTailPoints = minTailPoints;
  }

  /** Learns the distribution of normal scores; NaN values are ignored, ±∞ is an error. */
  fit(scores: ArrayLike<number>): this {
    const finite: number[] = [];
    for (let i = 0; i < scores.length; i++) {
      const v = scores[i];
      if (v === Infinity || v === -Infinity) throw new MLInputError(`EcdfNormaliser: calibration score ${i} is infinite`);
      if (!Number.isNaN(v)) finite.push(v);
    }
    if (finite.length === 0) throw new MLInputError('EcdfNormaliser: needs at least one finite calibration score');
    const sorted = Float64Array.from(finite).sort();
    const n = sorted.length;
    const k = Math.floor(this.tailShare * n);
    this.tail = null;
    if (k >= this.minTailPoints && k < n) {
      const u = sorted[n - k - 1];
      let sum = 0;
      for (let i = n - k; i < n; i++) sum += sorted[i] - u;
      const beta = sum / k;
      // All top-k scores equal u: nothing to extrapolate from; the empirical tail stands alone.
      if (beta > 0) this.tail = { u, k, beta };
    }
    this.sorted = sorted;
    return this;
  }

  private fitted(): Float64Array {
    if (!this.sorted) throw new MLInputError('EcdfNormaliser is not fitted: call fit() first');
    return this.sorted;
  }

  /** Number of calibration scores. */
  get size(): number {
    return this.fitted().length;
  }

  /** ln p(s) (≤ 0), exact in the log domain for the modelled tail. */
  logTailProbability(s: number): number {
    const sorted = this.fitted();
    const n = sorted.length;
    if (Number.isNaN(s)) return 0;
    const t = this.tail;
    if (t && s > t.u) return Math.log((t.k + 1) / (n + 1)) - (s - t.u) / t.beta;
    // #{c ≥ s}: the first index whose value is ≥ s, by binary search.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return Math.log((1 + n - lo) / (n + 1));
  }

  /** p(s) in (0, 1]: the share of normal rows scoring at least s. */
  tailProbability(s: number): number {
    return Math.exp(this.logTailProbability(s));
  }

  /** −log10 p(s) ≥ 0: 2 means "1 normal row in 100 scores this high", 3 "1 in 1000". */
  surprisal(s: number): number {
    return -this.logTailProbability(s) / LN10;
  }

  /** `surprisal` of every score. */
  surprisals(scores: ArrayLike<number>, out = new Float64Array(scores.length)): Float64Array {
    for (let i = 0; i < scores.length; i++) out[i] = this.surprisal(scores[i]);
    return out;
  }

  toJSON(): SerializedEcdfNormaliser {
    return { tailShare: this.tailShare, minTailPoints: this.minTailPoints, sorted: encodeArray(this.fitted()), tail: this.tail ? { ...this.tail } : null };
  }

  static fromJSON(json: SerializedEcdfNormaliser): EcdfNormaliser {
    if (!json || typeof json !== 'object') throw new MLInputError('EcdfNormaliser: not a serialised normaliser');
    const e = new EcdfNormaliser({ tailShare: json.tailShare, minTailPoints: json.minTailPoints });
    const sorted = decodeArray(json.sorted, 'f64');
    if (sorted.length === 0) throw new MLInputError('EcdfNormaliser: serialised calibration scores are empty');
    for (let i = 1; i < sorted.length; i++) if (!(sorted[i] >= sorted[i - 1])) throw new MLInputError('EcdfNormaliser: serialised calibration scores are not sorted');
    const t = json.tail;
    if (t !== null && !(Number.isFinite(t.u) && Number.isInteger(t.k) && t.k >= 1 && t.k < sorted.length && t.beta > 0)) throw new MLInputError('EcdfNormaliser: serialised tail is malformed');
    e.sorted = sorted;
    e.tail = t ? { u: t.u, k: t.k, beta: t.beta } : null;
    return e;
  }
}
