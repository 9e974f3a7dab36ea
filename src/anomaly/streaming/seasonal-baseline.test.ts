import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { SeasonalBaseline } from './seasonal-baseline.js';
import { DAY_POINTS, STEP_MS, T0 } from './fixtures/synthetic.js';

function feed(b: SeasonalBaseline, n: number, f: (i: number) => number, step = STEP_MS, jitter?: Random) {
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += step * (jitter ? 0.5 + jitter.float() : 1);
    b.predict(t);
    b.observe(t, f(i));
  }
  return t;
}

describe('SeasonalBaseline', () => {
  it('learns a daily curve: after a few days it predicts within a small share of the amplitude', () => {
    const rng = new Random(1);
    const b = new SeasonalBaseline({ bins: 48, cycles: 7 });
    const shape = (i: number) => 50 + 20 * Math.sin((2 * Math.PI * i) / DAY_POINTS);
    feed(b, DAY_POINTS * 5, (i) => shape(i) + 0.5 * rng.normal());
    let worst = 0;
    for (let i = DAY_POINTS * 5; i < DAY_POINTS * 6; i++) {
      const t = T0 + (i + 1) * STEP_MS;
      worst = Math.max(worst, Math.abs(b.predict(t) - shape(i)));
      b.observe(t, shape(i));
    }
    expect(worst).toBeLessThan(2); // 10% of the amplitude, bins of 30 min interpolated
    expect(b.ready).toBe(true);
    expect(b.unexplained).toBeLessThan(0.2);
  });

  it('explains nothing of white noise, and copes with irregular sampling', () => {
    const rng = new Random(2);
    const b = new SeasonalBaseline();
    feed(b, DAY_POINTS * 6, () => rng.normal(), STEP_MS, rng);
    expect(b.unexplained).toBeGreaterThan(0.9);
    expect(Number.isFinite(b.predict(T0 + 7 * 86_400_000))).toBe(true);
  });

  it('predicts NaN before a phase has `minCycles` cycles, and restores bit for bit', () => {
    const b = new SeasonalBaseline({ minCycles: 2 });
    expect(b.predict(T0)).toBeNaN();
    const t = feed(b, DAY_POINTS * 3, (i) => i % 7);
    const c = SeasonalBaseline.fromState(b.options, JSON.parse(JSON.stringify(b.toState())));
    for (let i = 1; i < 500; i++) {
      const ti = t + i * STEP_MS;
      expect(Object.is(b.predict(ti), c.predict(ti))).toBe(true);
      b.observe(ti, i % 5);
      c.observe(ti, i % 5);
    }
  });
});
