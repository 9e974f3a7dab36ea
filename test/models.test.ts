import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/models/index.js';
import { backend, startEngine, type TestEngine } from './helpers/engine.js';

const version = (over: Record<string, unknown> = {}) => ({
  algorithm: 'gbdt',
  parameters: { rounds: 200, depth: 6 },
  metrics: { accuracy: 0.91, auc_score: 0.95, precision: 0.8, recall: 0.7 },
  feature_schema: [{ name: 'cpu_utilization_mean' }, { name: 'ecc_correctable_errors_rate', unit: 'per_minute' }],
  target_names: ['normal', 'failure'],
  data_fingerprint: 'sha256:abc',
  training_samples: 1000,
  validation_samples: 250,
  trained_at: '2026-11-01T00:00:00Z',
  artifact: { trees: [1, 2, 3] },
  ...over,
});

describe(`model registry (${backend})`, () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startEngine();
  });
  afterAll(async () => t?.close());

  // failure_v1 is the bundled failure model, registered and activated at first start.
  it('registers versions with metadata and a checksummed artifact; lists them in the seed shape', async () => {
    const a = await t.request('POST', '/api/v1/models/failure/versions', { body: version() });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ model_id: 'failure_v2', model_type: 'failure_prediction', version: '2', is_active: false, accuracy: 0.91, auc_score: 0.95, feature_count: 2 });
    expect(a.body.artifact_sha256).toBe(sha256(Buffer.from(JSON.stringify({ trees: [1, 2, 3] }))));
    const b = await t.request('POST', '/api/v1/models/failure/versions', { body: version({ metrics: { accuracy: 0.93 }, artifact: undefined, artifact_base64: Buffer.from('binary-model').toString('base64') }) });
    expect(b.body.model_id).toBe('failure_v3');
    const list = await t.request('GET', '/api/v1/failure/models', { key: t.keys.viewer });
    expect(list.status).toBe(200);
    expect(list.body.models.map((m: { model_id: string }) => m.model_id)).toEqual(['failure_v3', 'failure_v2', 'failure_v1']);
    expect(list.body.models[0]).toMatchObject({ is_active: false, metadata: { model_id: 'failure_v3', training_status: 'completed' } });
    expect(list.body.models[2]).toMatchObject({ is_active: true, metadata: { model_id: 'failure_v1', algorithm: 'stacked_failure_ensemble' } });
    for (const s of ['placement', 'anomaly', 'resource']) expect((await t.request('GET', `/api/v1/${s}/models`)).body).toEqual({ models: [] });
    const art = await t.request('GET', '/api/v1/models/failure/versions/failure_v3/artifact');
    expect(art.text).toBe('binary-model');
  });

  it('activates exactly one version per service, atomically', async () => {
    const r = await t.request('POST', '/api/v1/models/failure/activate?model_id=failure_v2');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('success');
    expect(r.body.message).toContain('failure_v2');
    await t.request('POST', '/api/v1/models/failure/activate?model_id=failure_v3');
    const list = (await t.request('GET', '/api/v1/failure/models')).body.models;
    expect(list.filter((m: { is_active: boolean }) => m.is_active).map((m: { model_id: string }) => m.model_id)).toEqual(['failure_v3']);
    // Concurrent activations still leave exactly one active version.
    await Promise.all(['failure_v2', 'failure_v3', 'failure_v2', 'failure_v3'].map((id) => t.request('POST', `/api/v1/models/failure/activate?model_id=${id}`)));
    const after = (await t.request('GET', '/api/v1/failure/models')).body.models;
    expect(after.filter((m: { is_active: boolean }) => m.is_active)).toHaveLength(1);
    const health = await t.request('GET', '/health');
    expect(health.body.services.failure_prediction.status).toBe('healthy');
    expect(health.body.status).toBe('degraded');
  });

  it('answers the seed errors: 400 "Invalid service type", 404 unknown model', async () => {
    const bad = await t.request('POST', '/api/v1/models/invalid/activate?model_id=model_v1');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('Invalid service type');
    expect((await t.request('POST', '/api/v1/models/failure/activate?model_id=nope')).status).toBe(404);
    expect((await t.request('POST', '/api/v1/models/anomaly/activate?model_id=failure_v1')).status).toBe(404);
    expect((await t.request('GET', '/api/v1/models/failure/performance?model_id=nope')).status).toBe(404);
    expect((await t.request('GET', '/api/v1/models/bogus/performance?model_id=failure_v1')).status).toBe(400);
    expect((await t.request('POST', '/api/v1/models/failure/activate')).status).toBe(400);
    expect((await t.request('POST', '/api/v1/models/failure/activate?model_id=failure_v1', { key: t.keys.operator })).status).toBe(403);
  });

  it('returns a version\'s metrics', async () => {
    const r = await t.request('GET', '/api/v1/models/failure/performance?model_id=failure_v2', { key: t.keys.viewer });
    expect(r.body).toEqual({ model_id: 'failure_v2', service_type: 'failure', metrics: { accuracy: 0.91, auc_score: 0.95, precision: 0.8, recall: 0.7 } });
  });

  it('verifies the artifact checksum: a corrupted artifact is refused, never served', async () => {
    await t.request('POST', '/api/v1/models/anomaly/versions', { body: version({ algorithm: 'iforest' }) });
    const { db } = t.engine.platform.database;
    await db.updateTable('model_artifacts').set({ content: Buffer.from('{"trees":[6,6,6]}') }).where('model_id', '=', 'anomaly_v1').execute();
    const r = await t.request('POST', '/api/v1/models/anomaly/activate?model_id=anomaly_v1');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('artifact_corrupt');
    expect((await t.request('GET', '/api/v1/models/anomaly/versions/anomaly_v1/artifact')).status).toBe(409);
    expect((await t.request('GET', '/api/v1/anomaly/models')).body.models[0].is_active).toBe(false);
  });

  it('swaps the served model without a restart when another version is activated', async () => {
    const { registry } = t.engine;
    await t.request('POST', '/api/v1/models/resource/versions', { body: version({ artifact: { answer: 1 } }) });
    await t.request('POST', '/api/v1/models/resource/versions', { body: version({ artifact: { answer: 2 } }) });
    const decode = (buf: Buffer) => JSON.parse(buf.toString()) as { answer: number };
    expect(await registry.loadActive('resource', decode)).toBeUndefined();
    await t.request('POST', '/api/v1/models/resource/activate?model_id=resource_v1');
    expect((await registry.loadActive('resource', decode))?.value.answer).toBe(1);
    await t.request('POST', '/api/v1/models/resource/activate?model_id=resource_v2');
    expect((await registry.loadActive('resource', decode))?.value.answer).toBe(2);
  });

  it('validates registration bodies', async () => {
    expect((await t.request('POST', '/api/v1/models/failure/versions', { body: { parameters: {} } })).status).toBe(400);
    expect((await t.request('POST', '/api/v1/models/failure/versions', { body: version({ artifact_base64: '***' , artifact: undefined}) })).status).toBe(400);
    expect((await t.request('POST', '/api/v1/models/failure/versions', { body: version({ metrics: { accuracy: 'high' } }) })).status).toBe(400);
    expect((await t.request('POST', '/api/v1/models/failure/versions', { body: version({ surprise: true }) })).status).toBe(400);
  });
});
