/**
 * A host's normal level moves: a memory metric re-baselines after a deployment, a disk fills, a
 * service moves. A model that compares raw levels with the training period then calls every row
 * after such a shift abnormal, for ever (on SMD, machine-3-4's mem_u_e sits at 0.985 through
 * training and at 0.20 through most of the test half). The members therefore read each metric's
 * deviation from its recent level,
 *
 *   r_t = x_t − b_t,   b_t = median of the last `blocks` block medians before t,
 *
 * where a block is `blockRows` consecutive rows (default 60 rows × 24 blocks: with one row a
 * minute, the median level of the previous day, moving hourly). A median of block medians is
 * cheap (one small sort per block and metric) and robust: an anomaly shorter than half the
 * window does not move the baseline, a lasting shift is absorbed after half a window. Only
 * complete blocks strictly before t count, so b_t never looks at t or later.
 *
 * The baseline carries history: `apply` starts from the block medians it is given (the end of the
 * training rows, kept with the model) and returns the medians it ends with, so a series scored
 * after training continues from where training stopped. With no history at all (the start of the
 * training rows) the window starts out filled with the first blocks of the rows themselves (a
 * look-ahead of at most one window, where there is no past). NaN is
 * ignored in medians and passes through as NaN; a metric with no value in the whole window keeps
 * baseline `fallback` (the training median).
 */
import { MLInputError } from '../../ml/core/errors.js';
import { matrix, type Matrix } from '../../ml/core/matrix.js';

export interface TrailingBaselineParams {
  /** Rows per block (default 60). */
  blockRows?: number;
  /** Blocks in the window (default 24). */
  blocks?: number;
}

/** Block medians, oldest first: blocks × cols, row-major (NaN where a block had no value). */
export interface BaselineHistory {
  medians: Float64Array;
  count: number;
}

function median(values: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const s = values.subarray(0, n).sort();
  return n % 2 ? s[(n - 1) >> 1] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

export function resolveBaselineParams(p: TrailingBaselineParams): Required<TrailingBaselineParams> {
  const blockRows = p.blockRows ?? 60;
  const blocks = p.blocks ?? 24;
  if (!Number.isInteger(blockRows) || blockRows < 1) throw new MLInputError(`baseline.blockRows must be a positive integer, got ${blockRows}`);
  if (!Number.isInteger(blocks) || blocks < 1) throw new MLInputError(`baseline.blocks must be a positive integer, got ${blocks}`);
  return { blockRows, blocks };
}

/**
 * Residuals X − baseline, row by row, starting from `history` (may be empty); returns them and
 * the block medians after the last complete block (at most `blocks` of them).
 */
export function applyTrailingBaseline(X: Matrix, params: Required<TrailingBaselineParams>, history: BaselineHistory, fallback: Float64Array): { residuals: Matrix; history: BaselineHistory } {
  const { blockRows, blocks } = params;
  const cols = X.cols;
  if (fallback.length !== cols) throw new MLInputError(`trailing baseline: fallback has ${fallback.length} values for ${cols} metrics`);
  if (history.medians.length !== history.count * cols) throw new MLInputError('trailing baseline: history does not match the metrics');
  // Ring of the last `blocks` block medians.
  const ring = new Float64Array(blocks * cols).fill(NaN);
  let filled = 0;
  let head = 0; // next slot to write
  const start = Math.max(0, history.count - blocks);
  for (let b = start; b < history.count; b++) {
    ring.set(history.medians.subarray(b * cols, (b + 1) * cols), head * cols);
    head = (head + 1) % blocks;
    filled++;
  }
  const base = new Float64Array(cols);
  const scratch = new Float64Array(Math.max(blocks, blockRows));
  const recompute = () => {
    for (let j = 0; j < cols; j++) {
      let n = 0;
      for (let b = 0; b < filled; b++) {
        const v = ring[b * cols + j];
        if (v === v) scratch[n++] = v;
      }
      const m = median(scratch, n);
      base[j] = m === m ? m : fallback[j];
    }
  };
  const blockMedian = (from: number, to: number, out: Float64Array) => {
    for (let j = 0; j < cols; j++) {
      let n = 0;
      for (let i = from; i < to; i++) {
        const v = X.data[i * cols + j];
        if (v === v) scratch[n++] = v;
      }
      out[j] = median(scratch, n);
    }
  };
  const current = new Float64Array(cols);
  if (filled === 0) {
    // No history (the start of training): the window starts out as the first `blocks` complete
    // blocks of X itself, so the first rows are compared with the same kind of level as later
    // ones instead of with a window of one or two blocks. This looks ahead, by at most one
    // window, only where there is no past to look at.
    const first = Math.min(blocks, Math.floor(X.rows / blockRows));
    for (let b = 0; b < first; b++) {
      blockMedian(b * blockRows, (b + 1) * blockRows, current);
      ring.set(current, head * cols);
      head = (head + 1) % blocks;
      filled++;
    }
  }
  if (filled > 0) recompute();
  else {
    // Fewer rows than one block: their own median (or the fallback where they have no value).
    blockMedian(0, X.rows, current);
    for (let j = 0; j < cols; j++) base[j] = current[j] === current[j] ? current[j] : fallback[j];
  }
  const out = new Float64Array(X.rows * cols);
  for (let b0 = 0; b0 < X.rows; b0 += blockRows) {
    const b1 = Math.min(X.rows, b0 + blockRows);
    for (let i = b0; i < b1; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = X.data[i * cols + j] - base[j];
    if (b1 - b0 === blockRows) {
      blockMedian(b0, b1, current);
      ring.set(current, head * cols);
      head = (head + 1) % blocks;
      if (filled < blocks) filled++;
      recompute();
    }
  }
  // Oldest first.
  const medians = new Float64Array(filled * cols);
  for (let k = 0; k < filled; k++) {
    const slot = (head - filled + k + blocks) % blocks;
    medians.set(ring.subarray(slot * cols, (slot + 1) * cols), k * cols);
  }
  return { residuals: matrix(out, X.rows, cols), history: { medians, count: filled } };
}
