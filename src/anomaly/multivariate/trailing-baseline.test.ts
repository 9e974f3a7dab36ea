import { describe, expect, it } from 'vitest';
import { matrix } from '../../ml/core/matrix.js';
import { applyTrailingBaseline, resolveBaselineParams } from './trailing-baseline.js';

const params = resolveBaselineParams({ blockRows: 10, blocks: 4 });
const empty = { medians: new Float64Array(0), count: 0 };

function series(values: number[]): ReturnType<typeof matrix> {
  return matrix(Float64Array.from(values), values.length, 1);
}

describe('trailing baseline (median of block medians)', () => {
  it('absorbs a lasting level shift after half the window, and ignores a short spike', () => {
    const v = Array.from({ length: 200 }, (_, i) => (i < 100 ? 1 : 5));
    v[50] = 100; // one-row spike
    const { residuals } = applyTrailingBaseline(series(v), params, empty, new Float64Array([0]));
    expect(residuals.data[50]).toBe(99);
    expect(residuals.data[60]).toBe(0); // the spike did not move the baseline
    expect(residuals.data[100]).toBe(4); // the shift is new
    // 4 blocks in the window: with 2 blocks on each side of the shift the median is halfway (3),
    // once 3 of the 4 are after it the shift is absorbed.
    expect(residuals.data[125]).toBe(2);
    expect(residuals.data[131]).toBe(0);
    expect(residuals.data[199]).toBe(0);
  });

  it('never looks at the current block: a row is compared with complete earlier blocks only', () => {
    const v = Array.from({ length: 80 }, (_, i) => i);
    const { residuals } = applyTrailingBaseline(series(v), params, empty, new Float64Array([0]));
    // Rows 60..69: the last 4 complete blocks are rows 20..59, block medians 24.5 … 54.5 → 39.5.
    for (let i = 60; i < 70; i++) expect(residuals.data[i]).toBe(i - 39.5);
  });

  it('without history, starts from the first window of the rows themselves', () => {
    const v = Array.from({ length: 80 }, (_, i) => i);
    const { residuals } = applyTrailingBaseline(series(v), params, empty, new Float64Array([0]));
    // Rows 0..9: the window is blocks 0..3 (medians 4.5, 14.5, 24.5, 34.5) → 19.5.
    for (let i = 0; i < 10; i++) expect(residuals.data[i]).toBe(i - 19.5);
    // Fewer rows than a block: their own median.
    expect(Array.from(applyTrailingBaseline(series([1, 2, 9]), params, empty, new Float64Array([0])).residuals.data)).toEqual([-1, 0, 7]);
  });

  it('continues from its history exactly as if the series had not been split', () => {
    const v = Array.from({ length: 130 }, (_, i) => Math.sin(i / 7) + (i > 70 ? 3 : 0));
    const whole = applyTrailingBaseline(series(v), params, empty, new Float64Array([0]));
    const first = applyTrailingBaseline(series(v.slice(0, 60)), params, empty, new Float64Array([0]));
    expect(first.history.count).toBe(4);
    const rest = applyTrailingBaseline(series(v.slice(60)), params, first.history, new Float64Array([0]));
    expect(Array.from(rest.residuals.data)).toEqual(Array.from(whole.residuals.data.subarray(60)));
  });

  it('ignores missing values and falls back to the training median where a window has none', () => {
    // History: one block with level 2 in column 0 and nothing in column 1.
    const history = { medians: Float64Array.from([2, NaN]), count: 1 };
    // Column 0: 7, missing in every third row. Column 1: missing until row 25, then 50.
    const rows = 30;
    const X = matrix(new Float64Array(rows * 2), rows, 2);
    for (let i = 0; i < rows; i++) {
      X.data[2 * i] = i % 3 === 1 ? NaN : 7;
      X.data[2 * i + 1] = i < 25 ? NaN : 50;
    }
    const { residuals } = applyTrailingBaseline(X, params, history, new Float64Array([0, 42]));
    expect(residuals.data[2 * 1]).toBeNaN(); // a missing value stays missing
    expect(residuals.data[2 * 3]).toBe(5); // 7 against the history's 2
    expect(residuals.data[2 * 12]).toBe(7 - 4.5); // median of the block medians 2 and 7
    expect(residuals.data[2 * 26 + 1]).toBe(50 - 42); // no value in any complete block: the fallback
    expect(() => resolveBaselineParams({ blockRows: 0 })).toThrow(/blockRows/);
  });
});
