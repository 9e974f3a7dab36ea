import { describe, expect, it } from 'vitest';
import { buildWindowDataset, type HostSeries } from './window-dataset.js';

const MIN = 60_000;

function host(id: string, points: number, f: (i: number) => number): HostSeries {
  return {
    entityId: id,
    timestamps: Float64Array.from({ length: points }, (_, i) => i * MIN),
    metrics: { cpu: Float64Array.from({ length: points }, (_, i) => 50 + 10 * Math.sin(i / 7)), errors: Float64Array.from({ length: points }, (_, i) => f(i)) },
  };
}

describe('buildWindowDataset', () => {
  const hosts = [host('a', 300, (i) => (i > 150 ? i - 150 : 0)), host('b', 300, () => 0)];
  const failures = [{ entityId: 'a', failedAt: 200 * MIN, recoveredAt: 240 * MIN, mode: 'disk' }];
  const ds = buildWindowDataset(hosts, failures, { metrics: ['cpu', 'errors'], windowPoints: 30, stridePoints: 5, keepRaw: true });

  it('labels windows with lead time and leaves out the unlabelable ones, counted', () => {
    // Positives: window ends t with failure in (t + 15, t + 30] min → t in [170, 185).
    const positives = Array.from(ds.t.filter((_, i) => ds.y[i] === 1), (t) => t / MIN);
    // Window ends fall on samples 29, 34, 39, …: those in [170, 185) are 174, 179 and 184.
    expect(positives).toEqual([174, 179, 184]);
    expect(ds.mode[ds.y.indexOf(1)]).toBe('disk');
    expect(ds.excluded.down).toBe(8); // ends 204 … 239 on host a
    expect(ds.excluded.too_late).toBe(3); // ends 189, 194, 199
    expect(ds.excluded.censored).toBeGreaterThan(0); // the last 30 min of each host
    expect(ds.y.length + ds.excluded.down + ds.excluded.too_late + ds.excluded.censored).toBe(2 * 55);
  });

  it('features come from the window only (no later sample), raw windows kept in order', () => {
    expect(ds.X.cols).toBe(ds.featureNames.length);
    expect(ds.featureNames[0].startsWith('cpu.')).toBe(true);
    const r = 0; // first row: host a, window ending at sample 29
    expect(ds.t[r]).toBe(29 * MIN);
    expect(ds.raw![(r * 30 + 29) * 2 + 0]).toBeCloseTo(50 + 10 * Math.sin(29 / 7), 4);
    // Rebuilding with a changed future leaves the first row's features untouched.
    const changed = [{ ...hosts[0], metrics: { ...hosts[0].metrics, cpu: Float64Array.from(hosts[0].metrics.cpu, (v, i) => (i > 29 ? 1e6 : v)) } }, hosts[1]];
    const again = buildWindowDataset(changed, failures, { metrics: ['cpu', 'errors'], windowPoints: 30, stridePoints: 5 });
    expect(Array.from(again.X.data.subarray(0, ds.X.cols))).toEqual(Array.from(ds.X.data.subarray(0, ds.X.cols)));
  });

  it('thins negatives and far positives with weights that restore their counts', () => {
    const long = { horizonMs: 120 * MIN };
    const full = buildWindowDataset(hosts, failures, { metrics: ['cpu'], windowPoints: 30, stridePoints: 1, ...long });
    const thin = buildWindowDataset(hosts, failures, { metrics: ['cpu'], windowPoints: 30, stridePoints: 1, negativeEvery: 7, thinFarPositives: { beyondMs: 30 * MIN, every: 4 }, ...long });
    const count = (d: typeof full, pred: (i: number) => boolean) => Array.from(d.y.keys()).filter(pred);
    const near = (d: typeof full) => count(d, (i) => d.y[i] === 1 && d.leadMs[i] <= 30 * MIN);
    const far = (d: typeof full) => count(d, (i) => d.y[i] === 1 && d.leadMs[i] > 30 * MIN);
    const neg = (d: typeof full) => count(d, (i) => d.y[i] === 0);
    // Every positive within 30 minutes stays; the rest are kept one in 4 and one in 7, weighted back.
    expect(near(thin).length).toBe(near(full).length);
    expect(far(thin).length).toBe(Math.ceil(far(full).length / 4));
    expect(neg(thin).length).toBeLessThanOrEqual(Math.ceil(neg(full).length / 7) + 1);
    expect(far(thin).reduce((a, i) => a + thin.weight[i], 0)).toBeCloseTo(far(full).length, -1);
    expect(neg(thin).every((i) => thin.weight[i] === 7)).toBe(true);
    expect(() => buildWindowDataset(hosts, failures, { metrics: ['cpu'], negativeEvery: 0 })).toThrow(/negativeEvery/);
  });

  it('rejects misaligned metrics and bad sizes', () => {
    const bad = { ...hosts[1], metrics: { cpu: new Float64Array(3) } };
    expect(() => buildWindowDataset([bad], [], { metrics: ['cpu'] })).toThrow(/3 values for 300 timestamps/);
    expect(() => buildWindowDataset(hosts, [], { metrics: ['cpu'], windowPoints: 4 })).toThrow(/windowPoints/);
  });
});
