import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { BullmqJobQueue } from './bullmq-queue.js';
import { UnknownJobTypeError, type JobView } from './job-queue.js';

const REDIS_URL = process.env.REDIS_URL;

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, deadlineMs = 5000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last = await read();
  while (!check(last)) {
    if (Date.now() > end) throw new Error(`condition not met before deadline; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 10));
    last = await read();
  }
  return last;
}

const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.skipIf(!REDIS_URL)('BullmqJobQueue', () => {
  const logger = createLogger('silent');
  const queues: BullmqJobQueue[] = [];
  const prefixes: string[] = [];

  function newQueue(prefix: string): BullmqJobQueue {
    const q = new BullmqJobQueue({ redisUrl: REDIS_URL!, prefix, logger });
    queues.push(q);
    return q;
  }

  function newPrefix(): string {
    const prefix = `test-${randomUUID()}`;
    prefixes.push(prefix);
    return prefix;
  }

  const finished = (q: BullmqJobQueue, id: string) =>
    until(
      () => q.get(id),
      (v) => v?.state === 'completed' || v?.state === 'failed',
    ) as Promise<JobView>;

  afterEach(async () => {
    for (const q of queues.splice(0)) await q.close(1000);
    // Delete every key the test wrote, by its unique prefix.
    const redis = new Redis(REDIS_URL!);
    try {
      for (const prefix of prefixes.splice(0)) {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
        expect(await redis.keys(`${prefix}:*`)).toEqual([]);
      }
    } finally {
      await redis.quit();
    }
  });

  it('runs a job with progress and records its result', async () => {
    const q = newQueue(newPrefix());
    const release = gate();
    q.register('sum', async (ctx) => {
      await ctx.reportProgress(0.5, 'halfway');
      await release.promise;
      const { a, b } = ctx.payload as { a: number; b: number };
      return { sum: a + b, attempt: ctx.attempt };
    });
    await q.startProcessing();

    const queued = await q.enqueue('sum', { a: 2, b: 3 });
    expect(queued).toMatchObject({ state: 'queued', type: 'sum', payload: { a: 2, b: 3 }, progress: 0, backend: 'bullmq' });
    expect(queued.created_at).toMatch(RFC3339_Z);

    const running = await until(
      () => q.get(queued.id),
      (v) => v?.state === 'running' && v.progress === 0.5,
    );
    expect(running).toMatchObject({ message: 'halfway', attempts: 1, finished_at: null, result: null });
    expect(running!.started_at).toMatch(RFC3339_Z);

    release.open();
    const done = await finished(q, queued.id);
    expect(done).toMatchObject({ state: 'completed', progress: 1, message: 'halfway', result: { sum: 5, attempt: 1 }, error: null, attempts: 1 });
    expect(done.finished_at).toMatch(RFC3339_Z);
    expect(await q.ping()).toBeGreaterThanOrEqual(0);
  });

  it('records the error of a failing handler without retrying', async () => {
    const q = newQueue(newPrefix());
    let calls = 0;
    q.register('explode', async () => {
      calls++;
      throw new Error('disk on fire');
    });
    await q.startProcessing();
    const job = await q.enqueue('explode', {});
    expect(await finished(q, job.id)).toMatchObject({ state: 'failed', error: 'disk on fire', result: null, attempts: 1 });
    expect(calls).toBe(1);
  });

  it('keeps jobs enqueued while no worker runs and runs them when a fresh worker starts', async () => {
    const prefix = newPrefix();
    const producer = newQueue(prefix);
    producer.register('report', async () => {
      throw new Error('an enqueue-only process must never run jobs');
    });
    const job = await producer.enqueue('report', { host: 'h1' });
    expect((await producer.get(job.id))!.state).toBe('queued');
    await producer.close(1000);

    const worker = newQueue(prefix); // new connections, as after a restart
    worker.register('report', async (ctx) => ({ host: ctx.payload.host, attempt: ctx.attempt }));
    expect((await worker.get(job.id))!.state).toBe('queued');
    await worker.startProcessing();
    expect(await finished(worker, job.id)).toMatchObject({ state: 'completed', result: { host: 'h1', attempt: 1 } });
  });

  it('hands a job aborted at the close deadline back to the queue for the next worker', async () => {
    const prefix = newPrefix();
    const first = newQueue(prefix);
    const started = gate();
    first.register('endless', async (ctx) => {
      started.open();
      await new Promise<void>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    await first.startProcessing();
    const job = await first.enqueue('endless');
    await started.promise;
    await first.close(20);

    const second = newQueue(prefix);
    expect((await second.get(job.id))!.state).toBe('queued');
    second.register('endless', async (ctx) => ({ resumed: ctx.attempt }));
    await second.startProcessing();
    expect(await finished(second, job.id)).toMatchObject({ state: 'completed', attempts: 2, result: { resumed: 2 } });
  });

  it('rejects unknown job types and answers undefined for unknown ids', async () => {
    const q = newQueue(newPrefix());
    q.register('known', async () => {});
    await expect(q.enqueue('mystery')).rejects.toBeInstanceOf(UnknownJobTypeError);
    expect(await q.get(randomUUID())).toBeUndefined();
  });
});
