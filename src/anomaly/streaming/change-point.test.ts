import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { CusumDetector } from './change-point.js';
import { allocate } from './kernel.js';

function run(shift: number, seed: number, h = 5) {
  const rng = new Random(seed);
  const c = new CusumDetector({ k: 0.5, h });
  const v = allocate(c);
  const signals: number[] = [];
  for (let i = 0; i < 6000; i++) {
    const s = c.update(v, 0, 10 + rng.normal() + (i >= 4000 ? shift : 0), 1e-9);
    if (s >= 1 && i > 500) signals.push(i);
  }
  return signals;
}

describe('CusumDetector', () => {
  it('signals a 2σ shift of the mean within a few points, and reports its size in σ', () => {
    for (const seed of [1, 2, 3]) {
      const first = run(2, seed).find((i) => i >= 4000)!;
      expect(first - 4000).toBeLessThan(15);
    }
    const size = (shift: number) => {
      const rng = new Random(9);
      const c = new CusumDetector({ h: 5 });
      const v = allocate(c);
      for (let i = 0; i < 3000; i++) c.update(v, 0, rng.normal(), 1e-9);
      for (let i = 0; i < 50; i++) {
        const s = c.update(v, 0, shift + rng.normal(), 1e-9);
        if (s >= 1) return s;
      }
      return 0;
    };
    expect(size(2)).toBeGreaterThanOrEqual(1);
    expect(size(2)).toBeLessThan(3);
    expect(size(8)).toBeGreaterThan(size(2));
  });

  it('false signals on stationary noise follow the decision interval (ARL of hundreds at h = 5, thousands at h = 10)', () => {
    const at5 = run(0, 4, 5).filter((i) => i < 4000).length;
    const at10 = run(0, 4, 10).filter((i) => i < 4000).length;
    expect(at5).toBeGreaterThan(2);
    expect(at5).toBeLessThan(40);
    expect(at10).toBeLessThanOrEqual(2);
  });

  it('keeps all its state in its slots: another kernel on a copy continues bit for bit', () => {
    const rng = new Random(5);
    const a = new CusumDetector();
    const v = allocate(a);
    for (let i = 0; i < 400; i++) a.update(v, 0, rng.normal(), 1e-9);
    const b = new CusumDetector(a.options);
    const w = Float64Array.from(v);
    for (let i = 0; i < 400; i++) {
      const x = rng.normal() + (i > 200 ? 3 : 0);
      expect(Object.is(a.update(v, 0, x, 1e-9), b.update(w, 0, x, 1e-9))).toBe(true);
    }
    expect(b.sinceChange(w, 0)).toBe(a.sinceChange(v, 0));
  });
});
