import { describe, expect, it } from 'vitest';
import { FitCancelledError, MLInputError, NotFittedError, UnknownParameterError } from '../core/errors.js';
import { fromRows, matrix, type Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { KDTree } from './kd-tree.js';
import { LocalOutlierFactor, lofParallelism } from './local-outlier-factor.js';

function gaussian(n: number, cols: number, seed: number, scale = 1): Matrix {
  const rng = new Random(seed);
  return matrix(Float64Array.from({ length: n * cols }, () => rng.normal() * scale), n, cols);
}

/** Brute-force k nearest (by distance, then index), excluding `self`. */
function bruteNeighbors(X: Matrix, q: ArrayLike<number>, k: number, self = -1): { idx: number[]; dist: number[] } {
  const all: [number, number][] = [];
  for (let i = 0; i < X.rows; i++) {
    if (i === self) continue;
    let s = 0;
    for (let j = 0; j < X.cols; j++) {
      const t = q[j] - X.data[i * X.cols + j];
      s += t * t;
    }
    all.push([s, i]);
  }
  all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { idx: all.slice(0, k).map((a) => a[1]), dist: all.slice(0, k).map((a) => Math.sqrt(a[0])) };
}

/** LOF straight from the definitions, O(n²). */
function bruteLof(X: Matrix, k: number): number[] {
  const nb = Array.from({ length: X.rows }, (_, i) => bruteNeighbors(X, X.data.subarray(i * X.cols, (i + 1) * X.cols), k, i));
  const kdist = nb.map((r) => r.dist[k - 1]);
  const lrd = nb.map((r) => 1 / (r.idx.reduce((s, o, j) => s + Math.max(r.dist[j], kdist[o]), 0) / k + 1e-10));
  return nb.map((r, i) => r.idx.reduce((s, o) => s + lrd[o] / lrd[i], 0) / k);
}

describe('KDTree', () => {
  it('finds exactly the brute-force neighbours (ties by index) in 2 to 20 dimensions', () => {
    for (const [n, d, leaf] of [
      [600, 2, 16],
      [500, 5, 4],
      [400, 20, 16],
      [300, 3, 1],
    ]) {
      const X = gaussian(n, d, n + d);
      const tree = new KDTree(X, leaf);
      const self = tree.kneighbors(undefined, 7);
      for (let i = 0; i < n; i += 7) {
        const b = bruteNeighbors(X, X.data.subarray(i * d, (i + 1) * d), 7, i);
        expect(Array.from(self.indices.subarray(i * 7, i * 7 + 7))).toEqual(b.idx);
        expect(Array.from(self.distances.subarray(i * 7, i * 7 + 7))).toEqual(b.dist);
      }
      const Q = gaussian(50, d, 99);
      const out = tree.kneighbors(Q, 5);
      for (let i = 0; i < 50; i++) {
        const b = bruteNeighbors(X, Q.data.subarray(i * d, (i + 1) * d), 5);
        expect(Array.from(out.indices.subarray(i * 5, i * 5 + 5))).toEqual(b.idx);
        expect(Array.from(out.distances.subarray(i * 5, i * 5 + 5))).toEqual(b.dist);
      }
    }
  });

  it('handles duplicates and grid ties deterministically', () => {
    const rows: number[][] = [];
    for (let x = 0; x < 10; x++) for (let y = 0; y < 10; y++) rows.push([x, y], [x, y]);
    const X = fromRows(rows);
    const tree = new KDTree(X, 3);
    const self = tree.kneighbors(undefined, 6);
    for (let i = 0; i < X.rows; i += 5) {
      const b = bruteNeighbors(X, rows[i], 6, i);
      expect(Array.from(self.indices.subarray(i * 6, i * 6 + 6))).toEqual(b.idx);
    }
    expect(() => tree.kneighbors(undefined, X.rows)).toThrow(MLInputError);
  });
});

describe('LocalOutlierFactor', () => {
  it('textbook: a tight cluster plus one distant point — LOF ≫ 1 for the outlier, ≈ 1 inside', async () => {
    const rows: number[][] = [];
    for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) rows.push([x * 0.1, y * 0.1]);
    rows.push([3, 3]);
    const X = fromRows(rows);
    const m = await new LocalOutlierFactor({ nNeighbors: 5 }).fit(X);
    const lof = m.negativeOutlierFactor.map((v) => -v);
    expect(lof[25]).toBeGreaterThan(10);
    for (let i = 0; i < 25; i++) {
      expect(lof[i]).toBeGreaterThan(0.8);
      expect(lof[i]).toBeLessThan(1.3);
    }
    const labels = await new LocalOutlierFactor({ nNeighbors: 5 }).fitPredict(X);
    expect(Array.from(labels).map((v, i) => (v ? i : -1)).filter((i) => i >= 0)).toEqual([25]);
  });

  it('matches LOF computed by brute force from the definitions', async () => {
    const X = gaussian(300, 4, 5);
    for (let j = 0; j < 4; j++) X.data[j] = 6; // one obvious outlier
    const ref = bruteLof(X, 10);
    const m = await new LocalOutlierFactor({ nNeighbors: 10, leafSize: 8 }).fit(X);
    const nof = m.negativeOutlierFactor;
    for (let i = 0; i < X.rows; i++) expect(-nof[i]).toBeCloseTo(ref[i], 10);
    expect(-nof[0]).toBeGreaterThan(2);
  });

  it('duplicates use the 1e-10 guard like sklearn (finite scores)', async () => {
    const rows = [...Array.from({ length: 30 }, () => [1, 1]), [5, 5], [1.5, 1]];
    const m = await new LocalOutlierFactor({ nNeighbors: 5 }).fit(fromRows(rows));
    const nof = m.negativeOutlierFactor;
    expect(nof.every((v) => Number.isFinite(v))).toBe(true);
    // Duplicates have lrd 1e10 and LOF 1; the off points are enormous outliers relative to them.
    expect(nof[0]).toBeCloseTo(-1, 12);
    expect(-nof[30]).toBeGreaterThan(1e6);
  });

  it('contamination sets the training share; novelty scores new points and predicts', async () => {
    const X = gaussian(1000, 3, 7);
    const m = await new LocalOutlierFactor({ nNeighbors: 20, contamination: 0.05 }).fit(X);
    const labels = await new LocalOutlierFactor({ nNeighbors: 20, contamination: 0.05 }).fitPredict(X);
    const share = labels.reduce((a, b) => a + b, 0) / labels.length;
    expect(share).toBeGreaterThan(0.045);
    expect(share).toBeLessThan(0.055);
    expect(m.offset).toBeLessThan(-1);
    expect(() => m.predict(X)).toThrow(/novelty/);
    expect(() => m.scoreSamples(X)).toThrow(/novelty/);

    const nov = await new LocalOutlierFactor({ nNeighbors: 20, novelty: true }).fit(X);
    const Q = fromRows([
      [0, 0, 0],
      [0.3, -0.2, 0.1],
      [8, 8, 8],
      [0, 0, 9],
    ]);
    const s = nov.scoreSamples(Q);
    expect(-s[0]).toBeLessThan(1.3);
    expect(-s[2]).toBeGreaterThan(3);
    expect(Array.from(nov.predict(Q))).toEqual([0, 0, 1, 1]);
    const d = nov.decisionFunction(Q);
    expect(d[0]).toBeCloseTo(s[0] + 1.5, 12);
  });

  it('round-trips exactly and rejects bad input', async () => {
    const X = gaussian(200, 3, 3);
    const m = await new LocalOutlierFactor({ nNeighbors: 8, novelty: true, contamination: 0.1 }).fit(X);
    const back = LocalOutlierFactor.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(m.toJSON()));
    const Q = gaussian(20, 3, 4, 2);
    expect(Array.from(back.scoreSamples(Q))).toEqual(Array.from(m.scoreSamples(Q)));
    expect(Array.from(back.negativeOutlierFactor)).toEqual(Array.from(m.negativeOutlierFactor));

    await expect(new LocalOutlierFactor({ k: 3 } as never).fit(X)).rejects.toThrow(UnknownParameterError);
    await expect(new LocalOutlierFactor({ nNeighbors: 0 }).fit(X)).rejects.toThrow(/nNeighbors/);
    await expect(new LocalOutlierFactor({ contamination: 0.9 }).fit(X)).rejects.toThrow(/contamination/);
    await expect(new LocalOutlierFactor().fit(fromRows([[1, 2]]))).rejects.toThrow(/at least 2/);
    await expect(new LocalOutlierFactor().fit(fromRows([[1, NaN], [2, 3]]))).rejects.toThrow(/non-finite/);
    expect(() => new LocalOutlierFactor().negativeOutlierFactor).toThrow(NotFittedError);
    expect(() => m.scoreSamples(fromRows([[1, 2]]))).toThrow(/columns/);
    // nNeighbors above rows − 1 is capped, as sklearn does.
    const small = await new LocalOutlierFactor({ nNeighbors: 50 }).fit(gaussian(10, 2, 1));
    expect(small.nNeighborsUsed).toBe(9);
  });
});

describe('LocalOutlierFactor on worker threads', () => {
  it('threads = 2 gives exactly the scores of threads = 1, and a parallel fit can be cancelled', async () => {
    const saved = lofParallelism.minRows;
    lofParallelism.minRows = 0;
    try {
      const X = gaussian(5000, 6, 21);
      const one = await new LocalOutlierFactor({ threads: 1, contamination: 0.02 }).fit(X);
      const two = await new LocalOutlierFactor({ threads: 2, contamination: 0.02 }).fit(X);
      expect(Array.from(two.negativeOutlierFactor)).toEqual(Array.from(one.negativeOutlierFactor));
      expect(two.offset).toBe(one.offset);
      const ac = new AbortController();
      const fit = new LocalOutlierFactor({ threads: 2 }).fit(X, undefined, { signal: ac.signal, onProgress: (p) => p.fraction > 0.1 && ac.abort() });
      await expect(fit).rejects.toThrow(FitCancelledError);
    } finally {
      lofParallelism.minRows = saved;
    }
  });

  it('stops a running single-thread fit when the signal aborts', async () => {
    const X = gaussian(15_000, 8, 12);
    const ac = new AbortController();
    const fit = new LocalOutlierFactor({ threads: 1 }).fit(X, undefined, { signal: ac.signal, onProgress: (p) => p.fraction > 0.1 && ac.abort() });
    await expect(fit).rejects.toThrow(FitCancelledError);
  });
});
