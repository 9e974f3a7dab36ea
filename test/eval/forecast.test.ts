import { describe, expect, it } from 'vitest';
import { bitbrainsPresent } from '../../eval/lib/bitbrains.js';
import { evaluateForecasts } from '../../eval/forecast.js';

// A quick slice of `npm run eval:forecast` on real data: 20 Bitbrains VMs, origins every day of
// the last week. The full run's figures are in the README; these bounds catch a regression.
describe.skipIf(!bitbrainsPresent())('demand forecasts on Bitbrains (quick slice of eval:forecast)', () => {
  it('is as accurate as the naive rule one hour ahead, far better than seasonal naive, with calibrated quantiles', () => {
    const t = evaluateForecasts(20, 288)[60];
    expect(t.forecasts).toBeGreaterThan(100);
    expect(t.ours / t.naive).toBeLessThan(1.05);
    expect(t.ours / t.seasonal).toBeLessThan(0.8);
    expect(t.p90 / t.count).toBeGreaterThan(0.85);
    expect(t.p90 / t.count).toBeLessThan(0.97);
    expect(t.p95 / t.count).toBeGreaterThan(t.p90 / t.count);
  }, 120_000);
});
