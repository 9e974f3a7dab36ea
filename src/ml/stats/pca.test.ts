import { describe, expect, it } from 'vitest';
import { MLInputError, NotFittedError } from '../core/errors.js';
import { fromRows, matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { PCA } from './pca.js';
import { symmetricEigen } from './symmetric-eigen.js';

const X = fromRows([
  [2.5, 2.4, 0.5],
  [0.5, 0.7, 1.0],
  [2.2, 2.9, 0.1],
  [1.9, 2.2, 0.8],
  [3.1, 3.0, 0.3],
  [2.3, 2.7, 0.9],
  [2.0, 1.6, 0.4],
  [1.0, 1.1, 0.7],
  [1.5, 1.6, 0.2],
  [1.1, 0.9, 0.6],
]);

describe('symmetricEigen', () => {
  it('decomposes exactly: A·v = λ·v, orthonormal vectors, descending values, sign convention', () => {
    const two = symmetricEigen([2, 1, 1, 2], 2);
    expect(two.values[0]).toBeCloseTo(3, 14);
    expect(two.values[1]).toBeCloseTo(1, 14);
    expect(two.vectors[0]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(two.vectors[2]).toBeCloseTo(Math.SQRT1_2, 14);
    const rng = new Random(4);
    const n = 30;
    const B = Array.from({ length: n * n }, () => rng.normal());
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) A[i * n + j] += B[i * n + k] * B[j * n + k];
    const { values, vectors } = symmetricEigen(A, n);
    for (let k = 0; k < n; k++) {
      if (k) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
      let big = 0;
      for (let i = 0; i < n; i++) if (Math.abs(vectors[i * n + k]) > Math.abs(big)) big = vectors[i * n + k];
      expect(big).toBeGreaterThan(0);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j] * vectors[j * n + k];
        expect(s).toBeCloseTo(values[k] * vectors[i * n + k], 9);
      }
      for (let m = 0; m <= k; m++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + k] * vectors[i * n + m];
        expect(dot).toBeCloseTo(m === k ? 1 : 0, 12);
      }
    }
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(MLInputError);
  });
});

describe('PCA', () => {
  it('matches scikit-learn’s variances, ratios, components (up to sign) and scores', async () => {
    const p = await new PCA().fit(X);
    const ev = [1.3035244634468235, 0.0759553594213422, 0.04529795490961195];
    const ratio = [0.9148966833830938, 0.05331032011168056, 0.031792996505225574];
    const comp = [
      [-0.6732343382883, -0.7286431928900748, 0.12583569924497587],
      [-0.17818673407426353, 0.32503305725251863, 0.9287642324578553],
      [-0.7176384978172943, 0.6028537211861912, -0.3486579660677485],
    ];
    const scores = [
      [-0.8278586428973126, -0.01012086008040044, -0.18233934180931177],
      [1.8202213112149026, 0.2580785269677726, 0.053757344774877605],
    ];
    for (let c = 0; c < 3; c++) {
      expect(p.explainedVariance[c]).toBeCloseTo(ev[c], 12);
      expect(p.explainedVarianceRatio[c]).toBeCloseTo(ratio[c], 12);
      // Our sign: the largest-magnitude loading is positive; sklearn 1.2 may have the opposite.
      const ours = Array.from(p.components.data.subarray(c * 3, c * 3 + 3));
      const sign = Math.sign(ours[0]) === Math.sign(comp[c][0]) ? 1 : -1;
      const maxAbs = ours.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
      expect(maxAbs).toBeGreaterThan(0);
      for (let j = 0; j < 3; j++) expect(ours[j]).toBeCloseTo(sign * comp[c][j], 10);
      const t = p.transform(fromRows([[2.5, 2.4, 0.5], [0.5, 0.7, 1.0]]));
      expect(t.data[c]).toBeCloseTo(sign * scores[0][c], 10);
      expect(t.data[3 + c]).toBeCloseTo(sign * scores[1][c], 10);
    }
    const back = p.inverseTransform(p.transform(X));
    for (let i = 0; i < X.data.length; i++) expect(back.data[i]).toBeCloseTo(X.data[i], 12);
  });

  it('chooses components by variance fraction and whitens to unit variance', async () => {
    expect((await new PCA({ nComponents: 0.95 }).fit(X)).nComponents).toBe(2);
    expect((await new PCA({ nComponents: 0.99 }).fit(X)).nComponents).toBe(3);
    const w = await new PCA({ nComponents: 2, whiten: true }).fit(X);
    const t = w.transform(X);
    // sklearn PCA(2, whiten=True).transform(X[:1]) = ±[-0.7250978112403552, -0.036723004785750316]
    expect(Math.abs(t.data[0])).toBeCloseTo(0.7250978112403552, 10);
    expect(Math.abs(t.data[1])).toBeCloseTo(0.036723004785750316, 10);
    for (let c = 0; c < 2; c++) {
      let ss = 0;
      for (let i = 0; i < X.rows; i++) ss += t.data[i * 2 + c] ** 2;
      expect(ss / (X.rows - 1)).toBeCloseTo(1, 12);
    }
    // Reconstruction from 2 components loses only the third component's share.
    const rec = w.inverseTransform(t);
    expect(rec.rows).toBe(10);
    expect(rec.cols).toBe(3);
  });

  it('finds the direction of a stretched cloud, round-trips, rejects bad input', async () => {
    const rng = new Random(2);
    const n = 2000;
    const data = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      const a = rng.normal() * 3;
      const b = rng.normal() * 0.3;
      data[i * 2] = (a - b) * Math.SQRT1_2 + 10;
      data[i * 2 + 1] = (a + b) * Math.SQRT1_2 - 5;
    }
    const p = await new PCA({ nComponents: 1 }).fit(matrix(data, n, 2));
    const c = p.components.data;
    expect(Math.abs(c[0])).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.abs(c[1])).toBeCloseTo(Math.SQRT1_2, 2);
    expect(p.explainedVarianceRatio[0]).toBeGreaterThan(0.98);
    expect(p.mean[0]).toBeCloseTo(10, 0);
    const back = PCA.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
    expect(Array.from(back.transform(matrix(data.subarray(0, 20), 10, 2)).data)).toEqual(Array.from(p.transform(matrix(data.subarray(0, 20), 10, 2)).data));
    await expect(new PCA({ nComponents: 4 }).fit(X)).rejects.toThrow(/nComponents/);
    await expect(new PCA({ nComponents: 0 }).fit(X)).rejects.toThrow(/nComponents/);
    await expect(new PCA({ ncomponents: 2 } as never).fit(X)).rejects.toThrow(/unknown parameter/);
    await expect(new PCA().fit(fromRows([[1, 2]]))).rejects.toThrow(/at least 2 rows/);
    await expect(new PCA().fit(fromRows([[1, NaN], [2, 3]]))).rejects.toThrow(/non-finite/);
    expect(() => new PCA().transform(X)).toThrow(NotFittedError);
    expect(() => p.inverseTransform(fromRows([[1, 2]]))).toThrow(/components/);
  });
});
