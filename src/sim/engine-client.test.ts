import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, EngineRequestError } from './engine-client.js';

describe('EngineClient', () => {
  const seen: { url: string; auth: string | undefined; body: string }[] = [];
  let answers: { status: number; body: string; headers?: Record<string, string> }[] = [];
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
        const a = answers.shift() ?? { status: 200, body: '{"ok":true}' };
        res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
        res.end(a.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('retries 429 and 503 with backoff, then returns the answer', async () => {
    seen.length = 0;
    answers = [
      { status: 503, body: '{"code":"unavailable"}' },
      { status: 429, body: '{"code":"rate_limited"}', headers: { 'retry-after': '0.01' } },
      { status: 200, body: '{"accepted":3}' },
    ];
    const client = new EngineClient(url, 'nck_test', { backoffMs: 5 });
    const r = await client.post<{ accepted: number }>('/api/v1/telemetry', { samples: [] });
    expect(r.accepted).toBe(3);
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.url === '/api/v1/telemetry' && s.auth === 'Bearer nck_test' && s.body === '{"samples":[]}')).toBe(true);
    expect(client.retries).toBe(1);
  });

  it('does not retry a client error, and says what the engine answered', async () => {
    seen.length = 0;
    answers = [{ status: 400, body: '{"detail":"bad timestamp"}' }];
    const client = new EngineClient(url, undefined, { backoffMs: 5 });
    const err = await client.post('/api/v1/events', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineRequestError);
    expect((err as EngineRequestError).status).toBe(400);
    expect((err as Error).message).toContain('bad timestamp');
    expect(seen).toHaveLength(1);
    expect(seen[0].auth).toBeUndefined();
  });

  it('gives up after its attempts', async () => {
    answers = [503, 503, 503].map((status) => ({ status, body: '{}' }));
    const client = new EngineClient(url, 'k', { attempts: 3, backoffMs: 1 });
    await expect(client.post('/x', {})).rejects.toThrow(/gave up after 3 attempts/);
  });
});
