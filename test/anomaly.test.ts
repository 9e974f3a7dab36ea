import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeriesAnomalyDetector } from '../src/anomaly/index.js';
import { backend, eventually, startEngine } from './helpers/engine.js';
import { Rng } from './helpers/prng.js';

type Engine = Awaited<ReturnType<typeof startEngine>>;
const MINUTE = 60_000;
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const RFC3339_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** A day-periodic CPU series at 1-minute steps with noise, and an optional spike at `spikeAt`. */
function cpuSeries(n: number, start: number, seed: number, spikeAt?: number) {
  const rng = new Rng(seed);
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    timestamps.push(start + i * MINUTE);
    const base = 0.35 + 0.1 * Math.sin((2 * Math.PI * i) / 1440) + 0.02 * (rng.next() - 0.5);
    values.push(i === spikeAt ? 0.98 : base);
  }
  return { timestamps, values };
}

async function ingest(t: Engine, entity: string, metric: string, s: { timestamps: number[]; values: number[] }, entityType = 'node') {
  for (let i = 0; i < s.values.length; i += 1000) {
    const r = await t.request('POST', '/api/v1/telemetry', {
      body: { series: [{ entity_id: entity, entity_type: entityType, metric, timestamps: s.timestamps.slice(i, i + 1000), values: s.values.slice(i, i + 1000) }] },
    });
    expect(r.status).toBe(200);
  }
  await t.engine.telemetry.drain(); // live scoring runs just after each acknowledgement
}

describe(`anomaly detection (${backend})`, () => {
  let t: Engine;
  // Midnight UTC three days ago: the series' daily cycle starts with the seasonal baseline's day,
  // so the detector sees the same data whatever the time of day the test runs (a start at the
  // wall-clock time made the outcome depend on it).
  const start = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000;

  beforeAll(async () => {
    t = await startEngine();
  }, 60_000);
  afterAll(async () => t?.close());

  it('scores ingested telemetry live: a spike becomes a classified anomaly inside one incident', async () => {
    const node = await t.request('POST', '/api/v1/nodes', { body: { id: 'host-a', rack: 'r1', capacity: { cpu_cores: 32, memory_mb: 131072, storage_gb: 2000, network_mbps: 10000, gpu_count: 0 } } });
    expect(node.status, node.text).toBeLessThan(300);
    const vm = await t.request('POST', '/api/v1/vms', { body: { id: 'vm-a1', node_id: 'host-a', resources: { cpu_cores: 4, memory_mb: 8192, storage_gb: 80 } } });
    expect(vm.status, vm.text).toBeLessThan(300);
    await t.engine.anomaly.topology.refresh();
    await ingest(t, 'host-a', 'cpu_utilization', cpuSeries(1500, start, 1, 1400));
    await t.engine.anomaly.pipeline.flush();
    const list = await t.request('GET', '/api/v1/anomalies?entity_id=host-a', { key: t.keys.viewer });
    expect(list.status).toBe(200);
    const spike = list.body.items.find((a: { timestamp: string }) => a.timestamp === new Date(start + 1400 * MINUTE).toISOString());
    expect(spike, JSON.stringify(list.body.items.slice(0, 3))).toBeDefined();
    expect(spike.metric).toBe('cpu_utilization');
    expect(spike.detector).toBe('streaming');
    expect(SEVERITIES).toContain(spike.severity);
    expect(spike.anomaly_type).toBeTruthy();
    expect(spike.description).toContain('cpu');
    expect(spike.recommendations.length).toBeGreaterThan(0);
    expect(spike.value).toBeCloseTo(0.98, 6);
    // Quiet noise around it raised (almost) nothing: one alarm per ~1,000 clean points at most.
    expect(list.body.total).toBeLessThanOrEqual(3);

    // The VM on the same host, anomalous shortly after: the same incident.
    await ingest(t, 'vm-a1', 'memory_utilization', cpuSeries(1410, start, 2, 1405), 'vm');
    await t.engine.anomaly.pipeline.flush();
    const vmAnomalies = await t.request('GET', '/api/v1/anomalies?entity_id=vm-a1');
    const vmSpike = vmAnomalies.body.items.find((a: { timestamp: string }) => a.timestamp === new Date(start + 1405 * MINUTE).toISOString());
    expect(vmSpike).toBeDefined();
    expect(vmSpike.incident_id).toBe(spike.incident_id);
    const incident = await t.request('GET', `/api/v1/incidents/${spike.incident_id}`);
    expect(incident.status).toBe(200);
    expect(incident.body.status).toBe('open');
    expect(incident.body.resources).toEqual(expect.arrayContaining(['host-a', 'vm-a1']));
    expect(incident.body.anomalies.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([spike.id, vmSpike.id]));
    const byResource = await t.request('GET', '/api/v1/incidents?resource_id=vm-a1&status=open');
    expect(byResource.body.items.map((i: { id: string }) => i.id)).toContain(spike.incident_id);
    const none = await t.request('GET', '/api/v1/incidents?resource_id=vm-a');
    expect(none.body.total).toBe(0);
  });

  it('opens no incident for a host under planned maintenance', async () => {
    const series = cpuSeries(1500, start, 9);
    series.values[1200] = 0.98; // a spike during the maintenance window
    series.values[1400] = 0.02; // and a dip after it
    const r = await t.request('POST', '/api/v1/events', {
      body: { entity_id: 'host-m', entity_type: 'node', kind: 'maintenance', started_at: start + 1190 * MINUTE, ended_at: start + 1220 * MINUTE, description: 'firmware update' },
    });
    expect(r.status).toBeLessThan(300);
    await t.engine.anomaly.topology.refresh();
    await ingest(t, 'host-m', 'cpu_utilization', series);
    await t.engine.anomaly.pipeline.flush();
    const list = await t.request('GET', '/api/v1/anomalies?entity_id=host-m');
    const times = list.body.items.map((a: { timestamp: string }) => a.timestamp);
    expect(times).not.toContain(new Date(start + 1200 * MINUTE).toISOString());
    expect(times).toContain(new Date(start + 1400 * MINUTE).toISOString());
  });

  it('reports trends in the ai-engine shape', async () => {
    const r = await t.request('GET', '/api/v1/anomaly/trends?hours=100');
    expect(r.status).toBe(200);
    expect(r.body.total_anomalies).toBeGreaterThanOrEqual(2);
    expect(r.body.anomaly_rate).toBeCloseTo(r.body.total_anomalies / 100, 9);
    expect(Object.values(r.body.severity_distribution as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(r.body.total_anomalies);
    expect(['stable', 'increasing', 'decreasing', 'insufficient_data']).toContain(r.body.trend);
    expect(r.body.time_window_hours).toBe(100);
    const empty = await t.request('GET', '/api/v1/anomaly/trends?hours=0.001');
    expect(empty.body.total_anomalies).toBe(0);
    expect(empty.body.trend).toBe('insufficient_data');
    expect('time_window_hours' in empty.body).toBe(false);
  });

  it('answers NovaCron anomaly_detection/detect on sent points, and on stored telemetry when none are sent', async () => {
    const s = cpuSeries(120, Date.now() - 120 * MINUTE, 3);
    s.values[100] = 10; // the Go suite's "extreme value"
    const points = s.timestamps.map((ts, i) => ({ timestamp: new Date(ts).toISOString(), value: s.values[i], metadata: { memory_usage: 0.5 } }));
    const r = await t.request('POST', '/api/v1/process', { body: { id: 'x1', service: 'anomaly_detection', method: 'detect', data: { resource_id: 'node-9', metric_type: 'cpu_usage', data_points: points, sensitivity: 0.1 } } });
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    const d = r.body.data;
    expect(d.anomalies.length).toBeGreaterThanOrEqual(1);
    const a = d.anomalies.find((x: { timestamp: string }) => x.timestamp === points[100].timestamp);
    expect(a).toBeDefined();
    expect(SEVERITIES).toContain(a.severity);
    expect(a.score).toBeGreaterThan(0);
    expect(a.anomaly_type).toBeTruthy();
    expect(a.description).toBeTruthy();
    expect(a.timestamp).toMatch(RFC3339_Z);
    expect(d.overall_score).toBeGreaterThanOrEqual(0);
    expect(d.overall_score).toBeLessThanOrEqual(1);
    expect(Object.keys(d.baseline)).toEqual(expect.arrayContaining(['cpu_utilization', 'memory_utilization']));
    expect(d.model_info.last_trained).toMatch(RFC3339_Z);
    // Higher sensitivity never finds fewer anomalies.
    const sensitive = await t.request('POST', '/api/v1/process', { body: { service: 'anomaly_detection', method: 'detect', data: { resource_id: 'node-9', metric_type: 'cpu_usage', data_points: points, sensitivity: 0.9 } } });
    expect(sensitive.body.data.threshold).toBeLessThan(d.threshold);
    expect(sensitive.body.data.anomalies.length).toBeGreaterThanOrEqual(d.anomalies.length);

    // No points and nothing stored: success, no anomalies, low confidence, and it says why.
    const empty = await t.request('POST', '/api/v1/process', { body: { service: 'anomaly_detection', method: 'detect', data: { resource_id: 'distributed_cluster', metric_type: 'system_performance', data_points: [], sensitivity: 0.1 } } });
    expect(empty.body.success).toBe(true);
    expect(empty.body.data.anomalies).toEqual([]);
    expect(empty.body.confidence).toBeLessThan(0.5);
    expect(empty.body.data.notes.join(' ')).toContain('insufficient data');

    // No points, but stored telemetry for the resource (the spike of the first test).
    const stored = await t.request('POST', '/api/v1/process', { body: { service: 'anomaly_detection', method: 'detect', data: { resource_id: 'host-a', metric_type: 'system_performance', data_points: null } } });
    expect(stored.body.success).toBe(true);
    expect(stored.body.data.source).toBe('stored_telemetry');
    expect(stored.body.data.baseline.cpu_utilization).toBeGreaterThan(0.2);

    const bad = await t.request('POST', '/api/v1/process', { body: { service: 'anomaly_detection', method: 'detect', data: { resource_id: 'n', data_points: [{ timestamp: 'yesterday', value: 1 }] } } });
    expect(bad.status).toBe(200);
    expect(bad.body.success).toBe(false);
    expect(bad.body.error).toContain('timestamp');
  });

  it('serves the ai-engine detect and batch shapes', async () => {
    await ingest(t, 'host-d', 'memory_utilization', cpuSeries(1000, start, 8));
    const detect = await t.request('POST', '/api/v1/anomaly/detect', { body: { request_id: 'req-1', features: { node_id: 'host-d', memory_utilization: 0.99, cpu_utilization: 0.3 } } });
    expect(detect.status).toBe(200);
    expect(detect.body.request_id).toBe('req-1');
    expect(detect.body.prediction).toBe(1);
    expect(detect.body.metadata.affected_metrics).toEqual(['memory_utilization']);
    expect(detect.body.metadata.notes.join(' ')).toContain('cpu_utilization'); // no history for it
    const unknown = await t.request('POST', '/api/v1/anomaly/detect', { body: { request_id: 'req-2', features: { node_id: 'never-seen', cpu_utilization: 0.99 } } });
    expect(unknown.body.prediction).toBe(0);
    expect(unknown.body.confidence).toBeLessThan(0.5);
    expect(unknown.body.metadata.insufficient_history).toBe(true);

    const two = await t.request('POST', '/api/v1/anomaly/batch', { body: [{ cpu_utilization: 0.5 }, { cpu_utilization: 0.6 }] });
    expect(two.status).toBe(200);
    expect(two.body.total_samples).toBe(2);
    expect(two.body.results).toHaveLength(2);
    expect(two.body.results.every((r: { is_anomaly: boolean }) => !r.is_anomaly)).toBe(true);
    const rows = cpuSeries(60, Date.now() - 60 * MINUTE, 4).values.map((v, i) => ({ cpu_usage: i === 40 ? 10 : v, memory_usage: 0.5 }));
    const batch = await t.request('POST', '/api/v1/anomaly/batch', { body: rows });
    const flagged = batch.body.results.filter((r: { is_anomaly: boolean }) => r.is_anomaly).map((r: { sample_index: number }) => r.sample_index);
    expect(flagged).toEqual([40]);
    expect(batch.body.results[40].severity).toBe('critical');
    expect(batch.body.results[40].anomaly_types.length).toBeGreaterThan(0);
  });

  it('answers the scheduler\'s /detect/anomaly in time, learning a baseline from its own calls', async () => {
    const first = await t.request('POST', '/detect/anomaly', { body: { resource_id: 'node_metrics', metrics: { cpu_usage: 0.97, memory_usage: 0.4 } } });
    expect(first.status).toBe(200);
    expect(first.body.is_anomaly).toBe(false);
    expect(first.body.confidence).toBeLessThan(0.5);
    const rng = new Rng(5);
    for (let i = 0; i < 20; i++) await t.request('POST', '/detect/anomaly', { body: { resource_id: 'node_metrics', metrics: { cpu_usage: 0.3 + 0.05 * rng.next(), memory_usage: 0.4 + 0.05 * rng.next() } } });
    const began = Date.now();
    const hot = await t.request('POST', '/detect/anomaly', { body: { resource_id: 'node_metrics', metrics: { cpu_usage: 0.99, memory_usage: 0.42 }, sensitivity: 0.1 } });
    expect(Date.now() - began).toBeLessThan(3000);
    expect(hot.body.is_anomaly).toBe(true);
    expect(hot.body.affected_metrics).toEqual(['cpu_utilization']);
    expect(SEVERITIES).toContain(hot.body.severity);
    expect(hot.body.recommendations.length).toBeGreaterThan(0);
    expect(hot.body.timestamp).toMatch(RFC3339_Z);
  });

  it('refuses bad input with 4xx problems', async () => {
    const cases: Array<[string, string, unknown, number]> = [
      ['POST', '/detect/anomaly', { metrics: { cpu_usage: 0.5 } }, 400],
      ['POST', '/detect/anomaly', { resource_id: 'n', metrics: { cpu_usage: 0.5 }, sensitivity: 2 }, 400],
      ['POST', '/api/v1/anomaly/detect', { features: {} }, 400],
      ['POST', '/api/v1/anomaly/batch', { not: 'an array' }, 400],
      ['POST', '/api/v1/anomaly/batch', [1, 2], 400],
      ['POST', '/api/v1/anomaly/batch', Array.from({ length: 10_001 }, () => ({ cpu: 1 })), 400],
      ['POST', '/api/v1/anomaly/batch', [{ timestamp: 'not a time', cpu: 1 }], 400],
      ['GET', '/api/v1/anomalies?severity=bogus', undefined, 400],
      ['GET', '/api/v1/anomalies?from=yesterday', undefined, 400],
      ['GET', '/api/v1/anomaly/trends?hours=-1', undefined, 400],
      ['GET', '/api/v1/incidents/no-such-incident', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const r = await t.request(method, path, { body });
      expect(r.status, `${method} ${path}`).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    const viewer = await t.request('POST', '/detect/anomaly', { body: { resource_id: 'n', metrics: {} }, key: t.keys.viewer });
    expect(viewer.status).toBe(403);
  });
});

describe(`anomaly state across a restart (${backend})`, () => {
  it('resumes every series detector exactly where it stopped, and keeps open incidents open', async () => {
    // Recent data, with windows long enough that the incident is still open after the restart.
    const env = { NOVACRON_INCIDENT_WINDOW_S: '7200', NOVACRON_INCIDENT_RESOLVE_S: '7200' };
    const s = cpuSeries(900, Date.now() - 620 * MINUTE, 7, 590);
    const first = await startEngine(env);
    await ingest(first, 'host-r', 'cpu_utilization', { timestamps: s.timestamps.slice(0, 600), values: s.values.slice(0, 600) });
    await first.engine.anomaly.pipeline.flush();
    const before = await first.request('GET', '/api/v1/anomalies?entity_id=host-r');
    const spike = before.body.items.find((a: { timestamp: string }) => a.timestamp === new Date(s.timestamps[590]).toISOString());
    expect(spike).toBeDefined();
    await first.closeKeepingData();

    const second = await startEngine(env, first.storage);
    try {
      // A detector that never stopped, fed the same points.
      const reference = new SeriesAnomalyDetector();
      for (let i = 0; i < 600; i++) reference.update(s.timestamps[i], s.values[i]);
      for (let i = 600; i < 610; i++) {
        const peek = second.engine.anomaly.scorer.peek('host-r', 'cpu_utilization', s.timestamps[i], s.values[i]);
        expect(peek, 'state restored').toBeDefined();
        expect(peek!.score).toBe(reference.update(s.timestamps[i], s.values[i]).score);
        await ingest(second, 'host-r', 'cpu_utilization', { timestamps: [s.timestamps[i]], values: [s.values[i]] });
      }
      // A new anomaly on the same host joins the incident opened before the restart.
      const dip = await second.request('POST', '/detect/anomaly', { body: { resource_id: 'host-r', metrics: { cpu_utilization: 0.0 } } });
      expect(dip.body.is_anomaly).toBe(true);
      await second.engine.anomaly.pipeline.flush();
      const after = await second.request('GET', `/api/v1/anomalies?entity_id=host-r&incident_id=${spike.incident_id}`);
      expect(after.body.items.map((a: { detector: string }) => a.detector)).toEqual(['request', 'streaming']);
      const incident = await second.request('GET', `/api/v1/incidents/${spike.incident_id}`);
      expect(incident.body.status).toBe('open');
      expect(incident.body.anomaly_count).toBe(2);
    } finally {
      await second.close();
    }
  });
});
