import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { EwmaResidual } from './ewma-residual.js';
import { allocate } from './kernel.js';

describe('EwmaResidual', () => {
  it('standardises one-step residuals: ~N(0,1) noise gives |z| ≈ 0.8 on average, a 10σ spike ≈ 10', () => {
    const rng = new Random(1);
    const e = new EwmaResidual({ alpha: 0.05, scaleAlpha: 0.01 });
    const v = allocate(e);
    let sum = 0;
    for (let i = 0; i < 5000; i++) {
      const z = e.update(v, 0, 100 + rng.normal(), 1e-9);
      if (i > 500) sum += z;
    }
    expect(sum / 4499).toBeGreaterThan(0.7);
    expect(sum / 4499).toBeLessThan(0.95);
    const spike = e.update(v, 0, 110, 1e-9);
    expect(spike).toBeGreaterThan(8);
    expect(spike).toBeLessThan(12);
  });

  it('follows a trend with β > 0 so a steady ramp is not surprising', () => {
    const e = new EwmaResidual({ alpha: 0.3, beta: 0.3, phi: 1 });
    const v = allocate(e);
    let last = 0;
    for (let i = 0; i < 2000; i++) last = e.update(v, 0, i * 2 + Math.sin(i), 1e-9);
    expect(last).toBeLessThan(3);
    expect(Math.abs(e.forecast(v, 0) - 4000)).toBeLessThan(5);
  });

  it('keeps all its state in its slots: another kernel on a copy continues bit for bit', () => {
    const rng = new Random(3);
    const a = new EwmaResidual();
    const v = allocate(a);
    for (let i = 0; i < 300; i++) a.update(v, 0, rng.normal(), 1e-9);
    const b = new EwmaResidual(a.options);
    const w = Float64Array.from(v);
    for (let i = 0; i < 300; i++) {
      const x = rng.normal();
      expect(Object.is(a.update(v, 0, x, 1e-9), b.update(w, 0, x, 1e-9))).toBe(true);
    }
  });
});
