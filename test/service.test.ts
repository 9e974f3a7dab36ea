import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startEngine, type TestEngine } from './helpers/engine.js';

describe(`service routes (${backend})`, () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startEngine();
  });
  afterAll(async () => t?.close());

  it('GET / describes the service in the seed shape', async () => {
    const r = await t.request('GET', '/', { key: null });
    expect(r.status).toBe(200);
    expect(r.body.name).toBe('NovaCron AI Operations Engine');
    expect(Object.keys(r.body.services).sort()).toEqual(['anomaly_detection', 'failure_prediction', 'resource_optimization', 'workload_placement']);
    expect(r.body.endpoints.health).toBe('/health');
  });

  it('GET /health reports each capability, the database and a real timestamp', async () => {
    const before = Date.now();
    const r = await t.request('GET', '/health', { key: null });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.services)).toHaveLength(4);
    // The engine ships a failure model (registered and activated at first start); the other capabilities have none yet.
    expect(r.body.services.failure_prediction).toEqual({ status: 'healthy', active_model: 'failure_v1' });
    expect(r.body.services.workload_placement).toEqual({ status: 'no_model', active_model: null });
    expect(r.body.status).toBe('degraded'); // some capabilities have a model: the seed's rule
    expect(Date.parse(r.body.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(r.body.timestamp.endsWith('Z')).toBe(true);
    expect(r.body.database).toMatchObject({ status: 'up', dialect: backend });
    expect(r.body.redis.status).toBe(process.env.REDIS_URL ? 'up' : 'disabled');
  });

  it('GET /ready is 200 once migrated and 503 before', async () => {
    expect((await t.request('GET', '/ready', { key: null })).body).toEqual({ ready: true });
    t.engine.platform.migrated = false;
    try {
      const r = await t.request('GET', '/ready', { key: null });
      expect(r.status).toBe(503);
      const api = await t.request('GET', '/api/v1/models');
      expect(api.status).toBe(503);
      expect(api.body.code).toBe('not_ready');
    } finally {
      t.engine.platform.migrated = true;
    }
  });

  it('GET /metrics serves Prometheus text with request counters by route and status', async () => {
    await t.request('GET', '/api/v1/models');
    const r = await t.request('GET', '/metrics', { key: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text.startsWith('"')).toBe(false);
    expect(r.text).toMatch(/novacron_http_requests_total\{method="GET",route="\/api\/v1\/models",status="200"\} \d+/);
    expect(r.text).toContain('novacron_http_request_duration_seconds_bucket');
    expect(r.text).toContain('novacron_process_resident_memory_bytes');
    expect(r.text).toContain('novacron_telemetry_samples_total');
  });

  it('echoes X-Request-Id and X-Correlation-Id, and generates them when absent', async () => {
    const r = await t.request('GET', '/health', { key: null, headers: { 'x-request-id': 'req-42', 'x-correlation-id': 'corr-7' } });
    expect(r.headers.get('x-request-id')).toBe('req-42');
    expect(r.headers.get('x-correlation-id')).toBe('corr-7');
    const g = await t.request('GET', '/health', { key: null });
    expect(g.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(g.headers.get('x-correlation-id')).toBe(g.headers.get('x-request-id'));
    const bad = await t.request('GET', '/health', { key: null, headers: { 'x-request-id': 'has spaces and <html>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const r = await t.request('GET', '/api/v1/nowhere', { key: null });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 404, code: 'not_found', instance: '/api/v1/nowhere' });
    expect(r.body.request_id).toBe(r.headers.get('x-request-id'));
  });

  it('documents every API route in OpenAPI 3', async () => {
    const r = await t.request('GET', '/docs/json', { key: null });
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    for (const p of ['/api/v1/telemetry', '/api/v1/process', '/api/v1/models/{service_type}/activate', '/api/v1/failure/models', '/api/v1/jobs/{id}', '/health', '/ready']) {
      expect(Object.keys(r.body.paths)).toContain(p);
    }
    const ui = await t.request('GET', '/docs', { key: null });
    expect([200, 302]).toContain(ui.status);
  });
});
