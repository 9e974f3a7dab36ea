/**
 * A small client for a running engine's HTTP API: JSON POSTs with the API key, retried with
 * exponential backoff when the engine sheds load (429, 503) or the connection fails.
 */
export interface EngineClientOptions {
  /** Attempts per request before giving up. Default 6. */
  attempts?: number;
  /** First backoff, doubled per retry (a Retry-After header wins). Default 500 ms. */
  backoffMs?: number;
  /** Longest single wait. Default 30 s. */
  maxBackoffMs?: number;
}

export class EngineRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export class EngineClient {
  private readonly base: string;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  /** Requests that were retried at least once. */
  retries = 0;

  constructor(
    url: string,
    private readonly apiKey: string | undefined,
    options: EngineClientOptions = {},
  ) {
    this.base = url.replace(/\/+$/, '');
    this.attempts = options.attempts ?? 6;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  async post<T = unknown>(path: string, body: unknown): Promise<T> {
    const payload = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    for (let attempt = 1; ; attempt++) {
      let wait = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1));
      let failure: string;
      let status: number | undefined;
      try {
        const res = await fetch(this.base + path, { method: 'POST', headers, body: payload });
        const text = await res.text();
        if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
        status = res.status;
        failure = `POST ${path} answered ${res.status}: ${text.slice(0, 500)}`;
        if (!RETRY_STATUSES.has(res.status)) throw new EngineRequestError(failure, res.status);
        const retryAfter = Number(res.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0) wait = Math.min(this.maxBackoffMs, retryAfter * 1000);
      } catch (err) {
        if (err instanceof EngineRequestError) throw err;
        failure = `POST ${path} failed: ${(err as Error).message}`;
      }
      if (attempt >= this.attempts) throw new EngineRequestError(`${failure} (gave up after ${attempt} attempts)`, status);
      if (attempt === 1) this.retries++;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
