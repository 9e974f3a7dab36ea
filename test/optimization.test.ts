import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../src/ml/core/index.js';
import { MAX_WORKLOADS } from '../src/optimization/schemas.js';
import { backend, startEngine, type TestEngine } from './helpers/engine.js';

const STEP = 300_000;
const DAY = 86_400_000;

/** `days` of 5-minute usage ending now: CPU around `cpu` of the allocation with a daily swing, memory flat at `mem`. */
function history(days: number, cpu: number, mem: number, seed = 1, end = Date.now() - STEP) {
  const rng = new Random(seed);
  const n = (days * DAY) / STEP;
  return Array.from({ length: n }, (_, i) => {
    const ts = end - (n - 1 - i) * STEP;
    const hour = (ts / 3_600_000) % 24;
    return {
      timestamp: new Date(ts).toISOString(),
      cpu_utilization: Math.max(0, cpu * (1 + 0.4 * Math.cos(((hour - 14) / 24) * 2 * Math.PI)) + 0.01 * rng.normal()),
      memory_utilization: mem + 0.005 * rng.normal(),
    };
  });
}

describe(`resource optimisation over HTTP (${backend})`, () => {
  let t: TestEngine;
  const post = (path: string, body: unknown) => t.request('POST', path, { body, key: t.keys.operator });
  const process = (service: string, method: string, data: unknown) => post('/api/v1/process', { id: `req-${service}`, service, method, data });

  beforeAll(async () => {
    t = await startEngine({ NOVACRON_FAILURE_SCORE_INTERVAL_S: '0', NOVACRON_ANOMALY_LIVE: 'false' });
  });
  afterAll(async () => t?.close());

  it('answers the seed\'s raw-array body and refuses an unknown objective with 400', async () => {
    const seed = [
      { workload_id: 'w1', cpu_cores: 4, memory_gb: 16, cpu_utilization: 0.1, memory_utilization: 0.2, workload_type: 'web_server' },
      { workload_id: 'w2', cpu_cores: 2, memory_gb: 4, cpu_utilization: 0.9, memory_utilization: 0.8 },
    ];
    const r = await post('/api/v1/resource/optimize', seed);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toHaveProperty('recommendations');
    expect(r.body.total_recommendations).toBe(r.body.recommendations.length);
    // Current utilisations alone are not enough to size anything: both are kept, with the reason.
    expect(r.body.maintained.map((m: { workload_id: string }) => m.workload_id).sort()).toEqual(['w1', 'w2']);
    expect(r.body.maintained[0].reason).toMatch(/7-day maxima|Insufficient data/);
    const bad = await post('/api/v1/resource/optimize?objective=fastest', seed);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rightsizes from a usage series: an idle VM scales down with reasons, a busy one scales up first', async () => {
    const r = await post('/api/v1/resource/optimize?objective=cost', [
      { workload_id: 'idle', cpu_cores: 8, memory_gb: 32, usage_history: history(4, 0.05, 0.15, 2) },
      { workload_id: 'busy', cpu_cores: 2, memory_gb: 4, usage_history: history(4, 0.8, 0.5, 3) },
    ]);
    expect(r.status, r.text).toBe(200);
    const byId = Object.fromEntries(r.body.recommendations.map((x: { workload_id: string }) => [x.workload_id, x]));
    expect(byId.idle.action).toBe('scale_down');
    expect(byId.idle.target_resources.cpu_cores).toBeLessThan(2);
    expect(byId.idle.target_resources.memory_gb).toBeGreaterThanOrEqual(32 * 0.15);
    expect(byId.idle.monthly_cost_change).toBeLessThan(0);
    expect(byId.idle.basis).toBe('series');
    expect(Number.isInteger(byId.idle.priority)).toBe(true);
    expect(byId.idle.reasoning.join(' ')).toMatch(/cores/);
    expect(byId.busy.action).toBe('scale_up');
    expect(byId.busy.priority).toBeLessThan(byId.idle.priority);
    expect(r.body.recommendations[0].workload_id).toBe('busy');
    expect(r.body.monthly_savings).toBeGreaterThan(0);
  });

  it('optimize-single answers null with a message when nothing should change, and the summary counts what was recommended', async () => {
    const before = await t.request('GET', '/api/v1/resource/summary?hours=24', { key: t.keys.viewer });
    expect((await t.request('GET', '/api/v1/resource/summary?hours=1.5', { key: t.keys.viewer })).status).toBe(200);
    expect(before.status).toBe(200);
    const single = await post('/api/v1/resource/optimize-single', { workload_id: 'short', cpu_cores: 2, memory_gb: 4, usage_history: history(0.25, 0.3, 0.3) });
    expect(single.status, single.text).toBe(200);
    expect(single.body.recommendation).toBeNull();
    expect(single.body.message).toMatch(/No optimization needed.*[Ii]nsufficient history/);
    const one = await post('/api/v1/resource/optimize-single', { workload_id: 'idle2', cpu_cores: 16, memory_gb: 64, usage_history: history(3, 0.03, 0.1, 4) });
    expect(one.body.recommendation.action).toBe('scale_down');
    const after = await t.request('GET', '/api/v1/resource/summary?hours=24', { key: t.keys.viewer });
    expect(after.body.total_recommendations).toBe(before.body.total_recommendations + 1);
    expect(after.body.actions_distribution.scale_down).toBe((before.body.actions_distribution.scale_down ?? 0) + 1);
    expect(after.body.monthly_savings).toBeGreaterThan(before.body.monthly_savings);
    expect(after.body).toHaveProperty('potential_savings');
    expect(after.body.time_window_hours).toBe(24);
  });

  it('sizes a registered VM from its stored telemetry when only vm_id is sent', async () => {
    expect((await post('/api/v1/vms', { id: 'vm-opt', resources: { cpu_cores: 8, memory_mb: 16384, storage_gb: 50 } })).status).toBe(201);
    const h = history(3, 0.04, 0.2, 5);
    const timestamps = h.map((x) => Date.parse(x.timestamp));
    for (const [metric, key] of [['cpu_utilization', 'cpu_utilization'], ['memory_utilization', 'memory_utilization']] as const) {
      const r = await post('/api/v1/telemetry', { series: [{ entity_id: 'vm-opt', entity_type: 'vm', metric, timestamps, values: h.map((x) => x[key]) }] });
      expect(r.status, r.text).toBe(200);
    }
    await t.engine.telemetry.drain();
    const r = await post('/api/v1/resource/optimize-single', { vm_id: 'vm-opt' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.recommendation.action).toBe('scale_down');
    expect(r.body.recommendation.basis).toBe('series');
    expect(r.body.recommendation.reasoning.join(' ')).toContain('stored telemetry');
    expect(r.body.recommendation.target_resources.cpu_cores).toBeLessThan(8);
  });

  it('reports which registered VMs to resize from their stored telemetry, without recording it', async () => {
    expect((await post('/api/v1/vms', { id: 'vm-quiet', resources: { cpu_cores: 2, memory_mb: 4096, storage_gb: 20 } })).status).toBe(201);
    const summary = async () => (await t.request('GET', '/api/v1/resource/summary?hours=24', { key: t.keys.viewer })).body.total_recommendations;
    const before = await summary();
    const r = await t.request('GET', '/api/v1/resource/recommendations?days=7&limit=50', { key: t.keys.operator });
    expect(r.status, r.text).toBe(200);
    const vm = r.body.recommendations.find((x: { workload_id: string }) => x.workload_id === 'vm-opt');
    expect(vm.action).toBe('scale_down');
    expect(vm.basis).toBe('series');
    expect(r.body.vms_sized).toBeGreaterThanOrEqual(1);
    expect(r.body.vms_without_usage).toBeGreaterThanOrEqual(1);
    expect(r.body.notes.join(' ')).toMatch(/no stored cpu_utilization/);
    expect(await summary()).toBe(before);
    expect((await t.request('GET', '/api/v1/resource/recommendations?days=90', { key: t.keys.operator })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/resource/recommendations', { key: t.keys.viewer })).status).toBe(403);
  });

  it('answers 400 with the path for a bad history row and 413 above the workload limit', async () => {
    const bad = await post('/api/v1/resource/optimize', [{ workload_id: 'x', usage_history: [{ timestamp: 'yesterday', cpu_utilization: 0.1 }] }]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('/body/0/usage_history/0/timestamp');
    const tooMany = await post('/api/v1/resource/optimize', Array.from({ length: MAX_WORKLOADS + 1 }, (_, i) => ({ workload_id: `w${i}` })));
    expect(tooMany.status).toBe(413);
  });

  it('forecasts for the scheduler (/predict/resources) as fractions, and says how little it knows without history', async () => {
    const h = history(2, 0.4, 0.5, 6).map((x) => ({ timestamp: x.timestamp, cpu_usage: x.cpu_utilization * 100 }));
    const r = await post('/predict/resources', { resource_id: 'node-1', metrics: { cpu_usage: 40 }, history: h, prediction_horizon: 60 });
    expect(r.status, r.text).toBe(200);
    expect(r.body.prediction).toHaveLength(12);
    for (const v of r.body.prediction) expect(v).toBeGreaterThan(0.1), expect(v).toBeLessThan(0.9);
    expect(r.body.confidence).toBeGreaterThan(0.5);
    expect(r.body.source).toBe('request');
    expect(r.body.confidence_intervals.p95).toHaveLength(12);
    const none = await post('/predict/resources', { resource_id: 'unknown-node', metrics: { cpu_usage: 0.5 }, prediction_horizon: 60 });
    expect(none.status).toBe(200);
    expect(none.body.confidence).toBeLessThan(0.5);
    expect(none.body.model_used).toBe('persistence');
    expect(none.body.meets_threshold).toBe(false);
  });

  it('decides predictive scaling for a VM heading for saturation (/optimize/scaling)', async () => {
    // CPU steady near 85 % (whatever the hour), memory at 40 %.
    const rng = new Random(7);
    const h = Array.from({ length: 576 }, (_, i) => ({ timestamp: new Date(Date.now() - (576 - i) * STEP).toISOString(), cpu_usage: 0.85 + 0.02 * rng.normal(), memory_usage: 0.4 + 0.005 * rng.normal() }));
    const r = await post('/optimize/scaling', { vm_id: 'vm-9', current_resources: { cpu_usage: 0.8, memory_usage: 0.4, cpu_cores: 4, memory_gb: 16 }, historical_data: h });
    expect(r.status, r.text).toBe(200);
    const cpu = r.body.decisions.find((d: { resource: string }) => d.resource === 'cpu');
    expect(cpu.action).toBe('scale_up');
    expect(cpu.target_value).toBeGreaterThan(4);
    expect(cpu.cost_impact).toBeGreaterThan(0);
    expect(r.body.execution_timeline[0].scheduled_time).toMatch(/Z$/);
    const mem = r.body.decisions.find((d: { resource: string }) => d.resource === 'memory');
    expect(mem.action).toBe('no_action');
  });

  it('serves NovaCron\'s /api/v1/process pairs with Go-safe data', async () => {
    const points = history(2, 30, 0, 8).map((x) => ({ timestamp: x.timestamp, value: Math.min(100, x.cpu_utilization * 100) }));
    const demand = await process('resource_prediction', 'predict_demand', { node_id: 'n-7', resource_type: 'cpu', horizon_minutes: 120, historical_data: points });
    expect(demand.status).toBe(200);
    expect(demand.body.success, JSON.stringify(demand.body)).toBe(true);
    expect(demand.body.data.predictions).toHaveLength(24);
    expect(demand.body.data.units).toBe('percent');
    expect(Math.max(...demand.body.data.predictions)).toBeGreaterThan(1);
    expect(demand.body.data.model_info.last_trained).toMatch(/Z$/);
    expect(typeof demand.body.data.model_info.accuracy).toBe('number');
    const empty = await process('resource_prediction', 'predict_demand', { node_id: 'n-unknown', resource_type: 'cpu', horizon_minutes: 60, historical_data: null });
    expect(empty.body.success).toBe(false);
    expect(empty.body.error).toMatch(/insufficient data/);

    const scaling = await process('predictive_scaling', 'predict_scaling', {
      current_capacity: { cpu_capacity: 64, memory_capacity: 256 },
      current_load: { cpu_load: 60, memory_load: 40 },
      job_queue_length: 3,
      historical_usage: { cpu: Array.from({ length: 48 }, (_, i) => 0.85 + 0.05 * Math.sin(i / 4)) },
    });
    expect(scaling.body.success, JSON.stringify(scaling.body)).toBe(true);
    expect(scaling.body.data.recommendations.length).toBeGreaterThan(0);
    for (const a of scaling.body.data.scaling_actions) {
      expect(typeof a.action).toBe('string');
      expect(typeof a.resource).toBe('string');
      expect(typeof a.target_capacity).toBe('number');
      expect(a.target_capacity).toBeGreaterThanOrEqual(0);
      expect(a.target_capacity).toBeLessThanOrEqual(1);
    }
    expect(scaling.body.data.scaling_actions.find((a: { resource: string }) => a.resource === 'cpu').action).toBe('scale_up');

    const rows = history(3, 0.3, 0.4, 9);
    const patterns = await process('workload_pattern_recognition', 'analyze_patterns', {
      workload_id: 'vm-p',
      metric_types: ['cpu'],
      data_points: rows.map((x) => ({ timestamp: x.timestamp, value: x.cpu_utilization })),
    });
    expect(patterns.body.success, JSON.stringify(patterns.body)).toBe(true);
    expect(Number.isInteger(patterns.body.data.seasonality.period)).toBe(true);
    expect(patterns.body.data.classification).not.toBe('');
  });

  it('leaves paths it does not implement at 404', async () => {
    for (const path of ['/predict/migration_time', '/optimize/compression', '/analyze/network_conditions']) {
      const r = await post(path, {});
      expect(r.status, path).toBe(404);
    }
  });
});
