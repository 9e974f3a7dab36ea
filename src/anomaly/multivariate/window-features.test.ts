import { describe, expect, it } from 'vitest';
import { matrix } from '../../ml/core/matrix.js';
import { evenlySpaced, windowsEndingAt } from './window-features.js';

describe('window features', () => {
  it('lays out windows time-major and pads before the first row with the first row', () => {
    // 4 rows × 2 metrics: row t = [t, 10t].
    const X = matrix(Float64Array.from([0, 0, 1, 10, 2, 20, 3, 30]), 4, 2);
    const W = windowsEndingAt(X, 3, [0, 3]);
    expect(W.rows).toBe(2);
    expect(W.cols).toBe(6);
    expect(Array.from(W.data.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(W.data.subarray(6))).toEqual([1, 10, 2, 20, 3, 30]);
    expect(() => windowsEndingAt(X, 3, [4])).toThrow(/outside/);
  });

  it('spreads a subsample evenly in time', () => {
    expect(Array.from(evenlySpaced(0, 10, 5))).toEqual([0, 2, 4, 6, 8]);
    expect(Array.from(evenlySpaced(3, 6, 10))).toEqual([3, 4, 5]);
  });
});
