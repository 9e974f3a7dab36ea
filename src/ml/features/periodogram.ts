/**
 * |X_k|² of the discrete Fourier transform of a real series of any length n, for k = 0 … ⌊n/2⌋,
 * without padding (padding would move the bins off the series' own frequencies k/n):
 *
 * - n a power of two: radix-2 FFT;
 * - n ≤ DIRECT_DFT_MAX: one Goertzel recurrence per bin (a plain DFT that needs one multiply-add
 *   per point and no sine table; four bins run interleaved so their dependency chains overlap).
 *   For n = 60 that is 31 × 60 steps, cheaper than any FFT setup; its rounding error grows like
 *   n²·ε, negligible at these lengths;
 * - otherwise Bluestein's chirp-z transform, a convolution done with power-of-two FFTs. Since the
 *   output chirp has modulus 1, |X_k|² is |conv_k|² and the last multiplication is skipped.
 */
import { nextPowerOfTwo, Radix2Fft } from './fft.js';

export const DIRECT_DFT_MAX = 128;

export class Periodogram {
  readonly n: number;
  /** Number of bins: ⌊n/2⌋ + 1. */
  readonly bins: number;
  private readonly mode: 'fft' | 'direct' | 'bluestein';
  private readonly fft: Radix2Fft | undefined;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** Goertzel coefficients 2·cos(2πk/n). */
  private readonly coef: Float64Array;
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  private readonly kernelRe: Float64Array;
  private readonly kernelIm: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.bins = (n >>> 1) + 1;
    const empty = new Float64Array(0);
    this.coef = this.chirpRe = this.chirpIm = this.kernelRe = this.kernelIm = empty;
    if ((n & (n - 1)) === 0) {
      this.mode = 'fft';
      this.fft = new Radix2Fft(n);
      this.re = new Float64Array(n);
      this.im = new Float64Array(n);
    } else if (n <= DIRECT_DFT_MAX) {
      this.mode = 'direct';
      this.fft = undefined;
      this.re = this.im = empty;
      this.coef = new Float64Array(this.bins);
      for (let k = 0; k < this.bins; k++) this.coef[k] = 2 * Math.cos((2 * Math.PI * k) / n);
    } else {
      this.mode = 'bluestein';
      const m = nextPowerOfTwo(2 * n - 1);
      this.fft = new Radix2Fft(m);
      this.re = new Float64Array(m);
      this.im = new Float64Array(m);
      // w_t = e^{−iπt²/n}; t² is reduced mod 2n first so the angle stays exact for long series.
      this.chirpRe = new Float64Array(n);
      this.chirpIm = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        const angle = (Math.PI * ((t * t) % (2 * n))) / n;
        this.chirpRe[t] = Math.cos(angle);
        this.chirpIm[t] = -Math.sin(angle);
      }
      // Kernel b_t = conj(w_t) at t and at m − t, transformed once.
      this.kernelRe = new Float64Array(m);
      this.kernelIm = new Float64Array(m);
      for (let t = 0; t < n; t++) {
        this.kernelRe[t] = this.chirpRe[t];
        this.kernelIm[t] = -this.chirpIm[t];
        if (t > 0) {
          this.kernelRe[m - t] = this.chirpRe[t];
          this.kernelIm[m - t] = -this.chirpIm[t];
        }
      }
      this.fft.forward(this.kernelRe, this.kernelIm);
    }
  }

  /** power[k] = |Σ_t x_t·e^{−2πikt/n}|² for k = 0 … ⌊n/2⌋. */
  compute(x: Float64Array, power: Float64Array): void {
    const n = this.n;
    if (this.mode === 'direct') {
      // Goertzel: s_t = x_t + c·s_{t−1} − s_{t−2}; |X_k|² = s1² + s2² − c·s1·s2 after the last point.
      // Each recurrence is a chain of dependent multiply-adds, so four bins run side by side.
      const coef = this.coef;
      const bins = this.bins;
      let k = 0;
      for (; k + 3 < bins; k += 4) {
        const c0 = coef[k];
        const c1 = coef[k + 1];
        const c2 = coef[k + 2];
        const c3 = coef[k + 3];
        let a1 = 0;
        let a2 = 0;
        let b1 = 0;
        let b2 = 0;
        let d1 = 0;
        let d2 = 0;
        let e1 = 0;
        let e2 = 0;
        for (let t = 0; t < n; t++) {
          const v = x[t];
          const a0 = v + c0 * a1 - a2;
          a2 = a1;
          a1 = a0;
          const b0 = v + c1 * b1 - b2;
          b2 = b1;
          b1 = b0;
          const d0 = v + c2 * d1 - d2;
          d2 = d1;
          d1 = d0;
          const e0 = v + c3 * e1 - e2;
          e2 = e1;
          e1 = e0;
        }
        // Rounding can leave −1e−30 where the power is 0.
        power[k] = Math.max(0, a1 * a1 + a2 * a2 - c0 * a1 * a2);
        power[k + 1] = Math.max(0, b1 * b1 + b2 * b2 - c1 * b1 * b2);
        power[k + 2] = Math.max(0, d1 * d1 + d2 * d2 - c2 * d1 * d2);
        power[k + 3] = Math.max(0, e1 * e1 + e2 * e2 - c3 * e1 * e2);
      }
      for (; k + 1 < bins; k += 2) {
        const c0 = coef[k];
        const c1 = coef[k + 1];
        let a1 = 0;
        let a2 = 0;
        let b1 = 0;
        let b2 = 0;
        for (let t = 0; t < n; t++) {
          const v = x[t];
          const a0 = v + c0 * a1 - a2;
          a2 = a1;
          a1 = a0;
          const b0 = v + c1 * b1 - b2;
          b2 = b1;
          b1 = b0;
        }
        power[k] = Math.max(0, a1 * a1 + a2 * a2 - c0 * a1 * a2);
        power[k + 1] = Math.max(0, b1 * b1 + b2 * b2 - c1 * b1 * b2);
      }
      if (k < bins) {
        const c = coef[k];
        let a1 = 0;
        let a2 = 0;
        for (let t = 0; t < n; t++) {
          const a0 = x[t] + c * a1 - a2;
          a2 = a1;
          a1 = a0;
        }
        power[k] = Math.max(0, a1 * a1 + a2 * a2 - c * a1 * a2);
      }
      return;
    }
    const re = this.re;
    const im = this.im;
    const fft = this.fft!;
    if (this.mode === 'fft') {
      for (let t = 0; t < n; t++) {
        re[t] = x[t];
        im[t] = 0;
      }
      fft.forward(re, im);
      for (let k = 0; k < this.bins; k++) power[k] = re[k] * re[k] + im[k] * im[k];
      return;
    }
    const m = fft.size;
    for (let t = 0; t < n; t++) {
      re[t] = x[t] * this.chirpRe[t];
      im[t] = x[t] * this.chirpIm[t];
    }
    re.fill(0, n, m);
    im.fill(0, n, m);
    fft.forward(re, im);
    const kr = this.kernelRe;
    const ki = this.kernelIm;
    for (let i = 0; i < m; i++) {
      const a = re[i];
      const b = im[i];
      re[i] = a * kr[i] - b * ki[i];
      im[i] = a * ki[i] + b * kr[i];
    }
    fft.inverse(re, im);
    for (let k = 0; k < this.bins; k++) power[k] = re[k] * re[k] + im[k] * im[k];
  }
}
