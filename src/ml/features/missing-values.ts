/**
 * The missing-value policy for a window. NaN, ±Infinity and values beyond ±MAX_MAGNITUDE are
 * missing (no metric reaches 1e100; a value that does is a corrupted sample, and squares and
 * spectra of such values would overflow to Infinity). Interior gaps are filled
 * by linear interpolation between the finite neighbours (a metric that was sampled late is most
 * likely between its neighbours); leading and trailing gaps take the nearest finite value (no
 * extrapolation: a made-up trend at the window's end would be the most misleading number of all).
 * The count and the longest run of missing points are kept as features, so a model still sees
 * that data was missing.
 */

/** Largest magnitude a value may have to count as present. */
export const MAX_MAGNITUDE = 1e100;

/** Slots of the `gaps` array that `fillMissing` writes. */
export const GAP_MISSING = 0;
export const GAP_LONGEST_RUN = 1;

/**
 * Copies window[0..n) into dst[0..n) with gaps filled. Writes the number of missing points to
 * gaps[GAP_MISSING] and the longest run of consecutive missing points to gaps[GAP_LONGEST_RUN].
 * Returns the number of finite points; when there is none, dst is all NaN.
 */
export function fillMissing(window: ArrayLike<number>, n: number, dst: Float64Array, gaps: Int32Array): number {
  let finite = 0;
  let run = 0;
  let longest = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const v = +window[i];
    if (!(v <= MAX_MAGNITUDE && v >= -MAX_MAGNITUDE)) {
      // NaN (every comparison is false), ±Infinity or absurdly large.
      run++;
      if (run > longest) longest = run;
      continue;
    }
    run = 0;
    dst[i] = v;
    if (last < i - 1) {
      if (last < 0) {
        for (let k = 0; k < i; k++) dst[k] = v;
      } else {
        const a = dst[last];
        const span = i - last;
        for (let k = last + 1; k < i; k++) dst[k] = a + ((v - a) * (k - last)) / span;
      }
    }
    last = i;
    finite++;
  }
  if (last < 0) {
    for (let k = 0; k < n; k++) dst[k] = NaN;
  } else {
    const tail = dst[last];
    for (let k = last + 1; k < n; k++) dst[k] = tail;
  }
  gaps[GAP_MISSING] = n - finite;
  gaps[GAP_LONGEST_RUN] = longest;
  return finite;
}
