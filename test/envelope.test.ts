import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startEngine, type TestEngine } from './helpers/engine.js';

const RFC3339_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

describe(`NovaCron /api/v1/process envelope (${backend})`, () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startEngine();
  });
  afterAll(async () => t?.close());

  const call = (body: unknown, key?: string | null) => t.request('POST', '/api/v1/process', { body, key });

  it('health/check answers success with the health dict; names are trimmed, lower-cased', async () => {
    const r = await call({ id: 'abc-1', service: '  HEALTH ', method: 'Check', data: {} });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'abc-1', success: true });
    expect(typeof r.body.process_time).toBe('number');
    expect(r.body.process_time).toBeLessThan(1);
    expect(typeof r.body.model_version).toBe('string');
    expect(r.body.data.timestamp).toMatch(RFC3339_WITH_ZONE);
    expect(Object.keys(r.body.data.services)).toHaveLength(4);
  });

  it('answers an unknown pair with HTTP 200, success:false and supported_services', async () => {
    const r = await call({ id: 'u1', service: 'x', method: 'y', data: {} });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'u1', success: false, error: "Unknown service 'x' or method 'y'", model_version: 'unknown' });
    expect(r.body.supported_services.health).toEqual(['check']);
    expect(r.body.supported_services.model_management).toEqual(['get_info']);
  });

  it('model_management/get_info gives ModelInfo of the active model, Go-decodable', async () => {
    const none = await call({ id: 'm0', service: 'model_management', method: 'get_info', data: { model_type: 'workload_placement' } });
    expect(none.status).toBe(200);
    expect(none.body.success).toBe(false);
    expect(none.body.error).toMatch(/No active placement model/);
    expect(none.body.model_version).toBe('error');
    await t.request('POST', '/api/v1/models/placement/versions', { body: { algorithm: 'gbdt', metrics: { accuracy: 0.9 }, data_fingerprint: 'sim-seed-1', trained_at: '2026-10-01T12:00:00Z', artifact: { a: 1 } } });
    await t.request('POST', '/api/v1/models/placement/activate?model_id=placement_v1');
    const r = await call({ id: 'm1', service: 'model', method: 'info', data: { model_type: 'workload_placement' } });
    expect(r.body.success).toBe(true);
    expect(r.body.data).toMatchObject({ name: 'placement_gbdt', version: '1', training_data: 'sim-seed-1', accuracy: 0.9, last_trained: '2026-10-01T12:00:00.000Z' });
    expect(r.body.data.last_trained).toMatch(RFC3339_WITH_ZONE);
    // The bundled failure model is active from the first start.
    const failure = await call({ id: 'm1f', service: 'model', method: 'info', data: { model_type: 'failure_prediction' } });
    expect(failure.body.success).toBe(true);
    expect(failure.body.data).toMatchObject({ name: 'failure_stacked_failure_ensemble', model_id: 'failure_v1' });
    const all = await call({ id: 'm2', service: 'model_management', method: 'get_info', data: {} });
    expect(all.body.data.total_models).toBe(2);
    const bad = await call({ id: 'm3', service: 'model_management', method: 'get_info', data: { model_type: 42 } });
    expect(bad.status).toBe(200);
    expect(bad.body.success).toBe(false);
  });

  it('generates an id when absent and treats null data as {}', async () => {
    const r = await call({ service: 'health', method: 'check', data: null, metadata: { source: 'go', n: 1 } });
    expect(r.body.success).toBe(true);
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a malformed envelope with a 400 problem', async () => {
    for (const body of [{ method: 'check' }, { service: 'health' }, { service: 1, method: 'check' }, { service: 'health', method: 'check', data: [1, 2] }, { service: '', method: 'x' }]) {
      const r = await call(body);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const raw = await t.request('POST', '/api/v1/process', { raw: '{"service":"health",' });
    expect(raw.status).toBe(400);
  });

  it('needs credentials unless anonymous access is configured', async () => {
    expect((await call({ service: 'health', method: 'check' }, null)).status).toBe(401);
    expect((await call({ service: 'health', method: 'check' }, t.keys.viewer)).status).toBe(200);
  });
});
