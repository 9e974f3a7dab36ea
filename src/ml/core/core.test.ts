import { describe, expect, it } from 'vitest';
import { checkFitInput, checkParamNames, decodeArray, encodeArray, fromRows, MLInputError, Random, takeRows, UnknownParameterError, WorkerPool } from './index.js';

describe('ml core', () => {
  it('Random is deterministic per seed, uniform enough, and forks independent streams', () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 1000 }, () => a.float());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.float()));
    expect(new Random(43).float()).not.toBe(new Random(42).float());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    const s = new Random(1).sample(100, 10);
    expect(new Set(s).size).toBe(10);
    const big = new Random(1).sample(100, 90);
    expect(new Set(big).size).toBe(90);
  });

  it('encodes typed arrays exactly', () => {
    const f = new Float64Array([Math.PI, -0, NaN, 1e-310, Number.MAX_VALUE]);
    const back = decodeArray(JSON.parse(JSON.stringify(encodeArray(f))), 'f64');
    expect(Array.from(back)).toEqual(Array.from(f));
    expect(Object.is(back[1], -0)).toBe(true);
    expect(() => decodeArray({ dtype: 'f64', length: 3, base64: 'AAAA' })).toThrow(MLInputError);
  });

  it('checks shapes, labels and parameter names', () => {
    const X = fromRows([[1, 2], [3, 4]]);
    expect(() => checkFitInput('m', X, [1])).toThrow(/2 rows/);
    expect(() => checkFitInput('m', X, [1, NaN])).toThrow(/label 1/);
    expect(() => checkFitInput('m', fromRows([]))).toThrow(/empty/);
    expect(() => checkFitInput('m', fromRows([[1, NaN]]))).toThrow(/non-finite/);
    expect(() => checkFitInput('m', fromRows([[1, NaN]]), undefined, { allowNaNFeatures: true })).not.toThrow();
    expect(() => checkParamNames('m', { depth: 1, lerningRate: 2 }, ['depth', 'learningRate'])).toThrow(UnknownParameterError);
    expect(Array.from(takeRows(X, [1]).data)).toEqual([3, 4]);
  });

  it('WorkerPool runs tasks on threads over shared memory and reports errors', async () => {
    const pool = new WorkerPool(new URL('./fixtures/sum-worker.ts', import.meta.url), 2, 'hello');
    try {
      const buffer = new SharedArrayBuffer(8 * 1000);
      const a = new Float64Array(buffer);
      for (let i = 0; i < 1000; i++) a[i] = i;
      const [x, y] = await Promise.all([pool.runOn<{ sum: number; init: string }>(0, { buffer, from: 0, to: 500 }), pool.runOn<{ sum: number }>(1, { buffer, from: 500, to: 1000 })]);
      expect(x.sum + y.sum).toBe(499500);
      expect(x.init).toBe('hello');
      a[3] = NaN;
      await expect(pool.runOn(0, { buffer, from: 0, to: 10 })).rejects.toThrow(/NaN in input/);
    } finally {
      await pool.close();
    }
  });
});
