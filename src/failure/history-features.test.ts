import { describe, expect, it } from 'vitest';
import { Random } from '../ml/core/index.js';
import { HISTORY_FEATURE_MEANING, HistoryFeatures } from './history-features.js';
import { HOST_FAILURE_FEATURES } from './host-feature-spec.js';

/** Brute-force summaries of the finite values among the last `span` samples ending at `end`. */
function lastSpan(v: ArrayLike<number>, end: number, span: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, end + 1 - span); i <= end; i++) if (Number.isFinite(v[i])) out.push(v[i]);
  return out;
}
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const std = (a: number[]) => Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1));

describe('HistoryFeatures', () => {
  const rng = new Random(3);
  const n = 2000;
  const gauge = Float64Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin(i / 50) + rng.normal() + (i % 97 === 0 ? NaN : 0));
  // A counter that grows, resets to zero at 1200 (a reboot), and has a gap.
  const counter = new Float64Array(n);
  let c = 100;
  for (let i = 0; i < n; i++) {
    if (i === 1200) c = 0;
    if (rng.float() < 0.05) c += 1 + Math.floor(3 * rng.float());
    counter[i] = i >= 1500 && i < 1510 ? NaN : c;
  }
  const fx = new HistoryFeatures({ metrics: [{ name: 'g', kind: 'gauge' }, { name: 'c', kind: 'counter' }], derived: [{ name: 'g_minus_c', inputs: ['g', 'c'], op: 'difference' }] });
  const prepared = fx.prepare({ g: gauge, c: counter }, n);
  const out = new Float64Array(fx.size);
  const at = (name: string) => out[fx.names.indexOf(name)];

  it('names every feature and documents what each means', () => {
    expect(fx.names).toContain('g.shift_5m_vs_6h');
    expect(fx.names).toContain('g_minus_c.mean_30m');
    expect(fx.names).toContain('c.inc_24h');
    for (const name of fx.names) expect(HISTORY_FEATURE_MEANING[name.slice(name.lastIndexOf('.') + 1)], name).toBeTruthy();
    const host = new HistoryFeatures(HOST_FAILURE_FEATURES);
    expect(host.size).toBeGreaterThanOrEqual(200);
    expect(new Set(host.names).size).toBe(host.size);
  });

  it('matches brute force for gauge means, spreads, extremes and slopes (with gaps)', () => {
    prepared.featuresAt(10, out, 0);
    // 11 samples are under half of a 30-sample span: not enough to summarise.
    expect(at('g.mean_30m')).toBeNaN();
    for (const end of [400, 999, 1999]) {
      prepared.featuresAt(end, out, 0);
      const w30 = lastSpan(gauge, end, 30);
      expect(at('g.mean_30m')).toBeCloseTo(mean(w30), 9);
      expect(at('g.std_30m')).toBeCloseTo(std(w30), 8);
      expect(at('g.min_30m')).toBe(Math.min(...w30));
      expect(at('g.max_30m')).toBe(Math.max(...w30));
      const w6h = lastSpan(gauge, end, 360);
      expect(at('g.mean_6h')).toBeCloseTo(mean(w6h), 9);
      // Slope per hour over the finite points of the last 30 samples, by index.
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = Math.max(0, end - 29); i <= end; i++) if (Number.isFinite(gauge[i])) (xs.push(i), ys.push(gauge[i]));
      const mx = mean(xs);
      const my = mean(ys);
      const slope = xs.reduce((s, x, k) => s + (x - mx) * (ys[k] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
      expect(at('g.slope_30m')).toBeCloseTo(slope * 60, 7);
      expect(at('g.shift_30m_vs_6h')).toBeCloseTo((mean(w30) - mean(w6h)) / (std(w6h) + 1e-3 * (Math.abs(mean(w6h)) + 1)), 8);
    }
  });

  it('counts counter increases across a reset and a gap, and the time since the last one', () => {
    const brute = (end: number, span: number) => {
      let inc = 0;
      let last = NaN;
      // Increases are attributed to the sample that shows them; the sample before the span sets the base.
      for (let i = 0; i <= end; i++) {
        const x = counter[i];
        if (!Number.isFinite(x)) continue;
        const d = last === last ? (x >= last ? x - last : x) : 0;
        if (i > end - span) inc += d;
        last = x;
      }
      return inc;
    };
    for (const end of [1199, 1205, 1505, 1515, 1999]) {
      prepared.featuresAt(end, out, 0);
      expect(at('c.inc_30m')).toBe(brute(end, 30));
      expect(at('c.inc_6h')).toBe(brute(end, 360));
      expect(at('c.inc_24h')).toBe(brute(end, 1440));
      // The last sample whose increase was positive.
      let lastUp = -Infinity;
      let prev = NaN;
      for (let i = 0; i <= end; i++) {
        const x = counter[i];
        if (!Number.isFinite(x)) continue;
        if (prev === prev && (x >= prev ? x - prev : x) > 0) lastUp = i;
        prev = x;
      }
      expect(at('c.minutes_since_increase')).toBe(Math.min(end - lastUp, 1440));
    }
    // A reset to zero is not a negative increase.
    prepared.featuresAt(1205, out, 0);
    expect(at('c.inc_5m')).toBeGreaterThanOrEqual(0);
  });

  it('gives NaN for a span with too few samples and for a metric the host lacks', () => {
    const sparse = Float64Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 1 : NaN));
    const p = fx.prepare({ g: sparse }, 100);
    p.featuresAt(99, out, 0);
    expect(at('g.mean_30m')).toBeNaN();
    expect(at('c.inc_30m')).toBeNaN();
    expect(at('g_minus_c.mean_30m')).toBeNaN();
  });

  it('extractLatest equals featuresAt at the last sample', () => {
    const latest = fx.extractLatest({ g: gauge, c: counter }, n);
    prepared.featuresAt(n - 1, out, 0);
    expect(Array.from(latest)).toEqual(Array.from(out));
  });

  it('rejects bad specifications', () => {
    expect(() => new HistoryFeatures({ metrics: [{ name: 'a', kind: 'gauge' }, { name: 'a', kind: 'gauge' }] })).toThrow(/twice/);
    expect(() => new HistoryFeatures({ metrics: [{ name: 'a', kind: 'gauge' }], derived: [{ name: 'd', inputs: ['a', 'b'], op: 'ratio' }] })).toThrow(/needs b/);
    expect(() => new HistoryFeatures({ metrics: [], stepMs: 0 })).toThrow(/stepMs/);
  });
});
