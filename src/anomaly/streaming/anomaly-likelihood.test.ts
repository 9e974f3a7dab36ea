import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { AnomalyLikelihood, log10NormalTail } from './anomaly-likelihood.js';
import { allocate } from './kernel.js';

describe('log10NormalTail', () => {
  it('matches the standard normal upper tail to ~1e-6 relative, far into the tail', () => {
    // Q(z) reference values (R: pnorm(z, lower.tail = FALSE)).
    const ref: [number, number][] = [
      [0, 0.5],
      [1, 0.15865525393145707],
      [3, 0.0013498980316300946],
      [-3, 0.9986501019683699],
      [6, 9.865876450376946e-10],
      [10, 7.619853024160525e-24],
      [30, 4.906713927148187e-198],
    ];
    for (const [z, q] of ref) expect(log10NormalTail(z)).toBeCloseTo(Math.log10(q), 5);
    expect(Number.isFinite(log10NormalTail(60))).toBe(true);
  });
});

describe('AnomalyLikelihood', () => {
  it('scores nothing until it has `minHistory` points', () => {
    const l = new AnomalyLikelihood({ minHistory: 50 });
    const v = allocate(l);
    for (let i = 0; i < 50; i++) expect(l.update(v, 0, i === 49 ? 1e9 : 1)).toBe(0);
  });

  it('empirical tail: a surprise that recurs daily stays unremarkable, a new one is rare', () => {
    const rng = new Random(1);
    const l = new AnomalyLikelihood({ tail: 'empirical', historyWindow: 2000, decades: 8 });
    const v = allocate(l);
    let recurring = 0;
    for (let i = 0; i < 3000; i++) {
      const daily = i % 288 === 0;
      const s = l.update(v, 0, daily ? 20 : Math.abs(rng.normal()));
      if (daily && i > 1500) recurring = Math.max(recurring, s);
    }
    expect(recurring).toBeLessThan(0.4); // ~7 in 2000: −log10 ≈ 2.5 decades
    expect(l.update(v, 0, 200)).toBeGreaterThan(0.7); // ten times anything seen
  });

  it('gaussian tail reproduces −log10 Q(z) of the short-term mean against the history', () => {
    const l = new AnomalyLikelihood({ tail: 'gaussian', historyWindow: 100, minHistory: 100, decades: 10, stdFloor: 0 });
    const v = allocate(l);
    for (let i = 0; i < 100; i++) l.update(v, 0, i % 2); // mean 0.5, σ 0.5
    const s = l.update(v, 0, 2.5); // z = 4
    expect(l.lastZ(v, 0)).toBeCloseTo(4, 10);
    expect(s).toBeCloseTo(-log10NormalTail(4) / 10, 10);
  });

  it('keeps all its state in its slots: another kernel on a copy continues bit for bit', () => {
    const rng = new Random(2);
    const a = new AnomalyLikelihood({ historyWindow: 300, shortWindow: 5, tail: 'both' });
    const v = allocate(a);
    for (let i = 0; i < 1000; i++) a.update(v, 0, Math.exp(rng.normal()));
    const b = new AnomalyLikelihood(a.options);
    const w = Float64Array.from(v);
    for (let i = 0; i < 500; i++) {
      const x = Math.exp(2 * rng.normal());
      expect(Object.is(a.update(v, 0, x), b.update(w, 0, x))).toBe(true);
    }
    expect(b.historyLength(w, 0)).toBe(1500);
  });
});
