import { describe, expect, it } from 'vitest';
import { FitCancelledError, MLInputError, NotFittedError, UnknownParameterError } from '../core/errors.js';
import { fromRows, matrix, type Matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { OneClassSVM } from './one-class-svm.js';

function gaussian(n: number, cols: number, seed: number): Matrix {
  const rng = new Random(seed);
  return matrix(Float64Array.from({ length: n * cols }, () => rng.normal()), n, cols);
}

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** The deterministic 40-point problem the sklearn reference values below were computed on. */
function sklearnProblem(): Matrix {
  const rows: number[][] = [];
  for (let i = 0; i < 40; i++) {
    let x = Math.cos(i * 0.7) * (1 + 0.1 * Math.sin(i * 1.3));
    let y = Math.sin(i * 0.7) * (1 + 0.1 * Math.cos(i * 2.1));
    if (i >= 35) {
      x = x * 0.2 + 0.5;
      y = y * 0.2 + 0.5;
    }
    rows.push([x, y]);
  }
  return fromRows(rows);
}

describe('OneClassSVM', () => {
  it('exact solver reproduces scikit-learn 1.2 (libsvm) on a small problem', async () => {
    const X = sklearnProblem();
    const Q = fromRows([
      [0, 0],
      [1, 0],
      [0.5, 0.5],
      [2, 2],
      [-1, 0.2],
    ]);
    // sklearn.svm.OneClassSVM(nu, gamma, tol=1e-6).fit(X): offset_ and decision_function(Q).
    const cases = [
      { nu: 0.5, gamma: 'scale' as const, rho: 5.934552537271941, nSV: 23, dec: [0.7071726924913424, -0.17574046060395254, 0.5566944111574665, -5.84138003953906, -0.2766251530867736] },
      { nu: 0.1, gamma: 2, rho: 0.8024137319030666, nSV: 9, dec: [-0.3125303505414909, 5.304711470088819e-8, 0.0085564539029086, -0.8016635873349142, 0.009095429168411884] },
    ];
    for (const c of cases) {
      const m = await new OneClassSVM({ nu: c.nu, gamma: c.gamma, tol: 1e-6 }).fit(X);
      expect(m.method).toBe('exact');
      expect(m.converged).toBe(true);
      expect(m.nSupportVectors).toBe(c.nSV);
      expect(m.offset).toBeCloseTo(c.rho, 5);
      const dec = m.decisionFunction(Q);
      for (let i = 0; i < c.dec.length; i++) expect(dec[i]).toBeCloseTo(c.dec[i], 5);
    }
    expect((await new OneClassSVM({ gamma: 'scale' }).fit(X)).gamma).toBeCloseTo(1.0711071412439317, 12);
  });

  it('separates a ring from its centre', async () => {
    const rng = new Random(3);
    const rows: number[][] = [];
    for (let i = 0; i < 300; i++) {
      const a = rng.float() * 2 * Math.PI;
      const r = 1 + 0.05 * rng.normal();
      rows.push([r * Math.cos(a), r * Math.sin(a)]);
    }
    const m = await new OneClassSVM({ nu: 0.05, gamma: 5 }).fit(fromRows(rows));
    const [centre, nearCentre, far, onRing] = m.decisionFunction(fromRows([[0, 0], [0.2, -0.1], [2.5, 0], [0, 1]]));
    expect(centre).toBeLessThan(0);
    expect(nearCentre).toBeLessThan(0);
    expect(far).toBeLessThan(0);
    expect(onRing).toBeGreaterThan(0);
    expect(Array.from(m.predict(fromRows([[0, 0], [0, 1]])))).toEqual([1, 0]);
    const s = m.scoreSamples(fromRows([[0, 1]]));
    expect(s[0] - m.offset).toBeCloseTo(onRing, 12);
  });

  it('ν bounds the share of training outliers from above and of support vectors from below', async () => {
    const X = gaussian(1000, 3, 5);
    for (const nu of [0.05, 0.2, 0.5]) {
      const m = await new OneClassSVM({ nu }).fit(X);
      const d = m.decisionFunction(X);
      let outside = 0;
      for (const v of d) if (v < -1e-6) outside++;
      expect(outside / X.rows).toBeLessThanOrEqual(nu + 0.01);
      expect(outside / X.rows).toBeGreaterThan(nu - 0.03);
      expect(m.nSupportVectors / X.rows).toBeGreaterThanOrEqual(nu - 1e-9);
    }
  });

  it('Nyström approximation: tracks the exact solution and fits 20,000 points', async () => {
    const X = gaussian(3000, 4, 8);
    const exact = await new OneClassSVM({ nu: 0.1, method: 'exact' }).fit(X);
    const approx = await new OneClassSVM({ nu: 0.1, method: 'nystroem', nComponents: 150 }).fit(X, undefined, { seed: 1 });
    expect(approx.method).toBe('nystroem');
    const Q = gaussian(500, 4, 9);
    expect(corr(exact.decisionFunction(Q), approx.decisionFunction(Q))).toBeGreaterThan(0.99);

    const big = gaussian(20_000, 5, 10);
    for (let i = 0; i < 100; i++) big.data[i * 5 + (i % 5)] = 6; // planted outliers
    const progress: number[] = [];
    const m = await new OneClassSVM({ nu: 0.05 }).fit(big, undefined, { seed: 2, onProgress: (p) => progress.push(p.fraction) });
    expect(m.method).toBe('nystroem');
    expect(m.converged).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);
    const p = m.predict(big);
    const share = p.reduce((a, b) => a + b, 0) / p.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.06);
    let caught = 0;
    for (let i = 0; i < 100; i++) caught += p[i];
    expect(caught).toBeGreaterThanOrEqual(95);
  });

  it('round-trips exactly, is deterministic per seed, and rejects bad input', async () => {
    const X = gaussian(400, 3, 1);
    for (const method of ['exact', 'nystroem'] as const) {
      const a = await new OneClassSVM({ nu: 0.2, method, nComponents: 50 }).fit(X, undefined, { seed: 4 });
      const b = await new OneClassSVM({ nu: 0.2, method, nComponents: 50 }).fit(X, undefined, { seed: 4 });
      expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
      const back = OneClassSVM.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
      expect(Array.from(back.decisionFunction(X))).toEqual(Array.from(a.decisionFunction(X)));
      expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(a.toJSON()));
    }
    const c = await new OneClassSVM({ nu: 0.2, method: 'nystroem', nComponents: 50 }).fit(X, undefined, { seed: 5 });
    const a = await new OneClassSVM({ nu: 0.2, method: 'nystroem', nComponents: 50 }).fit(X, undefined, { seed: 4 });
    expect(JSON.stringify(c.toJSON())).not.toBe(JSON.stringify(a.toJSON()));

    await expect(new OneClassSVM({ C: 1 } as never).fit(X)).rejects.toThrow(UnknownParameterError);
    await expect(new OneClassSVM({ nu: 0 }).fit(X)).rejects.toThrow(/nu/);
    await expect(new OneClassSVM({ gamma: -1 }).fit(X)).rejects.toThrow(/gamma/);
    await expect(new OneClassSVM({ kernel: 'poly' as never }).fit(X)).rejects.toThrow(/kernel/);
    await expect(new OneClassSVM({ method: 'fast' as never }).fit(X)).rejects.toThrow(/method/);
    await expect(new OneClassSVM().fit(fromRows([]))).rejects.toThrow(/empty/);
    await expect(new OneClassSVM().fit(fromRows([[1, NaN]]))).rejects.toThrow(MLInputError);
    expect(() => new OneClassSVM().decisionFunction(X)).toThrow(NotFittedError);
    expect(() => a.decisionFunction(fromRows([[1, 2]]))).toThrow(/columns/);
    const ac = new AbortController();
    ac.abort();
    await expect(new OneClassSVM().fit(X, undefined, { signal: ac.signal })).rejects.toThrow(FitCancelledError);
  });
});
