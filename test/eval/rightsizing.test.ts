import { describe, expect, it } from 'vitest';
import { bitbrainsPresent, loadBitbrains } from '../../eval/lib/bitbrains.js';
import { dominance, interpolate, OUTER, prepare, provisionedPoint, score, sweepOurs, sweepVpa, violationsAt, type EvalVm, type Split } from '../../eval/rightsizing/harness.js';

/**
 * The regression guard of `npm run eval:rightsizing`: the outer split (fit on the first 21 days
 * of the Bitbrains month, judge the last 7) on ALL 500 VMs, ours (standard class, risk sweep
 * ×0.05 … ×16) against the VPA re-implementation (margin 0…0.5 and p80…p99 targets).
 *
 * Why all 500 and not a 60-VM slice: the whole run takes ≈ 15 s, and small slices are too noisy
 * to guard memory — a handful of VMs with tens of GiB decide the memory totals (with the
 * first-round design, on VMs 1–60, 1+5k and 3+5k our memory curve did not dominate VPA's while
 * on all 500 it did).
 *
 * Checked, as measured by the one outer run of the second round (eval/rightsizing.ts): ours
 * dominates VPA on CPU and memory (reclaims at least as much at every VPA point's violation rate);
 * at VPA's default violation rate ours reclaims ×1.106 VPA's CPU and ×1.197 its memory (guarded
 * at ≥ 1.09 and ≥ 1.15; the issue's ×1.15 is met for memory, not for CPU — see the eval's header
 * for why a per-VM limit on the share of intervals short caps the CPU ratio); reclaiming as much
 * as VPA's default, ours runs short in under a quarter (CPU) and a fifth (memory) of VPA's
 * intervals. Interpolation helpers checked on a toy curve.
 *
 * Unserved demand (third round, a supplementary measure): our default leaves less CPU demand
 * unserved than VPA's default (measured 0.80 % vs 1.31 %) while reclaiming about as much; read at
 * VPA's default unserved share, ours reclaims ×1.018 (CPU) and ×1.122 (memory) VPA's — guarded
 * at ≥ 1.0 and ≥ 1.1. Neither curve dominates VPA's on that measure, which the test records.
 */
describe.skipIf(!bitbrainsPresent())('rightsizing on real data: 500 Bitbrains VMs, fit 21 days, judge the last 7', () => {
  it('dominates the VPA recommender on CPU and memory and beats its default point (CPU ≥ 9 %, memory ≥ 15 %)', () => {
    const vms = loadBitbrains(500);
    const { list, excluded } = prepare(vms, OUTER);
    expect(list.length).toBe(500);
    expect(excluded).toEqual({ noFitData: 0, noJudgedData: 0, noProvisioned: 0 });
    const ours = sweepOurs(list, OUTER);
    const vpa = sweepVpa(list, OUTER);
    const cpu = dominance(ours, vpa, 'cpu');
    const mem = dominance(ours, vpa, 'memory');
    expect(cpu.rows.filter((r) => !r.ok).map((r) => r.vpa.setting)).toEqual([]);
    expect(mem.rows.filter((r) => !r.ok).map((r) => r.vpa.setting)).toEqual([]);
    expect(cpu.ratioAtDefault).toBeGreaterThanOrEqual(1.09);
    expect(mem.ratioAtDefault).toBeGreaterThanOrEqual(1.15);
    expect(cpu.oursViolationAtDefaultReclaimed).toBeLessThan(0.25 * cpu.violationAtDefault);
    expect(mem.oursViolationAtDefaultReclaimed).toBeLessThan(0.2 * mem.violationAtDefault);
    // VPA's default point, as measured when this test was written (a change to the baseline shows here).
    expect(cpu.vpaAtDefault).toBeCloseTo(0.6345, 3);
    expect(cpu.violationAtDefault).toBeCloseTo(0.0284, 3);
    // Keeping the provisioned size reclaims nothing and still violates (some VMs run above it).
    const prov = provisionedPoint(list, OUTER).score;
    expect(prov.cpuReclaimed).toBe(0);
    expect(prov.cpuViolation).toBeGreaterThan(0);
    // Our default (risk ×1): CPU reclaims about as much as VPA's default with a fifth of its
    // violations; memory reclaims ≥ 15 % more at about the same violation rate (measured 0.127 %
    // against VPA's 0.121 %), and no VM is short of CPU in as many intervals as VPA's worst.
    const od = ours.find((p) => p.isDefault)!.score;
    const vd = vpa.find((p) => p.isDefault)!.score;
    expect(od.cpuViolation).toBeLessThan(0.25 * vd.cpuViolation);
    expect(od.cpuReclaimed).toBeGreaterThan(vd.cpuReclaimed - 0.01);
    expect(od.memReclaimed).toBeGreaterThan(1.15 * vd.memReclaimed);
    expect(od.memViolation).toBeLessThan(1.1 * vd.memViolation);
    expect(od.cpuWorst).toBeLessThan(vd.cpuWorst);
    // Unserved demand: our default throttles less CPU work than VPA's; read on that measure our
    // curve is ahead at VPA's default but not at its aggressive points (margin 0–0.10, p80).
    expect(od.cpuUnserved).toBeLessThan(0.75 * vd.cpuUnserved);
    const cpuU = dominance(ours, vpa, 'cpu', 'unserved');
    const memU = dominance(ours, vpa, 'memory', 'unserved');
    expect(cpuU.ratioAtDefault).toBeGreaterThanOrEqual(1.0);
    expect(memU.ratioAtDefault).toBeGreaterThanOrEqual(1.1);
    expect(cpuU.rows.filter((r) => !r.ok).map((r) => r.vpa.setting)).toEqual(['margin 0.00, p90', 'margin 0.05, p90', 'margin 0.10, p90', 'margin 0.15, p80']);
  }, 60_000);
});

describe('scoring a sizing', () => {
  it('counts intervals over the size and the demand above it', () => {
    // One VM, judged on steps 2–5: CPU 1, 3, 2, NaN against a 2-core size; memory 4, 4, 6, 4 GiB against 5.
    const vm = { id: 'a', cpu: Float64Array.from([9, 9, 1, 3, 2, NaN]), mem: Float64Array.from([9, 9, 4, 4, 6, 4]) };
    const list = [{ vm, provCores: 4, provMem: 8 }] as unknown as EvalVm[];
    const split: Split = { name: 'toy', fitEnd: 2, judgeStart: 2, judgeEnd: 6 };
    const s = score(list, { cpu: Float64Array.from([2]), mem: Float64Array.from([5]) }, split);
    expect(s.cpuReclaimed).toBeCloseTo(0.5, 12);
    expect(s.cpuViolation).toBeCloseTo(1 / 3, 12); // one of three observed intervals
    expect(s.cpuUnserved).toBeCloseTo(1 / 6, 12); // 1 core short of 6 core-intervals of demand
    expect(s.cpuUnservedWorst).toBeCloseTo(1 / 6, 12);
    expect(s.memUnserved).toBeCloseTo(1 / 18, 12);
    expect(s.memViolatingVms).toBe(1);
  });
});

describe('curve helpers', () => {
  it('reads a curve on its upper envelope', () => {
    const curve = [
      { x: 0.01, y: 0.5 },
      { x: 0.02, y: 0.6 },
      { x: 0.03, y: 0.55 }, // dominated: more violations, less reclaimed
      { x: 0.05, y: 0.7 },
    ];
    expect(interpolate(curve, 0.005)).toBeNaN();
    expect(interpolate(curve, 0.015)).toBeCloseTo(0.55, 12);
    expect(interpolate(curve, 0.035)).toBeCloseTo(0.65, 12);
    expect(interpolate(curve, 0.2)).toBeCloseTo(0.7, 12);
    expect(violationsAt(curve, 0.65)).toBeCloseTo(0.035, 12);
    expect(violationsAt(curve, 0.4)).toBeCloseTo(0.01, 12);
    expect(violationsAt(curve, 0.8)).toBeNaN();
  });
});
