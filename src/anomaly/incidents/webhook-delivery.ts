/**
 * Webhook delivery of incident events: JSON over HTTP POST via the global `fetch`, signed with
 * HMAC-SHA256, with a per-attempt timeout, exponential back-off retries and a dead-letter callback.
 *
 * - **Never in the way.** `enqueue` is synchronous, never throws and never waits: events go into a
 *   bounded queue (`maxQueue`, default 1 000) served by at most `concurrency` (default 4) deliveries
 *   at a time, so a slow or dead receiver never slows anomaly scoring. A full queue dead-letters the
 *   new event (`queue_full`) rather than growing without bound.
 * - **Order per incident.** Events with the same key (the correlation id for incident events) are
 *   delivered one at a time, in enqueue order, so a receiver never sees `resolved` before `opened`.
 *   Different incidents proceed in parallel.
 * - **Signature.** With a `secret`, `X-NovaCron-Signature: sha256=<hex>` is the HMAC-SHA256 of the
 *   exact request body bytes. Receivers verify with `verifySignature` (constant-time compare).
 *   `X-NovaCron-Delivery` is stable across retries (`<correlationId>:<version>` for incident events)
 *   so receivers can deduplicate; `X-NovaCron-Event` names the event; `X-NovaCron-Attempt` counts.
 * - **Retries.** Network errors, timeouts, 408, 425, 429 and 5xx are retried up to `maxAttempts`
 *   attempts in all (default 5), waiting `baseDelayMs · 2^(n−1)` (default 1 s, 2 s, 4 s, …) capped at
 *   `maxDelayMs` (default 60 s), ± `jitter` (default 20 %) so many engines do not retry in step;
 *   `Retry-After` on 429/503 is honoured up to `maxDelayMs`. Other statuses (400, 401, 403, 404,
 *   410, 413, 422, …) are not retried: the request itself is wrong and retrying cannot fix it.
 * - **Dead letters.** When an event cannot be delivered (`max_attempts`, `non_retryable`,
 *   `queue_full`, `closed`), `onDeadLetter` receives it with the body, attempts and last error, for
 *   the caller to persist or replay. Errors thrown by callbacks are caught and logged.
 * - **Testable.** `fetch`, `sleep`, `now`, `random` and the delivery id are injectable.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Incident, IncidentEvent } from './incident-correlator.js';

export const SIGNATURE_HEADER = 'X-NovaCron-Signature';
export const DELIVERY_HEADER = 'X-NovaCron-Delivery';
export const EVENT_HEADER = 'X-NovaCron-Event';
export const ATTEMPT_HEADER = 'X-NovaCron-Attempt';

/** `sha256=<hex>` HMAC of the raw body. */
export function signBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time check of a `sha256=<hex>` signature header against the raw body. */
export function verifySignature(body: string | Uint8Array, header: string | null | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signBody(body, secret));
  const got = Buffer.from(header.trim());
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export type DeadLetterReason = 'max_attempts' | 'non_retryable' | 'queue_full' | 'closed';

export interface DeadLetter {
  deliveryId: string;
  event: string;
  /** The exact JSON body that was (or would have been) sent. */
  body: string;
  attempts: number;
  reason: DeadLetterReason;
  lastStatus?: number;
  lastError?: string;
  firstAttemptAt?: number;
  lastAttemptAt?: number;
}

export interface DeliveryReceipt {
  deliveryId: string;
  event: string;
  attempts: number;
  status: number;
  /** From the first attempt's start to the successful response. */
  durationMs: number;
}

/** The subset of a pino logger this module uses. */
export interface WebhookLogger {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface WebhookOptions {
  url: string;
  /** HMAC key; without it no signature header is sent. */
  secret?: string;
  /** Per-attempt limit, connection to end of body (default 5 000 ms). */
  timeoutMs: number;
  /** Attempts in all, first included (default 5). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Relative jitter of each back-off, 0–1 (default 0.2); 0 makes delays exact. */
  jitter: number;
  concurrency: number;
  maxQueue: number;
  /** Extra request headers (for example an Authorization header the receiver wants). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  onDeadLetter?: (d: DeadLetter) => void | Promise<void>;
  onDelivered?: (r: DeliveryReceipt) => void;
  logger?: WebhookLogger;
}

export const DEFAULT_WEBHOOK_OPTIONS = {
  timeoutMs: 5_000,
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  jitter: 0.2,
  concurrency: 4,
  maxQueue: 1_000,
} as const;

export interface WebhookMessage {
  /** Stable across retries; receivers deduplicate on it. */
  deliveryId: string;
  /** Event name for the header, e.g. `incident.opened`. */
  event: string;
  /** Serialised as the JSON body. */
  payload: unknown;
  /** Messages with the same key are delivered one at a time, in order. */
  key?: string;
}

export interface WebhookStats {
  queued: number;
  inFlight: number;
  delivered: number;
  deadLettered: number;
  attempts: number;
  retries: number;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString());

/** An incident with times as RFC 3339 strings (the wire convention), otherwise as is. */
export function incidentToWire(i: Incident): Record<string, unknown> {
  return {
    ...i,
    openedAt: iso(i.openedAt),
    lastSeenAt: iso(i.lastSeenAt),
    resolvedAt: iso(i.resolvedAt),
    members: i.members.map((m) => ({ ...m, firstSeen: iso(m.firstSeen), lastSeen: iso(m.lastSeen) })),
  };
}

/** The webhook message for an incident event: body `{ id, event, occurredAt, reasons, incident }`. */
export function incidentEventMessage(e: IncidentEvent): WebhookMessage {
  const deliveryId = `${e.incident.correlationId}:${e.incident.version}`;
  const event = `incident.${e.kind}`;
  return {
    deliveryId,
    event,
    key: e.incident.correlationId,
    payload: { id: deliveryId, event, occurredAt: iso(e.at), reasons: e.reasons, incident: incidentToWire(e.incident) },
  };
}

interface Item {
  msg: WebhookMessage;
  body: string;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

function retryAfterMs(h: string | null, now: number): number | undefined {
  if (!h) return undefined;
  const secs = Number(h);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(h);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message}: ${cause.message}` : e.message;
  }
  return String(e);
}

export class WebhookDelivery {
  readonly options: Readonly<WebhookOptions>;
  private readonly queue: Item[] = [];
  private readonly activeKeys = new Set<string>();
  private active = 0;
  private closed = false;
  private idle: Array<() => void> = [];
  private readonly counters = { delivered: 0, deadLettered: 0, attempts: 0, retries: 0 };

  constructor(options: Partial<WebhookOptions> & { url: string }) {
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
    const o = this.options;
    if (!/^https?:\/\//i.test(o.url)) throw new TypeError(`webhook url must be http(s), got ${o.url}`);
    if (!Number.isInteger(o.maxAttempts) || o.maxAttempts < 1) throw new RangeError('maxAttempts must be an integer ≥ 1');
    if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw new RangeError('concurrency must be an integer ≥ 1');
    if (!(o.timeoutMs > 0)) throw new RangeError('timeoutMs must be > 0');
  }

  stats(): WebhookStats {
    return { queued: this.queue.length, inFlight: this.active, ...this.counters };
  }

  /** Queues an incident event; false when it was dead-lettered instead (queue full or closed). */
  deliverIncidentEvent(event: IncidentEvent): boolean {
    try {
      return this.enqueue(incidentEventMessage(event));
    } catch (e) {
      this.log({ err: errorText(e) }, 'webhook: could not build an incident message');
      return false;
    }
  }

  /** Queues a message; false when it was dead-lettered instead. Never throws. */
  enqueue(msg: WebhookMessage): boolean {
    let body: string;
    try {
      body = JSON.stringify(msg.payload);
    } catch (e) {
      this.deadLetter({ deliveryId: msg.deliveryId, event: msg.event, body: '', attempts: 0, reason: 'non_retryable', lastError: `payload is not serialisable: ${errorText(e)}` });
      return false;
    }
    if (this.closed) {
      this.deadLetter({ deliveryId: msg.deliveryId, event: msg.event, body, attempts: 0, reason: 'closed' });
      return false;
    }
    if (this.queue.length >= this.options.maxQueue) {
      this.deadLetter({ deliveryId: msg.deliveryId, event: msg.event, body, attempts: 0, reason: 'queue_full' });
      return false;
    }
    this.queue.push({ msg, body });
    this.pump();
    return true;
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops accepting messages (later ones are dead-lettered as `closed`) and waits for the queue. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  // ---------------------------------------------------------------------------------------------

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private log(obj: object, msg: string): void {
    try {
      this.options.logger?.warn(obj, msg);
    } catch {
      // a logger must not break delivery
    }
  }

  private pump(): void {
    while (this.active < this.options.concurrency) {
      const i = this.queue.findIndex((it) => it.msg.key === undefined || !this.activeKeys.has(it.msg.key));
      if (i < 0) break;
      const [item] = this.queue.splice(i, 1);
      this.active++;
      if (item.msg.key !== undefined) this.activeKeys.add(item.msg.key);
      void this.deliver(item)
        .catch((e) => this.log({ err: errorText(e), deliveryId: item.msg.deliveryId }, 'webhook: unexpected delivery failure'))
        .finally(() => {
          this.active--;
          if (item.msg.key !== undefined) this.activeKeys.delete(item.msg.key);
          this.pump();
          if (this.queue.length === 0 && this.active === 0) {
            const waiters = this.idle;
            this.idle = [];
            for (const w of waiters) w();
          }
        });
    }
  }

  private backoff(failedAttempt: number): number {
    const o = this.options;
    const exp = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (failedAttempt - 1));
    const r = o.random ? o.random() : Math.random();
    const j = Math.min(1, Math.max(0, o.jitter));
    return Math.max(0, Math.min(o.maxDelayMs, Math.round(exp * (1 - j + 2 * j * r))));
  }

  private async sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    if (this.options.sleep) return this.options.sleep(ms);
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
  }

  /** One attempt: the HTTP status, or a thrown error for transport failures and timeouts. */
  private async attempt(item: Item, attempt: number): Promise<{ status: number; retryAfter?: number; text: string }> {
    const o = this.options;
    const f = o.fetch ?? globalThis.fetch;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'novacron-ai-webhook/1',
      ...o.headers,
      [EVENT_HEADER]: item.msg.event,
      [DELIVERY_HEADER]: item.msg.deliveryId,
      [ATTEMPT_HEADER]: String(attempt),
    };
    if (o.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(item.body, o.secret);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${o.timeoutMs} ms`)), o.timeoutMs);
    try {
      const res = await f(o.url, { method: 'POST', headers, body: item.body, signal: controller.signal, redirect: 'manual' });
      // Read (and so release) the body within the same timeout; keep a little for the dead letter.
      const text = await res.text().catch(() => '');
      return { status: res.status, retryAfter: retryAfterMs(res.headers.get('retry-after'), this.now()), text: text.slice(0, 500) };
    } catch (e) {
      if (controller.signal.aborted) throw new Error(`timed out after ${o.timeoutMs} ms`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async deliver(item: Item): Promise<void> {
    const o = this.options;
    const started = this.now();
    let lastStatus: number | undefined;
    let lastError: string | undefined;
    let lastAttemptAt = started;
    for (let n = 1; n <= o.maxAttempts; n++) {
      lastAttemptAt = this.now();
      this.counters.attempts++;
      if (n > 1) this.counters.retries++;
      let retryAfter: number | undefined;
      try {
        const r = await this.attempt(item, n);
        lastStatus = r.status;
        if (r.status >= 200 && r.status < 300) {
          this.counters.delivered++;
          try {
            o.onDelivered?.({ deliveryId: item.msg.deliveryId, event: item.msg.event, attempts: n, status: r.status, durationMs: this.now() - started });
          } catch (e) {
            this.log({ err: errorText(e) }, 'webhook: onDelivered threw');
          }
          return;
        }
        lastError = `HTTP ${r.status}${r.text ? `: ${r.text}` : ''}`;
        if (!RETRYABLE.has(r.status)) {
          this.deadLetter({ deliveryId: item.msg.deliveryId, event: item.msg.event, body: item.body, attempts: n, reason: 'non_retryable', lastStatus, lastError, firstAttemptAt: started, lastAttemptAt });
          return;
        }
        if (r.status === 429 || r.status === 503) retryAfter = r.retryAfter;
      } catch (e) {
        lastStatus = undefined;
        lastError = errorText(e);
      }
      if (n < o.maxAttempts) {
        const wait = retryAfter !== undefined ? Math.min(o.maxDelayMs, Math.max(retryAfter, this.backoff(n))) : this.backoff(n);
        o.logger?.debug?.({ deliveryId: item.msg.deliveryId, attempt: n, wait, lastError }, 'webhook: retrying');
        await this.sleep(wait);
      }
    }
    this.deadLetter({ deliveryId: item.msg.deliveryId, event: item.msg.event, body: item.body, attempts: o.maxAttempts, reason: 'max_attempts', lastStatus, lastError, firstAttemptAt: started, lastAttemptAt });
  }

  private deadLetter(d: DeadLetter): void {
    this.counters.deadLettered++;
    this.log({ deliveryId: d.deliveryId, event: d.event, reason: d.reason, attempts: d.attempts, lastStatus: d.lastStatus, lastError: d.lastError }, 'webhook: dead-lettered');
    const cb = this.options.onDeadLetter;
    if (!cb) return;
    try {
      const r = cb(d);
      if (r && typeof (r as Promise<void>).then === 'function') {
        (r as Promise<void>).catch((e) => this.log({ err: errorText(e) }, 'webhook: onDeadLetter rejected'));
      }
    } catch (e) {
      this.log({ err: errorText(e) }, 'webhook: onDeadLetter threw');
    }
  }
}
