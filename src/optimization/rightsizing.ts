/**
 * Rightsizing: per-VM CPU and memory sizes from a forecast of next week's usage distribution,
 * sized per SLA class, with the reasons in plain words. The output is the NovaCron
 * `Recommendation` shape (contract §1A) plus the detail behind it.
 *
 * Per resource:
 * 1. Forecast the distribution of usage over the next `horizonDays` (default: our weekly-mixture
 *    forecaster, usage-quantile-forecast.ts; any forecaster can be plugged in, including one
 *    that returns a step-wise QuantileForecast, see `quantileForecastRightsizer`).
 * 2. Size = argmin over sizes x of x + penalty · P(usage > x) with P(usage > x) ≤ the class's
 *    maxExceedance × `risk` (sla-classes.ts), never above `maxExceedanceLimit` (25 %); penalty =
 *    class shortfall cost × objective factor × `penaltyScale` ÷ `risk` / the resource's monthly
 *    price (cost model). One price for every VM is what minimises the fleet's intervals short for
 *    the capacity it frees (a Lagrangian: each VM is sized where one more unit of it buys down as
 *    much expected shortfall as the price says); the per-VM cap keeps any one VM from being sized
 *    at its idle level. Then + the class headroom (+ `lowRiskHeadroom` per halving of risk < 1).
 *    The forecast is our weekly mixture with per-resource uncertainty (`forecastByResource`: CPU
 *    without the level mixture, memory with a quarter of it).
 * 3. Memory safety: never below the WORKING SET of the class's recent window — the highest level
 *    memory stayed at for `memorySafetySustainMinutes` in a row (30 min standard; the critical
 *    class takes the plain peak of a week) — plus its margin; never below the minimums (0.025
 *    core, 0.25 GiB — VPA's pod minimums, rounded).
 * 4. Round UP to a granularity that grows with the size (see `roundUp`): CPU 0.01 core below
 *    0.5 core, 0.05 below 2, 0.25 below 8, 0.5 below 32, then whole cores (a fractional vCPU is
 *    a CPU cap: cgroup quota / hypervisor limit; most Bitbrains VMs use a few hundredths of a
 *    core, so coarser steps would hand back much of what is reclaimed); memory 1/16 GiB below
 *    2 GiB, 0.25 below 8, 0.5 below 32, then whole GiB. `detail.vcpus` gives the whole vCPU
 *    count for hypervisors that only take integers.
 * 5. Decide: scale_up when the size exceeds what is provisioned and the VM's usage came within
 *    2 % of its provisioned size (or trends up) — usage is censored at the provisioned size, so
 *    on a VM that never came near it the tail above is extrapolation and the VM keeps its size —
 *    scale_down when it frees at least the class's minReduction, else keep. The VM's
 *    action is scale_up if any resource goes up (the other may still shrink in the same resize),
 *    scale_down if any goes down, maintain otherwise (targets = provisioned).
 *
 * Minimum history: under `minHistoryDays` (1 day) → maintain with confidence ≤ 0.1 and the
 * reason "insufficient history"; no numbers are invented. Under 7 days the forecast carries extra
 * uncertainty (a wider distribution) and the confidence is lower.
 *
 * Confidence (0–1) per resource = √(history factor) × backtest factor × √(stability factor):
 * history min(1, days/14); backtest: the same rule applied one week earlier, scored on what the
 * last week did (1 when its exceedance stayed within the class limit, falling as it exceeds it;
 * 0.6 without a week to test on); stability 1/(1 + sd of daily log p95). The VM's confidence is
 * the lowest over the resources that change (both when nothing changes).
 *
 * Expected impact (fractions, signed):
 * - cost_change: (new − current monthly allocation cost) / current (cost-model.ts); the monthly
 *   amount is `detail.monthlyCostChange`;
 * - performance_change: the change in the forecast probability that a 5-minute interval is NOT
 *   short of CPU or memory (1 − (1 − P_cpu)(1 − P_mem)); ≤ 0 for a scale-down (the risk taken),
 *   > 0 for a scale-up;
 * - efficiency_change: mean utilisation (mean forecast usage / size, averaged over CPU and memory)
 *   after minus before;
 * - resource_utilization_change: the same for the class-quantile (peak) utilisation.
 *
 * Priority 1–5 (1 = most urgent): a scale-up is 1 when the VM is starved now (in the last 24 h
 * its CPU reached its provisioned cores in more than the class's allowed share of intervals, or
 * its memory came within 2 % of provisioned), else 2; a scale-down is 3 when it saves at least
 * 20 % of the VM's cost and 50 a month, 4 when it saves 10 a month, else 5; maintain 5. Low
 * confidence (< 0.5) lowers the priority by one (up to 5).
 *
 * Cost per VM: two histogram passes and a per-day selection per resource, plus one pass with a
 * monotone deque for the memory floor: O(n) on typed arrays.
 *
 * The defaults (σ per resource, the standard class's prices, the 25 % limit, the working-set
 * floor, the ceiling rule) were chosen on tuning splits inside the first 21 days of the Bitbrains
 * month, never on its judged last week; eval/rightsizing.ts lists each choice with its numbers.
 */
import { allocationMonthlyCost, DEFAULT_COST_MODEL, type CostModel } from './cost-model.js';
import type { Forecaster, SeriesGrid } from '../ml/forecast/forecaster.js';
import { OBJECTIVE_PENALTY, SLA_POLICIES, type Objective, type ResourcePolicy, type SlaClass, type SlaPolicy } from './sla-classes.js';
import { CPU_GRID, fromQuantileForecast, MEMORY_GRID, type LogGrid, type UsageDistribution } from './usage-distribution.js';
import { forecastUsageDistribution, type UsageForecast, type UsageForecastOptions, type UsageSeriesWindow } from './usage-quantile-forecast.js';

const DAY_MS = 86_400_000;

export type RightsizingAction = 'scale_up' | 'scale_down' | 'maintain';

/** The NovaCron Recommendation (contract §1A, ResourceRecommendation.to_dict). */
export interface Recommendation {
  action: RightsizingAction;
  target_resources: { cpu_cores: number; memory_gb: number; storage_gb: number };
  expected_impact: { performance_change: number; cost_change: number; efficiency_change: number; resource_utilization_change: number };
  confidence: number;
  reasoning: string[];
  /** 1 (most urgent) … 5. */
  priority: number;
  /** RFC 3339, UTC. */
  timestamp: string;
}

export interface RightsizingInput {
  id?: string;
  /** Cores in use per step (NaN = no data). */
  cpu: ArrayLike<number>;
  /** Memory in use per step, GiB (NaN = no data). */
  memGiB: ArrayLike<number>;
  /** Epoch ms of step 0 and the step length. */
  startMs: number;
  stepMs: number;
  /** History = steps [from, to); defaults to the whole series. */
  from?: number;
  to?: number;
  provisioned: { cpuCores: number; memoryGiB: number; storageGiB?: number };
  slaClass?: SlaClass;
}

/** Anything that can forecast the usage distribution of one resource over the horizon. */
export interface RightsizingForecaster {
  readonly name: string;
  forecast(series: UsageSeriesWindow, resource: 'cpu' | 'memory', horizonSteps: number, grid: LogGrid): UsageDistribution;
}

export interface RightsizingOptions {
  objective: Objective;
  costModel: CostModel;
  /** Forecast horizon (7 days). */
  horizonDays: number;
  /** Below this much history: maintain, "insufficient history" (1 day). */
  minHistoryDays: number;
  /**
   * Risk appetite r (1): the shortfall cost ÷ r and every class's maxExceedance × r (never above
   * `maxExceedanceLimit`). r > 1 reclaims more and runs short more often, r < 1 the reverse; the
   * one knob an evaluation sweeps.
   */
  risk: number;
  /**
   * Below a risk appetite of 1 the headroom also grows, by this much per halving of r (0.05:
   * r = 0.5 adds 5 %, r = 0.25 adds 10 %): the forecast's tail stops at 1.1 × the history's
   * peak, so only a margin makes a VM safe against a week that outgrows everything seen.
   */
  lowRiskHeadroom: number;
  /**
   * Scale up only a VM whose usage came within 2 % of its provisioned size (or is trending up)
   * (true): usage is censored at the provisioned size, so above it the forecast only extrapolates.
   */
  scaleUpNeedsCeiling: boolean;
  /** Multiplies every class's shortfall cost (1), on top of `risk`. */
  penaltyScale: number;
  /** Multiplies every class's maxExceedance (1), on top of `risk`; the result never exceeds `maxExceedanceLimit`. */
  exceedanceScale: number;
  /**
   * The largest forecast share of intervals a VM may be short in, whatever the risk appetite
   * (0.25). Without it a large appetite sizes a VM that is busy a third of the week at its idle
   * level, which a pooled violation rate scores as cheap (see eval/rightsizing.ts).
   */
  maxExceedanceLimit: number;
  /** Forecaster options per resource (defaults: CPU without the level-uncertainty mixture, memory with a quarter of it); `forecast` overrides both. */
  forecastByResource: { cpu: Partial<UsageForecastOptions>; memory: Partial<UsageForecastOptions> };
  /** Multiplies every class's headroom (1). */
  headroomScale: number;
  /** Replace or tune the class policies. */
  policies: Partial<Record<SlaClass, SlaPolicy>>;
  /** Our forecaster's options (both resources). */
  forecast: Partial<UsageForecastOptions>;
  /** A different forecaster for the distribution (history statistics still come from ours). */
  forecaster?: RightsizingForecaster;
  /** Round targets up to the granularity table (true). */
  round: boolean;
  /** Smallest targets (0.025 core, 0.25 GiB; VPA's pod minimums are 0.025 core and 250 MiB). */
  minCpuCores: number;
  minMemoryGiB: number;
  /** Timestamp for the recommendation (epoch ms; default: now). */
  now?: number;
}

export const RIGHTSIZING_DEFAULTS: Readonly<RightsizingOptions> = Object.freeze({
  objective: 'balanced' as Objective,
  costModel: DEFAULT_COST_MODEL,
  horizonDays: 7,
  minHistoryDays: 1,
  risk: 1,
  lowRiskHeadroom: 0.05,
  scaleUpNeedsCeiling: true,
  penaltyScale: 1,
  exceedanceScale: 1,
  maxExceedanceLimit: 0.25,
  forecastByResource: { cpu: { uncertaintyFactor: 0 }, memory: { uncertaintyFactor: 0.25 } },
  headroomScale: 1,
  policies: {},
  forecast: {},
  round: true,
  minCpuCores: 0.025,
  minMemoryGiB: 0.25,
});


export interface ResourceSizing {
  resource: 'cpu' | 'memory';
  unit: 'cores' | 'GiB';
  provisioned: number;
  /** The final target (rounded; = provisioned when kept). */
  target: number;
  decision: 'up' | 'down' | 'keep' | 'insufficient_history';
  /** The cost-optimal forecast size before headroom, floors and rounding. */
  forecastSize: number;
  /** The class quantile level (1 − maxExceedance) and the forecast's value there. */
  quantileLevel: number;
  forecastQuantile: number;
  headroom: number;
  /** The penalty used, in cores or GiB. */
  penalty: number;
  /** Memory only: the safety floor (recent sustained peak × (1 + margin)). */
  safetyFloor?: number;
  /** Memory only: the highest level held for the class's sustain time within its safety window (the plain peak when the sustain time is 0), and those two settings. */
  recentSustainedPeak?: number;
  safetyWindowHours?: number;
  safetySustainMinutes?: number;
  /** Kept although the forecast size is above the provisioned one: usage never came within 2 % of the provisioned size and is not trending up. */
  keptBelowCeiling?: boolean;
  /** Forecast share of intervals above the target and above the provisioned size. */
  exceedanceAtTarget: number;
  exceedanceAtProvisioned: number;
  /** Forecast mean usage. */
  meanUsage: number;
  peak: number;
  recentPeak: number;
  historyDays: number;
  sigma: number;
  trendFactor: number;
  trendPerDay: number;
  /** Backtest: the rule applied a week earlier, its size and the share of last week's intervals above it. */
  backtest?: { size: number; exceedance: number };
  confidence: number;
  /** Recent share of intervals at or above the provisioned size (starvation now). */
  recentShareAtProvisioned: number;
  forecaster: string;
  peakHourUtc: number;
  dailyStrength: number;
}

export interface RightsizingDetail {
  id?: string;
  slaClass: SlaClass;
  objective: Objective;
  cpu: ResourceSizing;
  memory: ResourceSizing;
  historyDays: number;
  /** Whole vCPUs for the CPU target (for hypervisors that only take integers). */
  vcpus: number;
  monthlyCostBefore: number;
  monthlyCostAfter: number;
  /** Signed: negative = saving. */
  monthlyCostChange: number;
}

export interface RightsizingResult {
  recommendation: Recommendation;
  detail: RightsizingDetail;
}

const CPU_STEPS: readonly [number, number][] = [
  [0.5, 0.01],
  [2, 0.05],
  [8, 0.25],
  [32, 0.5],
  [Infinity, 1],
];
const MEMORY_STEPS: readonly [number, number][] = [
  [2, 0.0625],
  [8, 0.25],
  [32, 0.5],
  [Infinity, 1],
];

/** Rounds up to the granularity of the size's band (see the module comment). */
export function roundUp(value: number, resource: 'cpu' | 'memory'): number {
  const steps = resource === 'cpu' ? CPU_STEPS : MEMORY_STEPS;
  for (const [below, step] of steps) {
    if (value < below) {
      const r = Math.ceil(value / step - 1e-9) * step;
      return Math.round(r * 1e4) / 1e4;
    }
  }
  return value;
}

/**
 * The highest level that values[from, to) stayed at or above for `run` consecutive steps: the
 * maximum over windows of `run` steps of the window's minimum (run 1: the plain maximum). A gap
 * (NaN) breaks a run. O(n) with a monotone deque.
 */
export function sustainedPeak(values: ArrayLike<number>, from: number, to: number, run: number): number {
  let best = 0;
  if (run <= 1) {
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v > best) best = v;
    }
    return best;
  }
  const dq = new Int32Array(run + 1);
  let head = 0;
  let tail = 0; // deque of indices with increasing values, in a ring of run + 1
  let runStart = from; // first index of the current gap-free stretch
  const cap = run + 1;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (!(v >= 0)) {
      head = tail = 0;
      runStart = i + 1;
      continue;
    }
    while (tail !== head && values[dq[(tail - 1 + cap) % cap]] >= v) tail = (tail - 1 + cap) % cap;
    dq[tail] = i;
    tail = (tail + 1) % cap;
    if (dq[head] <= i - run) head = (head + 1) % cap;
    if (i - runStart + 1 >= run) {
      const m = values[dq[head]];
      if (m > best) best = m;
    }
  }
  return best;
}

function policyFor(o: RightsizingOptions, sla: SlaClass): SlaPolicy {
  return o.policies[sla] ?? SLA_POLICIES[sla];
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)}%`;
const money = (x: number) => x.toFixed(2);

interface Sized {
  s: ResourceSizing;
  dist: UsageDistribution;
}

function sizeResource(
  resource: 'cpu' | 'memory',
  input: RightsizingInput,
  o: RightsizingOptions,
  policy: SlaPolicy,
  provisioned: number,
): Sized {
  const grid = resource === 'cpu' ? CPU_GRID : MEMORY_GRID;
  const rp: ResourcePolicy = resource === 'cpu' ? policy.cpu : policy.memory;
  const series: UsageSeriesWindow = { values: resource === 'cpu' ? input.cpu : input.memGiB, startMs: input.startMs, stepMs: input.stepMs, from: input.from, to: input.to };
  const starvedLevel = resource === 'cpu' ? provisioned : 0.98 * provisioned;
  const fc: UsageForecast = forecastUsageDistribution(series, { ...RIGHTSIZING_DEFAULTS.forecastByResource[resource], ...o.forecastByResource?.[resource], ...o.forecast, grid, horizonDays: o.horizonDays }, provisioned > 0 ? starvedLevel : Infinity);
  const dist = o.forecaster ? o.forecaster.forecast(series, resource, Math.round((o.horizonDays * DAY_MS) / input.stepMs), grid) : fc.distribution;
  const price = resource === 'cpu' ? o.costModel.perCoreMonth : o.costModel.perGiBMonth;
  const scale = o.penaltyScale / o.risk;
  const penalty = price > 0 ? (rp.shortfallCostPerMonth * OBJECTIVE_PENALTY[o.objective] * scale) / price : rp.shortfallCostPerMonth * scale;
  const headroom = rp.headroom * o.headroomScale + (o.risk < 1 ? o.lowRiskHeadroom * Math.log2(1 / o.risk) : 0);
  const maxExceedance = Math.min(o.maxExceedanceLimit, rp.maxExceedance * o.exceedanceScale * o.risk);
  const quantileLevel = 1 - maxExceedance;
  const base: ResourceSizing = {
    resource,
    unit: resource === 'cpu' ? 'cores' : 'GiB',
    provisioned,
    target: provisioned,
    decision: 'insufficient_history',
    forecastSize: NaN,
    quantileLevel,
    forecastQuantile: NaN,
    headroom,
    penalty,
    exceedanceAtTarget: NaN,
    exceedanceAtProvisioned: NaN,
    meanUsage: NaN,
    peak: fc.peak,
    recentPeak: fc.recentPeak,
    historyDays: fc.historyDays,
    sigma: fc.sigma,
    trendFactor: fc.trendFactor,
    trendPerDay: fc.trendPerDay,
    confidence: 0.05,
    recentShareAtProvisioned: fc.recentShareAtOrAbove,
    forecaster: o.forecaster?.name ?? fc.method,
    peakHourUtc: fc.seasonality.peakHourUtc,
    dailyStrength: fc.seasonality.dailyStrength,
  };
  if (fc.historyDays < o.minHistoryDays || fc.samples === 0) return { s: base, dist };

  const opt = dist.costOptimal(penalty, maxExceedance);
  let raw = opt.size * (1 + headroom);
  let safetyFloor: number | undefined;
  let recentSustained: number | undefined;
  if (resource === 'memory') {
    const windowSteps = Math.round((policy.memorySafetyWindowHours * 3_600_000) / input.stepMs);
    const to = Math.min(input.to ?? input.memGiB.length, input.memGiB.length);
    const sustainSteps = Math.max(1, Math.round(((policy.memorySafetySustainMinutes ?? 0) * 60_000) / input.stepMs));
    recentSustained = sustainedPeak(input.memGiB, Math.max(input.from ?? 0, to - windowSteps), to, sustainSteps);
    safetyFloor = recentSustained * (1 + policy.memorySafetyMargin);
    raw = Math.max(raw, safetyFloor);
  }
  raw = Math.max(raw, resource === 'cpu' ? o.minCpuCores : o.minMemoryGiB);
  const sized = o.round ? roundUp(raw, resource) : raw;
  let decision: ResourceSizing['decision'] = 'keep';
  let target = provisioned;
  // Usage is censored at the provisioned size: a forecast tail above it on a VM that never came
  // near it (and is not trending up) is extrapolation, not evidence of need.
  const ceilingReached = !o.scaleUpNeedsCeiling || fc.peak >= 0.98 * provisioned || fc.trendFactor > 1;
  let keptBelowCeiling = false;
  if (!(provisioned > 0) || (sized > provisioned + 1e-9 && ceilingReached)) {
    decision = 'up';
    target = sized;
  } else if (sized > provisioned + 1e-9) {
    keptBelowCeiling = true;
  } else if (sized <= provisioned * (1 - policy.minReduction) + 1e-9) {
    decision = 'down';
    target = sized;
  }

  // Confidence: history, backtest, stability.
  const hist = Math.min(1, fc.historyDays / 14);
  let bt = 0.6;
  let backtest: ResourceSizing['backtest'];
  if (fc.backtest) {
    const btOpt = fc.backtest.forecast.costOptimal(penalty, maxExceedance);
    const btSize = Math.max(btOpt.size * (1 + headroom), resource === 'cpu' ? o.minCpuCores : o.minMemoryGiB);
    const e = fc.backtest.realized.exceedance(btSize);
    backtest = { size: btSize, exceedance: e };
    const allowed = Math.max(maxExceedance, 0.005);
    bt = 1 / (1 + Math.max(0, e - allowed) / allowed);
  }
  const stab = Number.isFinite(fc.dailyDispersion) ? 1 / (1 + fc.dailyDispersion) : 0.5;
  const confidence = Math.min(0.99, Math.max(0.05, Math.sqrt(hist) * bt * Math.sqrt(stab)));

  return {
    s: {
      ...base,
      target,
      decision,
      forecastSize: opt.size,
      forecastQuantile: dist.quantile(quantileLevel),
      safetyFloor,
      recentSustainedPeak: recentSustained,
      safetyWindowHours: resource === 'memory' ? policy.memorySafetyWindowHours : undefined,
      safetySustainMinutes: resource === 'memory' ? policy.memorySafetySustainMinutes ?? 0 : undefined,
      keptBelowCeiling: keptBelowCeiling || undefined,
      exceedanceAtTarget: dist.exceedance(target),
      exceedanceAtProvisioned: provisioned > 0 ? dist.exceedance(provisioned) : 1,
      meanUsage: dist.mean(),
      backtest,
      confidence,
    },
    dist,
  };
}

function resourceReason(s: ResourceSizing, sla: SlaClass, horizonDays: number): string {
  const name = s.resource === 'cpu' ? 'CPU' : 'Memory';
  const u = s.unit;
  const q = `p${+(100 * s.quantileLevel).toFixed(1)}`;
  const head = `${name} ${q} forecast ${fmt(s.forecastQuantile)} ${u} over the next ${horizonDays} days vs ${fmt(s.provisioned)} provisioned`;
  const how: string[] = [];
  if (s.headroom > 0) how.push(`+${pct(s.headroom, 0)} headroom`);
  if (s.safetyFloor !== undefined && s.safetyFloor >= s.forecastSize * (1 + s.headroom) - 1e-9) {
    const held = s.safetySustainMinutes ? `held ${fmt(s.recentSustainedPeak ?? NaN)} GiB for ${s.safetySustainMinutes} min` : `peak ${fmt(s.recentSustainedPeak ?? NaN)} GiB`;
    how.push(`memory floor: ${held} in the last ${fmt(s.safetyWindowHours ?? NaN, 0)} h + margin`);
  }
  how.push(`${sla} class`);
  const tail = `forecast share of 5-minute intervals above it ${pct(s.exceedanceAtTarget)}`;
  if (s.decision === 'up') return `${head}; recommend ${fmt(s.target)} ${u} (${how.join(', ')}); ${tail}, ${pct(s.exceedanceAtProvisioned)} above the current size`;
  if (s.decision === 'down') return `${head}; recommend ${fmt(s.target)} ${u} (${how.join(', ')}); ${tail}`;
  if (s.keptBelowCeiling) return `${head}; keep ${fmt(s.provisioned)} ${u} (usage peaked at ${fmt(s.peak)} ${u}, never near the provisioned size, so the forecast tail above it is not evidence of need)`;
  return `${head}; keep ${fmt(s.provisioned)} ${u} (the forecast size ${fmt(s.forecastSize * (1 + s.headroom))} ${u} frees too little to be worth a resize)`;
}

/** Rightsizes one VM. */
export function rightsize(input: RightsizingInput, options: Partial<RightsizingOptions> = {}): RightsizingResult {
  const o: RightsizingOptions = { ...RIGHTSIZING_DEFAULTS, ...options };
  const sla: SlaClass = input.slaClass ?? 'standard';
  const policy = policyFor(o, sla);
  const provCores = input.provisioned.cpuCores;
  const provMem = input.provisioned.memoryGiB;
  const storage = input.provisioned.storageGiB ?? 0;
  const cpu = sizeResource('cpu', input, o, policy, provCores);
  const mem = sizeResource('memory', input, o, policy, provMem);
  const timestamp = new Date(o.now ?? Date.now()).toISOString();
  const historyDays = Math.max(cpu.s.historyDays, mem.s.historyDays);
  const costBefore = allocationMonthlyCost(o.costModel, provCores, provMem, storage);

  const insufficient = cpu.s.decision === 'insufficient_history' || mem.s.decision === 'insufficient_history';
  if (insufficient) {
    const days = Math.min(cpu.s.historyDays, mem.s.historyDays);
    return {
      recommendation: {
        action: 'maintain',
        target_resources: { cpu_cores: provCores, memory_gb: provMem, storage_gb: storage },
        expected_impact: { performance_change: 0, cost_change: 0, efficiency_change: 0, resource_utilization_change: 0 },
        confidence: Math.min(0.1, Math.max(0.01, days / o.minHistoryDays / 10)),
        reasoning: [
          `Insufficient history: ${fmt(days, 1)} days of usage (at least ${o.minHistoryDays} day${o.minHistoryDays === 1 ? '' : 's'} needed); keeping ${fmt(provCores)} cores and ${fmt(provMem)} GiB`,
        ],
        priority: 5,
        timestamp,
      },
      detail: { id: input.id, slaClass: sla, objective: o.objective, cpu: cpu.s, memory: mem.s, historyDays, vcpus: Math.ceil(provCores), monthlyCostBefore: costBefore, monthlyCostAfter: costBefore, monthlyCostChange: 0 },
    };
  }

  const up = cpu.s.decision === 'up' || mem.s.decision === 'up';
  const down = cpu.s.decision === 'down' || mem.s.decision === 'down';
  const action: RightsizingAction = up ? 'scale_up' : down ? 'scale_down' : 'maintain';
  const tc = cpu.s.target;
  const tm = mem.s.target;
  const costAfter = allocationMonthlyCost(o.costModel, tc, tm, storage);
  const costChange = costBefore > 0 ? (costAfter - costBefore) / costBefore : 0;

  // Impact from the forecast distributions.
  const short = (ec: number, em: number) => 1 - (1 - ec) * (1 - em);
  const pBefore = short(cpu.s.exceedanceAtProvisioned, mem.s.exceedanceAtProvisioned);
  const pAfter = short(cpu.s.exceedanceAtTarget, mem.s.exceedanceAtTarget);
  const util = (c: number, m: number, kc: number, km: number) => ((c > 0 ? kc / c : 0) + (m > 0 ? km / m : 0)) / 2;
  const meanBefore = util(provCores, provMem, cpu.s.meanUsage, mem.s.meanUsage);
  const meanAfter = util(tc, tm, cpu.s.meanUsage, mem.s.meanUsage);
  const peakBefore = util(provCores, provMem, cpu.s.forecastQuantile, mem.s.forecastQuantile);
  const peakAfter = util(tc, tm, cpu.s.forecastQuantile, mem.s.forecastQuantile);
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

  const changing = [cpu.s, mem.s].filter((s) => s.decision === 'up' || s.decision === 'down');
  const confidence = r4(Math.min(...(changing.length ? changing : [cpu.s, mem.s]).map((s) => s.confidence)));

  let priority: number;
  if (action === 'scale_up') {
    const cpuStarved = cpu.s.decision === 'up' && cpu.s.recentShareAtProvisioned > policy.cpu.maxExceedance;
    const memStarved = mem.s.decision === 'up' && mem.s.recentShareAtProvisioned > 0;
    priority = cpuStarved || memStarved ? 1 : 2;
  } else if (action === 'scale_down') {
    const saving = costBefore - costAfter;
    priority = saving >= 50 && costChange <= -0.2 ? 3 : saving >= 10 ? 4 : 5;
  } else priority = 5;
  if (confidence < 0.5) priority = Math.min(5, priority + 1);

  const reasoning: string[] = [resourceReason(cpu.s, sla, o.horizonDays), resourceReason(mem.s, sla, o.horizonDays)];
  if (action === 'scale_up') {
    const starved = [cpu.s.recentShareAtProvisioned > 0 ? `CPU at its ${fmt(provCores)} provisioned cores in ${pct(cpu.s.recentShareAtProvisioned)} of the last 24 h` : '', mem.s.recentShareAtProvisioned > 0 ? `memory within 2% of its ${fmt(provMem)} GiB in ${pct(mem.s.recentShareAtProvisioned)} of the last 24 h` : ''].filter(Boolean);
    if (starved.length) reasoning.push(`Starved now: ${starved.join('; ')}`);
  }
  if (cpu.s.trendFactor > 1) reasoning.push(`CPU usage rising ${pct(cpu.s.trendPerDay, 1)} a day; forecast lifted ×${fmt(cpu.s.trendFactor)}`);
  if (mem.s.trendFactor > 1) reasoning.push(`Memory usage rising ${pct(mem.s.trendPerDay, 1)} a day; forecast lifted ×${fmt(mem.s.trendFactor)}`);
  if (cpu.s.dailyStrength >= 0.2 && Number.isFinite(cpu.s.peakHourUtc)) reasoning.push(`CPU follows a daily cycle peaking around ${String(cpu.s.peakHourUtc).padStart(2, '0')}:00 UTC (${pct(cpu.s.dailyStrength, 0)} of its variance); the forecast covers every hour of the week`);
  if (costAfter < costBefore) reasoning.push(`Expected cost savings: ${money(costBefore - costAfter)} a month (${pct(-costChange)} of the allocation cost)`);
  else if (costAfter > costBefore) reasoning.push(`Expected cost increase: ${money(costAfter - costBefore)} a month (+${pct(costChange)})`);
  if (pAfter > pBefore) reasoning.push(`Expected performance trade-off: 5-minute intervals short of CPU or memory ${pct(pBefore, 2)} → ${pct(pAfter, 2)} (forecast)`);
  else if (pAfter < pBefore) reasoning.push(`Expected performance improvement: 5-minute intervals short of CPU or memory ${pct(pBefore, 2)} → ${pct(pAfter, 2)} (forecast)`);
  const bts = changing.length ? changing : [cpu.s, mem.s];
  const btText = bts
    .map((s) => (s.backtest ? `${s.resource === 'cpu' ? 'CPU' : 'memory'} sized a week ago would have been exceeded in ${pct(s.backtest.exceedance)} of last week's intervals` : ''))
    .filter(Boolean)
    .join('; ');
  reasoning.push(`Confidence ${fmt(confidence)}: ${fmt(historyDays, 1)} days of history${btText ? `; ${btText}` : '; no full week to backtest on'}`);

  return {
    recommendation: {
      action,
      target_resources: { cpu_cores: tc, memory_gb: tm, storage_gb: storage },
      expected_impact: {
        performance_change: r4(pBefore - pAfter),
        cost_change: r4(costChange),
        efficiency_change: r4(meanAfter - meanBefore),
        resource_utilization_change: r4(peakAfter - peakBefore),
      },
      confidence,
      reasoning,
      priority,
      timestamp,
    },
    detail: {
      id: input.id,
      slaClass: sla,
      objective: o.objective,
      cpu: cpu.s,
      memory: mem.s,
      historyDays,
      vcpus: Math.max(1, Math.ceil(tc - 1e-9)),
      monthlyCostBefore: costBefore,
      monthlyCostAfter: costAfter,
      monthlyCostChange: costAfter - costBefore,
    },
  };
}

/** Rightsizes many VMs; the results are in input order. */
export function rightsizeMany(inputs: readonly RightsizingInput[], options: Partial<RightsizingOptions> = {}): RightsizingResult[] {
  return inputs.map((input) => rightsize(input, options));
}

/**
 * Adapts a forecasting-library Forecaster (src/ml/forecast: fit on a SeriesGrid, forecast
 * quantile levels per step) into a rightsizing forecaster: the distribution over the horizon is
 * the mixture of its per-step quantile forecasts (usage-distribution.ts fromQuantileForecast).
 */
export function quantileForecastRightsizer(make: () => Forecaster, levels: readonly number[] = [0.5, 0.9, 0.95, 0.99]): RightsizingForecaster {
  const name = make().name;
  return {
    name,
    forecast(series, _resource, horizonSteps, grid) {
      const to = Math.min(series.to ?? series.values.length, series.values.length);
      const from = series.from ?? 0;
      const values = new Float64Array(to - from);
      for (let i = from; i < to; i++) values[i - from] = Number(series.values[i]);
      const grid_: SeriesGrid = { values, startMs: series.startMs + from * series.stepMs, stepMs: series.stepMs };
      const qf = make().fit(grid_).forecast(horizonSteps, levels);
      return fromQuantileForecast(qf, grid, name).distribution;
    },
  };
}
