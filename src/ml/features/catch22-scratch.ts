/**
 * Buffers for the 22 catch22 features of one window length, allocated on the first window of
 * that length. Sizes follow from n; the histogram for the embedding distances grows on demand.
 */
import { LazyAutocorrelation } from './autocorrelation.js';
import { nextPowerOfTwo, Radix2Fft } from './fft.js';
import { fluctuationScales } from './catch22-fluctuation.js';
import { splineBasis } from './catch22-periodicity.js';

export class Catch22Scratch {
  readonly n: number;
  /** The z-scored window (sample standard deviation, as the reference). */
  readonly z: Float64Array;
  /** z in ascending order. */
  readonly zSorted: Float64Array;
  readonly work: Float64Array;
  readonly work2: Float64Array;
  readonly work3: Float64Array;
  readonly residualAcf: LazyAutocorrelation;
  readonly labels: Int32Array;
  histogram: Int32Array = new Int32Array(16);
  readonly joint = new Float64Array(25);
  readonly marginalA = new Float64Array(5);
  readonly marginalB = new Float64Array(5);
  readonly transitions = new Float64Array(9);
  readonly ami = new Float64Array(41);

  // DN_OutlierInclude: which positions hold a point above the threshold, and the runs of thresholds.
  readonly occupied: Uint8Array;
  /** The run key of an empty top threshold (see outlierInclude): n rounded up to a power of two, plus 2. */
  readonly emptyTopKey: number;
  readonly runKey: Int32Array;
  readonly runTop: Int32Array;
  /** Thresholds covered per run key (twice a median position: at most 2n, or emptyTopKey < 2n + 2). */
  readonly keyWeight: Int32Array;

  // SC_FluctAnal: the scales (fixed by n), the cumulative sum and its prefix sums.
  readonly cumulative: Float64Array;
  readonly prefix1: Float64Array;
  readonly prefixIndex: Float64Array;
  readonly prefix2: Float64Array;
  readonly taus = new Int32Array(50);
  readonly scaleCount: number;
  readonly fluctuation = new Float64Array(50);
  readonly logTau = new Float64Array(50);
  readonly logFluctuation = new Float64Array(50);
  readonly fitError = new Float64Array(50);
  readonly fitPrefix = new Float64Array(5 * 51);
  /** Branch-free choice between two values (see catch22-fluctuation.ts). */
  readonly pick = new Float64Array(8);

  // SP_Summaries: periodogram on the next power of two.
  readonly welchFft: Radix2Fft;
  readonly welchRe: Float64Array;
  readonly welchIm: Float64Array;
  readonly welchPower: Float64Array;

  // PD_PeriodicityWang: orthonormal basis of the cubic splines with one interior knot, and the autocovariances.
  readonly spline: Float64Array;
  readonly autocov: Float64Array;
  readonly troughs: Int32Array;
  readonly peaks: Int32Array;

  constructor(n: number) {
    this.n = n;
    this.z = new Float64Array(n);
    this.zSorted = new Float64Array(n);
    this.work = new Float64Array(n);
    this.work2 = new Float64Array(n);
    this.work3 = new Float64Array(n);
    this.residualAcf = new LazyAutocorrelation(n);
    this.labels = new Int32Array(n);
    this.occupied = new Uint8Array(n);
    this.emptyTopKey = nextPowerOfTwo(n) + 2;
    this.runKey = new Int32Array(n + 1);
    this.runTop = new Int32Array(n + 1);
    this.keyWeight = new Int32Array(2 * n + 3);
    this.cumulative = new Float64Array(n);
    this.prefix1 = new Float64Array(n + 1);
    this.prefixIndex = new Float64Array(n + 1);
    this.prefix2 = new Float64Array(n + 1);
    this.scaleCount = n >= 10 ? fluctuationScales(n, this.taus) : 0;
    for (let i = 0; i < this.scaleCount; i++) this.logTau[i] = Math.log(this.taus[i]);
    const nfft = nextPowerOfTwo(n);
    this.welchFft = new Radix2Fft(nfft);
    this.welchRe = new Float64Array(nfft);
    this.welchIm = new Float64Array(nfft);
    this.welchPower = new Float64Array((nfft >>> 1) + 1);
    this.spline = splineBasis(n);
    const acmax = Math.ceil(n / 3);
    this.autocov = new Float64Array(acmax);
    this.troughs = new Int32Array(acmax);
    this.peaks = new Int32Array(acmax);
  }

  /** The embedding-distance histogram, grown when a window needs more bins than any before it. */
  histogramOf(bins: number): Int32Array {
    if (this.histogram.length < bins) this.histogram = new Int32Array(Math.max(bins, this.histogram.length * 2));
    return this.histogram;
  }
}
