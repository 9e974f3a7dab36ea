import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { allocate } from './kernel.js';
import { SeasonalBaseline } from './seasonal-baseline.js';
import { DAY_POINTS, STEP_MS, T0 } from './fixtures/synthetic.js';

function feed(b: SeasonalBaseline, v: Float64Array, n: number, f: (i: number) => number, step = STEP_MS, jitter?: Random) {
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += step * (jitter ? 0.5 + jitter.float() : 1);
    b.predict(v, 0, t);
    b.observe(v, 0, t, f(i));
  }
  return t;
}

describe('SeasonalBaseline', () => {
  it('learns a daily curve: after a few days it predicts within a small share of the amplitude', () => {
    const rng = new Random(1);
    const b = new SeasonalBaseline({ bins: 48, cycles: 7 });
    const v = allocate(b);
    const shape = (i: number) => 50 + 20 * Math.sin((2 * Math.PI * i) / DAY_POINTS);
    feed(b, v, DAY_POINTS * 5, (i) => shape(i) + 0.5 * rng.normal());
    let worst = 0;
    for (let i = DAY_POINTS * 5; i < DAY_POINTS * 6; i++) {
      const t = T0 + (i + 1) * STEP_MS;
      worst = Math.max(worst, Math.abs(b.predict(v, 0, t) - shape(i)));
      b.observe(v, 0, t, shape(i));
    }
    expect(worst).toBeLessThan(2); // 10% of the amplitude, bins of 30 min interpolated
    expect(b.ready(v, 0)).toBe(true);
    expect(b.unexplained(v, 0)).toBeLessThan(0.2);
  });

  it('explains nothing of white noise, and copes with irregular sampling', () => {
    const rng = new Random(2);
    const b = new SeasonalBaseline();
    const v = allocate(b);
    feed(b, v, DAY_POINTS * 6, () => rng.normal(), STEP_MS, rng);
    expect(b.unexplained(v, 0)).toBeGreaterThan(0.9);
    expect(Number.isFinite(b.predict(v, 0, T0 + 7 * 86_400_000))).toBe(true);
  });

  it('predicts NaN before a phase has `minCycles` cycles, and keeps all its state in its slots', () => {
    const b = new SeasonalBaseline({ minCycles: 2 });
    const v = allocate(b);
    expect(b.predict(v, 0, T0)).toBeNaN();
    const t = feed(b, v, DAY_POINTS * 3, (i) => i % 7);
    const c = new SeasonalBaseline(b.options);
    const w = Float64Array.from(v);
    for (let i = 1; i < 500; i++) {
      const ti = t + i * STEP_MS;
      expect(Object.is(b.predict(v, 0, ti), c.predict(w, 0, ti))).toBe(true);
      b.observe(v, 0, ti, i % 5);
      c.observe(w, 0, ti, i % 5);
    }
    expect(c.residualSigma(w, 0)).toBe(b.residualSigma(v, 0));
  });
});
