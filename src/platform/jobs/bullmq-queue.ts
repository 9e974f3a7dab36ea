import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job, type JobState as BullState } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../logger.js';
import { HandlerRegistry } from './handler-registry.js';
import {
  JobQueueClosedError,
  JobQueueUnavailableError,
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

export interface BullmqJobQueueOptions {
  redisUrl: string;
  /** Key prefix in Redis, so several engines (or test runs) can share one server. */
  prefix: string;
  queueName?: string;
  /** Jobs one worker process executes at the same time (default 1). */
  concurrency?: number;
  /** Starts allowed for a job interrupted by crashes or shutdowns before it is failed (default 3). */
  maxAttempts?: number;
  /** Fewest milliseconds between two progress writes of one job (default 250). */
  progressIntervalMs?: number;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

type Payload = Record<string, unknown>;
type Result = Record<string, unknown> | null;
interface Progress {
  fraction: number;
  message: string | null;
}

const KEEP_FINISHED_S = 7 * 24 * 3600;
/** How long a request waits for a (re)connecting Redis before it is told the queue is unavailable. */
const READY_WAIT_MS = 2000;

/**
 * Runs jobs on BullMQ queues in Redis, so that API servers and dedicated `worker` processes share
 * one queue. A process that never calls `startProcessing` only enqueues and reads, and opens no
 * worker; jobs wait in Redis until some worker starts, which is how queued jobs survive restarts.
 * A worker that dies mid-job leaves it `active` with an expiring lock; BullMQ's stalled check puts
 * it back in the wait list (up to `maxAttempts` starts), like the in-process backend's recovery.
 */
export class BullmqJobQueue implements JobQueue {
  readonly backend = 'bullmq' as const;
  private readonly registry = new HandlerRegistry();
  private readonly logger: Pick<Logger, 'warn' | 'error'>;
  private readonly opts: Required<Omit<BullmqJobQueueOptions, 'logger'>>;
  /** Commands from this process (enqueue, get, ping); fails fast so an HTTP request never hangs. */
  private readonly connection: Redis;
  private readonly queue: Queue<Payload, Result, string>;
  private worker: Worker<Payload, Result, string> | undefined;
  /** The worker's own connection: BullMQ requires unlimited retries for its blocking commands. */
  private workerConnection: Redis | undefined;
  private handingBack = false;
  /** Set when shutdown gives up on a clean stop, so that every connection ends at its next retry. */
  private stopReconnecting = false;
  /**
   * Shared by our connections and the ones BullMQ duplicates from them. Returning null ends a
   * connection that is retrying: BullMQ's close waits for an 'end' event that an unreachable Redis
   * would otherwise never produce, keeping timers (and the process) alive.
   */
  private readonly retryStrategy = (times: number): number | null =>
    this.stopReconnecting ? null : Math.min(times * 200, 2000);
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly lastLogged = new Map<string, number>();

  constructor(opts: BullmqJobQueueOptions) {
    this.opts = {
      redisUrl: opts.redisUrl,
      prefix: opts.prefix,
      queueName: opts.queueName ?? 'novacron-jobs',
      concurrency: positiveInteger(opts.concurrency ?? 1, 'concurrency'),
      maxAttempts: positiveInteger(opts.maxAttempts ?? 3, 'maxAttempts'),
      progressIntervalMs: opts.progressIntervalMs ?? 250,
    };
    this.logger = opts.logger ?? createLogger('warn', 'novacron-jobs');
    this.connection = new Redis(this.opts.redisUrl, { maxRetriesPerRequest: 3, retryStrategy: this.retryStrategy });
    this.connection.on('error', (err) => this.logConnectionError('queue connection', err));
    this.queue = new Queue<Payload, Result, string>(this.opts.queueName, {
      connection: this.connection,
      prefix: this.opts.prefix,
      defaultJobOptions: {
        // Handlers decide about retries; an interruption is recovered by the stalled check instead.
        attempts: 1,
        // Keep finished jobs a week so clients can read outcomes; Redis memory stays bounded.
        removeOnComplete: { age: KEEP_FINISHED_S },
        removeOnFail: { age: KEEP_FINISHED_S },
      },
    });
    this.queue.on('error', (err) => this.logConnectionError('queue', err));
  }

  register(type: string, handler: JobHandler): void {
    this.registry.register(type, handler);
  }

  types(): string[] {
    return this.registry.types();
  }

  async enqueue(type: string, payload: Payload = {}): Promise<JobView> {
    if (this.closing) throw new JobQueueClosedError();
    this.registry.check(type);
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new TypeError('job payload must be a JSON object');
    }
    await this.connected();
    const job = await this.queue.add(type, payload, { jobId: randomUUID() });
    return this.view(job, 'waiting');
  }

  async get(id: string): Promise<JobView | undefined> {
    // State first, then the job: a finished state never changes, so the job read after it always
    // carries the result (the other order can pair "completed" with a hash read mid-run).
    await this.connected();
    const state = await this.queue.getJobState(id);
    if (state === 'unknown') return undefined;
    const job = await this.queue.getJob(id);
    return job ? this.view(job, state) : undefined;
  }

  /** Creates the worker; it connects in the background and retries while Redis is unreachable. */
  async startProcessing(): Promise<void> {
    if (this.worker || this.closing) return;
    this.registry.seal();
    this.workerConnection = new Redis(this.opts.redisUrl, { maxRetriesPerRequest: null, retryStrategy: this.retryStrategy });
    this.workerConnection.on('error', (err) => this.logConnectionError('worker connection', err));
    const { maxAttempts } = this.opts;
    this.worker = new Worker<Payload, Result, string>(
      this.opts.queueName,
      // Three declared parameters: BullMQ passes the abort signal only to processors that take it.
      (job, token, signal) => this.process(job, token, signal),
      {
        connection: this.workerConnection,
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency,
        maxStalledCount: maxAttempts - 1,
        maxStartedAttempts: maxAttempts,
      },
    );
    this.worker.on('error', (err) => this.logConnectionError('worker', err));
    this.worker.on('failed', (job, err) => {
      this.logger.warn({ jobId: job?.id, type: job?.name, err }, 'job failed');
    });
    // Not awaited: with Redis down, start-up goes on (readiness reports it) and the worker
    // connects when Redis comes back.
  }

  /** Round-trips Redis; resolves to the latency in milliseconds. */
  async ping(): Promise<number> {
    await this.connected();
    const t = performance.now();
    await this.connection.ping();
    return performance.now() - t;
  }

  close(timeoutMs: number): Promise<void> {
    this.closed ??= this.shutdown(timeoutMs);
    return this.closed;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (worker) {
      // Stops fetching and resolves when the jobs in hand have finished.
      const stopped = worker.close();
      stopped.catch((err: unknown) => this.logConnectionError('worker close', err));
      if (!(await settlesWithin(stopped, timeoutMs))) {
        this.handingBack = true;
        worker.cancelAllJobs(new ShutdownAbortError().message);
        if (!(await settlesWithin(stopped, ABORT_GRACE_MS))) {
          // A handler ignored its signal, or Redis is unreachable (BullMQ's close then waits for
          // it without limit). Leave the worker to finish closing on its own once its connections
          // end; a job it still holds loses its lock and the next worker's stalled check puts it
          // back in the wait list.
          this.stopReconnecting = true;
          this.logger.warn({}, 'job worker did not stop in time; its jobs will be recovered by the next worker');
        }
      }
    }
    await settlesWithin(
      this.queue.close().catch((err: unknown) => this.logConnectionError('queue close', err)),
      ABORT_GRACE_MS,
    );
    this.stopReconnecting = true; // nothing of ours may retry after close
    await Promise.all([quit(this.connection), this.workerConnection ? quit(this.workerConnection) : undefined]);
  }

  /**
   * BullMQ waits for a connection without limit before it sends a command, so with Redis down an
   * enqueue would hang (and might add the job long after its caller gave up). Wait briefly for a
   * reconnect, then fail clearly instead.
   */
  private async connected(): Promise<void> {
    const conn = this.connection;
    if (conn.status === 'ready') return;
    if (this.closing) throw new JobQueueClosedError();
    const ready = await new Promise<boolean>((resolve) => {
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), READY_WAIT_MS);
      function done(ok: boolean) {
        clearTimeout(timer);
        conn.off('ready', onReady);
        resolve(ok);
      }
      conn.on('ready', onReady);
    });
    if (!ready) throw new JobQueueUnavailableError(`job queue unavailable: Redis is not reachable (${conn.status})`);
  }

  private async process(job: Job<Payload, Result, string>, token: string | undefined, signal: AbortSignal | undefined): Promise<Result> {
    const handler = this.registry.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler registered for job type "${job.name}"`);
    const throttle = new ProgressThrottle((fraction, message) => job.updateProgress({ fraction, message }), {
      intervalMs: this.opts.progressIntervalMs,
      onError: (err) => this.logger.warn({ err, jobId: job.id }, 'could not record job progress'),
    });
    const ctx: JobContext = {
      id: job.id!,
      type: job.name,
      payload: job.data ?? {},
      attempt: Math.max(1, job.attemptsStarted ?? job.attemptsMade + 1),
      signal: signal ?? new AbortController().signal,
      reportProgress: (fraction, message) => throttle.report(fraction, message),
    };
    let result: Record<string, unknown> | void;
    try {
      result = await handler(ctx);
    } catch (err) {
      await throttle.flush();
      await throttle.stop();
      if (this.handingBack && signal?.aborted && token) {
        // Stopped by our shutdown, not by its own fault: back to the wait list for the next worker.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      throw err instanceof Error ? err : new Error(errorMessage(err));
    }
    await throttle.stop();
    // The final progress write is exempt from the throttle; progress is advisory, so a failed
    // write leaves the outcome alone.
    await job
      .updateProgress({ fraction: 1, message: throttle.message })
      .catch((err: unknown) => this.logger.warn({ err, jobId: job.id }, 'could not record job progress'));
    return result ?? null;
  }

  private view(job: Job<Payload, Result, string>, state: BullState): JobView {
    const progress = readProgress(job.progress);
    const mapped = mapState(state);
    return {
      id: job.id!,
      type: job.name,
      state: mapped,
      progress: progress.fraction,
      message: progress.message,
      payload: job.data ?? {},
      result: mapped === 'completed' ? (job.returnvalue ?? null) : null,
      error: mapped === 'failed' ? job.failedReason || 'failed' : null,
      attempts: job.attemptsStarted ?? 0,
      backend: this.backend,
      created_at: iso(job.timestamp)!,
      started_at: iso(job.processedOn),
      finished_at: mapped === 'completed' || mapped === 'failed' ? iso(job.finishedOn) : null,
    };
  }

  /** Redis errors repeat on every reconnect attempt; log each distinct one at most every 10 s. */
  private logConnectionError(source: string, err: unknown): void {
    const key = `${source}:${errorMessage(err)}`;
    const now = Date.now();
    if (now - (this.lastLogged.get(key) ?? -Infinity) < 10_000) return;
    this.lastLogged.set(key, now);
    if (this.lastLogged.size > 100) this.lastLogged.clear();
    this.logger.warn({ err, source }, 'redis error in job queue');
  }
}

function mapState(state: BullState): JobState {
  switch (state) {
    case 'active':
      return 'running';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    default:
      return 'queued'; // waiting, delayed, prioritized, waiting-children
  }
}

function readProgress(raw: unknown): Progress {
  if (typeof raw === 'number') return { fraction: raw, message: null };
  if (raw && typeof raw === 'object') {
    const p = raw as { fraction?: unknown; message?: unknown };
    return {
      fraction: typeof p.fraction === 'number' ? p.fraction : 0,
      message: typeof p.message === 'string' ? p.message : null,
    };
  }
  return { fraction: 0, message: null };
}

async function quit(client: Redis): Promise<void> {
  try {
    if (client.status === 'end') return;
    // quit waits for replies in flight; a connection that is down cannot answer, so just drop it.
    if (client.status === 'ready') await client.quit();
    else client.disconnect();
  } catch {
    client.disconnect();
  }
}

function positiveInteger(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}
