import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startEngine, type TestEngine } from './helpers/engine.js';

describe(`CORS and rate limits (${backend})`, () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startEngine({ NOVACRON_CORS_ORIGINS: 'https://ops.example.com', NOVACRON_RATE_LIMIT_MAX: '5', NOVACRON_RATE_LIMIT_WINDOW_MS: '60000' });
  });
  afterAll(async () => t?.close());

  it('allows configured origins only, exposing the id headers', async () => {
    const pre = await t.request('OPTIONS', '/api/v1/models', { key: null, headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
    const get = await t.request('GET', '/health', { key: null, headers: { origin: 'https://ops.example.com' } });
    expect(get.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const other = await t.request('GET', '/health', { key: null, headers: { origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits each client per window with a 429 problem, per API key, and never limits /health', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.request('GET', '/api/v1/models', { key: t.keys.viewer })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await t.request('GET', '/api/v1/models', { key: t.keys.viewer });
    expect(limited.body).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited.headers.get('retry-after')).toBeTruthy();
    // Another key has its own budget.
    expect((await t.request('GET', '/api/v1/models', { key: t.keys.operator })).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await t.request('GET', '/health', { key: null })).status).toBe(200);
  });
});

describe(`JWT through a JWKS URL (${backend})`, () => {
  let t: TestEngine;
  let jwks: http.Server;
  let privateKey: CryptoKey;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    t = await startEngine({ NOVACRON_JWT_JWKS_URL: url, NOVACRON_JWT_ISSUER: 'https://idp.example.com', NOVACRON_JWT_AUDIENCE: 'novacron' });
  });
  afterAll(async () => {
    await t?.close();
    jwks?.close();
  });

  const sign = (claims: Record<string, unknown>, iss = 'https://idp.example.com', aud = 'novacron') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(iss).setAudience(aud).setSubject('svc-scheduler').setExpirationTime('5m').sign(privateKey);

  it('verifies ES256 tokens against the JWKS, with issuer and audience', async () => {
    expect((await t.request('GET', '/api/v1/keys', { key: await sign({ role: 'admin' }) })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/keys', { key: await sign({ role: 'viewer' }) })).status).toBe(403);
    expect((await t.request('GET', '/api/v1/models', { key: await sign({ role: 'viewer' }, 'https://other.example.com') })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/models', { key: await sign({ role: 'viewer' }, undefined, 'someone-else') })).status).toBe(401);
    const hs = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://idp.example.com').setAudience('novacron').sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await t.request('GET', '/api/v1/models', { key: hs })).status).toBe(401);
  });
});
