import { describe, expect, it } from 'vitest';
import { MLInputError, Random } from '../core/index.js';
import { groupKFold, kFold, stratifiedGroupKFold, stratifiedKFold, timeSeriesSplit, trainTestSplit, type Fold } from './index.js';

/** Train and test are disjoint, sorted, and together cover 0..n-1 exactly once. */
function expectPartition(f: Fold, n: number): void {
  const seen = new Uint8Array(n);
  for (const i of f.train) seen[i]++;
  for (const i of f.test) seen[i]++;
  expect(seen.every((c) => c === 1)).toBe(true);
  for (const a of [f.train, f.test]) expect(a.every((v, i) => i === 0 || v > a[i - 1])).toBe(true);
}

/** Every row is in exactly one test fold. */
function expectTestCoverage(folds: Fold[], n: number): void {
  const seen = new Uint8Array(n);
  for (const f of folds) for (const i of f.test) seen[i]++;
  expect(seen.every((c) => c === 1)).toBe(true);
}

/** Groups whose rows appear in more than one test fold (should be none). */
function splitGroups(folds: Fold[], groups: ArrayLike<string>): string[] {
  const foldOf = new Map<string, number>();
  const bad = new Set<string>();
  folds.forEach((f, k) => {
    for (const i of f.test) {
      if ((foldOf.get(groups[i]) ?? k) !== k) bad.add(groups[i]);
      foldOf.set(groups[i], k);
    }
  });
  return [...bad];
}

function countClass(idx: Uint32Array, y: ArrayLike<number>, c: number): number {
  let k = 0;
  for (const i of idx) if (y[i] === c) k++;
  return k;
}

/** A disk-failure-like data set: drives with varying numbers of daily rows, ~10% of drives fail. */
function drives(nDrives: number, seed: number) {
  const rng = new Random(seed);
  const y: number[] = [];
  const groups: string[] = [];
  for (let d = 0; d < nDrives; d++) {
    const days = 1 + rng.int(30);
    const fails = rng.float() < 0.1;
    for (let t = 0; t < days; t++) {
      groups.push(`SN-${d}`);
      y.push(fails && t >= days - 3 ? 1 : 0); // the last days before failure are positive
    }
  }
  return { y, groups };
}

describe('trainTestSplit', () => {
  it('splits ceil(testSize·n) rows to test, deterministically per seed', () => {
    const s = trainTestSplit(10, { testSize: 0.25, seed: 1 });
    expectPartition(s, 10);
    expect(s.test.length).toBe(3);
    expect(trainTestSplit(10, { testSize: 0.25, seed: 1 })).toEqual(s);
    expect(trainTestSplit(100, { seed: 2 }).test).not.toEqual(trainTestSplit(100, { seed: 3 }).test);
    expect(trainTestSplit(10, { testSize: 4 }).test.length).toBe(4);
    expect(Array.from(trainTestSplit(5, { testSize: 2, shuffle: false }).test)).toEqual([3, 4]);
    expect(() => trainTestSplit(4, { testSize: 4 })).toThrow(/no training rows/);
    expect(() => trainTestSplit(4, { testSize: 1.5 })).toThrow(MLInputError);
  });

  it('stratified: every class within one row of its proportion on both sides', () => {
    const rng = new Random(9);
    const y = Array.from({ length: 997 }, () => (rng.float() < 0.07 ? 2 : rng.float() < 0.3 ? 1 : 0));
    for (const testSize of [0.2, 0.33, 0.5, 101]) {
      const s = trainTestSplit(y.length, { testSize, stratify: y, seed: 4 });
      expectPartition(s, y.length);
      for (const c of [0, 1, 2]) {
        const total = countClass(Uint32Array.from(y.keys()), y, c);
        const want = (total * s.test.length) / y.length;
        expect(Math.abs(countClass(s.test, y, c) - want)).toBeLessThan(1);
      }
    }
    expect(() => trainTestSplit(3, { stratify: [0, 1], seed: 1 })).toThrow(/2 labels for 3 rows/);
  });
});

describe('kFold and stratifiedKFold', () => {
  it('kFold: the first n mod k folds hold one more row; unshuffled folds are contiguous', () => {
    const folds = kFold(10, 3);
    expect(folds.map((f) => Array.from(f.test))).toEqual([[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    folds.forEach((f) => expectPartition(f, 10));
    const shuffled = kFold(103, 5, { shuffle: true, seed: 7 });
    shuffled.forEach((f) => expectPartition(f, 103));
    expectTestCoverage(shuffled, 103);
    expect(shuffled.map((f) => f.test.length)).toEqual([21, 21, 21, 20, 20]);
    expect(kFold(103, 5, { shuffle: true, seed: 7 })).toEqual(shuffled);
    expect(() => kFold(3, 4)).toThrow(/4 folds from 3 rows/);
    expect(() => kFold(3, 1)).toThrow(/k must be/);
  });

  it('stratifiedKFold: each class within ±1 of count/k in every fold, fold sizes within 1', () => {
    const rng = new Random(5);
    const y = Array.from({ length: 503 }, () => (rng.float() < 0.05 ? 1 : rng.float() < 0.5 ? 3 : 7));
    for (const shuffle of [false, true]) {
      const folds = stratifiedKFold(y, 5, { shuffle, seed: 1 });
      folds.forEach((f) => expectPartition(f, y.length));
      expectTestCoverage(folds, y.length);
      const sizes = folds.map((f) => f.test.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (const c of [1, 3, 7]) {
        const total = y.filter((v) => v === c).length;
        for (const f of folds) {
          const k = countClass(f.test, y, c);
          expect(k === Math.floor(total / 5) || k === Math.ceil(total / 5)).toBe(true);
        }
      }
    }
  });
});

describe('group-aware folds', () => {
  it('groupKFold matches scikit-learn’s GroupKFold (distinct group sizes) and never splits a group', () => {
    // from sklearn.model_selection import GroupKFold
    // g2 = np.array([0]*7 + [1]*2 + [2]*5 + [3]*1 + [4]*4 + [5]*3 + [6]*6)
    // [list(te) for tr, te in GroupKFold(n_splits=3).split(np.zeros(28), groups=g2)]
    const g2 = [...Array(7).fill(0), ...Array(2).fill(1), ...Array(5).fill(2), 3, ...Array(4).fill(4), ...Array(3).fill(5), ...Array(6).fill(6)];
    const folds = groupKFold(g2, 3);
    expect(folds.map((f) => Array.from(f.test))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 14],
      [19, 20, 21, 22, 23, 24, 25, 26, 27],
      [9, 10, 11, 12, 13, 15, 16, 17, 18],
    ]);
  });

  it('groupKFold keeps every drive in one fold and balances fold sizes', () => {
    const { groups } = drives(300, 1);
    for (const shuffle of [false, true]) {
      const folds = groupKFold(groups, 5, { shuffle, seed: 3 });
      folds.forEach((f) => expectPartition(f, groups.length));
      expectTestCoverage(folds, groups.length);
      expect(splitGroups(folds, groups)).toEqual([]);
      const sizes = folds.map((f) => f.test.length);
      // Largest-first into the lightest fold: sizes differ by at most the largest group (30 rows).
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(30);
    }
    expect(() => groupKFold(['a', 'b', 'a'], 3)).toThrow(/3 folds from 2 groups/);
  });

  // groups = np.array([0,0,0,1,1,2,2,2,2,3,4,4,5,5,5,6,7,7,8,8,8,8,8,9,9,10,11,11,11])
  // y      = np.array([0,0,1,0,0,0,0,0,1,1,0,0,0,1,1,0,0,0,0,0,0,0,1,0,1,0,0,0,0])
  const sg = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 4, 4, 5, 5, 5, 6, 7, 7, 8, 8, 8, 8, 8, 9, 9, 10, 11, 11, 11];
  const sy = [0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0];

  it('stratifiedGroupKFold matches scikit-learn’s StratifiedGroupKFold', () => {
    // from sklearn.model_selection import StratifiedGroupKFold
    // [list(te) for tr, te in StratifiedGroupKFold(n_splits=3).split(np.zeros(29), y, groups)]
    expect(stratifiedGroupKFold(sy, sg, 3).map((f) => Array.from(f.test))).toEqual([
      [12, 13, 14, 16, 17, 18, 19, 20, 21, 22],
      [0, 1, 2, 10, 11, 23, 24, 26, 27, 28],
      [3, 4, 5, 6, 7, 8, 9, 15, 25],
    ]);
    // StratifiedGroupKFold(n_splits=4)
    expect(stratifiedGroupKFold(sy, sg, 4).map((f) => Array.from(f.test))).toEqual([
      [15, 18, 19, 20, 21, 22, 23, 24],
      [9, 16, 17, 26, 27, 28],
      [0, 1, 2, 3, 4, 10, 11],
      [5, 6, 7, 8, 12, 13, 14, 25],
    ]);
  });

  it('stratifiedGroupKFold on drives: no drive split, failures spread evenly', () => {
    const { y, groups } = drives(400, 2);
    const folds = stratifiedGroupKFold(y, groups, 5, { shuffle: true, seed: 8 });
    folds.forEach((f) => expectPartition(f, y.length));
    expectTestCoverage(folds, y.length);
    expect(splitGroups(folds, groups)).toEqual([]);
    const positives = y.filter((v) => v === 1).length;
    for (const f of folds) {
      // A failed drive brings ≤ 3 positive rows; the greedy keeps each fold within about one drive of its share.
      expect(Math.abs(countClass(f.test, y, 1) - positives / 5)).toBeLessThanOrEqual(4);
      expect(Math.abs(f.test.length - y.length / 5)).toBeLessThan(0.1 * y.length);
    }
    const again = stratifiedGroupKFold(y, groups, 5, { shuffle: true, seed: 8 });
    expect(again.map((f) => f.test.join())).toEqual(folds.map((f) => f.test.join()));
    expect(() => stratifiedGroupKFold([0, 1], ['a'], 2)).toThrow(/2 labels but groups has 1/);
  });
});

describe('timeSeriesSplit', () => {
  // from sklearn.model_selection import TimeSeriesSplit; list(TimeSeriesSplit(**kw).split(np.zeros(13)))
  const asLists = (folds: Fold[]) => folds.map((f) => [Array.from(f.train), Array.from(f.test)]);

  it('matches scikit-learn with expanding windows, a gap and a maximum training size', () => {
    // n_splits=3
    expect(asLists(timeSeriesSplit(13, { nSplits: 3 }))).toEqual([
      [[0, 1, 2, 3], [4, 5, 6]],
      [[0, 1, 2, 3, 4, 5, 6], [7, 8, 9]],
      [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12]],
    ]);
    // n_splits=3, gap=2
    expect(asLists(timeSeriesSplit(13, { nSplits: 3, gap: 2 }))).toEqual([
      [[0, 1], [4, 5, 6]],
      [[0, 1, 2, 3, 4], [7, 8, 9]],
      [[0, 1, 2, 3, 4, 5, 6, 7], [10, 11, 12]],
    ]);
    // n_splits=4, gap=1, max_train_size=3, test_size=2
    expect(asLists(timeSeriesSplit(13, { nSplits: 4, gap: 1, maxTrainSize: 3, testSize: 2 }))).toEqual([
      [[1, 2, 3], [5, 6]],
      [[3, 4, 5], [7, 8]],
      [[5, 6, 7], [9, 10]],
      [[7, 8, 9], [11, 12]],
    ]);
  });

  it('training always ends gap rows before the test block starts', () => {
    for (const gap of [0, 3, 10]) {
      const folds = timeSeriesSplit(500, { nSplits: 6, gap });
      let lastTestStart = -1;
      for (const f of folds) {
        expect(f.test[0] - f.train[f.train.length - 1] - 1).toBe(gap);
        expect(f.test[0]).toBeGreaterThan(lastTestStart);
        lastTestStart = f.test[0];
        expect(f.train[0]).toBe(0);
      }
    }
    expect(() => timeSeriesSplit(10, { nSplits: 3, testSize: 3, gap: 1 })).toThrow(/no training rows/);
    expect(() => timeSeriesSplit(3, { nSplits: 3 })).toThrow(/3 splits from 3 rows/);
  });
});
