import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { allocate } from './kernel.js';
import { RingBuffer, RobustScale, WindowExtremes, WindowMoments } from './rolling-stats.js';

describe('RingBuffer', () => {
  it('keeps the last `capacity` values, newest at age 0, and reports what it evicts', () => {
    const r = new RingBuffer(3);
    expect(r.push(1)).toBeNaN();
    r.push(2);
    r.push(3);
    expect(r.full).toBe(true);
    expect(r.push(4)).toBe(1);
    expect([r.get(0), r.get(1), r.get(2), r.get(3)]).toEqual([4, 3, 2, NaN]);
    const copy = RingBuffer.fromState(JSON.parse(JSON.stringify(r.toState())));
    copy.push(5);
    r.push(5);
    expect([copy.get(0), copy.get(1), copy.get(2)]).toEqual([r.get(0), r.get(1), r.get(2)]);
  });
});

describe('WindowMoments', () => {
  it('matches the mean and variance of the last `window` values computed directly, without drift', () => {
    const rng = new Random(3);
    const w = new WindowMoments(50);
    const v = allocate(w);
    const all: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const x = 1e6 + rng.normal() * (i < 2500 ? 1 : 10);
      all.push(x);
      w.push(v, 0, x);
    }
    const last = all.slice(-50);
    const mean = last.reduce((a, b) => a + b, 0) / 50;
    const variance = last.reduce((a, b) => a + (b - mean) ** 2, 0) / 50;
    expect(w.mean(v, 0)).toBeCloseTo(mean, 6);
    expect(w.variance(v, 0) / variance).toBeCloseTo(1, 6);
    expect(w.get(v, 0, 0)).toBe(all[4999]);
    expect(w.count(v, 0)).toBe(50);
  });
});

describe('RobustScale', () => {
  it('RobustScale estimates σ of Gaussian residuals and barely moves for a burst of outliers', () => {
    const rng = new Random(5);
    const s = new RobustScale(0.01, 4);
    const v = allocate(s);
    for (let i = 0; i < 20_000; i++) s.update(v, 0, rng.normal() * 2);
    expect(s.sigma(v, 0)).toBeGreaterThan(1.8);
    expect(s.sigma(v, 0)).toBeLessThan(2.2);
    const before = s.sigma(v, 0);
    for (let i = 0; i < 5; i++) s.update(v, 0, 1e6);
    expect(s.sigma(v, 0) / before).toBeLessThan(1.25);
  });
});

describe('WindowExtremes', () => {
  it('tracks min and max over a sliding window of whole blocks (at least the last blocks − 1)', () => {
    const rng = new Random(9);
    const w = new WindowExtremes(8, 4);
    const v = allocate(w);
    const xs: number[] = [];
    for (let i = 0; i < 400; i++) {
      const x = rng.normal();
      xs.push(x);
      w.push(v, 0, x);
      // The window covers the current partial block and the last 4 complete ones.
      const partial = xs.length % 8;
      const from = Math.max(0, xs.length - partial - 32);
      const win = xs.slice(from);
      expect(w.max(v, 0)).toBe(Math.max(...win));
      expect(w.min(v, 0)).toBe(Math.min(...win));
    }
  });
});
