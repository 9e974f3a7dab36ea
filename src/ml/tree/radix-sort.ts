/**
 * In-place LSD radix sorts of floats (no NaN), for binning: ~2× faster than the built-in
 * comparison sort on 200k doubles and ~5× on floats. The float's bits become an unsigned key
 * that sorts in numeric order (negative numbers: all bits flipped; others: the sign bit set),
 * then 11-bit digits are counted and scattered; a digit shared by every key (e.g. the low
 * mantissa bits of float32 data stored as doubles) is skipped.
 */

const DIGIT_BITS = 11;
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;

/** Sorts a Float32Array ascending in place (-0 before +0). */
export function sortFloat32(a: Float32Array): Float32Array {
  const n = a.length;
  if (n < 256) return a.sort();
  const keys = new Uint32Array(a.buffer, a.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const x = keys[i];
    keys[i] = x >>> 31 ? ~x >>> 0 : (x | 0x80000000) >>> 0;
  }
  let src: Uint32Array = keys;
  let dst: Uint32Array = new Uint32Array(n);
  const count = new Int32Array(DIGIT_MASK + 1);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    if (!countDigits(src, 0, 1, n, shift, count)) continue;
    for (let i = 0; i < n; i++) dst[count[(src[i] >>> shift) & DIGIT_MASK]++] = src[i];
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) {
    const x = src[i];
    keys[i] = x >>> 31 ? (x & 0x7fffffff) >>> 0 : ~x >>> 0;
  }
  return a;
}

/** Sorts a Float64Array ascending in place (-0 before +0). */
export function sortFloat64(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < 256) return a.sort();
  // Little-endian: word 2i is the low half of element i, word 2i+1 the high half.
  const words = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  for (let i = 0; i < 2 * n; i += 2) {
    const hi = words[i + 1];
    if (hi >>> 31) {
      words[i] = ~words[i] >>> 0;
      words[i + 1] = ~hi >>> 0;
    } else words[i + 1] = (hi | 0x80000000) >>> 0;
  }
  let src: Uint32Array = words;
  let dst: Uint32Array = new Uint32Array(2 * n);
  const count = new Int32Array(DIGIT_MASK + 1);
  for (let pass = 0; pass < 6; pass++) {
    const word = pass < 3 ? 0 : 1;
    const shift = (pass % 3) * DIGIT_BITS;
    if (!countDigits(src, word, 2, n, shift, count)) continue;
    for (let i = 0; i < 2 * n; i += 2) {
      const p = count[(src[i + word] >>> shift) & DIGIT_MASK]++ << 1;
      dst[p] = src[i];
      dst[p + 1] = src[i + 1];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < 2 * n; i += 2) {
    const hi = src[i + 1];
    if (hi >>> 31) {
      words[i] = src[i];
      words[i + 1] = (hi & 0x7fffffff) >>> 0;
    } else {
      words[i] = ~src[i] >>> 0;
      words[i + 1] = ~hi >>> 0;
    }
  }
  return a;
}

/**
 * Counts the digit at `shift` of keys src[word + stride*i] and turns the counts into starting
 * positions; false when every key has the same digit (the pass would change nothing).
 */
function countDigits(src: Uint32Array, word: number, stride: number, n: number, shift: number, count: Int32Array): boolean {
  count.fill(0);
  for (let i = word, end = stride * n; i < end; i += stride) count[(src[i] >>> shift) & DIGIT_MASK]++;
  let sum = 0;
  for (let d = 0; d <= DIGIT_MASK; d++) {
    const c = count[d];
    if (c === n) return false;
    count[d] = sum;
    sum += c;
  }
  return true;
}
