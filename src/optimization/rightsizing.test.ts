import { describe, expect, it } from 'vitest';
import { allocationMonthlyCost, costModel, DEFAULT_COST_MODEL } from './cost-model.js';
import { rightsize, roundUp, sustainedPeak, type RightsizingForecaster, type RightsizingInput } from './rightsizing.js';
import { SLA_POLICIES } from './sla-classes.js';
import { CPU_GRID, fromQuantileForecast, UsageHistogram } from './usage-distribution.js';
import { selectKth } from '../ml/features/index.js';
import { forecastUsageDistribution, forecastUsagePath } from './usage-quantile-forecast.js';

const STEP = 300_000;
const DAY = 288;
const T0 = Date.UTC(2024, 0, 1); // a Monday, 00:00 UTC

/** Deterministic uniform(0, 1) stream. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function vm(days: number, cpu: (i: number, r: () => number) => number, mem: (i: number, r: () => number) => number, prov: { cpuCores: number; memoryGiB: number }, seed = 1): RightsizingInput {
  const n = Math.round(days * DAY);
  const r = rng(seed);
  const c = new Float64Array(n);
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    c[i] = cpu(i, r);
    m[i] = mem(i, r);
  }
  return { id: 'vm', cpu: c, memGiB: m, startMs: T0, stepMs: STEP, provisioned: prov };
}

const NOW = T0 + 30 * 86_400_000;

describe('rightsize', () => {
  it('scales an idle VM down to a rounded size above its forecast, saving what the cost model says', () => {
    const input = vm(21, (_i, r) => 0.1 + 0.1 * r(), (_i, r) => 2 + 0.2 * r(), { cpuCores: 4, memoryGiB: 16 });
    const { recommendation: rec, detail } = rightsize(input, { now: NOW });
    expect(rec.action).toBe('scale_down');
    const cpu = rec.target_resources.cpu_cores;
    const mem = rec.target_resources.memory_gb;
    // Usage ≤ 0.2 cores: the p95 is ≈ 0.19; the target covers it, below 0.5 cores in 0.01 steps.
    expect(cpu).toBeGreaterThanOrEqual(0.19);
    expect(cpu).toBeLessThanOrEqual(0.25);
    expect(Math.abs(cpu * 100 - Math.round(cpu * 100))).toBeLessThan(1e-9);
    expect(cpu).toBeGreaterThanOrEqual(detail.cpu.forecastSize - 1e-9);
    // Memory: at least the level held for 30 min in the last day (≤ its peak, 2.2 GiB) + 5 %, in 0.25 GiB steps between 2 and 8 GiB.
    expect(detail.memory.recentSustainedPeak).toBeLessThanOrEqual(detail.memory.recentPeak);
    expect(detail.memory.recentSustainedPeak).toBeGreaterThan(2);
    expect(mem).toBeGreaterThanOrEqual(detail.memory.recentSustainedPeak! * 1.05);
    expect(mem).toBeLessThanOrEqual(2.5);
    expect((mem * 4) % 1).toBeCloseTo(0, 9);
    // Cost: the cost model's allocation prices, as a fraction and in currency.
    const before = allocationMonthlyCost(DEFAULT_COST_MODEL, 4, 16);
    const after = allocationMonthlyCost(DEFAULT_COST_MODEL, cpu, mem);
    expect(rec.expected_impact.cost_change).toBeCloseTo((after - before) / before, 4);
    expect(rec.expected_impact.cost_change).toBeLessThan(-0.8);
    expect(detail.monthlyCostChange).toBeCloseTo(after - before, 9);
    expect(detail.monthlyCostBefore).toBeCloseTo(156, 9); // 4 × 25 + 16 × 3.5
    // Risk taken is a (small) negative performance change; utilisation goes up.
    expect(rec.expected_impact.performance_change).toBeLessThanOrEqual(0);
    expect(rec.expected_impact.performance_change).toBeGreaterThan(-0.1);
    expect(rec.expected_impact.efficiency_change).toBeGreaterThan(0.3);
    expect(rec.priority).toBe(3); // saves > 50 a month and > 20 %
    expect(rec.confidence).toBeGreaterThan(0.5);
    expect(rec.reasoning[0]).toMatch(/^CPU p95 forecast 0\.\d\d cores over the next 7 days vs 4\.00 provisioned; recommend 0\.\d\d cores \(standard class\)/);
    expect(rec.reasoning.some((s) => /Expected cost savings: \d+\.\d\d a month/.test(s))).toBe(true);
    expect(rec.timestamp).toBe(new Date(NOW).toISOString());
    expect(detail.vcpus).toBe(1);
  });

  it('scales a starved VM up with priority 1', () => {
    // 2 cores provisioned, pinned at 2 cores 40 % of the time (every day 10:00–19:36 UTC).
    const input = vm(14, (i, r) => (i % DAY >= 120 && i % DAY < 235 ? 2 : 0.5 + 0.3 * r()), () => 3, { cpuCores: 2, memoryGiB: 8 });
    const { recommendation: rec, detail } = rightsize(input, { now: NOW });
    expect(rec.action).toBe('scale_up');
    expect(rec.target_resources.cpu_cores).toBeGreaterThan(2);
    expect(rec.target_resources.cpu_cores).toBeLessThanOrEqual(2 * 1.1 + 0.05); // a step past the ceiling, not a leap
    expect(detail.cpu.decision).toBe('up');
    expect(detail.cpu.recentShareAtProvisioned).toBeGreaterThan(0.3);
    expect(rec.priority).toBe(1);
    expect(rec.expected_impact.cost_change).toBeGreaterThan(-1);
    expect(rec.expected_impact.performance_change).toBeGreaterThan(0);
    expect(rec.reasoning.some((s) => s.startsWith('Starved now: CPU at its 2.00 provisioned cores'))).toBe(true);
    expect(rec.reasoning.some((s) => /daily cycle peaking around 1\d:00 UTC/.test(s))).toBe(true);
  });

  it('maintains with low confidence and says so when the history is under a day', () => {
    const input = vm(0.5, () => 0.1, () => 1, { cpuCores: 4, memoryGiB: 16 });
    const { recommendation: rec } = rightsize(input, { now: NOW });
    expect(rec.action).toBe('maintain');
    expect(rec.confidence).toBeLessThanOrEqual(0.1);
    expect(rec.target_resources).toEqual({ cpu_cores: 4, memory_gb: 16, storage_gb: 0 });
    expect(rec.expected_impact).toEqual({ performance_change: 0, cost_change: 0, efficiency_change: 0, resource_utilization_change: 0 });
    expect(rec.reasoning[0]).toMatch(/^Insufficient history: 0\.5 days of usage/);
    expect(rec.priority).toBe(5);
    // No data at all: the same, never invented numbers.
    const empty = { ...input, cpu: new Float64Array(DAY * 3).fill(NaN), memGiB: new Float64Array(DAY * 3).fill(NaN) };
    expect(rightsize(empty, { now: NOW }).recommendation.action).toBe('maintain');
  });

  it('never cuts memory below the working set held in the last 24 h plus the class margin', () => {
    // 2 GiB for 3 weeks, holding 6 GiB for 45 minutes two hours before the end.
    const n = 21 * DAY;
    const held = (i: number) => i >= n - 33 && i < n - 24;
    const input = vm(21, () => 0.2, (i) => (held(i) ? 6 : 2), { cpuCores: 2, memoryGiB: 16 });
    const { recommendation: rec, detail } = rightsize(input, { now: NOW });
    expect(detail.memory.recentSustainedPeak).toBe(6);
    expect(detail.memory.safetyFloor).toBeCloseTo(6 * 1.05, 9);
    expect(rec.target_resources.memory_gb).toBeGreaterThanOrEqual(6 * 1.05);
    expect(rec.reasoning[1]).toContain('memory floor: held 6.00 GiB for 30 min in the last 24 h + margin');
    // A single 5-minute spike to 6 GiB is not a working set: the floor is the 2 GiB held, the
    // forecast decides, and the spike counts as the (rare) shortfall the class accepts.
    const spike = vm(21, () => 0.2, (i) => (i === n - 24 ? 6 : 2), { cpuCores: 2, memoryGiB: 16 });
    const s = rightsize(spike, { now: NOW });
    expect(s.detail.memory.recentPeak).toBe(6);
    expect(s.detail.memory.safetyFloor).toBeCloseTo(2 * 1.05, 9);
    expect(s.recommendation.target_resources.memory_gb).toBeLessThan(6);
    // The critical class keeps the plain peak of the last week as its floor.
    expect(rightsize({ ...spike, slaClass: 'critical' }, { now: NOW }).recommendation.target_resources.memory_gb).toBeGreaterThanOrEqual(6 * 1.15);
    // The 45-minute hold 3 days earlier is out of the standard class's 24 h window.
    const old = vm(21, () => 0.2, (i) => (i >= n - 3 * DAY - 9 && i < n - 3 * DAY ? 6 : 2), { cpuCores: 2, memoryGiB: 16 });
    expect(rightsize(old, { now: NOW }).recommendation.target_resources.memory_gb).toBeLessThan(6);
  });

  it('finds the level held for a run of steps (sustainedPeak)', () => {
    const v = [1, 5, 5, 5, 2, 9, 3, NaN, 7, 7, 7, 7, 1];
    expect(sustainedPeak(v, 0, v.length, 1)).toBe(9);
    expect(sustainedPeak(v, 0, v.length, 3)).toBe(7);
    expect(sustainedPeak(v, 0, 7, 3)).toBe(5);
    expect(sustainedPeak(v, 0, v.length, 5)).toBe(2); // a gap breaks a run: 7,7,7,7 is only 4 long
    expect(sustainedPeak(v, 8, 12, 5)).toBe(0);
  });

  it('does not scale up a VM that never came near its provisioned size', () => {
    // Memory wanders between 1 and 3 GiB of 3.2 provisioned (never within 2 %), CPU idles.
    const input = vm(21, () => 0.1, (i, r) => 1 + 2 * r() * (i % DAY < 12 ? 1 : 0.3), { cpuCores: 1, memoryGiB: 3.2 }, 3);
    const a = rightsize(input, { now: NOW, risk: 0.05 });
    expect(a.detail.memory.forecastSize * (1 + a.detail.memory.headroom)).toBeGreaterThan(3.2);
    expect(a.detail.memory.decision).toBe('keep');
    expect(a.detail.memory.keptBelowCeiling).toBe(true);
    expect(a.recommendation.target_resources.memory_gb).toBe(3.2);
    expect(a.recommendation.reasoning[1]).toContain('never near the provisioned size');
    // Switched off, the same forecast scales it up.
    expect(rightsize(input, { now: NOW, risk: 0.05, scaleUpNeedsCeiling: false }).detail.memory.decision).toBe('up');
  });

  it('caps the share of intervals a VM may be short in, whatever the risk appetite', () => {
    // Idle at 0.05 cores two thirds of the time, busy at 4 cores the other third.
    const input = vm(21, (i, r) => (i % DAY < DAY / 3 ? 3.9 + 0.1 * r() : 0.05), () => 1, { cpuCores: 4, memoryGiB: 4 });
    const huge = rightsize(input, { now: NOW, risk: 100 });
    expect(huge.detail.cpu.quantileLevel).toBeCloseTo(0.75, 9);
    expect(huge.recommendation.target_resources.cpu_cores).toBeGreaterThan(3.5);
    // Lifting the limit lets a large appetite size it at its idle level.
    expect(rightsize(input, { now: NOW, risk: 100, maxExceedanceLimit: 0.5 }).recommendation.target_resources.cpu_cores).toBeLessThan(0.5);
  });

  it('orders the SLA classes: critical ≥ standard ≥ best effort', () => {
    const input = vm(21, (i, r) => 0.3 + 0.4 * r() * r() + (i % DAY > 200 ? 0.3 : 0), (_i, r) => 3 + r(), { cpuCores: 8, memoryGiB: 32 });
    const size = (slaClass: 'critical' | 'standard' | 'best_effort') => rightsize({ ...input, slaClass }, { now: NOW }).recommendation.target_resources;
    const c = size('critical');
    const s = size('standard');
    const b = size('best_effort');
    expect(c.cpu_cores).toBeGreaterThan(s.cpu_cores);
    expect(s.cpu_cores).toBeGreaterThanOrEqual(b.cpu_cores);
    expect(c.memory_gb).toBeGreaterThan(s.memory_gb);
    expect(s.memory_gb).toBeGreaterThanOrEqual(b.memory_gb);
    expect(SLA_POLICIES.critical.cpu.headroom).toBeGreaterThan(SLA_POLICIES.best_effort.cpu.headroom);
    expect(SLA_POLICIES.critical.cpu.maxExceedance).toBeLessThan(SLA_POLICIES.standard.cpu.maxExceedance);
    expect(SLA_POLICIES.standard.cpu.maxExceedance).toBeLessThan(SLA_POLICIES.best_effort.cpu.maxExceedance);
    expect(SLA_POLICIES.critical.memorySafetyMargin).toBeGreaterThan(SLA_POLICIES.best_effort.memorySafetyMargin);
  });

  it('takes prices from the cost model: cost_change and the monthly amount follow it', () => {
    const input = vm(14, (_i, r) => 0.5 * r(), () => 1, { cpuCores: 4, memoryGiB: 8 });
    const model = costModel({ perCoreMonth: 40, perGiBMonth: 2 });
    const { recommendation: rec, detail } = rightsize(input, { now: NOW, costModel: model });
    const t = rec.target_resources;
    expect(detail.monthlyCostBefore).toBe(4 * 40 + 8 * 2);
    expect(detail.monthlyCostAfter).toBeCloseTo(t.cpu_cores * 40 + t.memory_gb * 2, 9);
    expect(rec.expected_impact.cost_change).toBeCloseTo(detail.monthlyCostChange / detail.monthlyCostBefore, 4);
    expect(Math.sign(rec.expected_impact.cost_change)).toBe(-1);
  });

  it('a higher penalty or a performance objective sizes higher than a cost objective', () => {
    const input = vm(21, (_i, r) => 0.2 + 2 * r() ** 6, () => 2, { cpuCores: 8, memoryGiB: 16 });
    const cost = rightsize(input, { now: NOW, objective: 'cost' }).detail.cpu.forecastSize;
    const perf = rightsize(input, { now: NOW, objective: 'performance' }).detail.cpu.forecastSize;
    expect(perf).toBeGreaterThan(cost);
  });

  it('accepts a plugged-in forecaster and names it', () => {
    const fixed: RightsizingForecaster = {
      name: 'fixed',
      forecast: (_s, _r, _h, grid) => {
        const h = new UsageHistogram(grid);
        h.add(1.5, 1);
        return h.toDistribution();
      },
    };
    const input = vm(14, () => 0.1, () => 1, { cpuCores: 4, memoryGiB: 8 });
    const { detail } = rightsize(input, { now: NOW, forecaster: fixed });
    expect(detail.cpu.forecaster).toBe('fixed');
    expect(detail.cpu.target).toBeCloseTo(roundUp(CPU_GRID.upper[1 + Math.floor(Math.log(1.5 / CPU_GRID.lo) / CPU_GRID.logRatio)], 'cpu'), 9);
  });
});

describe('rounding', () => {
  it('rounds up to the granularity of the size band', () => {
    expect(roundUp(0.123, 'cpu')).toBe(0.13);
    expect(roundUp(0.13, 'cpu')).toBe(0.13);
    expect(roundUp(1.01, 'cpu')).toBe(1.05);
    expect(roundUp(5.1, 'cpu')).toBe(5.25);
    expect(roundUp(20.1, 'cpu')).toBe(20.5);
    expect(roundUp(40.2, 'cpu')).toBe(41);
    expect(roundUp(1.01, 'memory')).toBe(1.0625);
    expect(roundUp(3.3, 'memory')).toBe(3.5);
    expect(roundUp(9.9, 'memory')).toBe(10);
    expect(roundUp(33.2, 'memory')).toBe(34);
  });
});

describe('usage distribution and forecast', () => {
  it('cost-optimal size: penalty 0 is the quantile; a penalty buys a cheap tail down', () => {
    const h = new UsageHistogram(CPU_GRID);
    for (let i = 0; i < 900; i++) h.add(0.1);
    for (let i = 0; i < 100; i++) h.add(0.11); // a tight tail: 10 % just above
    const d = h.toDistribution();
    expect(d.costOptimal(0, 0.1).size).toBeCloseTo(d.quantile(0.9), 12);
    expect(d.costOptimal(0, 0.1).exceedance).toBeCloseTo(0.1, 12);
    // Covering the tail costs 0.01 core and removes 10 % exceedance: worth it at penalty 1.
    expect(d.costOptimal(1, 0.1).size).toBeGreaterThanOrEqual(0.11);
    expect(d.costOptimal(1, 0.1).exceedance).toBe(0);
    expect(d.exceedance(0.105)).toBeCloseTo(0.1, 12);
    expect(d.exceedance(1)).toBe(0);
    // A scale mixture keeps the mass and widens the tail.
    const m = d.scaleMixture(0.3);
    expect(m.p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(m.exceedance(0.12)).toBeGreaterThan(0.05);
    expect(m.clampedAbove(0.12).exceedance(0.125)).toBe(0);
  });

  it('adapts a QuantileForecast into the horizon distribution', () => {
    const steps = 100;
    const levels = [0.5, 0.9, 0.99];
    const q = levels.map((l) => new Float64Array(steps).fill(l === 0.5 ? 1 : l === 0.9 ? 2 : 3));
    const dist = fromQuantileForecast({ startMs: 0, stepMs: STEP, point: new Float64Array(steps).fill(1), levels, quantiles: q }, CPU_GRID).distribution;
    expect(dist.quantile(0.5)).toBeGreaterThan(0.95);
    expect(dist.quantile(0.5)).toBeLessThan(1.05);
    expect(dist.quantile(0.9)).toBeGreaterThan(1.9);
    expect(dist.quantile(0.9)).toBeLessThan(2.05);
    expect(dist.exceedance(3)).toBeCloseTo(0.01, 3);
  });

  it('weights whole weeks, measures seasonality, flags a rising trend, and backtests', () => {
    // Weekday days busy 09–17 UTC, weekends quiet; level rising 3 % a day.
    const n = 21 * DAY;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const day = Math.floor(i / DAY);
      const hour = Math.floor((i % DAY) / 12);
      const weekend = day % 7 >= 5;
      v[i] = (weekend ? 0.2 : hour >= 9 && hour < 17 ? 1 : 0.3) * 1.03 ** day;
    }
    const f = forecastUsageDistribution({ values: v, startMs: T0, stepMs: STEP });
    expect(f.historyDays).toBeCloseTo(21, 9);
    expect(f.seasonality.peakHourUtc).toBeGreaterThanOrEqual(9);
    expect(f.seasonality.peakHourUtc).toBeLessThan(17);
    expect(f.seasonality.dailyStrength).toBeGreaterThan(0.3);
    expect(f.seasonality.weekendRatio).toBeLessThan(0.5);
    expect(f.trendPerDay).toBeCloseTo(0.03, 2);
    expect(f.trendFactor).toBeGreaterThan(1);
    expect(f.backtest).toBeDefined();
    // The point path repeats the weekly shape: a Monday 10:00 above a Sunday 10:00.
    const path = forecastUsagePath({ values: v, startMs: T0, stepMs: STEP }, 7 * DAY);
    expect(path[10 * 12]).toBeGreaterThan(path[6 * DAY + 10 * 12]);
  });

  it('selectKth returns order statistics', () => {
    const a = Float64Array.from([5, 1, 4, 2, 3, 9, 0]);
    expect(selectKth(a.slice(), 7, 0)).toBe(0);
    expect(selectKth(a.slice(), 7, 3)).toBe(3);
    expect(selectKth(a.slice(), 7, 6)).toBe(9);
  });
});
