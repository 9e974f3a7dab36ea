/**
 * catch22's spectral summaries (SP_Summaries_welch_rect_*): the power spectrum of the z-scored
 * series with one rectangular window (a periodogram), zero-padded to the next power of two,
 * expressed against angular frequency ω ∈ [0, π]. The reference's constants are kept (its π is
 * 3.14159265359) so the values match it to the last printed digit.
 */
import type { Catch22Scratch } from './catch22-scratch.js';

const REFERENCE_PI = 3.14159265359;

/** Writes the area under the lowest fifth of the spectrum to out[areaSlot] and the spectral median frequency (rad/step) to out[centroidSlot]. */
export function welchSummaries(z: Float64Array, n: number, s: Catch22Scratch, out: Float64Array, areaSlot: number, centroidSlot: number): void {
  const fft = s.welchFft;
  const nfft = fft.size;
  const re = s.welchRe;
  const im = s.welchIm;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += z[i];
  const mean = sum / n;
  for (let i = 0; i < n; i++) {
    re[i] = z[i] - mean;
    im[i] = 0;
  }
  re.fill(0, n, nfft);
  im.fill(0, n, nfft);
  fft.forward(re, im);

  // One window of width n: k = ⌊n / (n/2)⌋ − 1 = 1 segment, normalised by k·‖window‖².
  const segments = Math.floor(n / (n / 2)) - 1;
  const norm = Math.sqrt(n);
  const kmu = segments * norm * norm;
  const bins = (nfft >>> 1) + 1;
  const sw = s.welchPower;
  const twoPi = 2 * REFERENCE_PI;
  for (let i = 0; i < bins; i++) {
    let p = (re[i] * re[i] + im[i] * im[i]) / kmu;
    if (i > 0 && i < bins - 1) p *= 2;
    sw[i] = p / twoPi;
  }
  if (bins < 2) {
    out[areaSlot] = out[centroidSlot] = NaN;
    return;
  }
  const dw = twoPi * (1 / nfft) - twoPi * 0;
  let total = 0;
  for (let i = 0; i < bins; i++) total += sw[i];
  const half = total * 0.5;
  let cumulative = 0;
  let centroid = 0;
  for (let i = 0; i < bins; i++) {
    cumulative += sw[i];
    if (cumulative > half) {
      centroid = twoPi * (i * (1 / nfft));
      break;
    }
  }
  let area = 0;
  const fifth = Math.trunc(bins / 5);
  for (let i = 0; i < fifth; i++) area += sw[i];
  out[areaSlot] = area * dw;
  out[centroidSlot] = centroid;
}
