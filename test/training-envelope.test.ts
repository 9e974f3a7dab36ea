import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../src/ml/core/index.js';
import { backend, eventually, startEngine, type TestEngine } from './helpers/engine.js';

const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const STEP = 300_000;
const DAY = 86_400_000;
/** Midnight UTC three days ago: two days of points end a day before now. */
const T0 = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;

/** NovaCron ResourceDataPoints: a daily cycle in percent (40 ± 20, peak 15:00 UTC) plus noise. */
function dailyPercent(days: number, seed = 1, start = T0): { timestamp: string; value: number; metadata?: Record<string, unknown> }[] {
  const rng = new Random(seed);
  return Array.from({ length: (days * DAY) / STEP }, (_, i) => {
    const ts = start + i * STEP;
    const hour = (ts / 3_600_000) % 24;
    return { timestamp: new Date(ts).toISOString(), value: 40 + 20 * Math.cos(((hour - 15) / 24) * 2 * Math.PI) + 2 * rng.normal(), metadata: { source: 'test' } };
  });
}

/** Noise around a level: much harder to forecast (higher WAPE) than the daily cycle. */
function noisyPercent(days: number, seed = 2): { timestamp: string; value: number }[] {
  const rng = new Random(seed);
  return Array.from({ length: (days * DAY) / STEP }, (_, i) => ({ timestamp: new Date(T0 + i * STEP).toISOString(), value: Math.max(0, 40 + 15 * rng.normal()) }));
}

function engineCalls(t: () => TestEngine) {
  const call = async (data: Record<string, unknown>, method: [string, string] = ['model_training', 'train'], key?: string) => {
    const r = await t().request('POST', '/api/v1/process', { body: { id: `req-${Math.random()}`, service: method[0], method: method[1], data }, key: key ?? t().keys.operator });
    expect(r.status, r.text).toBe(200);
    return r.body;
  };
  const info = (modelType: string) => call({ model_type: modelType }, ['model_management', 'get_info']);
  return { call, info };
}

describe(`model_training/train (${backend}, jobs not processed)`, () => {
  let t: TestEngine;
  // No worker: queued jobs stay queued, so no failure training ever runs in this block.
  beforeAll(async () => {
    t = await startEngine({ NOVACRON_RUN_WORKER: 'false', NOVACRON_FAILURE_SCORE_INTERVAL_S: '0', NOVACRON_ANOMALY_LIVE: 'false' });
  }, 60_000);
  afterAll(async () => t?.close());
  const { call, info } = engineCalls(() => t);

  it('resource_prediction: chooses the forecaster by backtest on two days of 5-minute points, registers and activates it; get_info serves it', async () => {
    const started = performance.now();
    const r = await call({ model_type: 'resource_prediction', training_data: dailyPercent(2), node_id: 'node-a', resource_type: 'cpu' });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(r.success, r.error).toBe(true);
    expect(r.model_version).toBe('1');
    const d = r.data;
    expect(d).toMatchObject({ model_type: 'resource_prediction', training_status: 'completed', model_version: '1', model_id: 'resource_v1' });
    expect(d.timestamp).toMatch(RFC3339_Z);
    expect(d.training_time).toBeGreaterThan(0);
    const m = d.performance_metrics;
    // Two days hold one daily cycle before each backtest origin: seasonal naive, not Holt–Winters (needs two).
    expect(m).toMatchObject({ method: 'seasonal_naive', periods_seconds: [86_400], activated: true, previous_model_id: null, training_points: 576, grid_steps: 576, step_seconds: 300, horizons_minutes: [60, 360] });
    expect(m.candidates.map((c: { name: string }) => c.name)).toEqual(['naive', 'seasonal_naive', 'holt_winters']);
    expect(m.candidates[2].failed).toMatch(/two cycles/);
    expect(m.candidates[1].mase).toBeLessThan(m.candidates[0].mase);
    expect(m.accuracy).toBeGreaterThan(0.9);
    expect(m.accuracy).toBeCloseTo(1 - m.wape, 12);
    expect(m.seasonality[0].period_seconds).toBe(86_400);
    expect(r.confidence).toBeCloseTo(m.accuracy, 12);
    expect(d.message).toMatch(/chose seasonal_naive with period 24 h .* registered resource_v1, activated/);

    const g = await info('resource_prediction');
    expect(g.success, g.error).toBe(true);
    expect(g.data).toMatchObject({ name: 'resource_demand_forecast_seasonal_naive', version: '1', model_id: 'resource_v1' });
    expect(g.data.accuracy).toBe(m.accuracy);
    expect(g.data.accuracy).toBeGreaterThan(0);
    expect(g.data.last_trained).toMatch(RFC3339_Z);
    expect(g.data.training_data).toMatch(/^training_data \(node-a cpu\): 576 points, 576 steps of 300 s/);
    // The aliases resolve to the same model.
    expect((await info('resource')).data.model_id).toBe('resource_v1');
    expect((await info('resource_optimization')).data.model_id).toBe('resource_v1');

    // A worse series is registered but not activated (backtest accuracy below the active one's).
    const worse = await call({ model_type: 'resource', training_data: noisyPercent(2) });
    expect(worse.success, worse.error).toBe(true);
    expect(worse.data.performance_metrics).toMatchObject({ model_id: 'resource_v2', activated: false, previous_model_id: 'resource_v1' });
    expect(worse.data.performance_metrics.accuracy).toBeLessThan(m.accuracy);
    expect(worse.data.performance_metrics.activation_reason).toMatch(/worse than the active model's/);
    expect((await info('resource_prediction')).data.model_id).toBe('resource_v1');
  });

  it('resource_prediction: trains on a node\'s stored telemetry when training_data is empty', async () => {
    const now = Date.now();
    const start = now - 2 * DAY;
    const pts = dailyPercent(2, 5, start);
    const body = { series: [{ entity_id: 'node-t', entity_type: 'node', metric: 'memory_utilization', timestamps: pts.map((p) => Date.parse(p.timestamp)), values: pts.map((p) => p.value / 100) }] };
    const ing = await t.request('POST', '/api/v1/telemetry', { body });
    expect(ing.status, ing.text).toBe(200);
    await t.engine.telemetry.drain();
    const r = await call({ model_type: 'resource_optimization', training_data: [], node_id: 'node-t', resource_type: 'memory' });
    expect(r.success, r.error).toBe(true);
    expect(r.data.training_status).toBe('completed');
    expect(r.data.performance_metrics).toMatchObject({ method: 'seasonal_naive', training_points: 576 });
    const rec = (await t.engine.registry.list('resource')).find((x) => x.id === r.data.model_id)!;
    expect(rec.parameters).toMatchObject({ source: 'stored telemetry', node_id: 'node-t', resource_type: 'memory', metric: 'memory_utilization', method: 'seasonal_naive' });
    expect(rec.metrics.accuracy).toBeGreaterThan(0.9);
    expect(rec.artifactSha256).toMatch(/^[0-9a-f]{64}$/);
    // A node without telemetry, or no node at all: insufficient data, said plainly.
    const none = await call({ model_type: 'resource_prediction', node_id: 'node-none' });
    expect(none.success).toBe(false);
    expect(none.error).toBe('insufficient data: no training_data sent and no stored cpu_utilization telemetry for node-none in the last 7 days');
    const nobody = await call({ model_type: 'resource_prediction', training_data: null });
    expect(nobody.success).toBe(false);
    expect(nobody.error).toMatch(/^insufficient data: training_data is empty and data.node_id is absent; send at least 288/);
  });

  it('resource_prediction: refuses bad or too little training_data with a precise message', async () => {
    const cases: [unknown, RegExp][] = [
      ['not a list', /training_data for resource_prediction must be a list of \{timestamp, value, metadata\?\}/],
      [{ a: 1 }, /must be a list/],
      [dailyPercent(2).slice(0, 100), /^insufficient data: 100 usable points, at least 288 needed to train/],
      [[...dailyPercent(2).slice(0, 299), { timestamp: 'yesterday', value: 1 }], /^data\.training_data\[299\]\.timestamp: /],
      [[{ timestamp: new Date(T0).toISOString(), value: 'high' }], /^data\.training_data\[0\]\.value must be a finite number$/],
      [[42], /^data\.training_data\[0\] must be an object/],
    ];
    for (const [training_data, error] of cases) {
      const r = await call({ model_type: 'resource_prediction', training_data });
      expect(r.success, JSON.stringify(training_data).slice(0, 80)).toBe(false);
      expect(r.error).toMatch(error);
      expect(r.model_version).toBe('error');
    }
    expect((await call({ model_type: 'resource_prediction', training_data: dailyPercent(2), resource_type: 'gpu' })).error).toMatch(/data.resource_type must be one of cpu, memory/);
  });

  it('failure_prediction: refuses bad settings, then queues the quick failure training job like POST /api/v1/failure/retrain; one at a time', async () => {
    const bad = await call({ model_type: 'failure_prediction', training_data: { train: { hosts: 501 } } });
    expect(bad.success).toBe(false);
    expect(bad.error).toBe('data.training_data.train.hosts: must be between 2 and 500');
    const unknown = await call({ model_type: 'failure', training_data: { surprise: true } });
    expect(unknown.error).toMatch(/^data.training_data.surprise: unknown setting/);
    const force = await call({ model_type: 'failure', training_data: { activate: true } });
    expect(force.error).toMatch(/activate: true needs the admin role/);
    expect((await call({ model_type: 'failure', training_data: 7 })).error).toMatch(/must be an object of retrain settings/);

    const r = await call({ model_type: 'failure_prediction', training_data: [{ timestamp: new Date(T0).toISOString(), value: 1 }] });
    expect(r.success, r.error).toBe(true);
    expect(r.data).toMatchObject({ model_type: 'failure_prediction', training_status: 'queued' });
    expect(r.data.job_id).toEqual(expect.any(String));
    expect(r.data.status_url).toBe(`/api/v1/jobs/${r.data.job_id}`);
    expect(r.data.config).toMatchObject({ train: { hosts: 30, days: 6 } });
    expect(r.data.message).toMatch(/quick configuration: train 30 hosts × 6 days.*the 1 training_data items were not used/);
    const job = await t.request('GET', r.data.status_url);
    expect(job.body).toMatchObject({ id: r.data.job_id, type: 'failure.train', state: 'queued', payload: { quick: true } });

    const again = await call({ model_type: 'failure_prediction' });
    expect(again.success).toBe(false);
    expect(again.error).toBe(`already running: job ${r.data.job_id} (one failure training at a time); follow it at /api/v1/jobs/${r.data.job_id}`);
    // The HTTP route sees the same job.
    expect((await t.request('POST', '/api/v1/failure/retrain', { body: { quick: true } })).status).toBe(409);
  });

  it('anomaly_detection: queues the host-model fit job; a second request joins it', async () => {
    const r = await call({ model_type: 'anomaly_detection', training_data: [{ timestamp: new Date(T0).toISOString(), value: 1 }] });
    expect(r.success, r.error).toBe(true);
    expect(r.data).toMatchObject({ model_type: 'anomaly_detection', training_status: 'queued' });
    expect(r.data.message).toMatch(/streaming per-series detectors learn online/);
    expect(r.data.message).toMatch(/training_data was not used/);
    expect((await t.request('GET', r.data.status_url)).body).toMatchObject({ type: 'anomaly.fit-host-models', state: 'queued' });
    const again = await call({ model_type: 'anomaly' }, ['model', 'train']);
    expect(again.success).toBe(true);
    expect(again.data.job_id).toBe(r.data.job_id);
    expect(again.data.message).toMatch(/already queued; this request joins it/);
  });

  it('resource_prediction with background: true queues the training job with the gridded series', async () => {
    const r = await call({ model_type: 'resource_prediction', training_data: dailyPercent(2), node_id: 'node-b', background: true });
    expect(r.success, r.error).toBe(true);
    expect(r.data).toMatchObject({ model_type: 'resource_prediction', training_status: 'queued' });
    const job = (await t.request('GET', r.data.status_url)).body;
    expect(job).toMatchObject({ type: 'optimization.train-demand', state: 'queued', payload: { source: 'training_data', node_id: 'node-b', training_points: 576 } });
    expect(job.payload.series).toMatchObject({ step_ms: STEP, start_ms: T0 });
    expect(job.payload.series.values).toHaveLength(576);
  });

  it('answers the types with nothing to train, and unknown types, with success:false and the reason', async () => {
    const expectations: [string, RegExp][] = [
      ['workload_placement', /interference model is trained offline .*npm run train:interference-default/],
      ['workload_classification', /rule-based with documented thresholds/],
      ['workload_prediction', /train resource_prediction instead/],
      ['migration_prediction', /analytic pre-copy model/],
      ['performance_optimization', /no model to train/],
      ['constructor', /^Unknown model type "constructor"/],
      ['xyz', /^Unknown model type "xyz"/],
    ];
    for (const [type, why] of expectations) {
      const r = await call({ model_type: type, training_data: [] });
      expect(r.success, type).toBe(false);
      expect(r.error).toMatch(why);
      expect(r.error).toMatch(/model types this engine trains: failure_prediction \(failure\), anomaly_detection \(anomaly\), resource_prediction \(resource, resource_optimization\)$/);
    }
    expect((await call({})).error).toMatch(/^data.model_type must be a non-empty string/);
    expect((await call({ model_type: 3 })).error).toMatch(/^data.model_type must be a non-empty string/);
    // Training needs the operator role.
    const viewer = await t.request('POST', '/api/v1/process', { body: { service: 'model_training', method: 'train', data: { model_type: 'resource' } }, key: t.keys.viewer });
    expect(viewer.status).toBe(403);
  });
});

describe(`model_training/train jobs (${backend}, jobs processed)`, () => {
  let t: TestEngine;
  // A worker runs jobs here, so nothing in this block asks for a failure training.
  beforeAll(async () => {
    t = await startEngine({ NOVACRON_FAILURE_SCORE_INTERVAL_S: '0', NOVACRON_ANOMALY_LIVE: 'false' });
  }, 60_000);
  afterAll(async () => t?.close());
  const { call, info } = engineCalls(() => t);
  const finished = (url: string) =>
    eventually(async () => {
      const j = (await t.request('GET', url)).body;
      return j.state === 'completed' || j.state === 'failed' ? j : undefined;
    }, 30_000);

  it('runs the background demand training job to a registered, active version', async () => {
    const r = await call({ model_type: 'resource_prediction', training_data: dailyPercent(4), resource_type: 'cpu', background: true });
    expect(r.success, r.error).toBe(true);
    const job = await finished(r.data.status_url);
    expect(job.state, job.error).toBe('completed');
    expect(job.result).toMatchObject({ model_id: 'resource_v1', activated: true, method: 'holt_winters', training_points: 1152 });
    expect(job.result.accuracy).toBeGreaterThan(0.9);
    const g = await info('resource_prediction');
    expect(g.data).toMatchObject({ name: 'resource_demand_forecast_holt_winters', version: '1' });
    expect(g.data.accuracy).toBe(job.result.accuracy);
    expect(g.data.last_trained).toMatch(RFC3339_Z);
    const rec = await t.engine.registry.get('resource', 'resource_v1');
    expect(rec.parameters).toMatchObject({ job_id: job.id, resource_type: 'cpu' });
  });

  it('a job with too little data fails with the reason; the host-model fit job completes', async () => {
    const short = await t.request('POST', '/api/v1/jobs', { body: { type: 'optimization.train-demand', payload: { node_id: 'node-empty' } } });
    expect(short.status, short.text).toBe(202);
    const failed = await finished(`/api/v1/jobs/${short.body.id}`);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/^insufficient data: 0 usable points/);

    const a = await call({ model_type: 'anomaly_detection' });
    expect(a.success, a.error).toBe(true);
    const done = await finished(a.data.status_url);
    expect(done.state, done.error).toBe('completed');
    expect(done.result).toMatchObject({ fitted: 0 });
  });
});
