/**
 * The engine's job contract. Training and other long work runs as jobs so that an HTTP request only
 * enqueues and returns; the same handlers run in-process (SQLite/PostgreSQL-backed) or on BullMQ
 * workers (Redis-backed), so callers never know which backend they got.
 */

export type JobState = 'queued' | 'running' | 'completed' | 'failed';

export type JobBackend = 'in-process' | 'bullmq';

/** What a handler sees while it runs one attempt of one job. */
export interface JobContext {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  /** 1 for the first run; higher when the job is re-run after an interruption (crash, shutdown). */
  attempt: number;
  /** Aborted when the process shuts down past its deadline: stop early, the job will be handed back. */
  signal: AbortSignal;
  /**
   * Records progress (a fraction 0..1, clamped) and an optional human-readable message. Writes are
   * throttled, so handlers may call this as often as they like.
   */
  reportProgress(fraction: number, message?: string): Promise<void>;
}

/** A handler's resolved object becomes the job's `result`; throwing fails the job (no automatic retry). */
export type JobHandler = (ctx: JobContext) => Promise<Record<string, unknown> | void>;

/** The wire shape of a job; times are RFC 3339 with `Z`. */
export interface JobView {
  id: string;
  type: string;
  state: JobState;
  /** 0..1 */
  progress: number;
  message: string | null;
  payload: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  /** How many times execution started (a re-run after an interruption counts again). */
  attempts: number;
  backend: JobBackend;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface JobQueue {
  readonly backend: JobBackend;
  /**
   * Registers the handler for a job type. Call it in every process before `startProcessing`,
   * enqueue-only processes included: the registered types are what `enqueue` accepts.
   * A duplicate type throws.
   */
  register(type: string, handler: JobHandler): void;
  types(): string[];
  /** Accepts a job for later execution; an unregistered type throws `UnknownJobTypeError`. */
  enqueue(type: string, payload?: Record<string, unknown>): Promise<JobView>;
  get(id: string): Promise<JobView | undefined>;
  /** Begins executing jobs in this process (including ones left queued or interrupted earlier). */
  startProcessing(): Promise<void>;
  /**
   * Stops taking new jobs, waits up to `timeoutMs` for running ones, aborts their signal at the
   * deadline (handlers that stop are handed back to the queue), and releases connections.
   */
  close(timeoutMs: number): Promise<void>;
  /** Round-trips the backing store where it is a separate service (Redis); milliseconds. */
  ping?(): Promise<number>;
}

export class UnknownJobTypeError extends Error {
  override name = 'UnknownJobTypeError';
  constructor(
    readonly type: string,
    readonly known: string[],
  ) {
    super(`unknown job type "${type}"; known types: ${known.length ? known.join(', ') : '(none registered)'}`);
  }
}

/** Thrown by `enqueue` after `close`: the queue no longer accepts work. */
export class JobQueueClosedError extends Error {
  override name = 'JobQueueClosedError';
  constructor() {
    super('the job queue is closed and accepts no new jobs');
  }
}

/** The queue's backing service (Redis) cannot be reached; the caller may retry later (HTTP 503). */
export class JobQueueUnavailableError extends Error {
  override name = 'JobQueueUnavailableError';
}

/** Epoch milliseconds to RFC 3339 with `Z`, as every JobView time is written. */
export function iso(ms: number | null | undefined): string | null {
  return ms == null ? null : new Date(ms).toISOString();
}

/** The text a failed job records for whatever its handler threw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return typeof err === 'string' ? err : JSON.stringify(err) ?? String(err);
}
