import { afterAll, describe, expect, it } from 'vitest';
import { matrix, Random } from '../core/index.js';
import { GradientBoostedTrees } from './gradient-boosting.js';
import { RandomForestClassifier } from './random-forest.js';
import { MIN_PARALLEL_ROWS, parallelBatchCount, setPredictionThreads, startPredictionThreads, stopPredictionThreads } from './prediction-threads.js';

function problem(rows: number, cols: number, seed: number, missingRate = 0) {
  const rng = new Random(seed);
  const X = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const v = rng.normal();
      X[i * cols + j] = rng.float() < missingRate ? NaN : v;
      s += j % 2 === 0 ? v : -0.5 * v * v;
    }
    y[i] = s + 0.5 * rng.normal() > 0 ? 1 : 0;
  }
  return { X: matrix(X, rows, cols), y };
}

afterAll(async () => {
  setPredictionThreads(1);
  await stopPredictionThreads();
});

describe('prediction threads', () => {
  it('split a large batch across threads with results identical to one thread, missing values included', async () => {
    const train = problem(3000, 8, 1, 0.1);
    const gbdt = await new GradientBoostedTrees({ nEstimators: 40, maxDepth: 5 }).fit(train.X, train.y, { seed: 1 });
    const forest = await new RandomForestClassifier({ nEstimators: 20, threads: 1 }).fit(train.X, train.y, { seed: 1 });
    const batches = [problem(MIN_PARALLEL_ROWS * 2 + 17, 8, 2, 0.05).X, problem(MIN_PARALLEL_ROWS + 3, 8, 3).X];

    setPredictionThreads(1);
    const single = batches.flatMap((X) => [gbdt.predictProba(X), forest.predictProba(X)]);
    setPredictionThreads(3);
    await startPredictionThreads();
    const before = parallelBatchCount();
    const parallel = batches.flatMap((X) => [gbdt.predictProba(X), forest.predictProba(X)]);
    expect(parallel).toEqual(single);
    expect(parallelBatchCount() - before).toBe(4);

    // And each row of the batch agrees with the one-row serving path.
    const X = batches[0];
    const row = new Float64Array(X.cols);
    for (const i of [0, 1, MIN_PARALLEL_ROWS, X.rows - 1]) {
      row.set(X.data.subarray(i * X.cols, (i + 1) * X.cols));
      expect(gbdt.predictRow(row)).toBe(parallel[0][i]);
    }
  });

  it('rejects a thread count that is not a positive integer', () => {
    expect(() => setPredictionThreads(0)).toThrow(RangeError);
    expect(() => setPredictionThreads(1.5)).toThrow(RangeError);
  });
});
