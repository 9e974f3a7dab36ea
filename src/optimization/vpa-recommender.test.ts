import { describe, expect, it } from 'vitest';
import { bucketStart, DecayingHistogram, exponentialBuckets, findBucket, GIB, MIB, VPA_DEFAULTS, vpaRecommend } from './vpa-recommender.js';
import { percentileHeadroomRecommend, windowQuantile } from './percentile-headroom-recommender.js';

const STEP = 300_000;
const DAY = 288;
const T0 = Date.UTC(2024, 0, 1);

function series(n: number, f: (i: number) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => f(i));
}
const constant = (n: number, v: number) => series(n, () => v);

describe('VPA histogram primitives', () => {
  it('exponential buckets follow firstBucketSize·(ratio^n − 1)/(ratio − 1)', () => {
    const cpu = exponentialBuckets(1000, 0.01, 1.05, 1e-4);
    expect(cpu.numBuckets).toBe(176);
    expect(bucketStart(cpu, 0)).toBe(0);
    expect(bucketStart(cpu, 1)).toBeCloseTo(0.01, 12);
    expect(bucketStart(cpu, 2)).toBeCloseTo(0.0205, 12);
    expect(findBucket(cpu, 0.005)).toBe(0);
    expect(findBucket(cpu, 0.0204)).toBe(1);
    expect(findBucket(cpu, 0.0206)).toBe(2);
    expect(findBucket(cpu, 5000)).toBe(175);
    const mem = exponentialBuckets(1e12, 1e7, 1.05, 1e-4);
    expect(mem.numBuckets).toBe(176);
  });

  it('decay halves a day-old sample: weights 1 : 2, and percentiles follow the weights', () => {
    const h = new DecayingHistogram(exponentialBuckets(1000, 0.01, 1.05, 1e-4), 86_400_000);
    h.addSample(1, 1, T0);
    h.addSample(2, 1, T0 + 86_400_000);
    expect(h.weightAt(1) / h.weightAt(2)).toBeCloseTo(0.5, 12);
    // Percentile returns the END of the bucket where the running weight reaches p·total.
    const b1 = findBucket(h.buckets, 1);
    const b2 = findBucket(h.buckets, 2);
    expect(h.percentile(0.3)).toBeCloseTo(bucketStart(h.buckets, b1 + 1), 12); // 1/3 of the weight is at 1
    expect(h.percentile(0.5)).toBeCloseTo(bucketStart(h.buckets, b2 + 1), 12);
    // Two half-lives: a quarter.
    h.addSample(3, 1, T0 + 2 * 86_400_000);
    expect(h.weightAt(1) / h.weightAt(3)).toBeCloseTo(0.25, 12);
  });

  it('renormalises after 100 half-lives without changing relative weights', () => {
    const h = new DecayingHistogram(exponentialBuckets(1000, 0.01, 1.05, 1e-4), 3_600_000);
    h.addSample(1, 1, T0);
    h.addSample(2, 1, T0 + 101 * 3_600_000);
    expect(Number.isFinite(h.totalWeight)).toBe(true);
    expect(h.weightAt(1) / h.weightAt(2)).toBeCloseTo(2 ** -101, 20);
  });
});

describe('vpaRecommend', () => {
  it('recommends constant × 1.15 on a constant series (within one 5 % bucket)', () => {
    const n = 8 * DAY;
    const r = vpaRecommend({ cpu: constant(n, 0.5), memGiB: constant(n, 2), provCores: constant(n, 4), provMemGiB: constant(n, 16), startMs: T0, stepMs: STEP });
    expect(r.cpuCores).toBeGreaterThanOrEqual(0.5 * 1.15);
    expect(r.cpuCores).toBeLessThanOrEqual(0.5 * 1.05 * 1.15 + 1e-9);
    expect(r.memoryGiB).toBeGreaterThanOrEqual(2 * 1.15);
    expect(r.memoryGiB).toBeLessThanOrEqual(2 * 1.05 * 1.15 + 1e-9);
    expect(r.oomEvents).toBe(0);
    expect(r.memoryPeaksGiB).toHaveLength(8);
    // 8 days of 5-minute samples = 2,304 samples = 1.6 "VPA days" (it counts 1,440 a day).
    expect(r.confidenceDays).toBeCloseTo(2304 / 1440, 9);
    expect(r.upperBound.cpuCores).toBeGreaterThan(r.cpuCores);
    expect(r.lowerBound.cpuCores).toBeLessThanOrEqual(r.cpuCores);
  });

  it('the margin fraction is the headroom knob: margin 0 gives the bare p90', () => {
    const n = 8 * DAY;
    const input = { cpu: constant(n, 0.5), memGiB: constant(n, 2), provCores: constant(n, 4), provMemGiB: constant(n, 16), startMs: T0, stepMs: STEP };
    const r0 = vpaRecommend(input, { marginFraction: 0 });
    const r15 = vpaRecommend(input);
    expect(r15.cpuCores / r0.cpuCores).toBeCloseTo(1.15, 12);
    expect(VPA_DEFAULTS.marginFraction).toBe(0.15);
  });

  it('memory uses one peak per 24 h over the last 8 days, decayed', () => {
    const n = 10 * DAY;
    // 1 GiB flat with a 5-minute spike to 5 GiB at noon every day.
    const mem = series(n, (i) => (i % DAY === DAY / 2 ? 5 : 1));
    const r = vpaRecommend({ cpu: constant(n, 0.1), memGiB: mem, provCores: constant(n, 2), provMemGiB: constant(n, 8), startMs: T0, stepMs: STEP });
    expect(r.memoryPeaksGiB).toHaveLength(8); // 10 days of data, 8 days of history
    for (const p of r.memoryPeaksGiB) expect(p).toBeCloseTo(5, 9);
    expect(r.memoryGiB).toBeGreaterThanOrEqual(5 * 1.15);
    expect(r.memoryGiB).toBeLessThanOrEqual(5 * 1.05 * 1.15);

    // A single high peak on the oldest day of the 8 carries 2^-7 of the newest day's weight: p90 ignores it.
    const mem2 = series(8 * DAY, (i) => (i === 100 ? 10 : 2));
    const r2 = vpaRecommend({ cpu: constant(8 * DAY, 0.1), memGiB: mem2, provCores: constant(8 * DAY, 2), provMemGiB: constant(8 * DAY, 16), startMs: T0, stepMs: STEP });
    expect(r2.memoryPeaksGiB[0]).toBeCloseTo(10, 9);
    expect(r2.memoryGiB).toBeLessThan(2 * 1.05 * 1.15 + 1e-9);
    // …and a spike 9 days back is outside the history altogether.
    const mem3 = series(10 * DAY, (i) => (i === 100 ? 10 : 2));
    const r3 = vpaRecommend({ cpu: constant(10 * DAY, 0.1), memGiB: mem3, provCores: constant(10 * DAY, 2), provMemGiB: constant(10 * DAY, 16), startMs: T0, stepMs: STEP });
    expect(Math.max(...r3.memoryPeaksGiB)).toBeCloseTo(2, 9);
  });

  it('an OOM-like step (memory at the provisioned size) adds max(+100 MiB, ×1.2) of the request as that day\'s peak', () => {
    const n = 8 * DAY;
    const mem = series(n, (i) => (i === n - 10 ? 4 : 1)); // reaches the 4 GiB provisioned in the last day
    const r = vpaRecommend({ cpu: constant(n, 0.1), memGiB: mem, provCores: constant(n, 2), provMemGiB: constant(n, 4), startMs: T0, stepMs: STEP });
    expect(r.oomEvents).toBe(1);
    expect(r.memoryPeaksGiB.at(-1)).toBeCloseTo(4 * 1.2, 9);
    expect(r.memoryGiB).toBeGreaterThanOrEqual(4.8 * 1.15);
    // A small request: the +100 MiB minimum bump wins over ×1.2.
    const small = series(n, (i) => (i === n - 10 ? 0.25 : 0.1));
    const rs = vpaRecommend({ cpu: constant(n, 0.1), memGiB: small, provCores: constant(n, 1), provMemGiB: constant(n, 0.25), startMs: T0, stepMs: STEP });
    expect(rs.memoryPeaksGiB.at(-1)).toBeCloseTo(0.25 + (100 * MIB) / GIB, 9);
  });

  it('applies the pod minimums (25 millicores, 250 MiB) to an idle VM', () => {
    const n = 8 * DAY;
    const r = vpaRecommend({ cpu: constant(n, 0), memGiB: constant(n, 0.01), provCores: constant(n, 1), provMemGiB: constant(n, 1), startMs: T0, stepMs: STEP });
    expect(r.cpuCores).toBeCloseTo(0.025, 12);
    expect(r.memoryGiB).toBeCloseTo((250 * MIB) / GIB, 12);
  });

  it('weights CPU samples by the request (at least 0.1): history under a bigger request counts more', () => {
    const n = 2 * DAY;
    // Same time span, two halves: usage 1 under request 4, then usage 0.2 under request 0.05 (→ weight 0.1).
    const cpu = series(n, (i) => (i < DAY ? 1 : 0.2));
    const prov = series(n, (i) => (i < DAY ? 4 : 0.05));
    const r = vpaRecommend({ cpu, memGiB: constant(n, 1), provCores: prov, provMemGiB: constant(n, 4), startMs: T0, stepMs: STEP }, { cpuHalfLifeMs: 1e15 });
    // Weight of the first half 4 × 288, second 0.1 × 288: p90 falls in the first half's value.
    expect(r.cpuCores).toBeGreaterThanOrEqual(1 * 1.15);
  });
});

describe('percentileHeadroomRecommend (AWS-style)', () => {
  it('is P99.5 of the last 14 days + 20 %', () => {
    const n = 20 * DAY;
    // 0…999 repeating; the first 6 days hold a huge spike that is outside the 14-day window.
    const cpu = series(n, (i) => (i < 6 * DAY && i % 100 === 0 ? 50 : (i % 1000) / 1000));
    const r = percentileHeadroomRecommend({ cpu, memGiB: constant(n, 3), stepMs: STEP });
    expect(r.cpuPercentile).toBeCloseTo(windowQuantile(cpu, n - 14 * DAY, n, 0.995), 12);
    expect(r.cpuPercentile).toBeLessThan(1);
    expect(r.cpuCores).toBeCloseTo(r.cpuPercentile * 1.2, 12);
    expect(r.memoryGiB).toBeCloseTo(3.6, 12);
    expect(percentileHeadroomRecommend({ cpu, memGiB: constant(n, 3), stepMs: STEP }, { cpuHeadroom: 0.5 }).cpuCores).toBeCloseTo(r.cpuPercentile * 1.5, 12);
  });
});
