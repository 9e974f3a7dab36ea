/**
 * The measuring side of `npm run eval:rightsizing`: splits, per-method sweeps, scoring of a set
 * of per-VM sizes against the judged week, interpolation and the domination check.
 * See eval/rightsizing.ts for the protocol.
 */
import type { VmTrace } from '../lib/bitbrains.js';
import { GRID_STEPS, GRID_T0, STEP_S } from '../lib/bitbrains.js';
import { rightsize, type RightsizingOptions } from '../../src/optimization/rightsizing.js';
import { VPA_DEFAULTS, vpaRecommend, type VpaOptions } from '../../src/optimization/vpa-recommender.js';
import { PERCENTILE_HEADROOM_DEFAULTS, percentileHeadroomRecommend, type PercentileHeadroomOptions } from '../../src/optimization/percentile-headroom-recommender.js';

export const DAY_STEPS = 86400 / STEP_S;
export const WEEK_STEPS = 7 * DAY_STEPS;
export const START_MS = GRID_T0 * 1000;
export const STEP_MS = STEP_S * 1000;

export interface Split {
  name: string;
  /** History = steps [0, fitEnd); judged = [judgeStart, judgeEnd). */
  fitEnd: number;
  judgeStart: number;
  judgeEnd: number;
}

/** The evaluation: fit on the first 21 days, judge the last 7 (a gap of ≈ 2 days between). */
export const OUTER: Split = { name: 'outer (fit days 1–21, judge the last 7 days)', fitEnd: 3 * WEEK_STEPS, judgeStart: GRID_STEPS - WEEK_STEPS, judgeEnd: GRID_STEPS };
/** The tuning split, inside the first 21 days only: judge days 15–21, fit on what precedes them by the same gap. */
export const INNER: Split = (() => {
  const judgeStart = 2 * WEEK_STEPS;
  const gap = OUTER.judgeStart - OUTER.fitEnd;
  return { name: 'inner (fit days 1–12, judge days 15–21; tuning only)', fitEnd: judgeStart - gap, judgeStart, judgeEnd: 3 * WEEK_STEPS };
})();

/**
 * Three more tuning splits inside the first 21 days, because one week decides little (on the
 * same method the memory ratio at VPA's default moves between ×1.03 and ×1.24 from one judged
 * week to the next): fit on the first d days (d = 7, 9, 10), judge the 7 days after the same gap.
 * Every choice was made on the mean over these and INNER.
 */
export const INNER_EXTRA: Split[] = [7, 9, 10].map((d) => {
  const gap = OUTER.judgeStart - OUTER.fitEnd;
  return { name: `inner, fit days 1–${d}, judge days ${d + 3}–${d + 9}`, fitEnd: d * DAY_STEPS, judgeStart: d * DAY_STEPS + gap, judgeEnd: d * DAY_STEPS + gap + WEEK_STEPS };
});

export interface EvalVm {
  vm: VmTrace;
  /** The current size: the last non-zero provisioned cores/memory in the fit window. */
  provCores: number;
  provMem: number;
}

export interface Exclusions {
  noFitData: number;
  noJudgedData: number;
  noProvisioned: number;
}

/** VMs with data in both windows and a known size; the rest counted by reason. */
export function prepare(vms: readonly VmTrace[], split: Split): { list: EvalVm[]; excluded: Exclusions } {
  const excluded: Exclusions = { noFitData: 0, noJudgedData: 0, noProvisioned: 0 };
  const list: EvalVm[] = [];
  for (const vm of vms) {
    let fit = 0;
    let judged = 0;
    for (let i = 0; i < split.fitEnd; i++) if (Number.isFinite(vm.cpu[i])) fit++;
    for (let i = split.judgeStart; i < split.judgeEnd; i++) if (Number.isFinite(vm.cpu[i])) judged++;
    let provCores = 0;
    let provMem = 0;
    for (let i = split.fitEnd - 1; i >= 0; i--) {
      if (vm.provCores[i] > 0 && vm.provMem[i] > 0) {
        provCores = vm.provCores[i];
        provMem = vm.provMem[i];
        break;
      }
    }
    if (fit === 0) excluded.noFitData++;
    else if (judged === 0) excluded.noJudgedData++;
    else if (!(provCores > 0)) excluded.noProvisioned++;
    else list.push({ vm, provCores, provMem });
  }
  return { list, excluded };
}

export interface Sizes {
  cpu: Float64Array;
  mem: Float64Array;
}

export interface Score {
  /** Σ(provisioned − recommended) / Σ provisioned; a scale-up counts negative. */
  cpuReclaimed: number;
  memReclaimed: number;
  /** Share of VM × 5-minute intervals in the judged window with usage > recommendation. */
  cpuViolation: number;
  memViolation: number;
  /** The worst VM's violation share (CPU, memory). */
  cpuWorst: number;
  memWorst: number;
  /**
   * Demand left unserved: Σ over VMs and judged intervals of (usage − recommendation)+ ÷ Σ usage.
   * The violation rate counts an interval 1 % short like one 99 % short; this weighs the depth
   * (for CPU, the work that would be throttled).
   */
  cpuUnserved: number;
  memUnserved: number;
  /** The worst VM's unserved share of its own CPU demand. */
  cpuUnservedWorst: number;
  /** VMs with at least one memory violation (OOM risk) and with ≥ 1 % of intervals over. */
  memViolatingVms: number;
  memViolatingVms1pct: number;
  vms: number;
}

export function score(list: readonly EvalVm[], sizes: Sizes, split: Split): Score {
  let pc = 0;
  let pm = 0;
  let rc = 0;
  let rm = 0;
  let vc = 0;
  let vmm = 0;
  let n = 0;
  let cpuWorst = 0;
  let memWorst = 0;
  let memVms = 0;
  let memVms1 = 0;
  let cpuDemand = 0;
  let cpuShort = 0;
  let memDemand = 0;
  let memShort = 0;
  let cpuUnservedWorst = 0;
  list.forEach((e, k) => {
    const c = sizes.cpu[k];
    const m = sizes.mem[k];
    pc += e.provCores;
    pm += e.provMem;
    rc += e.provCores - c;
    rm += e.provMem - m;
    let a = 0;
    let b = 0;
    let cnt = 0;
    let mc = 0;
    let demand = 0;
    let short = 0;
    for (let i = split.judgeStart; i < split.judgeEnd; i++) {
      const u = e.vm.cpu[i];
      if (Number.isFinite(u)) {
        cnt++;
        demand += u;
        if (u > c) {
          a++;
          short += u - c;
        }
      }
      const v = e.vm.mem[i];
      if (Number.isFinite(v)) {
        mc++;
        memDemand += v;
        if (v > m) {
          b++;
          memShort += v - m;
        }
      }
    }
    cpuDemand += demand;
    cpuShort += short;
    if (demand > 0) cpuUnservedWorst = Math.max(cpuUnservedWorst, short / demand);
    vc += a;
    vmm += b;
    n += cnt;
    if (cnt) cpuWorst = Math.max(cpuWorst, a / cnt);
    if (mc) memWorst = Math.max(memWorst, b / mc);
    if (b > 0) memVms++;
    if (mc && b / mc >= 0.01) memVms1++;
  });
  return { cpuReclaimed: rc / pc, memReclaimed: rm / pm, cpuViolation: vc / n, memViolation: vmm / n, cpuWorst, cpuUnserved: cpuShort / cpuDemand, memUnserved: memShort / memDemand, cpuUnservedWorst, memWorst, memViolatingVms: memVms, memViolatingVms1pct: memVms1, vms: list.length };
}

export interface Point {
  method: string;
  setting: string;
  /** The default operating point of its method. */
  isDefault: boolean;
  score: Score;
  ms: number;
}

function sized(list: readonly EvalVm[], f: (e: EvalVm) => [number, number]): Sizes {
  const cpu = new Float64Array(list.length);
  const mem = new Float64Array(list.length);
  list.forEach((e, k) => {
    const [c, m] = f(e);
    cpu[k] = c;
    mem[k] = m;
  });
  return { cpu, mem };
}

export function oursSizes(list: readonly EvalVm[], split: Split, opts: Partial<RightsizingOptions>): Sizes {
  return sized(list, (e) => {
    const r = rightsize(
      { id: e.vm.id, cpu: e.vm.cpu, memGiB: e.vm.mem, startMs: START_MS, stepMs: STEP_MS, to: split.fitEnd, provisioned: { cpuCores: e.provCores, memoryGiB: e.provMem } },
      { ...opts, now: START_MS + split.fitEnd * STEP_MS },
    ).recommendation.target_resources;
    return [r.cpu_cores, r.memory_gb];
  });
}

export function vpaSizes(list: readonly EvalVm[], split: Split, opts: Partial<VpaOptions>): Sizes {
  return sized(list, (e) => {
    const r = vpaRecommend({ cpu: e.vm.cpu, memGiB: e.vm.mem, provCores: e.vm.provCores, provMemGiB: e.vm.provMem, startMs: START_MS, stepMs: STEP_MS, to: split.fitEnd }, opts);
    return [r.cpuCores, r.memoryGiB];
  });
}

export function awsSizes(list: readonly EvalVm[], split: Split, opts: Partial<PercentileHeadroomOptions>): Sizes {
  return sized(list, (e) => {
    const r = percentileHeadroomRecommend({ cpu: e.vm.cpu, memGiB: e.vm.mem, stepMs: STEP_MS, to: split.fitEnd }, opts);
    return [r.cpuCores, r.memoryGiB];
  });
}

/**
 * Our sweep: the risk-appetite option r of the standard class (RightsizingOptions.risk:
 * maxExceedance × r up to the 25 % limit, shortfall cost ÷ r, below 1 a growing headroom; r = 1 is
 * the default). The grid was fixed on the inner splits before the outer one was run.
 */
export const OUR_RISK = [0.05, 0.1, 0.15, 0.25, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16];
/** VPA: the margin fraction (default 0.15) at the p90 target, and the target percentile at the default margin. */
export const VPA_MARGINS = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];
export const VPA_PERCENTILES = [0.8, 0.85, 0.95, 0.99];
/** AWS-style: headroom 0 … 50 % on P99.5 (default 20 %). */
export const AWS_HEADROOM = [0, 0.1, 0.2, 0.3, 0.5];

function timed(method: string, setting: string, isDefault: boolean, list: readonly EvalVm[], split: Split, make: () => Sizes): Point {
  const t = performance.now();
  const s = make();
  const ms = performance.now() - t;
  return { method, setting, isDefault, score: score(list, s, split), ms };
}

export function sweepOurs(list: readonly EvalVm[], split: Split, risks = OUR_RISK, base: Partial<RightsizingOptions> = {}): Point[] {
  return risks.map((r) => timed('ours', `risk ×${r}`, r === 1, list, split, () => oursSizes(list, split, { ...base, risk: r })));
}

export function sweepVpa(list: readonly EvalVm[], split: Split, margins = VPA_MARGINS, percentiles = VPA_PERCENTILES): Point[] {
  const pts = margins.map((m) => timed('vpa', `margin ${m.toFixed(2)}, p90`, m === VPA_DEFAULTS.marginFraction, list, split, () => vpaSizes(list, split, { marginFraction: m })));
  for (const p of percentiles) pts.push(timed('vpa', `margin 0.15, p${Math.round(100 * p)}`, false, list, split, () => vpaSizes(list, split, { targetCpuPercentile: p, targetMemoryPercentile: p })));
  return pts;
}

export function sweepAws(list: readonly EvalVm[], split: Split, headrooms = AWS_HEADROOM): Point[] {
  return headrooms.map((h) => timed('aws_p99.5', `headroom ${Math.round(100 * h)}%`, h === PERCENTILE_HEADROOM_DEFAULTS.cpuHeadroom, list, split, () => awsSizes(list, split, { cpuHeadroom: h, memoryHeadroom: h })));
}

export function provisionedPoint(list: readonly EvalVm[], split: Split): Point {
  return timed('provisioned', 'keep the current size', true, list, split, () => sized(list, (e) => [e.provCores, e.provMem]));
}

/**
 * The curve's reclaimed share at violation rate x: linear between the points of its upper
 * envelope sorted by violation rate; NaN below the curve's lowest violation rate (the curve
 * does not reach so few violations); beyond its highest, its best reclaimed (it can always
 * choose that point, which violates less).
 */
export function interpolate(points: readonly { x: number; y: number }[], x: number): number {
  const pts = [...points].sort((a, b) => a.x - b.x);
  if (pts.length === 0 || x < pts[0].x - 1e-12) return NaN;
  // Upper envelope: a point that violates more but reclaims less is dominated, skip it.
  const env: { x: number; y: number }[] = [];
  for (const p of pts) {
    if (env.length && p.y <= env[env.length - 1].y) continue;
    env.push(p);
  }
  let best = env[0].y;
  for (let i = 0; i < env.length; i++) {
    if (env[i].x <= x + 1e-12) best = env[i].y;
    if (i + 1 < env.length && env[i].x <= x && x < env[i + 1].x) {
      const a = env[i];
      const b = env[i + 1];
      return Math.max(best, a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x));
    }
  }
  return best;
}

/** The fewest violations at which the curve reclaims at least y (linear on its upper envelope); NaN if it never does. */
export function violationsAt(points: readonly { x: number; y: number }[], y: number): number {
  const pts = [...points].sort((a, b) => a.x - b.x);
  const env: { x: number; y: number }[] = [];
  for (const p of pts) {
    if (env.length && p.y <= env[env.length - 1].y) continue;
    env.push(p);
  }
  if (!env.length || env[env.length - 1].y < y) return NaN;
  if (env[0].y >= y) return env[0].x;
  for (let i = 1; i < env.length; i++) {
    if (env[i].y >= y) {
      const a = env[i - 1];
      const b = env[i];
      return a.x + ((b.x - a.x) * (y - a.y)) / (b.y - a.y);
    }
  }
  return NaN;
}

export interface Domination {
  resource: 'cpu' | 'memory';
  measure: 'violation' | 'unserved';
  rows: { vpa: Point; vpaReclaimed: number; violation: number; oursReclaimed: number; ok: boolean }[];
  dominates: boolean;
  /** At VPA's default point: ours interpolated at its violation rate / VPA's reclaimed. */
  ratioAtDefault: number;
  oursAtDefault: number;
  vpaAtDefault: number;
  violationAtDefault: number;
  /** Our violation rate when reclaiming as much as VPA's default does. */
  oursViolationAtDefaultReclaimed: number;
}

/**
 * Our curve read at each VPA point. `measure` is the x axis: 'violation' (share of intervals
 * over, the measure) or 'unserved' (share of demand above the size).
 */
export function dominance(ours: readonly Point[], vpa: readonly Point[], resource: 'cpu' | 'memory', measure: 'violation' | 'unserved' = 'violation'): Domination {
  const xOf = (s: Score) => (measure === 'violation' ? (resource === 'cpu' ? s.cpuViolation : s.memViolation) : resource === 'cpu' ? s.cpuUnserved : s.memUnserved);
  const xy = (p: Point) => ({ x: xOf(p.score), y: resource === 'cpu' ? p.score.cpuReclaimed : p.score.memReclaimed });
  const curve = ours.map(xy);
  const rows = vpa.map((p) => {
    const { x, y } = xy(p);
    const o = interpolate(curve, x);
    return { vpa: p, vpaReclaimed: y, violation: x, oursReclaimed: o, ok: o >= y - 1e-12 };
  });
  const def = rows.find((r) => r.vpa.isDefault)!;
  return {
    resource,
    measure,
    rows,
    dominates: rows.every((r) => r.ok),
    ratioAtDefault: def.oursReclaimed / def.vpaReclaimed,
    oursAtDefault: def.oursReclaimed,
    vpaAtDefault: def.vpaReclaimed,
    violationAtDefault: def.violation,
    oursViolationAtDefaultReclaimed: violationsAt(curve, def.vpaReclaimed),
  };
}
