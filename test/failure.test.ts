import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessRows } from '../src/failure/host-assessment.js';
import { FAILURE_METRICS } from '../src/failure/host-feature-spec.js';
import { simulatedHostSeries } from '../src/failure/simulated-fleet.js';
import { exportSimulation, FleetSimulator } from '../src/sim/index.js';
import { backend, eventually, startEngine } from './helpers/engine.js';

type Engine = Awaited<ReturnType<typeof startEngine>>;
const MINUTE = 60_000;
const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const BODY_LIMIT = 1 << 20;

/** Runs against the bundled model unless NOVACRON_FAILURE_MODEL_FILE names another (e.g. while the bundled one is being replaced). */
const modelFile: Record<string, string> = process.env.NOVACRON_FAILURE_MODEL_FILE ? { NOVACRON_FAILURE_MODEL_FILE: process.env.NOVACRON_FAILURE_MODEL_FILE } : {};

interface Candidate {
  hostId: string;
  at: number;
  score: number;
  probability: number;
  alarm: boolean;
  row: Float64Array;
}

describe(`failure prediction over HTTP (${backend})`, () => {
  let t: Engine;
  let sim: FleetSimulator;
  let names: readonly string[];
  /** Every host-minute of the second simulated day (every 5th), scored in memory by the active model. */
  let scanned: Candidate[] = [];
  let riskiest: Candidate;

  beforeAll(async () => {
    t = await startEngine({ NOVACRON_FAILURE_SCORE_INTERVAL_S: '0', NOVACRON_ANOMALY_LIVE: 'false', NOVACRON_BODY_LIMIT_BYTES: String(BODY_LIMIT), ...modelFile });
    await t.engine.failure.ready();
    // Two days of four hosts that fail often (disks degrade for hours first), ending a minute ago.
    const end = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    sim = new FleetSimulator({ seed: 1, hosts: 4, days: 2, start: end - 2 * 1440 * MINUTE, failuresPerHostDay: 1.5, vmMetrics: false });
    const summary = await exportSimulation(sim, { post: { url: t.url, apiKey: t.keys.operator }, maxSamples: 50_000, maxInventoryBatch: 5_000 });
    expect(summary.posted?.rejected).toBe(0);
    await t.engine.telemetry.drain();

    // The same model, in memory, over the simulator's own series: where does it alarm?
    const model = await t.engine.failure.model();
    if (!model) throw new Error('no active failure model: the bundled models/failure-default.json.gz does not load in this build (see the engine log and /health); NOVACRON_FAILURE_MODEL_FILE runs these tests with another file');
    names = model.predictor.featureNames;
    const F = names.length;
    for (let h = 0; h < sim.fleet.hosts.length; h++) {
      const hs = simulatedHostSeries(sim, FAILURE_METRICS, h);
      const prepared = model.features.prepare(hs.metrics, hs.timestamps.length);
      const ends: number[] = [];
      for (let e = 1440; e < hs.timestamps.length; e += 5) ends.push(e);
      const X = new Float64Array(ends.length * F);
      ends.forEach((e, r) => prepared.featuresAt(e, X, r * F));
      const assessed = await assessRows(model.predictor, ends.map(() => hs.entityId), X, null);
      assessed.forEach((a, r) => scanned.push({ hostId: hs.entityId, at: hs.timestamps[ends[r]], score: a.score, probability: a.probability, alarm: a.alarm, row: X.slice(r * F, (r + 1) * F) }));
    }
    riskiest = scanned.reduce((a, b) => (b.score > a.score ? b : a));
  }, 120_000);
  afterAll(async () => t?.close());

  it('registers and activates the bundled model at first start; lists it in the seed shape', async () => {
    const list = await t.request('GET', '/api/v1/failure/models', { key: t.keys.viewer });
    expect(list.status).toBe(200);
    expect(list.body.models).toHaveLength(1);
    const m = list.body.models[0];
    expect(m).toMatchObject({ model_id: 'failure_v1', is_active: true });
    expect(m.metadata).toMatchObject({ model_type: 'failure_prediction', algorithm: 'stacked_failure_ensemble', feature_count: names.length, target_names: ['normal', 'failure'] });
    expect(m.metadata.hyperparameters.source).toBe('bundled');
    for (const k of ['recall', 'precision', 'false_alarms_per_host_day', 'average_precision', 'alarm_probability', 'gbdt_average_precision', 'gbdt_weight']) expect(typeof m.metadata.metrics[k], k).toBe('number');
    expect(m.metadata.recall).toBe(m.metadata.metrics.recall);
    const health = await t.request('GET', '/health', { key: null });
    expect(health.body.services.failure_prediction).toMatchObject({ status: 'healthy', active_model: 'failure_v1' });
    // Before any background run there are no risks yet.
    const risks = await t.request('GET', '/api/v1/failure/risks', { key: t.keys.viewer });
    expect(risks.body).toMatchObject({ assessed_at: null, total: 0, items: [] });
  });

  it('predicts from a node\'s stored telemetry, exactly as the model scores the same history in memory', async () => {
    expect(riskiest.alarm).toBe(true);
    const r = await t.request('POST', '/api/v1/failure/predict', {
      key: t.keys.operator,
      body: { request_id: 'req-node', timestamp: new Date(riskiest.at).toISOString(), features: { node_id: riskiest.hostId } },
    });
    expect(r.status, r.text).toBe(200);
    const b = r.body;
    expect(b).toMatchObject({ request_id: 'req-node', model_id: 'failure_v1', prediction: 1 });
    expect(b.timestamp).toMatch(RFC3339_Z);
    expect(b.response_time).toBeGreaterThan(0);
    expect(b.probabilities.failure).toBeCloseTo(riskiest.probability, 9);
    expect(b.probabilities.normal + b.probabilities.failure).toBeCloseTo(1, 12);
    const md = b.metadata;
    expect(md).toMatchObject({ basis: 'telemetry', node_id: riskiest.hostId, alarm: true, prediction_horizon_minutes: 30, min_lead_minutes: 15, assessed_at: new Date(riskiest.at).toISOString() });
    expect(md.score).toBeCloseTo(riskiest.score, 9);
    expect(md.score).toBeGreaterThanOrEqual(md.score_threshold);
    expect(md.failure_probability).toBeGreaterThanOrEqual(md.threshold);
    expect(md.coverage).toBeGreaterThan(0.95);
    expect(md.samples).toBeGreaterThan(1441 * FAILURE_METRICS.length * 0.9);
    expect(md.reasons.length).toBeGreaterThan(0);
    expect(md.reason_details[0]).toMatchObject({ text: md.reasons[0] });
    expect(['migrate_vms', 'schedule_maintenance', 'watch']).toContain(md.recommended_action.action);
    expect(md.time_to_failure.bucket).toEqual(expect.any(String));
    expect(Object.keys(md.members).sort()).toEqual([...(await t.engine.failure.model())!.predictor.members].sort());
    expect(b.confidence).toBeGreaterThan(0);

    // Without a timestamp the newest sample (a minute ago) is "now".
    const latest = await t.request('POST', '/api/v1/failure/predict', { key: t.keys.operator, body: { request_id: 'req-now', features: { node_id: sim.fleet.hosts[0].id } } });
    expect(latest.status, latest.text).toBe(200);
    expect(Date.now() - Date.parse(latest.body.metadata.assessed_at)).toBeLessThan(5 * MINUTE);
  });

  it('predicts from the model\'s own feature names, and from a snapshot of metric values', async () => {
    const features: Record<string, number | null> = { node_id: riskiest.hostId } as never;
    names.forEach((n, i) => (features[n] = Number.isFinite(riskiest.row[i]) ? riskiest.row[i] : null));
    const r = await t.request('POST', '/api/v1/failure/predict', { key: t.keys.operator, body: { request_id: 'req-features', features } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.prediction).toBe(1);
    expect(r.body.metadata.basis).toBe('features');
    expect(r.body.metadata.score).toBeCloseTo(riskiest.score, 9);

    const partial = await t.request('POST', '/api/v1/failure/predict', { key: t.keys.operator, body: { request_id: 'req-partial', features: { 'ecc_correctable_errors.inc_30m': 4 } } });
    expect(partial.status, partial.text).toBe(200);
    expect(partial.body.metadata.basis).toBe('features');
    expect(partial.body.metadata.coverage).toBeCloseTo(1 / names.length, 9);
    expect(partial.body.metadata.notes.join(' ')).toContain('count as missing');

    // The ai-engine test fixture: a snapshot of a host the engine has never seen.
    const seed = await t.request('POST', '/api/v1/failure/predict', {
      key: t.keys.operator,
      body: { request_id: 'test_123', features: { cpu_utilization: 0.85, memory_utilization: 0.92, disk_utilization: 0.78, temperature: 67.5, network_errors: 15, node_id: 'node-001' } },
    });
    expect(seed.status, seed.text).toBe(200);
    expect(seed.body).toMatchObject({ request_id: 'test_123', model_id: 'failure_v1' });
    expect([0, 1]).toContain(seed.body.prediction);
    expect(seed.body.metadata).toMatchObject({ basis: 'snapshot', node_id: 'node-001', samples: 0 });
    expect(seed.body.metadata.ignored_features.sort()).toEqual(['disk_utilization', 'network_errors', 'temperature']);
    expect(seed.body.metadata.notes.join(' ')).toContain('flat 24-hour history');

    // Percent, as NovaCron's collectors send it, on top of a known host's stored history.
    const onStored = await t.request('POST', '/api/v1/failure/predict', { key: t.keys.operator, body: { request_id: 'req-snap', features: { node_id: sim.fleet.hosts[1].id, 'vm.cpu.usage': 55, cpu_temperature: 71 } } });
    expect(onStored.status, onStored.text).toBe(200);
    expect(onStored.body.metadata.basis).toBe('snapshot');
    expect(onStored.body.metadata.samples).toBeGreaterThan(1000);
  });

  it('refuses bad input with 4xx problems (422 for a missing request_id or features), never a 5xx', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 2_001 }, (_, i) => [`custom_${i}`, 1]));
    const cases: Array<[unknown, number, string?]> = [
      [{ features: { cpu_utilization: 0.5 } }, 422, '/body/request_id'],
      [{ request_id: 'x' }, 422, '/body/features'],
      [{ request_id: 'x', features: 'cpu=0.5' }, 400],
      [{ request_id: 'x', features: [1, 2] }, 400],
      [{ request_id: '', features: { cpu_utilization: 0.5 } }, 400],
      [{ request_id: 'x', features: { cpu_utilization: 'high' } }, 400, '/body/features/cpu_utilization'],
      [{ request_id: 'x', features: { cpu_utilization: null } }, 400],
      [{ request_id: 'x', features: { cpu_utilization: 150 } }, 400],
      [{ request_id: 'x', features: { 'ecc_correctable_errors.inc_30m': 'NaN' } }, 400],
      [{ request_id: 'x', features: { 'ecc_correctable_errors.inc_30m': 3, cpu_utilization: 0.5 } }, 400],
      [{ request_id: 'x', features: { cpu_utilization: 0.5, cpu_usage: 0.5 } }, 400],
      [{ request_id: 'x', features: { node_id: 7 } }, 400],
      [{ request_id: 'x', features: { favourite_colour: 'blue', disk_utilization: 0.3 } }, 400],
      [{ request_id: 'x', features: {} }, 400],
      [{ request_id: 'x', features: tooMany }, 400],
      [{ request_id: 'x', timestamp: 'yesterday', features: { cpu_utilization: 0.5 } }, 400],
      [{ request_id: 'x', timestamp: Date.now() + 86_400_000, features: { cpu_utilization: 0.5 } }, 400],
      [{ request_id: 'x', features: { node_id: 'never-seen-host' } }, 404],
      [{ request_id: 'x', features: { node_id: sim.fleet.hosts[0].id }, timestamp: '2001-01-01T00:00:00Z' }, 404],
    ];
    for (const [body, status, path] of cases) {
      const r = await t.request('POST', '/api/v1/failure/predict', { key: t.keys.operator, body });
      expect(r.status, `${JSON.stringify(body).slice(0, 120)} → ${r.text.slice(0, 300)}`).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      if (path) expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const nothing = await t.request('POST', '/api/v1/failure/predict', { key: t.keys.operator, body: { request_id: 'x', features: { disk_utilization: 0.3 } } });
    expect(nothing.body.detail).toContain('ecc_correctable_errors');
    expect(nothing.body.detail).toMatch(/\.inc_30m/);
    const big = await t.request('POST', '/api/v1/failure/predict', { key: t.keys.operator, raw: JSON.stringify({ request_id: 'x', features: { pad: 'x'.repeat(BODY_LIMIT) } }) });
    expect(big.status).toBe(413);
    expect((await t.request('POST', '/api/v1/failure/predict', { key: t.keys.operator, raw: '{"request_id":' })).status).toBe(400);
    expect((await t.request('POST', '/api/v1/failure/predict', { key: t.keys.viewer, body: { request_id: 'x', features: { cpu_utilization: 0.5 } } })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/failure/predict', { key: null, body: { request_id: 'x', features: { cpu_utilization: 0.5 } } })).status).toBe(401);
    for (const q of ['min_probability=2', 'limit=0', 'limit=1001', 'alarm_only=maybe']) expect((await t.request('GET', `/api/v1/failure/risks?${q}`)).status, q).toBe(400);
    expect((await t.request('GET', '/api/v1/failure/alerts?status=closed')).status).toBe(400);
  });

  it('scores every reporting host in the background: risks riskiest first, with filters; an alarming host gets one alert', async () => {
    const at = riskiest.at;
    const run = await t.engine.failure.runScoring(at);
    expect(run).toMatchObject({ model_id: 'failure_v1', alerts_opened: 1 });
    expect(run.hosts).toBeGreaterThanOrEqual(1);
    expect(run.alarming).toBeGreaterThanOrEqual(1);

    const risks = await t.request('GET', '/api/v1/failure/risks', { key: t.keys.viewer });
    expect(risks.status, risks.text).toBe(200);
    expect(risks.body.assessed_at).toBe(new Date(at).toISOString());
    expect(risks.body.total).toBe(run.hosts);
    const items = risks.body.items as Array<{ node_id: string; score: number; failure_probability: number; alarm: boolean; reasons: string[]; recommended_action: { action: string }; assessed_at: string }>;
    for (let i = 1; i < items.length; i++) expect(items[i - 1].score).toBeGreaterThanOrEqual(items[i].score);
    expect(items[0]).toMatchObject({ node_id: riskiest.hostId, alarm: true, assessed_at: new Date(at).toISOString() });
    expect(items[0].score).toBeCloseTo(riskiest.score, 9);
    expect(items[0].reasons.length).toBeGreaterThan(0);
    // Every other host agrees with its in-memory score at the same minute, when that minute was scanned.
    for (const it of items) {
      const mem = scanned.find((c) => c.hostId === it.node_id && c.at === at);
      if (mem) expect(it.score).toBeCloseTo(mem.score, 9);
    }
    const top = await t.request('GET', '/api/v1/failure/risks?limit=1');
    expect(top.body.items.map((i: { node_id: string }) => i.node_id)).toEqual([riskiest.hostId]);
    expect(top.body.total).toBe(run.hosts);
    const alarming = await t.request('GET', '/api/v1/failure/risks?alarm_only=true');
    expect(alarming.body.items.every((i: { alarm: boolean }) => i.alarm)).toBe(true);
    expect(alarming.body.total).toBe(run.alarming);
    const pMin = items[Math.min(1, items.length - 1)].failure_probability;
    const above = await t.request('GET', `/api/v1/failure/risks?min_probability=${pMin}`);
    expect(above.body.items.every((i: { failure_probability: number }) => i.failure_probability >= pMin)).toBe(true);

    // A minute later the host still alarms (or not): either way there is still one alert.
    await t.engine.failure.runScoring(at + MINUTE);
    const alerts = await t.request('GET', `/api/v1/failure/alerts?node_id=${riskiest.hostId}`, { key: t.keys.viewer });
    expect(alerts.status, alerts.text).toBe(200);
    expect(alerts.body.total).toBe(1);
    const alert = alerts.body.items[0];
    expect(alert).toMatchObject({ node_id: riskiest.hostId, status: 'open', model_id: 'failure_v1', opened_at: new Date(at).toISOString(), resolved_at: null });
    expect(['critical', 'high', 'medium']).toContain(alert.severity);
    expect(alert.reasons.length).toBeGreaterThan(0);
    expect(alert.peak_probability).toBeGreaterThanOrEqual(riskiest.probability - 1e-12);
    expect(alert.recommended_action.action).toEqual(expect.any(String));
    const open = await t.request('GET', '/api/v1/failure/alerts?status=open');
    expect(open.body.items.filter((a: { node_id: string }) => a.node_id === riskiest.hostId)).toHaveLength(1);
  });

  it('keeps one open alert per host while it alarms and resolves it after 30 minutes without an alarm', async () => {
    const alerts = t.engine.failure.alerts;
    const host = 'alert-lifecycle-host';
    const a = (alarm: boolean, probability = 0.02) => ({
      hostId: host,
      probability,
      alarm,
      reasons: ['correctable ECC errors: +312 in the last 30 min'],
      timeToFailure: { bucket: '15–30 min', minutes: 30, probability: 0.6 },
      recommendation: { action: alarm ? 'migrate_vms' : 'none', component: 'memory', text: 'Move the VMs off.' },
      modelId: 'failure_v1',
    });
    const t0 = Date.UTC(2026, 10, 1);
    expect((await alerts.apply([a(true)], t0)).opened).toEqual([host]);
    expect((await alerts.apply([a(true, 0.05)], t0 + MINUTE)).opened).toEqual([]);
    expect((await alerts.apply([a(false)], t0 + 20 * MINUTE)).resolved).toEqual([]);
    expect((await alerts.apply([a(false)], t0 + MINUTE + 29 * MINUTE)).resolved).toEqual([]);
    // Not alarmed for 30 minutes (here: not even reporting) → resolved.
    expect((await alerts.apply([], t0 + MINUTE + 30 * MINUTE)).resolved).toEqual([host]);
    // A later alarm is a new alert.
    expect((await alerts.apply([a(true)], t0 + 60 * MINUTE)).opened).toEqual([host]);
    const list = await t.request('GET', `/api/v1/failure/alerts?node_id=${host}`);
    expect(list.body.total).toBe(2);
    const [newer, older] = list.body.items;
    expect(newer).toMatchObject({ status: 'open', opened_at: new Date(t0 + 60 * MINUTE).toISOString() });
    expect(older).toMatchObject({ status: 'resolved', severity: 'critical', failure_probability: 0.05, peak_probability: 0.05, last_alarm_at: new Date(t0 + MINUTE).toISOString(), resolved_at: new Date(t0 + 31 * MINUTE).toISOString() });
    expect(older.resolution).toContain('no telemetry');
    // Two scorers racing to open the same alert: the database keeps one.
    const race = await Promise.all([alerts.apply([{ ...a(true), hostId: 'race-host' }], t0), alerts.apply([{ ...a(true), hostId: 'race-host' }], t0)]);
    expect(race.flatMap((r) => r.opened)).toEqual(['race-host']);
    expect((await t.request('GET', '/api/v1/failure/alerts?node_id=race-host&status=open')).body.total).toBe(1);
  });

  it('runs a scoring pass as a job too', async () => {
    const job = await t.request('POST', '/api/v1/jobs', { body: { type: 'failure.score' } });
    expect(job.status, job.text).toBe(202);
    const done = await eventually(async () => {
      const j = await t.request('GET', `/api/v1/jobs/${job.body.id}`);
      return j.body.state === 'completed' || j.body.state === 'failed' ? j.body : undefined;
    }, 60_000);
    expect(done.state, done.error).toBe('completed');
    expect(done.result).toMatchObject({ model_id: 'failure_v1' });
    expect(done.result.hosts).toBeGreaterThanOrEqual(1);
  }, 90_000);
});

describe(`failure retraining (${backend})`, () => {
  let t: Engine;
  beforeAll(async () => {
    t = await startEngine({ NOVACRON_FAILURE_SCORE_INTERVAL_S: '0', NOVACRON_ANOMALY_LIVE: 'false', ...modelFile });
    await t.engine.failure.ready();
  });
  afterAll(async () => t?.close());

  it('checks requests: limits, unknown settings, roles', async () => {
    const cases: Array<[unknown, number, string?]> = [
      [{ train: { hosts: 501 } }, 400],
      [{ train: { hosts: 200, days: 30 } }, 400],
      [{ validation: { days: 61 } }, 400],
      [{ members: ['gbdt', 'xgboost'] }, 400],
      [{ members: [] }, 400],
      [{ boosting_rounds: 5 }, 400],
      [{ surprise: true }, 400],
      [{ quick: 'yes' }, 400],
      [[1, 2], 400],
    ];
    for (const [body, status] of cases) {
      const r = await t.request('POST', '/api/v1/failure/retrain', { key: t.keys.operator, body });
      expect(r.status, `${JSON.stringify(body)} → ${r.text}`).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    // The body is required: {} asks for the defaults.
    expect((await t.request('POST', '/api/v1/failure/retrain', { key: t.keys.operator })).status).toBe(400);
    expect((await t.request('POST', '/api/v1/failure/retrain', { key: t.keys.viewer, body: { quick: true } })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/failure/retrain', { key: t.keys.operator, body: { quick: true, activate: true } })).status).toBe(403);
  });

  it('trains a quick model in a job, registers it with its validation metrics and activates it by policy', async () => {
    const body = {
      quick: true,
      train: { hosts: 8, days: 2, failures_per_host_day: 1 },
      validation: { hosts: 6, days: 1.5, failures_per_host_day: 1 },
      members: ['gbdt', 'random_forest'],
      boosting_rounds: 20,
      forest_trees: 10,
    };
    const r = await t.request('POST', '/api/v1/failure/retrain', { key: t.keys.operator, body });
    expect(r.status, r.text).toBe(202);
    expect(r.headers.get('location')).toBe(`/api/v1/jobs/${r.body.job_id}`);
    expect(r.body.config).toMatchObject({ train: { hosts: 8, days: 2 }, members: ['gbdt', 'random_forest'], boostingRounds: 20 });
    // One training at a time.
    const again = await t.request('POST', '/api/v1/failure/retrain', { key: t.keys.operator, body });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(r.body.job_id);

    const progress = new Set<number>();
    const done = await eventually(
      async () => {
        const j = await t.request('GET', r.body.status_url, { key: t.keys.viewer });
        progress.add(j.body.progress);
        return j.body.state === 'completed' || j.body.state === 'failed' ? j.body : undefined;
      },
      240_000,
      200,
    );
    expect(done.state, done.error).toBe('completed');
    expect(progress.size).toBeGreaterThan(1);
    const res = done.result;
    expect(res.model_id).toBe('failure_v2');
    expect(res.previous_model_id).toBe('failure_v1');
    // (precision is absent when a tiny validation fleet draws no alert at all)
    for (const k of ['recall', 'false_alarms_per_host_day', 'average_precision', 'alarm_probability', 'gbdt_average_precision', 'random_forest_weight']) expect(typeof res.metrics[k], k).toBe('number');

    const models = (await t.request('GET', '/api/v1/failure/models')).body.models as Array<{ model_id: string; is_active: boolean; metadata: any }>;
    expect(models.map((m) => m.model_id)).toEqual(['failure_v2', 'failure_v1']);
    const [v2, v1] = models;
    expect(v2.metadata.hyperparameters).toMatchObject({ source: 'retrain', members: ['gbdt', 'random_forest'], job_id: r.body.job_id });
    expect(v2.metadata.training_duration).toBeGreaterThan(0);
    // The policy: activated exactly when its validation recall is not worse than the bundled model's.
    const better = v2.metadata.metrics.recall >= v1.metadata.metrics.recall;
    expect(res.activated).toBe(better);
    expect(v2.is_active).toBe(better);
    expect(v1.is_active).toBe(!better);

    // Forcing activation (admin) swaps the served model without a restart.
    const forced = await t.request('POST', '/api/v1/failure/retrain', { key: t.keys.admin, body: { ...body, activate: true, seed: 2 } });
    expect(forced.status, forced.text).toBe(202);
    const forcedDone = await eventually(
      async () => {
        const j = await t.request('GET', forced.body.status_url);
        return j.body.state === 'completed' || j.body.state === 'failed' ? j.body : undefined;
      },
      240_000,
      200,
    );
    expect(forcedDone.state, forcedDone.error).toBe('completed');
    expect(forcedDone.result).toMatchObject({ model_id: 'failure_v3', activated: true, reason: 'activation forced by the request' });
    const p = await t.request('POST', '/api/v1/failure/predict', { key: t.keys.operator, body: { request_id: 'after-swap', features: { cpu_utilization: 0.5 } } });
    expect(p.status, p.text).toBe(200);
    expect(p.body.model_id).toBe('failure_v3');
  }, 600_000);
});
