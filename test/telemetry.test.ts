import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_JOB } from '../src/telemetry/index.js';
import { backend, eventually, startEngine, type TestEngine } from './helpers/engine.js';

const MIN = 60_000;

describe(`telemetry ingest and reads (${backend})`, () => {
  let t: TestEngine;
  const t0 = Date.UTC(2026, 0, 1, 0, 0, 0);
  beforeAll(async () => {
    t = await startEngine({ NOVACRON_TELEMETRY_MAX_BATCH: '2000', NOVACRON_BODY_LIMIT_BYTES: '262144', NOVACRON_TELEMETRY_RETENTION_DAYS: '30' });
  });
  afterAll(async () => t?.close());

  const read = (entity: string, metric: string, extra = '') =>
    t.request('GET', `/api/v1/telemetry?entity_id=${encodeURIComponent(entity)}&metric=${encodeURIComponent(metric)}&from=${t0 - 10 * MIN}&to=${t0 + 1000 * MIN}${extra}`);

  it('stores rows and columnar series, and reads them back in time order', async () => {
    const r = await t.request('POST', '/api/v1/telemetry', {
      key: t.keys.operator,
      body: {
        samples: [
          { entity_id: 'host-a', entity_type: 'node', metric: 'cpu_utilization', timestamp: new Date(t0 + MIN).toISOString(), value: 0.25 },
          { entity_id: 'host-a', metric: 'cpu_utilization', timestamp: t0, value: 0.5 },
        ],
        series: [{ entity_id: 'vm-1', entity_type: 'vm', metric: 'memory_utilization', timestamps: [t0, t0 + MIN, t0 + 2 * MIN], values: [0.1, 0.2, 0.3] }],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 5, stored: 5, duplicates: 0, rejected_count: 0, series_count: 2 });
    const a = await read('host-a', 'cpu_utilization');
    expect(a.status).toBe(200);
    expect(a.body.points).toEqual([
      { timestamp: new Date(t0).toISOString(), value: 0.5 },
      { timestamp: new Date(t0 + MIN).toISOString(), value: 0.25 },
    ]);
    const v = await read('vm-1', 'memory_utilization');
    expect(v.body.entity_type).toBe('vm');
    expect(v.body.points.map((p: { value: number }) => p.value)).toEqual([0.1, 0.2, 0.3]);
    const latest = await read('vm-1', 'memory_utilization', '&order=latest&limit=2');
    expect(latest.body.points.map((p: { value: number }) => p.value)).toEqual([0.2, 0.3]);
  });

  it('is idempotent on (entity, metric, timestamp): re-sending a batch changes nothing', async () => {
    const body = { series: [{ entity_id: 'host-idem', metric: 'temperature', timestamps: [t0, t0 + MIN], values: [40, 41] }] };
    expect((await t.request('POST', '/api/v1/telemetry', { body })).body).toMatchObject({ stored: 2, duplicates: 0 });
    const again = await t.request('POST', '/api/v1/telemetry', { body: { series: [{ ...body.series[0], values: [99, 99] }] } });
    expect(again.body).toMatchObject({ accepted: 2, stored: 0, duplicates: 2 });
    expect((await read('host-idem', 'temperature')).body.points.map((p: { value: number }) => p.value)).toEqual([40, 41]);
  });

  it('reports invalid samples by index and stores the valid ones', async () => {
    const r = await t.request('POST', '/api/v1/telemetry', {
      raw: JSON.stringify({
        samples: [
          { entity_id: 'host-bad', metric: 'cpu_utilization', timestamp: t0, value: 0.1 },
          { entity_id: 'host-bad', metric: 'cpu_utilization', timestamp: t0 + MIN, value: 'NaN' },
          { entity_id: 'host-bad', metric: 'cpu_utilization', timestamp: t0 + 2 * MIN, value: 'PLACEHOLDER_INF' },
          { entity_id: 'host-bad', metric: 'cpu_utilization', timestamp: 'yesterday', value: 0.2 },
          { entity_id: 'host-bad', metric: 'cpu_utilization', timestamp: Date.now() + 86_400_000, value: 0.2 },
          { entity_id: 'host-bad', metric: 'temperature', timestamp: t0, value: 400 },
          { entity_id: 'host-bad', metric: 'cpu_utilization', timestamp: t0 + 3 * MIN, value: null },
          { entity_id: 'host-bad', metric: 'bad metric!', timestamp: t0, value: 1 },
          { entity_id: 'host-bad', metric: 'cpu_utilization', timestamp: '2026-01-01T00:05:00', value: 0.3 },
          { entity_id: 'host-bad', metric: 'cpu_utilization', timestamp: 100, value: 0.3 },
        ],
        series: [{ entity_id: 'host-bad', metric: 'disk_utilization', timestamps: [t0, t0 + MIN, t0 + 2 * MIN], values: [0.5, -0.5] }],
      }).replace('"PLACEHOLDER_INF"', '-1e999'),
    });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(2);
    expect(r.body.stored).toBe(2);
    expect(r.body.rejected_count).toBe(11);
    const byPath = Object.fromEntries(r.body.rejected.map((x: { path: string; reason: string }) => [x.path, x.reason]));
    expect(byPath['/samples/1/value']).toMatch(/NaN/);
    expect(byPath['/samples/2/value']).toMatch(/not finite/);
    expect(byPath['/samples/3/timestamp']).toMatch(/RFC 3339/);
    expect(byPath['/samples/4/timestamp']).toMatch(/future/);
    expect(byPath['/samples/5/value']).toMatch(/outside the range/);
    expect(byPath['/samples/6/value']).toMatch(/null/);
    expect(byPath['/samples/7/metric']).toBeDefined();
    expect(byPath['/samples/8/timestamp']).toMatch(/zone/);
    expect(byPath['/samples/9/timestamp']).toMatch(/before 2000/);
    expect(byPath['/series/0/values/1']).toMatch(/outside the range/);
    expect(byPath['/series/0/values/2']).toMatch(/different lengths/);
    expect(r.body.rejected.find((x: { path: string }) => x.path === '/series/0/values/1')).toMatchObject({ series: 0, index: 1 });
  });

  it('maps NovaCron metric names and normalises percent utilisation to fractions', async () => {
    const r = await t.request('POST', '/api/v1/telemetry', {
      body: {
        samples: [
          { entity_id: 'vm-nc', entity_type: 'vm', metric: 'vm.cpu.usage', timestamp: t0, value: 85 },
          { entity_id: 'vm-nc', entity_type: 'vm', metric: 'vm.memory.usage_percent', timestamp: t0, value: 42.5 },
          { entity_id: 'vm-nc', entity_type: 'vm', metric: 'vm.disk.read_iops:vda', timestamp: t0, value: 1200 },
          { entity_id: 'vm-nc', entity_type: 'vm', metric: 'cpu_utilization', timestamp: t0 + MIN, value: 60 },
          { entity_id: 'vm-nc', entity_type: 'vm', metric: 'cpu_utilization', timestamp: t0 + 2 * MIN, value: 0.9, unit: 'percent' },
          { entity_id: 'vm-nc', entity_type: 'vm', metric: 'app.queue_depth', timestamp: t0, value: 17 },
        ],
      },
    });
    expect(r.body).toMatchObject({ accepted: 6, rejected_count: 0, percent_converted: 2, custom_metrics: ['app.queue_depth'] });
    const cpu = await read('vm-nc', 'cpu_utilization');
    const values = cpu.body.points.map((p: { value: number }) => p.value);
    [0.85, 0.6, 0.009].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 12));
    expect(cpu.body.unit).toBe('fraction');
    // Reads accept the alias too.
    expect((await read('vm-nc', 'vm.memory.usage_percent')).body.points[0].value).toBeCloseTo(0.425, 12);
    expect((await read('vm-nc', 'disk_read_iops:vda')).body.points[0].value).toBe(1200);
    const series = await t.request('GET', '/api/v1/telemetry/series?entity_id=vm-nc');
    expect(series.body.series.map((s: { metric: string }) => s.metric).sort()).toEqual(['app.queue_depth', 'cpu_utilization', 'disk_read_iops:vda', 'memory_utilization']);
  });

  it('publishes the metric catalogue with aliases', async () => {
    const r = await t.request('GET', '/api/v1/telemetry/metrics', { key: t.keys.viewer });
    expect(r.body.total_metrics).toBeGreaterThanOrEqual(100);
    const names = r.body.metrics.map((m: { name: string }) => m.name);
    for (const n of ['cpu_utilization', 'ecc_correctable_errors', 'smart_5_raw', 'smart_197_raw', 'temperature', 'network_rx_errors']) expect(names).toContain(n);
    expect(r.body.aliases).toContainEqual({ alias: 'vm.cpu.usage', canonical: 'cpu_utilization', scale: 0.01, source: 'novacron' });
  });

  it('refuses batches over the sample limit (413) and bodies over the byte limit (413)', async () => {
    const many = { series: [{ entity_id: 'h', metric: 'cpu_utilization', timestamps: Array.from({ length: 2001 }, (_, i) => t0 + i), values: Array.from({ length: 2001 }, () => 0.5) }] };
    const r = await t.request('POST', '/api/v1/telemetry', { body: many });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('payload_too_large');
    expect(r.body.detail).toContain('NOVACRON_TELEMETRY_MAX_BATCH');
    const huge = await t.request('POST', '/api/v1/telemetry', { raw: JSON.stringify({ samples: [], pad: 'x'.repeat(300_000) }) });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('answers malformed JSON and schema violations with 400 problems naming the field', async () => {
    const bad = await t.request('POST', '/api/v1/telemetry', { raw: '{"samples": [' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('malformed_json');
    const missing = await t.request('POST', '/api/v1/telemetry', { body: { samples: [{ metric: 'cpu_utilization', timestamp: t0, value: 1 }] } });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('validation_failed');
    expect(missing.body.errors[0].path).toBe('/body/samples/0/entity_id');
    const wrongType = await t.request('POST', '/api/v1/telemetry', { body: { samples: [{ entity_id: 5, metric: 'x', timestamp: t0, value: 1 }] } });
    expect(wrongType.status).toBe(400);
    const empty = await t.request('POST', '/api/v1/telemetry', { body: {} });
    expect(empty.status).toBe(400);
    const notJson = await t.request('POST', '/api/v1/telemetry', { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(notJson.status).toBe(415);
    const range = await t.request('GET', `/api/v1/telemetry?entity_id=x&metric=cpu_utilization&from=${t0}&to=${t0 - 1}`);
    expect(range.status).toBe(400);
    const unknown = await read('no-such-host', 'cpu_utilization');
    expect(unknown.status).toBe(404);
  });

  it('applies the retention policy through the retention job', async () => {
    const old = Date.now() - 40 * 86_400_000;
    const recent = Date.now() - 60_000;
    await t.request('POST', '/api/v1/telemetry', { body: { series: [{ entity_id: 'host-ret', metric: 'cpu_utilization', timestamps: [old, recent], values: [0.1, 0.2] }] } });
    const job = await t.request('POST', '/api/v1/jobs', { body: { type: RETENTION_JOB } });
    expect(job.status).toBe(202);
    const done = await eventually(async () => {
      const j = await t.request('GET', `/api/v1/jobs/${job.body.id}`, { key: t.keys.viewer });
      return j.body.state === 'completed' || j.body.state === 'failed' ? j.body : undefined;
    });
    expect(done.state).toBe('completed');
    expect(done.progress).toBe(1);
    expect(done.result.deleted).toBeGreaterThanOrEqual(1);
    const left = await t.request('GET', `/api/v1/telemetry?entity_id=host-ret&metric=cpu_utilization&from=${old - 1000}`);
    expect(left.body.points.map((p: { value: number }) => p.value)).toEqual([0.2]);
  });
});
