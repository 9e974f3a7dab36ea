import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { JobRepository, JobRow } from '../store/job-repository.js';
import { fromJson, toJson } from '../store/json-column.js';
import { HandlerRegistry } from './handler-registry.js';
import {
  JobQueueClosedError,
  errorMessage,
  iso,
  type JobContext,
  type JobHandler,
  type JobQueue,
  type JobState,
  type JobView,
} from './job-queue.js';
import { ProgressThrottle } from './progress-throttle.js';
import { ABORT_GRACE_MS, ShutdownAbortError, settlesWithin } from './shutdown.js';

export interface InProcessJobQueueOptions {
  /** Jobs executed at the same time (default 1: training is heavy, and order is then strict FIFO). */
  concurrency?: number;
  /** Starts allowed for a job interrupted by restarts before it is failed (default 3). */
  maxAttempts?: number;
  /** Fewest milliseconds between two progress writes of one job (default 250). */
  progressIntervalMs?: number;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

interface Pending {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  /** Starts so far; this run will be number `attempts + 1`. */
  attempts: number;
}

interface Running {
  controller: AbortController;
  throttle: ProgressThrottle;
  /** Set at shutdown: the handler was aborted and its outcome must hand the job back. */
  aborted: boolean;
  /** Set once the abort grace has passed: this process writes nothing more for the job. */
  abandoned: boolean;
  done: Promise<void>;
}

/**
 * Runs jobs inside this process, keeping their state in the `jobs` table so that a restart loses
 * nothing: queued jobs run on the next start, and jobs a crash left `running` are re-queued (or,
 * after `maxAttempts` starts, failed). It assumes one processing engine per database; several
 * engines sharing work need Redis and the BullMQ backend.
 *
 * Progress messages are kept in memory only, beside the running job: the table has no column for
 * them, they describe work in progress, and a finished job reports its `result` or `error` instead.
 * So `message` is non-null only while the job runs in this process.
 */
export class InProcessJobQueue implements JobQueue {
  readonly backend = 'in-process' as const;
  private readonly registry = new HandlerRegistry();
  private readonly jobs: JobRepository;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly progressIntervalMs: number;
  private readonly logger: Pick<Logger, 'warn' | 'error'> | undefined;
  private readonly pending: Pending[] = [];
  private readonly known = new Set<string>(); // ids pending or running, so a job is never taken twice
  private readonly running = new Map<string, Running>();
  private started = false;
  private ready = false;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(store: { jobs: JobRepository }, opts: InProcessJobQueueOptions = {}) {
    this.jobs = store.jobs;
    this.concurrency = positiveInteger(opts.concurrency ?? 1, 'concurrency');
    this.maxAttempts = positiveInteger(opts.maxAttempts ?? 3, 'maxAttempts');
    this.progressIntervalMs = opts.progressIntervalMs ?? 250;
    this.logger = opts.logger;
  }

  register(type: string, handler: JobHandler): void {
    this.registry.register(type, handler);
  }

  types(): string[] {
    return this.registry.types();
  }

  async enqueue(type: string, payload: Record<string, unknown> = {}): Promise<JobView> {
    if (this.closing) throw new JobQueueClosedError();
    this.registry.check(type);
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new TypeError('job payload must be a JSON object');
    }
    const row: JobRow = {
      id: randomUUID(),
      type,
      state: 'queued',
      progress: 0,
      payload: toJson(payload),
      result: null,
      error: null,
      attempts: 0,
      created_at: Date.now(),
      started_at: null,
      finished_at: null,
    };
    // The row is written before the job is taken, so accepted work survives a crash from here on.
    await this.jobs.insert(row);
    // Before processing starts, the row alone is the queue: startProcessing reads it back.
    if (this.started) this.accept({ id: row.id, type, payload: fromJson(row.payload, {}), attempts: 0 });
    return this.view(row);
  }

  async get(id: string): Promise<JobView | undefined> {
    const row = await this.jobs.get(id);
    return row ? this.view(row) : undefined;
  }

  async startProcessing(): Promise<void> {
    if (this.started || this.closing) return;
    this.started = true;
    this.registry.seal();
    const recovered: Pending[] = [];
    for (const row of await this.jobs.listByState(['running', 'queued'])) {
      if (this.known.has(row.id)) continue;
      if (row.state === 'running') {
        // A previous process died (or was stopped past its deadline) while running this job.
        if (row.attempts >= this.maxAttempts) {
          await this.jobs.update(row.id, {
            state: 'failed',
            error: `interrupted by restart; gave up after ${row.attempts} attempts`,
            finished_at: Date.now(),
          });
          continue;
        }
        await this.jobs.update(row.id, { state: 'queued', progress: 0, started_at: null });
      }
      recovered.push({ id: row.id, type: row.type, payload: fromJson(row.payload, {}), attempts: row.attempts });
      this.known.add(row.id);
    }
    // Jobs recovered from the table are older than any enqueued while we read it: they go first.
    this.pending.unshift(...recovered);
    this.ready = true;
    this.pump();
  }

  close(timeoutMs: number): Promise<void> {
    this.closed ??= this.shutdown(timeoutMs);
    return this.closed;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.closing = true; // pending jobs stay queued in the table for the next start
    const allDone = () => Promise.all([...this.running.values()].map((r) => r.done));
    if (await settlesWithin(allDone(), timeoutMs)) return;
    for (const r of this.running.values()) {
      r.aborted = true;
      r.controller.abort(new ShutdownAbortError());
    }
    if (await settlesWithin(allDone(), ABORT_GRACE_MS)) return;
    // Handlers that ignore their signal are left behind; their rows stay `running`, which the
    // next start treats as an interruption.
    for (const [id, r] of this.running) {
      r.abandoned = true;
      void r.throttle.stop();
      this.logger?.warn({ jobId: id }, 'job still running at shutdown; it will be re-queued on the next start');
    }
  }

  private accept(job: Pending): void {
    if (this.known.has(job.id)) return;
    this.known.add(job.id);
    this.pending.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.ready && !this.closing && this.running.size < this.concurrency && this.pending.length > 0) {
      const job = this.pending.shift()!;
      const entry: Running = {
        controller: new AbortController(),
        throttle: new ProgressThrottle(
          async (progress) => {
            if (!entry.abandoned) await this.jobs.update(job.id, { progress });
          },
          {
            intervalMs: this.progressIntervalMs,
            onError: (err) => this.logger?.warn({ err, jobId: job.id }, 'could not record job progress'),
          },
        ),
        aborted: false,
        abandoned: false,
        done: Promise.resolve(),
      };
      this.running.set(job.id, entry);
      entry.done = this.execute(job, entry)
        .catch((err: unknown) => this.logger?.error({ err, jobId: job.id }, 'could not record job outcome'))
        .finally(() => {
          this.running.delete(job.id);
          this.known.delete(job.id);
          this.pump();
        });
    }
  }

  private async execute(job: Pending, entry: Running): Promise<void> {
    const attempt = job.attempts + 1;
    await this.jobs.update(job.id, {
      state: 'running',
      attempts: attempt,
      progress: 0,
      started_at: Date.now(),
      finished_at: null,
      result: null,
      error: null,
    });
    const handler = this.registry.get(job.type);
    if (!handler) {
      // A job of a type this build no longer has (enqueued by an older version, say).
      await this.finish(job.id, entry, 'failed', { error: `no handler registered for job type "${job.type}"` });
      return;
    }
    const ctx: JobContext = {
      id: job.id,
      type: job.type,
      payload: job.payload,
      attempt,
      signal: entry.controller.signal,
      reportProgress: (fraction, message) => entry.throttle.report(fraction, message),
    };
    let outcome: { ok: true; value: Record<string, unknown> | void } | { ok: false; err: unknown };
    try {
      // The handler starts on a later tick, never inside the caller that queued it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      outcome = { ok: true, value: await handler(ctx) };
    } catch (err) {
      outcome = { ok: false, err };
    }
    if (entry.abandoned) return;
    if (outcome.ok) {
      await this.finish(job.id, entry, 'completed', { progress: 1, result: outcome.value ? toJson(outcome.value) : null });
    } else if (entry.aborted) {
      // Stopped by shutdown, not by its own fault: hand it back so the next start runs it again.
      await entry.throttle.stop();
      await this.jobs.update(job.id, { state: 'queued', progress: 0, started_at: null });
    } else {
      this.logger?.warn({ jobId: job.id, type: job.type, err: outcome.err }, 'job failed');
      await this.finish(job.id, entry, 'failed', { progress: entry.throttle.fraction, error: errorMessage(outcome.err) });
    }
  }

  private async finish(id: string, entry: Running, state: JobState, patch: Partial<JobRow>): Promise<void> {
    await entry.throttle.stop(); // no progress write may land after the final state
    await this.jobs.update(id, { ...patch, state, finished_at: Date.now() });
  }

  private view(row: JobRow): JobView {
    const live = row.state === 'running' ? this.running.get(row.id) : undefined;
    return {
      id: row.id,
      type: row.type,
      state: row.state as JobState,
      // The in-memory value is fresher than the throttled one in the table.
      progress: live ? live.throttle.fraction : Number(row.progress),
      message: live ? live.throttle.message : null,
      payload: fromJson<Record<string, unknown>>(row.payload, {}),
      result: row.result == null ? null : fromJson<Record<string, unknown> | null>(row.result, null),
      error: row.error,
      attempts: Number(row.attempts),
      backend: this.backend,
      created_at: iso(Number(row.created_at))!,
      started_at: iso(row.started_at == null ? null : Number(row.started_at)),
      finished_at: iso(row.finished_at == null ? null : Number(row.finished_at)),
    };
  }
}

function positiveInteger(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}
