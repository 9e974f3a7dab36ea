import fs from 'node:fs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKeyPath, ensureFirstAdminKey } from '../src/platform/auth/api-keys.js';
import { createLogger } from '../src/platform/logger.js';
import { backend, startEngine, type TestEngine } from './helpers/engine.js';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';

async function token(claims: Record<string, unknown>, secret = SECRET, expiresIn = '5m'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('user-1').setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(secret));
}

describe(`authentication and roles (${backend})`, () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startEngine({ NOVACRON_JWT_SECRET: SECRET, NOVACRON_JWT_ROLE_CLAIM: 'app.role' });
  });
  afterAll(async () => t?.close());

  it('401 without credentials on protected routes, with a WWW-Authenticate header', async () => {
    const r = await t.request('GET', '/api/v1/models', { key: null });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthorized');
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('accepts a key as Bearer or X-API-Key; rejects unknown and malformed keys', async () => {
    expect((await t.request('GET', '/api/v1/models', { key: t.keys.viewer })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/models', { key: null, headers: { 'x-api-key': t.keys.viewer } })).status).toBe(200);
    const forged = t.keys.viewer.slice(0, -4) + 'AAAA';
    expect((await t.request('GET', '/api/v1/models', { key: forged })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/models', { key: null, headers: { authorization: 'Basic abc' } })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/models', { key: 'not-a-key' })).status).toBe(401);
  });

  it('enforces roles: viewer reads, operator ingests, admin manages keys (403 otherwise)', async () => {
    const ingest = { samples: [{ entity_id: 'h1', metric: 'cpu_utilization', timestamp: Date.now() - 1000, value: 0.5 }] };
    expect((await t.request('POST', '/api/v1/telemetry', { key: t.keys.viewer, body: ingest })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/telemetry', { key: t.keys.operator, body: ingest })).status).toBe(200);
    const keys = await t.request('GET', '/api/v1/keys', { key: t.keys.operator });
    expect(keys.status).toBe(403);
    expect(keys.body.code).toBe('forbidden');
    expect((await t.request('GET', '/api/v1/keys', { key: t.keys.admin })).status).toBe(200);
  });

  it('creates, lists and revokes keys; a revoked key stops working at once; secrets are never listed', async () => {
    const created = await t.request('POST', '/api/v1/keys', { body: { name: 'ci', role: 'operator' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^nck_[a-z0-9]{12}_/);
    expect((await t.request('GET', '/api/v1/models', { key: created.body.key })).status).toBe(200);
    const list = await t.request('GET', '/api/v1/keys');
    expect(list.text).not.toContain(created.body.key);
    expect(list.body.keys.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect((await t.request('DELETE', `/api/v1/keys/${created.body.id}`)).status).toBe(204);
    expect((await t.request('GET', '/api/v1/models', { key: created.body.key })).status).toBe(401);
    expect((await t.request('DELETE', `/api/v1/keys/${created.body.id}`)).status).toBe(404);
    const auditLog = await t.request('GET', '/api/v1/audit?action=key.revoke');
    expect(auditLog.body.entries[0]).toMatchObject({ action: 'key.revoke', target: created.body.id, outcome: 'success' });
  });

  it('stores only a hash of each key', async () => {
    const rows = await t.engine.platform.store.apiKeys.list();
    for (const r of rows) {
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.values(t.keys).some((k) => r.hash.includes(k) || k.includes(r.hash))).toBe(false);
    }
  });

  it('accepts HS256 JWTs with the role in the configured claim', async () => {
    const op = await token({ app: { role: 'operator' } });
    expect((await t.request('GET', '/api/v1/models', { key: op })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/keys', { key: op })).status).toBe(403);
    const admin = await token({ app: { role: ['viewer', 'admin'] } });
    expect((await t.request('GET', '/api/v1/keys', { key: admin })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/models', { key: await token({ app: { role: 'operator' } }, 'another-secret-of-sufficient-length!') })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/models', { key: await token({ app: { role: 'operator' } }, SECRET, '-1m') })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/models', { key: await token({ app: { role: 'root' } }) })).status).toBe(403);
  });

  it('keeps /health, /ready and /metrics open', async () => {
    for (const p of ['/health', '/ready', '/metrics', '/']) expect((await t.request('GET', p, { key: null })).status).toBe(200);
  });
});

describe(`anonymous access and protected metrics (${backend})`, () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startEngine({ NOVACRON_ANONYMOUS_ROLE: 'viewer', NOVACRON_METRICS_AUTH: 'true' });
  });
  afterAll(async () => t?.close());

  it('grants the configured role to callers without credentials, but still rejects bad credentials', async () => {
    expect((await t.request('GET', '/api/v1/models', { key: null })).status).toBe(200);
    expect((await t.request('POST', '/api/v1/telemetry', { key: null, body: { samples: [] } })).status).toBe(403);
    expect((await t.request('GET', '/api/v1/models', { key: 'nck_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' })).status).toBe(401);
  });

  it('protects /metrics when asked to', async () => {
    expect((await t.request('GET', '/metrics', { key: 'nck_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' })).status).toBe(401);
    expect((await t.request('GET', '/metrics', { key: t.keys.viewer })).status).toBe(200);
  });
});

describe(`first start (${backend})`, () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startEngine();
  });
  afterAll(async () => t?.close());

  it('creates an admin key only when no key exists, writes it with mode 0600 and logs only the path', async () => {
    const { platform } = t.engine;
    // The harness already created keys, so nothing happens here.
    expect(await ensureFirstAdminKey(platform.store, t.config.dataDir, createLogger('silent'))).toBeUndefined();
    for (const k of await platform.store.apiKeys.list()) await platform.store.apiKeys.revoke(k.id, Date.now());

    const lines: string[] = [];
    const logger = createLogger('info', 'test', { write: (line: string) => void lines.push(line) });
    const file = await ensureFirstAdminKey(platform.store, t.config.dataDir, logger);
    expect(file).toBe(adminKeyPath(t.config.dataDir));
    expect(fs.statSync(file!).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(file!, 'utf8').trim();
    expect((await t.request('GET', '/api/v1/keys', { key })).status).toBe(200);
    const logged = lines.join('');
    expect(logged).toContain(file!);
    expect(logged).not.toContain(key);
  });
});
