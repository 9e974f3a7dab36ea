import { decodeArray, encodeArray, MLInputError, Random, type EncodedArray, type Matrix } from '../core/index.js';
import { sortFloat32, sortFloat64 } from './radix-sort.js';

/**
 * Bin 0 of every feature holds the missing values (NaN); value bins are 1..k. Putting missing
 * first lets a split scan enumerate "missing goes left" by starting its left sums at bin 0, and
 * keeps the value bins of every feature a contiguous run.
 */
export const MISSING_BIN = 0;

/** The most bins a feature can have, the missing bin included: a bin must fit one byte. */
export const MAX_BINS = 256;

export interface QuantileBinnerParams {
  /** Bins per feature, the missing bin included (2..256). Default 256. */
  maxBins?: number;
  /** Rows sampled (seeded) to find the quantiles. Default 200,000. */
  sampleSize?: number;
}

export interface SerializedBinner {
  maxBins: number;
  sampleSize: number;
  /** offsets[f]..offsets[f+1] index the upper edges of feature f's value bins. */
  offsets: EncodedArray;
  edges: EncodedArray;
}

/**
 * Per-feature quantile binning (after LightGBM's bin mappers): value bin j of a feature holds the
 * values v with edge[j-1] < v <= edge[j]; the last edge is +Infinity. Edges lie halfway between
 * neighbouring distinct sample values, so a split "bin <= t" is the same test as
 * "value <= edge[t]" on raw values, and trees can keep raw thresholds for inference.
 */
export class QuantileBinner {
  readonly maxBins: number;
  readonly sampleSize: number;
  private offsets?: Int32Array;
  private edges?: Float64Array;
  private search?: { table: Float64Array; base: Int32Array; half: Int32Array };

  constructor(params: QuantileBinnerParams = {}) {
    this.maxBins = params.maxBins ?? MAX_BINS;
    this.sampleSize = params.sampleSize ?? 200_000;
  }

  get fitted(): boolean {
    return this.edges !== undefined;
  }

  get cols(): number {
    return this.state().offsets.length - 1;
  }

  /** Learns the bin edges of every feature from a seeded sample of rows. */
  fit(X: Matrix, seed = 0): this {
    if (!Number.isInteger(this.maxBins) || this.maxBins < 2 || this.maxBins > MAX_BINS) throw new MLInputError(`maxBins must be an integer in 2..${MAX_BINS}, got ${this.maxBins}`);
    if (!Number.isInteger(this.sampleSize) || this.sampleSize < 1) throw new MLInputError(`sampleSize must be a positive integer, got ${this.sampleSize}`);
    if (X.rows === 0 || X.cols === 0) throw new MLInputError(`QuantileBinner: cannot fit on empty data (${X.rows}×${X.cols})`);
    const { rows, cols, data } = X;
    let sample: Uint32Array;
    if (rows > this.sampleSize) {
      sample = new Random(seed).sample(rows, this.sampleSize);
      sample.sort(); // ascending rows read memory in order
    } else {
      sample = new Uint32Array(rows);
      for (let i = 0; i < rows; i++) sample[i] = i;
    }
    const S = sample.length;
    const valueBins = this.maxBins - 1;
    const perFeature: Float64Array[] = [];
    // Features in chunks: one row-major pass over the sample fills a chunk's columns (reading X
    // column by column would touch a cache line per value).
    const CHUNK = 8;
    const f32 = data instanceof Float32Array;
    const buf = f32 ? new Float32Array(S * Math.min(CHUNK, cols)) : new Float64Array(S * Math.min(CHUNK, cols));
    let total = 0;
    for (let f0 = 0; f0 < cols; f0 += CHUNK) {
      const w = Math.min(CHUNK, cols - f0);
      for (let i = 0; i < S; i++) {
        const base = sample[i] * cols + f0;
        for (let c = 0; c < w; c++) buf[c * S + i] = data[base + c];
      }
      for (let c = 0; c < w; c++) {
        const col = buf.subarray(c * S, (c + 1) * S);
        let m = 0;
        for (let i = 0; i < S; i++) {
          const v = col[i];
          if (v === v) col[m++] = v;
        }
        const sorted = col instanceof Float32Array ? sortFloat32(col.subarray(0, m)) : sortFloat64(col.subarray(0, m));
        const e = featureEdges(sorted, valueBins);
        perFeature.push(e);
        total += e.length;
      }
    }
    const offsets = new Int32Array(cols + 1);
    const edges = new Float64Array(total);
    for (let f = 0; f < cols; f++) {
      edges.set(perFeature[f], offsets[f]);
      offsets[f + 1] = offsets[f] + perFeature[f].length;
    }
    this.offsets = offsets;
    this.edges = edges;
    this.search = undefined;
    return this;
  }

  /** Bins of feature f, the missing bin included. */
  numBins(f: number): number {
    const { offsets } = this.state();
    return offsets[f + 1] - offsets[f] + 1;
  }

  /** All features' bin counts (missing bin included). */
  binCounts(): Int32Array {
    const { offsets } = this.state();
    const out = new Int32Array(offsets.length - 1);
    for (let f = 0; f < out.length; f++) out[f] = offsets[f + 1] - offsets[f] + 1;
    return out;
  }

  /**
   * The raw-value threshold equivalent to the split "value bin <= bin": a non-missing value goes
   * left iff value <= threshold. Bin 0 (only the missing bin on the left) gives -Infinity.
   */
  threshold(f: number, bin: number): number {
    const { offsets, edges } = this.state();
    if (bin <= 0) return -Infinity;
    return edges[offsets[f] + bin - 1];
  }

  /** The bin of one raw value of feature f. */
  binOf(f: number, v: number): number {
    const { offsets, edges } = this.state();
    if (v !== v) return MISSING_BIN;
    return searchEdges(edges, offsets[f], offsets[f + 1], v) + 1;
  }

  /**
   * Bins X into a column-major (feature-major) matrix: feature f of row r is at f*rows + r.
   * Histogram building walks one feature at a time, so each feature's bins are contiguous.
   * `out` may be a view of a SharedArrayBuffer (rows*cols bytes); rows [fromRow, toRow) limit
   * the work (for binning in parallel).
   */
  transform(X: Matrix, out?: Uint8Array, fromRow = 0, toRow = X.rows): Uint8Array {
    const { offsets } = this.state();
    const { rows, cols, data } = X;
    if (cols !== offsets.length - 1) throw new MLInputError(`QuantileBinner: X has ${cols} columns, the binner was fitted on ${offsets.length - 1}`);
    const bins = out ?? new Uint8Array(rows * cols);
    if (bins.length < rows * cols) throw new MLInputError(`QuantileBinner: output has ${bins.length} bytes, need ${rows * cols}`);
    const { table, base, half } = this.searchTables();
    // Row-major: X is read once, in order; each row writes one byte into every feature's column.
    // Four features at a time: their searches are independent chains of loads that overlap.
    for (let r = fromRow; r < toRow; r++) {
      const p = r * cols;
      let f = 0;
      for (; f + 4 <= cols; f += 4) {
        const v0 = data[p + f];
        const v1 = data[p + f + 1];
        const v2 = data[p + f + 2];
        const v3 = data[p + f + 3];
        const b0 = base[f];
        const b1 = base[f + 1];
        const b2 = base[f + 2];
        const b3 = base[f + 3];
        let p0 = 0;
        let p1 = 0;
        let p2 = 0;
        let p3 = 0;
        // Branch-free lower bounds over power-of-two tables padded with +Infinity: a
        // data-dependent branch per step would be mispredicted half the time.
        const H = Math.max(half[f], half[f + 1], half[f + 2], half[f + 3]);
        for (let step = H; step > 0; step >>= 1) {
          p0 += step * +(step <= half[f] && table[b0 + p0 + step - 1] < v0);
          p1 += step * +(step <= half[f + 1] && table[b1 + p1 + step - 1] < v1);
          p2 += step * +(step <= half[f + 2] && table[b2 + p2 + step - 1] < v2);
          p3 += step * +(step <= half[f + 3] && table[b3 + p3 + step - 1] < v3);
        }
        // NaN compares false everywhere (position 0); its bin is the missing bin.
        bins[f * rows + r] = v0 === v0 ? p0 + 1 : MISSING_BIN;
        bins[(f + 1) * rows + r] = v1 === v1 ? p1 + 1 : MISSING_BIN;
        bins[(f + 2) * rows + r] = v2 === v2 ? p2 + 1 : MISSING_BIN;
        bins[(f + 3) * rows + r] = v3 === v3 ? p3 + 1 : MISSING_BIN;
      }
      for (; f < cols; f++) {
        const v = data[p + f];
        const b0 = base[f];
        let pos = 0;
        for (let step = half[f]; step > 0; step >>= 1) pos += step * +(table[b0 + pos + step - 1] < v);
        bins[f * rows + r] = v === v ? pos + 1 : MISSING_BIN;
      }
    }
    return bins;
  }

  /** Per feature, its edges padded with +Infinity to a power of two (lower-bound tables). */
  private searchTables(): { table: Float64Array; base: Int32Array; half: Int32Array } {
    if (this.search) return this.search;
    const { offsets, edges } = this.state();
    const cols = offsets.length - 1;
    const base = new Int32Array(cols);
    const half = new Int32Array(cols);
    let total = 0;
    for (let f = 0; f < cols; f++) {
      let size = 1;
      while (size < offsets[f + 1] - offsets[f]) size *= 2;
      base[f] = total;
      half[f] = size >> 1;
      total += size;
    }
    const table = new Float64Array(total).fill(Infinity);
    for (let f = 0; f < cols; f++) table.set(edges.subarray(offsets[f], offsets[f + 1]), base[f]);
    this.search = { table, base, half };
    return this.search;
  }

  toJSON(): SerializedBinner {
    const { offsets, edges } = this.state();
    return { maxBins: this.maxBins, sampleSize: this.sampleSize, offsets: encodeArray(offsets), edges: encodeArray(edges) };
  }

  static fromJSON(s: SerializedBinner): QuantileBinner {
    const b = new QuantileBinner({ maxBins: s.maxBins, sampleSize: s.sampleSize });
    const offsets = decodeArray(s.offsets, 'i32');
    const edges = decodeArray(s.edges, 'f64');
    if (offsets.length < 1 || offsets[0] !== 0 || offsets[offsets.length - 1] !== edges.length) throw new MLInputError('QuantileBinner: inconsistent serialised edges');
    b.offsets = offsets;
    b.edges = edges;
    return b;
  }

  private state(): { offsets: Int32Array; edges: Float64Array } {
    if (!this.offsets || !this.edges) throw new MLInputError('QuantileBinner is not fitted: call fit() first');
    return { offsets: this.offsets, edges: this.edges };
  }
}

/** Index (relative to lo) of the first edge >= v in edges[lo..hi); the last edge is +Infinity. */
function searchEdges(edges: Float64Array, lo: number, hi: number, v: number): number {
  let a = lo;
  let b = hi - 1;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (v <= edges[mid]) b = mid;
    else a = mid + 1;
  }
  return a - lo;
}

/** A boundary strictly between a < b that both bins keep: a <= edge < b. */
function midpoint(a: number, b: number): number {
  const m = a / 2 + b / 2;
  return m >= a && m < b ? m : a;
}

/**
 * Upper edges of at most `maxValueBins` value bins for one feature's sorted non-missing sample.
 * Few distinct values: one bin each. Otherwise a greedy equal-count pass over the distinct values
 * (after LightGBM's GreedyFindBin): a heavy value gets a bin to itself and the remaining bins
 * share the remaining rows, so ties never waste bins.
 */
function featureEdges(sorted: Float32Array | Float64Array, maxValueBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return Float64Array.of(Infinity);
  let d = 1;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) d++;
  const out: number[] = [];
  if (d <= maxValueBins) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) out.push(midpoint(sorted[i - 1], sorted[i]));
  } else {
    // Walk the runs of equal values: [i, j) is the current value's run, [j, k) the next one's.
    let rest = n;
    let binsLeft = maxValueBins;
    let acc = 0;
    let i = 0;
    while (binsLeft > 1) {
      let j = i + 1;
      while (j < n && sorted[j] === sorted[i]) j++;
      if (j >= n) break;
      let k = j + 1;
      while (k < n && sorted[k] === sorted[j]) k++;
      acc += j - i;
      const target = rest / binsLeft;
      // Cut after this value when its bin is full, or when the next value would overfill it by
      // more than it is short now.
      if (acc + (k - j) / 2 >= target) {
        out.push(midpoint(sorted[j - 1], sorted[j]));
        rest -= acc;
        binsLeft--;
        acc = 0;
      }
      i = j;
    }
  }
  out.push(Infinity);
  return Float64Array.from(out);
}
