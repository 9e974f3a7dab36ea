import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IncidentCorrelator, type IncidentEvent } from './incident-correlator.js';
import { incidentEventMessage, signBody, verifySignature, WebhookDelivery, type DeadLetter, type WebhookMessage } from './webhook-delivery.js';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const SECRET = 'test-secret-value';

function incidentEvents(n = 1): IncidentEvent[] {
  const c = new IncidentCorrelator({ idSeed: 'webhook' });
  const out: IncidentEvent[] = [];
  for (let i = 0; i < n; i++) {
    out.push(...c.observe({ id: `a${i}`, resourceId: `vm-${i}`, hostId: `h-${i}`, timestamp: T0 + i, severity: 'high', score: 0.7, metrics: ['cpu_utilization'], type: 'resource' }));
  }
  return out;
}

function msg(i: number, key?: string): WebhookMessage {
  return { deliveryId: `d-${i}`, event: 'test', payload: { i }, key };
}

/** A fetch stub answering from a list of statuses (or thrown errors), recording each request. */
function scriptedFetch(script: Array<number | Error>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = script[Math.min(calls.length - 1, script.length - 1)];
    if (next instanceof Error) throw next;
    return new Response(next === 204 ? null : 'body', { status: next });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/novacron`;
}

describe('signatures', () => {
  it('signs the raw body with HMAC-SHA256 and verifies in constant time', () => {
    const body = '{"a":1}';
    // Reference value from: printf '{"a":1}' | openssl dgst -sha256 -hmac test-secret-value
    expect(signBody(body, SECRET)).toBe('sha256=c948be8089fcf14c2e6c8faaf8b1c13ff3cb3bafd18055c7a3bca1697e08ea74');
    expect(signBody(Buffer.from(body), SECRET)).toBe(signBody(body, SECRET));
    expect(verifySignature(body, signBody(body, SECRET), SECRET)).toBe(true);
    expect(verifySignature(body + ' ', signBody(body, SECRET), SECRET)).toBe(false);
    expect(verifySignature(body, signBody(body, 'other'), SECRET)).toBe(false);
    expect(verifySignature(body, undefined, SECRET)).toBe(false);
    expect(verifySignature(body, 'sha256=short', SECRET)).toBe(false);
  });
});

describe('WebhookDelivery against a real HTTP server', () => {
  it('posts the event as signed JSON that the receiver can verify', async () => {
    const received: Array<{ headers: IncomingMessage['headers']; body: Buffer; valid: boolean }> = [];
    const url = await listen((req, body, res) => {
      const valid = verifySignature(body, req.headers['x-novacron-signature'] as string, SECRET);
      received.push({ headers: req.headers, body, valid });
      res.writeHead(valid ? 204 : 401).end();
    });
    const delivered: string[] = [];
    const dead: DeadLetter[] = [];
    const w = new WebhookDelivery({ url, secret: SECRET, onDelivered: (r) => delivered.push(`${r.deliveryId}/${r.status}/${r.attempts}`), onDeadLetter: (d) => dead.push(d) });
    const [event] = incidentEvents();
    expect(w.deliverIncidentEvent(event)).toBe(true);
    await w.drain();

    expect(dead).toEqual([]);
    expect(received).toHaveLength(1);
    const r = received[0];
    expect(r.valid).toBe(true);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-novacron-event']).toBe('incident.opened');
    expect(r.headers['x-novacron-delivery']).toBe(`${event.incident.correlationId}:1`);
    expect(r.headers['x-novacron-attempt']).toBe('1');
    const body = JSON.parse(r.body.toString('utf8'));
    expect(body).toEqual(incidentEventMessage(event).payload);
    expect(body).toMatchObject({ event: 'incident.opened', occurredAt: '2025-01-15T12:00:00.000Z', incident: { correlationId: event.incident.correlationId, openedAt: '2025-01-15T12:00:00.000Z', severity: 'high' } });
    expect(delivered).toEqual([`${event.incident.correlationId}:1/204/1`]);
    expect(w.stats()).toMatchObject({ delivered: 1, deadLettered: 0, attempts: 1, retries: 0, queued: 0, inFlight: 0 });
  });

  it('honours the timeout on a receiver that never answers', async () => {
    const url = await listen(() => {
      /* never respond */
    });
    const dead: DeadLetter[] = [];
    const sleeps: number[] = [];
    const w = new WebhookDelivery({ url, timeoutMs: 150, maxAttempts: 2, jitter: 0, sleep: async (ms) => void sleeps.push(ms), onDeadLetter: (d) => dead.push(d) });
    const started = Date.now();
    w.enqueue(msg(1));
    await w.drain();
    const elapsed = Date.now() - started;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ reason: 'max_attempts', attempts: 2, lastError: 'timed out after 150 ms' });
    expect(dead[0].lastStatus).toBeUndefined();
    expect(sleeps).toEqual([1000]);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2000);
  });

  it('retries a failing receiver and then succeeds', async () => {
    let n = 0;
    const url = await listen((_req, _body, res) => {
      n++;
      res.writeHead(n < 3 ? 503 : 200).end('ok');
    });
    const sleeps: number[] = [];
    const w = new WebhookDelivery({ url, secret: SECRET, jitter: 0, sleep: async (ms) => void sleeps.push(ms) });
    w.enqueue(msg(1));
    await w.drain();
    expect(n).toBe(3);
    expect(sleeps).toEqual([1000, 2000]);
    expect(w.stats()).toMatchObject({ delivered: 1, attempts: 3, retries: 2, deadLettered: 0 });
  });
});

describe('WebhookDelivery retries and dead letters (stub fetch)', () => {
  it('backs off exponentially on network errors and 5xx, then succeeds', async () => {
    const { fetch, calls } = scriptedFetch([new TypeError('fetch failed'), 500, 502, 200]);
    const sleeps: number[] = [];
    const w = new WebhookDelivery({ url: 'http://receiver.test/hook', fetch, jitter: 0, baseDelayMs: 100, sleep: async (ms) => void sleeps.push(ms) });
    w.enqueue(msg(1));
    await w.drain();
    expect(calls).toHaveLength(4);
    expect(sleeps).toEqual([100, 200, 400]);
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['X-NovaCron-Attempt'])).toEqual(['1', '2', '3', '4']);
    expect(new Set(calls.map((c) => (c.init.headers as Record<string, string>)['X-NovaCron-Delivery']))).toEqual(new Set(['d-1']));
    expect(calls.every((c) => c.init.method === 'POST' && c.init.body === '{"i":1}')).toBe(true);
  });

  it('gives up after maxAttempts into the dead-letter callback', async () => {
    const { fetch, calls } = scriptedFetch([500]);
    const dead: DeadLetter[] = [];
    const w = new WebhookDelivery({ url: 'http://receiver.test/hook', fetch, maxAttempts: 3, jitter: 0, maxDelayMs: 1500, sleep: async () => {}, onDeadLetter: (d) => dead.push(d), now: () => T0 });
    expect(w.enqueue(msg(7))).toBe(true);
    await w.drain();
    expect(calls).toHaveLength(3);
    expect(dead).toEqual([
      { deliveryId: 'd-7', event: 'test', body: '{"i":7}', attempts: 3, reason: 'max_attempts', lastStatus: 500, lastError: 'HTTP 500: body', firstAttemptAt: T0, lastAttemptAt: T0 },
    ]);
  });

  it('caps back-off at maxDelayMs and applies bounded jitter', async () => {
    const { fetch } = scriptedFetch([500]);
    const sleeps: number[] = [];
    let r = 0;
    const randoms = [0, 0.999999, 0.5, 0.5, 0.5];
    const w = new WebhookDelivery({ url: 'http://receiver.test/hook', fetch, maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 5000, jitter: 0.2, random: () => randoms[r++], sleep: async (ms) => void sleeps.push(ms) });
    w.enqueue(msg(1));
    await w.drain();
    expect(sleeps).toEqual([800, 2400, 4000, 5000, 5000]);
  });

  it('honours Retry-After on 429 up to maxDelayMs', async () => {
    let n = 0;
    const fetch = (async () => (++n === 1 ? new Response('slow down', { status: 429, headers: { 'retry-after': '7' } }) : new Response(null, { status: 200 }))) as unknown as typeof globalThis.fetch;
    const sleeps: number[] = [];
    const w = new WebhookDelivery({ url: 'http://receiver.test/hook', fetch, jitter: 0, sleep: async (ms) => void sleeps.push(ms) });
    w.enqueue(msg(1));
    await w.drain();
    expect(sleeps).toEqual([7000]);
    expect(w.stats().delivered).toBe(1);
  });

  it('does not retry a request the receiver rejects as wrong', async () => {
    const { fetch, calls } = scriptedFetch([400]);
    const dead: DeadLetter[] = [];
    const w = new WebhookDelivery({ url: 'http://receiver.test/hook', fetch, sleep: async () => {}, onDeadLetter: (d) => dead.push(d) });
    w.enqueue(msg(1));
    await w.drain();
    expect(calls).toHaveLength(1);
    expect(dead[0]).toMatchObject({ reason: 'non_retryable', attempts: 1, lastStatus: 400 });
  });

  it('never throws into the caller, even when callbacks and fetch misbehave', async () => {
    const fetch = (() => {
      throw new Error('synchronous explosion');
    }) as unknown as typeof globalThis.fetch;
    const warnings: string[] = [];
    const w = new WebhookDelivery({
      url: 'http://receiver.test/hook',
      fetch,
      maxAttempts: 2,
      sleep: async () => {},
      onDeadLetter: () => {
        throw new Error('dead-letter store down');
      },
      logger: { warn: (_o, m) => void warnings.push(m ?? '') },
    });
    expect(() => w.enqueue(msg(1))).not.toThrow();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(w.enqueue({ deliveryId: 'bad', event: 'test', payload: circular })).toBe(false);
    await w.drain();
    expect(warnings).toContain('webhook: onDeadLetter threw');
    expect(w.stats().deadLettered).toBe(2);
  });
});

describe('WebhookDelivery queueing', () => {
  /** A fetch whose responses the test releases by hand. */
  function gatedFetch() {
    const pending: Array<{ body: string; release: (status: number) => void }> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const fetch = ((_url: string, init: RequestInit) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<Response>((resolve) => {
        pending.push({
          body: String(init.body),
          release: (status) => {
            inFlight--;
            resolve(new Response(null, { status }));
          },
        });
      });
    }) as unknown as typeof globalThis.fetch;
    return { fetch, pending, maxInFlight: () => maxInFlight };
  }

  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }

  it('limits concurrency and never blocks enqueue', async () => {
    const g = gatedFetch();
    const w = new WebhookDelivery({ url: 'http://receiver.test/hook', fetch: g.fetch, concurrency: 3 });
    const t = performance.now();
    for (let i = 0; i < 10; i++) expect(w.enqueue(msg(i, `k${i}`))).toBe(true);
    expect(performance.now() - t).toBeLessThan(50);
    await settle();
    expect(g.pending).toHaveLength(3);
    expect(w.stats()).toMatchObject({ inFlight: 3, queued: 7 });
    while (g.pending.length > 0) {
      g.pending.shift()!.release(200);
      await settle();
    }
    await w.drain();
    expect(g.maxInFlight()).toBe(3);
    expect(w.stats().delivered).toBe(10);
  });

  it('delivers events of one incident in order, one at a time', async () => {
    const g = gatedFetch();
    const w = new WebhookDelivery({ url: 'http://receiver.test/hook', fetch: g.fetch, concurrency: 4 });
    w.enqueue(msg(1, 'inc-A'));
    w.enqueue(msg(2, 'inc-A'));
    w.enqueue(msg(3, 'inc-B'));
    w.enqueue(msg(4, 'inc-A'));
    await settle();
    expect(g.pending.map((p) => p.body)).toEqual(['{"i":1}', '{"i":3}']);
    const order: string[] = [];
    while (g.pending.length > 0) {
      const p = g.pending.shift()!;
      order.push(p.body);
      p.release(200);
      await settle();
    }
    await w.drain();
    expect(order).toEqual(['{"i":1}', '{"i":3}', '{"i":2}', '{"i":4}']);
  });

  it('dead-letters instead of growing past maxQueue, and after close', async () => {
    const g = gatedFetch();
    const dead: DeadLetter[] = [];
    const w = new WebhookDelivery({ url: 'http://receiver.test/hook', fetch: g.fetch, concurrency: 1, maxQueue: 2, onDeadLetter: (d) => dead.push(d) });
    expect([w.enqueue(msg(1)), w.enqueue(msg(2)), w.enqueue(msg(3)), w.enqueue(msg(4))]).toEqual([true, true, true, false]);
    expect(dead.map((d) => [d.deliveryId, d.reason])).toEqual([['d-4', 'queue_full']]);
    const closing = w.close();
    expect(w.enqueue(msg(5))).toBe(false);
    expect(dead.map((d) => d.reason)).toEqual(['queue_full', 'closed']);
    await settle();
    while (g.pending.length > 0) {
      g.pending.shift()!.release(200);
      await settle();
    }
    await closing;
    expect(w.stats().delivered).toBe(3);
  });

  it('delivers all events of a correlator run with per-incident versions', async () => {
    const { fetch, calls } = scriptedFetch([200]);
    const w = new WebhookDelivery({ url: 'http://receiver.test/hook', fetch });
    for (const e of incidentEvents(5)) w.deliverIncidentEvent(e);
    await w.drain();
    const ids = calls.map((c) => (c.init.headers as Record<string, string>)['X-NovaCron-Delivery']);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(ids.every((id) => id.endsWith(':1'))).toBe(true);
  });
});
