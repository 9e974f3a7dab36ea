import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openDatabase, type Database } from '../database/connection.js';
import { migrateToLatest } from '../database/migrator.js';
import { JobRepository } from '../store/job-repository.js';
import { InProcessJobQueue } from './in-process-queue.js';
import { JobQueueClosedError, UnknownJobTypeError, type JobView } from './job-queue.js';

/** A promise the test resolves by hand, to hold a handler at a known point. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** Polls until `check` holds, failing with the last value seen after a deadline. */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, deadlineMs = 3000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last = await read();
  while (!check(last)) {
    if (Date.now() > end) throw new Error(`condition not met before deadline; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 5));
    last = await read();
  }
  return last;
}

const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('InProcessJobQueue', () => {
  let dir: string;
  let database: Database;
  let jobs: JobRepository;
  const queues: InProcessJobQueue[] = [];

  function newQueue(opts: ConstructorParameters<typeof InProcessJobQueue>[1] = {}): InProcessJobQueue {
    const q = new InProcessJobQueue({ jobs }, opts);
    queues.push(q);
    return q;
  }

  const finished = (q: InProcessJobQueue, id: string) =>
    until(
      () => q.get(id),
      (v) => v?.state === 'completed' || v?.state === 'failed',
    ) as Promise<JobView>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novacron-jobs-'));
    database = await openDatabase(loadConfig({ NOVACRON_DATA_DIR: dir }));
    await migrateToLatest(database.db, database.dialect);
    jobs = new JobRepository(database);
  });

  afterEach(async () => {
    for (const q of queues.splice(0)) await q.close(100);
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a job to completion, reporting progress and recording its result', async () => {
    const q = newQueue();
    const release = gate();
    q.register('sum', async (ctx) => {
      await ctx.reportProgress(0.25, 'loading');
      await release.promise;
      const { a, b } = ctx.payload as { a: number; b: number };
      return { sum: a + b, attempt: ctx.attempt };
    });
    await q.startProcessing();

    const queued = await q.enqueue('sum', { a: 1, b: 2 });
    expect(queued).toMatchObject({ state: 'queued', type: 'sum', payload: { a: 1, b: 2 }, progress: 0, result: null, attempts: 0, backend: 'in-process' });
    expect(queued.created_at).toMatch(RFC3339_Z);

    const running = await until(
      () => q.get(queued.id),
      (v) => v?.state === 'running' && v.progress === 0.25,
    );
    expect(running).toMatchObject({ message: 'loading', attempts: 1, finished_at: null });
    expect(running!.started_at).toMatch(RFC3339_Z);
    expect((await jobs.get(queued.id))!.progress).toBe(0.25); // the first report is written at once

    release.open();
    const done = await finished(q, queued.id);
    expect(done).toMatchObject({ state: 'completed', progress: 1, result: { sum: 3, attempt: 1 }, error: null, attempts: 1 });
    expect(done.finished_at).toMatch(RFC3339_Z);
    expect(Date.parse(done.finished_at!)).toBeGreaterThanOrEqual(Date.parse(done.started_at!));
    const row = await jobs.get(queued.id);
    expect(row).toMatchObject({ state: 'completed', progress: 1, attempts: 1 });
    expect(JSON.parse(row!.result!)).toEqual({ sum: 3, attempt: 1 });
  });

  it('records the error of a failing handler and does not retry it', async () => {
    const q = newQueue();
    let calls = 0;
    q.register('explode', async (ctx) => {
      calls++;
      await ctx.reportProgress(0.4);
      throw new Error('disk on fire');
    });
    await q.startProcessing();
    const job = await q.enqueue('explode');
    const done = await finished(q, job.id);
    expect(done).toMatchObject({ state: 'failed', error: 'disk on fire', result: null, attempts: 1, progress: 0.4 });
    expect(done.finished_at).toMatch(RFC3339_Z);
    expect(calls).toBe(1);
  });

  it('runs jobs first in, first out, one at a time with concurrency 1', async () => {
    const q = newQueue({ concurrency: 1 });
    const order: number[] = [];
    let active = 0;
    let maxActive = 0;
    q.register('step', async (ctx) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setImmediate(r));
      order.push(ctx.payload.n as number);
      active--;
    });
    await q.startProcessing();
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) ids.push((await q.enqueue('step', { n })).id);
    for (const id of ids) expect((await finished(q, id)).state).toBe('completed');
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxActive).toBe(1);
  });

  it('runs up to `concurrency` jobs at once and keeps the rest queued', async () => {
    const q = newQueue({ concurrency: 2 });
    const release = gate();
    q.register('hold', async () => {
      await release.promise;
    });
    await q.startProcessing();
    const [a, b, c] = [await q.enqueue('hold'), await q.enqueue('hold'), await q.enqueue('hold')];
    await until(() => q.get(b.id), (v) => v?.state === 'running');
    expect((await q.get(a.id))!.state).toBe('running');
    expect((await q.get(c.id))!.state).toBe('queued');
    release.open();
    for (const job of [a, b, c]) expect((await finished(q, job.id)).state).toBe('completed');
  });

  it('on start, runs queued jobs and re-runs or gives up on jobs a crash left running', async () => {
    const base = Date.now() - 60_000;
    const row = (id: string, state: string, attempts: number, created: number) => ({
      id,
      type: 'train',
      state,
      progress: state === 'running' ? 0.5 : 0,
      payload: JSON.stringify({ name: id }),
      result: null,
      error: null,
      attempts,
      created_at: created,
      started_at: state === 'running' ? created + 1 : null,
      finished_at: null,
    });
    await jobs.insert(row('interrupted', 'running', 1, base));
    await jobs.insert(row('waiting', 'queued', 0, base + 1));
    await jobs.insert(row('hopeless', 'running', 3, base + 2));

    const q = newQueue({ maxAttempts: 3 });
    const ran: Array<{ name: unknown; attempt: number }> = [];
    q.register('train', async (ctx) => {
      ran.push({ name: ctx.payload.name, attempt: ctx.attempt });
      return { ok: true };
    });
    await q.startProcessing();

    const interrupted = await finished(q, 'interrupted');
    const waiting = await finished(q, 'waiting');
    const hopeless = await finished(q, 'hopeless');
    expect(interrupted).toMatchObject({ state: 'completed', attempts: 2, result: { ok: true } });
    expect(waiting).toMatchObject({ state: 'completed', attempts: 1 });
    expect(hopeless).toMatchObject({ state: 'failed', attempts: 3, error: 'interrupted by restart; gave up after 3 attempts' });
    expect(ran).toEqual([
      { name: 'interrupted', attempt: 2 },
      { name: 'waiting', attempt: 1 },
    ]);
  });

  it('keeps jobs enqueued before processing starts and runs them when it does', async () => {
    const producer = newQueue();
    producer.register('noop', async () => ({ done: true }));
    const job = await producer.enqueue('noop');
    await producer.close(100);
    expect((await jobs.get(job.id))!.state).toBe('queued');

    const worker = newQueue();
    worker.register('noop', async () => ({ done: true }));
    await worker.startProcessing();
    expect(await finished(worker, job.id)).toMatchObject({ state: 'completed', result: { done: true } });
  });

  it('close waits for a running job to finish and then refuses new work', async () => {
    const q = newQueue();
    const started = gate();
    const release = gate();
    q.register('slow', async () => {
      started.open();
      await release.promise;
      return { finished: true };
    });
    await q.startProcessing();
    const job = await q.enqueue('slow');
    await started.promise;

    let closed = false;
    const closing = q.close(10_000).then(() => (closed = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    await expect(q.enqueue('slow')).rejects.toBeInstanceOf(JobQueueClosedError);

    release.open();
    await closing;
    const row = await jobs.get(job.id);
    expect(row).toMatchObject({ state: 'completed' });
    expect(JSON.parse(row!.result!)).toEqual({ finished: true });
  });

  it('aborts a job still running at the close deadline and hands it back for the next start', async () => {
    const q = newQueue();
    const started = gate();
    let sawAbort = false;
    q.register('endless', async (ctx) => {
      if (ctx.attempt > 1) return { resumed: ctx.attempt };
      started.open();
      await new Promise<void>((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(ctx.signal.reason);
        }),
      );
    });
    await q.startProcessing();
    const job = await q.enqueue('endless');
    await started.promise;
    await q.close(20);
    expect(sawAbort).toBe(true);
    expect(await jobs.get(job.id)).toMatchObject({ state: 'queued', attempts: 1, error: null });

    const next = newQueue();
    next.register('endless', async (ctx) => ({ resumed: ctx.attempt }));
    await next.startProcessing();
    expect(await finished(next, job.id)).toMatchObject({ state: 'completed', attempts: 2, result: { resumed: 2 } });
  });

  it('rejects unknown and duplicate job types', async () => {
    const q = newQueue();
    q.register('known', async () => {});
    expect(() => q.register('known', async () => {})).toThrow(/already registered/);
    await expect(q.enqueue('mystery')).rejects.toBeInstanceOf(UnknownJobTypeError);
    await expect(q.enqueue('mystery')).rejects.toThrow(/unknown job type "mystery"; known types: known/);
    expect(q.types()).toEqual(['known']);
    expect(await q.get(randomUUID())).toBeUndefined();
  });
});
