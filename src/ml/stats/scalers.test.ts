import { describe, expect, it } from 'vitest';
import { MLInputError, NotFittedError, UnknownParameterError } from '../core/errors.js';
import { fromRows } from '../core/matrix.js';
import { RobustScaler, StandardScaler } from './scalers.js';

const S = fromRows([
  [1, 10, 5],
  [2, 20, 5],
  [3, 30, 5],
  [4, 40, 5],
  [100, 50, 5],
]);

const rowsOf = (m: { data: ArrayLike<number>; rows: number; cols: number }) => Array.from({ length: m.rows }, (_, i) => Array.from(m.data).slice(i * m.cols, (i + 1) * m.cols));

describe('StandardScaler', () => {
  it('matches scikit-learn: population std, constant columns keep scale 1', async () => {
    const s = await new StandardScaler().fit(S);
    expect(Array.from(s.mean)).toEqual([22, 30, 5]);
    // sklearn: scale_ = [39.01281840626232, 14.142135623730951, 1.0]
    expect(s.scale[0]).toBeCloseTo(39.01281840626232, 12);
    expect(s.scale[1]).toBeCloseTo(14.142135623730951, 12);
    expect(s.scale[2]).toBe(1);
    const t = s.transform(S);
    expect(t.data[0]).toBeCloseTo(-0.5382846166435669, 12);
    expect(t.data[1]).toBeCloseTo(-1.414213562373095, 12);
    expect(t.data[2]).toBe(0);
    const back = s.inverseTransform(t);
    for (let i = 0; i < S.data.length; i++) expect(back.data[i]).toBeCloseTo(S.data[i], 12);
    const noMean = await new StandardScaler({ withMean: false, withStd: false }).fit(S);
    expect(Array.from(noMean.transform(S).data)).toEqual(Array.from(S.data));
  });

  it('ignores NaN when fitting and passes it through, like sklearn', async () => {
    const N = fromRows([
      [1, NaN],
      [2, 4],
      [3, 6],
      [NaN, 8],
    ]);
    const s = await new StandardScaler().fit(N);
    expect(Array.from(s.mean)).toEqual([2, 6]);
    expect(s.scale[0]).toBeCloseTo(0.816496580927726, 12);
    const t = rowsOf(s.transform(N));
    expect(t[0][0]).toBeCloseTo(-1.224744871391589, 12);
    expect(Number.isNaN(t[0][1])).toBe(true);
    expect(Number.isNaN(t[3][0])).toBe(true);
  });

  it('round-trips, and rejects bad input', async () => {
    const s = await new StandardScaler().fit(S);
    const back = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(Array.from(back.transform(S).data)).toEqual(Array.from(s.transform(S).data));
    await expect(new StandardScaler({ with_mean: false } as never).fit(S)).rejects.toThrow(UnknownParameterError);
    await expect(new StandardScaler().fit(fromRows([[1, Infinity]]))).rejects.toThrow(MLInputError);
    await expect(new StandardScaler().fit(fromRows([]))).rejects.toThrow(/empty/);
    expect(() => new StandardScaler().transform(S)).toThrow(NotFittedError);
    expect(() => s.transform(fromRows([[1, 2]]))).toThrow(/columns/);
    expect(() => StandardScaler.fromJSON({ ...s.toJSON(), kind: 'RobustScaler' })).toThrow(MLInputError);
  });
});

describe('RobustScaler', () => {
  it('centres on the median and scales by the IQR (sklearn numbers); outliers barely matter', async () => {
    const r = await new RobustScaler().fit(S);
    expect(Array.from(r.center)).toEqual([3, 30, 5]);
    expect(Array.from(r.scale)).toEqual([2, 20, 1]);
    expect(rowsOf(r.transform(S))).toEqual([
      [-1, -1, 0],
      [-0.5, -0.5, 0],
      [0, 0, 0],
      [0.5, 0.5, 0],
      [48.5, 1, 0],
    ]);
    expect(Array.from(r.inverseTransform(r.transform(S)).data)).toEqual(Array.from(S.data));
    const wide = await new RobustScaler({ quantileRange: [10, 90] }).fit(S);
    // sklearn quantile_range=(10, 90): scale_ = [60.2, 32, 1]
    expect(wide.scale[0]).toBeCloseTo(60.2, 12);
    expect(wide.scale[1]).toBeCloseTo(32, 12);
  });

  it('round-trips, and rejects bad parameters', async () => {
    const r = await new RobustScaler({ withCentering: false }).fit(S);
    expect(Array.from(r.center)).toEqual([0, 0, 0]);
    const back = RobustScaler.fromJSON(JSON.parse(JSON.stringify(r.toJSON())));
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(r.toJSON()));
    await expect(new RobustScaler({ quantileRange: [75, 25] }).fit(S)).rejects.toThrow(/quantileRange/);
    await expect(new RobustScaler({ quantileRange: [0, 101] }).fit(S)).rejects.toThrow(/quantileRange/);
  });
});
