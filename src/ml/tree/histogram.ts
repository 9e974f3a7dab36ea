import type { Kernels } from './wasm-kernels.js';

/**
 * Gradient histograms (the XGBoost `hist` / LightGBM kernel). A histogram holds, for every bin of
 * every feature, the sum of gradients and the sum of hessians of the node's rows in that bin:
 * doubles 2*(offsets[f] + bin) and the next. Rows of a node are a run of a row-index array; the
 * bin matrix is column-major (feature f of row r at byte f*n + r), so one feature's bins are
 * contiguous and a feature's histogram (at most 4 KiB) stays in L1 while its rows stream past.
 *
 * Each feature's histogram is summed over the node's rows in row order however features are
 * shared among threads, so any thread count gives the same sums bit for bit.
 */

/** Where a thread's arrays live in the kernels' memory (byte offsets). */
export interface HistPointers {
  bins: number;
  n: number;
  /** Row-index run of the node: rows + 4*start. */
  rows: number;
  m: number;
  /** The node's gradient pairs in row order (16*m bytes). */
  g: number;
}

/**
 * Builds the histograms of features[fFrom..fTo) of a node into the histogram at byte `histOff`
 * (`hist` is a view of it, for zeroing). Eight (four, one) features go per pass over the rows so
 * each row's index and gradient pair are loaded once for several bin updates.
 */
export function buildHistograms(k: Kernels, p: HistPointers, features: Int32Array, fFrom: number, fTo: number, offsets: Int32Array, hist: Float64Array, histOff: number): void {
  for (let q = fFrom; q < fTo; q++) {
    const f = features[q];
    hist.fill(0, offsets[f] << 1, offsets[f + 1] << 1);
  }
  const { bins, n, rows, m, g } = p;
  if (m <= 0 || fTo <= fFrom) return;
  const col = (q: number) => bins + features[q] * n;
  const h = (q: number) => histOff + offsets[features[q]] * 16;
  let q = fFrom;
  for (; q + 8 <= fTo; q += 8) {
    k.hist8(rows, m, g, col(q), col(q + 1), col(q + 2), col(q + 3), col(q + 4), col(q + 5), col(q + 6), col(q + 7), h(q), h(q + 1), h(q + 2), h(q + 3), h(q + 4), h(q + 5), h(q + 6), h(q + 7));
  }
  for (; q + 4 <= fTo; q += 4) k.hist4(rows, m, g, col(q), col(q + 1), col(q + 2), col(q + 3), h(q), h(q + 1), h(q + 2), h(q + 3));
  for (; q < fTo; q++) k.hist1(rows, m, g, col(q), h(q));
}

/**
 * The larger child's histogram without touching its rows: parent minus the smaller child,
 * written over the parent (whose histogram is not needed once both children have theirs).
 */
export function subtractHistograms(parent: Float64Array, child: Float64Array, features: Int32Array, fFrom: number, fTo: number, offsets: Int32Array): void {
  for (let q = fFrom; q < fTo; q++) {
    const f = features[q];
    for (let j = offsets[f] << 1, end = offsets[f + 1] << 1; j < end; j++) parent[j] -= child[j];
  }
}
