/**
 * The resource-optimisation capability's orchestration: reads the inventory and stored telemetry
 * where a request does not carry the usage, runs rightsizing, demand forecasts and scaling
 * decisions, records every recommendation (for the summary) and shapes the answers.
 */
import { ConfigError } from '../platform/config.js';
import { Problem } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import { parseTimestamp, type TelemetryService } from '../telemetry/index.js';
import { costModel, type CostModel } from './cost-model.js';
import { forecastDemand, InsufficientDataError, MAX_DEMAND_POINTS, type DemandForecast, type DemandPoint } from './demand-forecast.js';
import { readFleetUsage, usageFromUtilisation } from './inventory-usage.js';
import { yieldToLoop } from './cluster-inventory.js';
import { parseWorkload, slaClassOf, WorkloadInputError, type ParsedWorkload, type WorkloadUsageSeries } from './resource-workload.js';
import { rightsize, type Recommendation, type ResourceSizing } from './rightsizing.js';
import { decideScaling, type ScalingDecision, type ScalingResourceInput } from './scaling-decisions.js';
import { MAX_HISTORY_ROWS, MAX_WORKLOADS, type OptimizeScalingBodyT, type PredictResourcesBodyT, type RecommendationWireT, type WorkloadWire } from './schemas.js';
import type { Objective } from './sla-classes.js';
import { sizeFromSummary } from './summary-rightsizing.js';

const DAY_MS = 86_400_000;
/** Stored telemetry read for a workload without a series: the last 30 days, at most this many points per metric. */
const TELEMETRY_DAYS = 30;
const TELEMETRY_POINTS = 20_000;
/** NovaCron acts on AI output at or above this confidence. */
export const NOVACRON_CONFIDENCE = 0.7;

/** Scheduler / NovaCron resource names → our telemetry metrics (fractions). */
const RESOURCE_METRICS: Record<string, string> = {
  cpu: 'cpu_utilization',
  memory: 'memory_utilization',
  disk: 'disk_utilization',
  storage: 'disk_utilization',
  network: 'network_utilization',
};

export function metricOfResource(name: string): { resource: string; metric: string } {
  const key = name.trim().toLowerCase().replace(/_(usage|utilization|utilisation|load)$/, '');
  return { resource: key, metric: RESOURCE_METRICS[key] ?? name };
}

export interface OptimizeResult {
  recommendations: RecommendationWireT[];
  total_recommendations: number;
  objective: string;
  maintained: { workload_id: string; reason: string; confidence: number }[];
  monthly_savings: number;
  notes: string[];
}

export class OptimizationService {
  readonly costModel: CostModel;

  constructor(
    private readonly platform: Platform,
    private readonly telemetry: TelemetryService,
  ) {
    try {
      this.costModel = costModel(platform.config.costModel);
    } catch (e) {
      throw new ConfigError(`NOVACRON_COST_MODEL: ${(e as Error).message}`);
    }
  }

  // --- rightsizing (/api/v1/resource/*) ---

  async optimize(body: readonly WorkloadWire[], objective: Objective = 'balanced', now = Date.now()): Promise<OptimizeResult> {
    if (body.length > MAX_WORKLOADS) throw Problem.tooLarge(`${body.length} workloads in one request; the limit is ${MAX_WORKLOADS}`);
    const rows = body.reduce((n, w) => n + (w.usage_history?.length ?? 0), 0);
    if (rows > MAX_HISTORY_ROWS) throw Problem.tooLarge(`${rows} usage_history rows in one request; the limit is ${MAX_HISTORY_ROWS} (send fewer workloads per request, or register the VMs' telemetry and send vm_id)`);
    const notes: string[] = [];
    const parsed: ParsedWorkload[] = [];
    for (let i = 0; i < body.length; i++) parsed.push(await this.parse(body[i], i, now, notes));
    const recommendations: RecommendationWireT[] = [];
    const maintained: OptimizeResult['maintained'] = [];
    for (const w of parsed) {
      const rec = this.size(w, objective, now);
      if (rec.action === 'maintain') maintained.push({ workload_id: w.id, reason: rec.reasoning.join('; '), confidence: rec.confidence });
      else recommendations.push(rec);
    }
    recommendations.sort((a, b) => a.priority - b.priority || a.monthly_cost_change - b.monthly_cost_change);
    await this.record(recommendations, objective, now);
    const monthly = recommendations.reduce((s, r) => s + Math.max(0, -r.monthly_cost_change), 0);
    return { recommendations, total_recommendations: recommendations.length, objective, maintained, monthly_savings: round(monthly, 2), notes };
  }

  async optimizeSingle(body: WorkloadWire, objective: Objective = 'balanced', now = Date.now()) {
    const notes: string[] = [];
    const w = await this.parse(body, 0, now, notes, '/body');
    const rec = this.size(w, objective, now);
    if (rec.action === 'maintain') return { recommendation: null, message: `No optimization needed: ${rec.reasoning.join('; ')}`, workload_id: w.id, objective, notes };
    await this.record([rec], objective, now);
    return { recommendation: rec, workload_id: w.id, objective, notes };
  }

  async summary(hours = 24, now = Date.now()) {
    const s = await this.platform.store.optimization.summary(now - hours * 3_600_000);
    return {
      total_recommendations: s.total,
      actions_distribution: s.byAction,
      priority_distribution: Object.fromEntries(Object.entries(s.byPriority).map(([p, n]) => [`priority_${p}`, n])),
      average_confidence: round(s.averageConfidence, 4),
      potential_savings: round(s.costChangeSavings, 4),
      monthly_savings: round(s.monthlySavings, 2),
      time_window_hours: hours,
    };
  }

  /**
   * Every registered VM with stored utilisation, rightsized: the fleet-wide "what should I
   * resize?" report. Not recorded in the summary (it is a report; POST /api/v1/resource/optimize
   * records what it recommends). Yields to the event loop between chunks of VMs.
   */
  async fleetRecommendations(objective: Objective, days: number, limit: number, now = Date.now()) {
    const { items, total, notes } = await readFleetUsage(this.platform.store, now, days);
    const recommendations: RecommendationWireT[] = [];
    const maintained: OptimizeResult['maintained'] = [];
    let withoutUsage = 0;
    for (let k = 0; k < items.length; k++) {
      const { vm, series } = items[k];
      if (!series) {
        withoutUsage++;
        continue;
      }
      const w: ParsedWorkload = {
        id: vm.id,
        index: k,
        vmId: vm.id,
        provisioned: { cpuCores: vm.cpu_cores, memoryGiB: vm.memory_mb / 1024, storageGiB: vm.storage_gb },
        slaClass: slaClassOf({ sla_class: vm.sla_class ?? undefined }),
        series,
      };
      const rec = this.size(w, objective, now);
      if (rec.action === 'maintain') maintained.push({ workload_id: w.id, reason: rec.reasoning.join('; '), confidence: rec.confidence });
      else recommendations.push(rec);
      if (k % 200 === 199) await yieldToLoop();
    }
    recommendations.sort((a, b) => a.priority - b.priority || a.monthly_cost_change - b.monthly_cost_change);
    if (withoutUsage) notes.push(`${withoutUsage} VM(s) have no stored cpu_utilization or memory_utilization in the last ${days} days: not sized`);
    if (recommendations.length > limit) notes.push(`${recommendations.length} recommendations; the ${limit} most urgent are listed (limit)`);
    const monthly = recommendations.reduce((s, r) => s + Math.max(0, -r.monthly_cost_change), 0);
    return {
      recommendations: recommendations.slice(0, limit),
      total_recommendations: recommendations.length,
      objective,
      maintained: maintained.slice(0, limit),
      monthly_savings: round(monthly, 2),
      notes,
      vms_registered: total,
      vms_sized: items.length - withoutUsage,
      vms_without_usage: withoutUsage,
    };
  }

  private async parse(w: WorkloadWire, index: number, now: number, notes: string[], path = `/body/${index}`): Promise<ParsedWorkload> {
    const vm = w.vm_id ? await this.platform.store.inventory.getVm(w.vm_id) : undefined;
    if (w.vm_id && !vm && !w.usage_history?.length) notes.push(`${path}/vm_id: VM ${w.vm_id} is not registered; sized from what the request sent`);
    const registered = vm ? { cpuCores: vm.cpu_cores, memoryGiB: vm.memory_mb / 1024, storageGiB: vm.storage_gb, slaClass: vm.sla_class } : undefined;
    let parsed: ParsedWorkload;
    try {
      parsed = parseWorkload(w, index, registered, now);
    } catch (e) {
      if (e instanceof WorkloadInputError) {
        const p = e.path.replace(/^\/body\/0/, path);
        throw Problem.badRequest(`${p} ${e.message.slice(e.path.length + 1)}`, [{ path: p, message: e.message.slice(e.path.length + 1) }]);
      }
      throw e;
    }
    if (!parsed.series && vm) parsed.series = await this.storedUsage(vm.id, parsed.provisioned, now);
    return parsed;
  }

  /** A registered VM's stored utilisation as cores and GiB on a regular grid; undefined without telemetry. */
  private async storedUsage(vmId: string, alloc: { cpuCores: number; memoryGiB: number }, now: number): Promise<WorkloadUsageSeries | undefined> {
    const read = (metric: string) => this.telemetry.read({ entityId: vmId, metric, from: now - TELEMETRY_DAYS * DAY_MS, to: now + 1, limit: TELEMETRY_POINTS, latest: true });
    const [cpu, mem] = await Promise.all([read('cpu_utilization'), read('memory_utilization')]);
    const samples = (r: typeof cpu) => (r?.points.length ? { ts: r.points.map((p) => p.ts), values: r.points.map((p) => p.value) } : undefined);
    return usageFromUtilisation(alloc, samples(cpu), samples(mem));
  }

  private size(w: ParsedWorkload, objective: Objective, now: number): RecommendationWireT {
    const base = { workload_id: w.id, sla_class: w.slaClass };
    if (w.series) {
      const { recommendation, detail } = rightsize(
        { id: w.id, cpu: w.series.cpu, memGiB: w.series.memGiB, startMs: w.series.startMs, stepMs: w.series.stepMs, provisioned: w.provisioned, slaClass: w.slaClass },
        { objective, costModel: this.costModel, now },
      );
      const source = w.series.source === 'telemetry' ? 'Usage from stored telemetry' : 'Usage from the request';
      return {
        ...base,
        ...recommendation,
        reasoning: [...recommendation.reasoning, `${source}: ${detail.historyDays.toFixed(1)} days`],
        monthly_cost_change: round(detail.monthlyCostChange, 2),
        basis: 'series',
        history_days: round(detail.historyDays, 2),
        cpu: resourceWire(detail.cpu),
        memory: resourceWire(detail.memory),
      };
    }
    const summary = sizeFromSummary(w, this.costModel, now);
    if (summary) return { ...base, ...summary.recommendation, monthly_cost_change: round(summary.monthlyCostChange, 2), basis: 'summary', history_days: 0 };
    const none: Recommendation = {
      action: 'maintain',
      target_resources: { cpu_cores: w.provisioned.cpuCores, memory_gb: w.provisioned.memoryGiB, storage_gb: w.provisioned.storageGiB },
      expected_impact: { performance_change: 0, cost_change: 0, efficiency_change: 0, resource_utilization_change: 0 },
      confidence: 0,
      reasoning: ['Insufficient data: no usage history, no registered telemetry and no 7-day maxima — send usage_history, or vm_id of a VM with telemetry'],
      priority: 5,
      timestamp: new Date(now).toISOString(),
    };
    return { ...base, ...none, monthly_cost_change: 0, basis: 'none', history_days: 0 };
  }

  private async record(recs: readonly RecommendationWireT[], objective: string, now: number): Promise<void> {
    await this.platform.store.optimization.record(
      recs.map((r) => ({
        createdAt: now,
        workloadId: r.workload_id,
        action: r.action,
        priority: r.priority,
        confidence: r.confidence,
        objective,
        costChange: r.expected_impact.cost_change,
        monthlySaving: -r.monthly_cost_change,
        payload: r as unknown as Record<string, unknown>,
      })),
    );
  }

  // --- demand forecasts (predict_demand, /predict/resources) ---

  /** Points of a stored series (fractions) for an entity and metric over the last `days`. */
  async storedPoints(entityId: string, metric: string, now: number, days = 7): Promise<DemandPoint[]> {
    const r = await this.telemetry.read({ entityId, metric, from: now - days * DAY_MS, to: now + 1, limit: MAX_DEMAND_POINTS, latest: true });
    return r?.points ?? [];
  }

  forecast(points: readonly DemandPoint[], horizonMinutes: number, units?: 'fraction'): DemandForecast {
    return forecastDemand(points, { horizonMinutes, units });
  }

  async predictResources(body: PredictResourcesBodyT, now = Date.now()) {
    const key = Object.keys(body.metrics)[0];
    if (key === undefined) throw Problem.badRequest('/body/metrics must name the metric to forecast, e.g. {"cpu_usage": 0.5}', [{ path: '/body/metrics', message: 'is empty' }]);
    const { metric } = metricOfResource(key);
    const horizon = body.prediction_horizon ?? 60;
    const threshold = body.confidence_threshold ?? NOVACRON_CONFIDENCE;
    const notes: string[] = [];
    let points: DemandPoint[] = [];
    let source = 'request';
    if (body.history?.length) {
      points = historyPoints(body.history, key, '/body/history', now);
    } else {
      points = await this.storedPoints(body.resource_id, metric, now);
      source = 'telemetry';
      if (!points.length) notes.push(`No history sent and no stored ${metric} for ${body.resource_id}`);
    }
    const current = body.metrics[key];
    const asFraction = (x: number) => (x > 1.5 ? x / 100 : x);
    const base = { resource_id: body.resource_id, timestamp: new Date(now).toISOString(), feature_importance: {}, metric };
    try {
      // The scheduler reads fractions: percent input is converted.
      const percent = points.some((p) => p.value > 1.5) || current > 1.5;
      const f = forecastDemand(
        points.map((p) => ({ ts: p.ts, value: percent ? p.value / 100 : p.value })),
        { horizonMinutes: horizon, units: 'fraction' },
      );
      const q = (level: number) => f.quantiles.find((x) => x.level === level)!.values.map((v) => round(v, 6));
      return {
        ...base,
        prediction: f.predictions.map((v) => round(v, 6)),
        confidence: round(f.confidence, 4),
        model_used: f.model,
        confidence_intervals: { p90: q(0.9), p95: q(0.95), p99: q(0.99) },
        step_seconds: Math.round(f.stepMs / 1000),
        history_points: f.historySteps,
        source,
        meets_threshold: f.confidence >= threshold,
        notes: [...notes, ...f.notes, ...(percent ? ['Values above 1.5 were read as percent and converted to fractions'] : [])],
      };
    } catch (e) {
      if (!(e instanceof InsufficientDataError)) throw e;
      // Nothing to forecast from: the current value as a persistence forecast, at a confidence
      // NovaCron ignores (it acts at ≥ 0.7), so its own policy decides.
      const steps = Math.max(1, Math.ceil(horizon / 5));
      return {
        ...base,
        prediction: Array.from({ length: steps }, () => round(asFraction(current), 6)),
        confidence: 0.1,
        model_used: 'persistence',
        confidence_intervals: null,
        step_seconds: 300,
        history_points: points.length,
        source: 'current',
        meets_threshold: 0.1 >= threshold,
        notes: [...notes, `${e.message}: the current value is repeated (persistence) at confidence 0.1`],
      };
    }
  }

  // --- scaling (/optimize/scaling, predictive_scaling) ---

  async optimizeScaling(body: OptimizeScalingBodyT, now = Date.now()) {
    const horizon = body.horizon_minutes ?? 60;
    const res = body.current_resources;
    const capacity: Record<string, [number, string]> = {};
    if (res.cpu_cores !== undefined) capacity.cpu = [res.cpu_cores, 'cores'];
    if (res.memory_gb !== undefined) capacity.memory = [res.memory_gb, 'GiB'];
    if (res.memory_mb !== undefined) capacity.memory = [res.memory_mb / 1024, 'GiB'];
    const inputs: ScalingResourceInput[] = [];
    for (const [key, value] of Object.entries(res)) {
      if (!/_(usage|utilization|utilisation)$/.test(key)) continue;
      const { resource } = metricOfResource(key);
      const percent = value > 1.5 || (body.historical_data ?? []).some((r) => typeof r[key] === 'number' && (r[key] as number) > 1.5);
      const scale = percent ? 100 : 1;
      const history = body.historical_data ? historyPoints(body.historical_data, key, '/body/historical_data', now).map((p) => ({ ts: p.ts, value: p.value / scale })) : [];
      inputs.push({ resource, current: value / scale, history, capacity: capacity[resource]?.[0], unit: capacity[resource]?.[1] });
    }
    if (!inputs.length) throw Problem.badRequest('/body/current_resources must hold at least one utilisation, e.g. {"cpu_usage": 0.8}', [{ path: '/body/current_resources', message: 'no *_usage key' }]);
    const decisions = inputs.map((r) => decideScaling(r, { horizonMinutes: horizon, costModel: this.costModel, now }));
    return {
      vm_id: body.vm_id,
      decisions: decisions.map(decisionWire),
      total_cost_impact: round(decisions.reduce((s, d) => s + d.cost_impact, 0), 2),
      performance_impact: round(decisions.reduce((s, d) => s + d.saturatedAfter - d.saturatedBefore, 0) / decisions.length, 4),
      execution_timeline: decisions.filter((d) => d.action !== 'no_action').map((d) => ({ action: d.action, resource: d.resource, scheduled_time: new Date(d.scheduledAt).toISOString(), urgency: d.urgency })),
      confidence: round(Math.min(...decisions.map((d) => d.confidence)), 4),
      notes: decisions.some((d) => d.source === 'current') ? ['Some resources had no usable history: decided on the current value at confidence 0.3'] : [],
    };
  }

  decide(inputs: readonly ScalingResourceInput[], horizonMinutes: number, now: number): ScalingDecision[] {
    return inputs.map((r) => decideScaling(r, { horizonMinutes, costModel: this.costModel, now }));
  }
}

export function decisionWire(d: ScalingDecision) {
  return {
    action: d.action,
    resource: d.resource,
    current_value: round(d.current_value, 4),
    target_value: round(d.target_value, 4),
    confidence: round(d.confidence, 4),
    reasoning: d.reasoning,
    cost_impact: round(d.cost_impact, 2),
    forecast_peak: round(d.forecast_peak, 4),
    units: d.units,
  };
}

function resourceWire(s: ResourceSizing) {
  return {
    provisioned: s.provisioned,
    target: s.target,
    forecast_quantile: round(s.forecastQuantile, 4),
    quantile_level: s.quantileLevel,
    peak: round(s.peak, 4),
    mean: round(s.meanUsage, 4),
    exceedance_at_target: round(s.exceedanceAtTarget, 5),
    confidence: round(s.confidence, 4),
  };
}

/**
 * A metric's points from free-form history rows: the row's `key` (or, failing that, its
 * `value`) with its `timestamp`; rows without timestamps are taken as 5 minutes apart, the last
 * one now. Bad timestamps or values are a 400 naming the row.
 */
export function historyPoints(rows: readonly Record<string, unknown>[], key: string, path: string, now: number): DemandPoint[] {
  const out: DemandPoint[] = [];
  const stamped = rows.some((r) => r.timestamp !== undefined);
  rows.forEach((r, i) => {
    const raw = r[key] ?? r.value;
    // A row without this metric is skipped (rows may carry other metrics only).
    if (raw === undefined || raw === null) return;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0 || raw > 1e9) throw Problem.badRequest(`${path}/${i}/${key} must be a number between 0 and 1e9`, [{ path: `${path}/${i}/${key}`, message: 'must be a number between 0 and 1e9' }]);
    let ts = now - (rows.length - 1 - i) * 300_000;
    if (stamped) {
      const t = parseTimestamp(r.timestamp, now + DAY_MS);
      if (typeof t === 'string') throw Problem.badRequest(`${path}/${i}/timestamp: ${t}`, [{ path: `${path}/${i}/timestamp`, message: t }]);
      ts = t;
    }
    out.push({ ts, value: raw });
  });
  return out;
}

const round = (x: number, d: number) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : 0);

