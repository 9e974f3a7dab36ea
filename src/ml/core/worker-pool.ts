import os from 'node:os';
import { Worker } from 'node:worker_threads';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Threads a fit may use by default: every core (training is the only heavy work while it runs). */
export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * A fixed set of worker threads running one entry module (which calls `serveWorker`). Messages
 * to one worker are answered in order; data shared with every worker goes in SharedArrayBuffers
 * so it is sent once, not copied per task.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(entry: URL, size: number, init?: unknown) {
    const bootstrap = new URL('./worker-bootstrap.mjs', import.meta.url);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(bootstrap, { workerData: { entry: entry.href, index: i, init } });
      const slot: Slot = { worker, pending: new Map() };
      worker.on('message', (msg: { id: number; ok: boolean; value?: unknown; error?: string }) => {
        const p = slot.pending.get(msg.id);
        if (!p) return;
        slot.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new Error(msg.error));
      });
      const fail = (err: Error) => {
        for (const p of slot.pending.values()) p.reject(err);
        slot.pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (code !== 0 && !this.closed) fail(new Error(`ML worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Sends a task to worker `i`; resolves with its answer. */
  runOn<T>(i: number, message: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
    const slot = this.slots[i % this.slots.length];
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage({ id, message }, transfer);
    });
  }

  /** The same task on every worker. */
  broadcast<T>(message: unknown): Promise<T[]> {
    return Promise.all(this.slots.map((_, i) => this.runOn<T>(i, message)));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** Worker side: answers each task with the handler's result (or its error). */
export async function serveWorker(handler: (message: any, init: unknown) => unknown | Promise<unknown>): Promise<void> {
  const { parentPort, workerData } = await import('node:worker_threads');
  if (!parentPort) throw new Error('serveWorker must run in a worker thread');
  const port = parentPort;
  port.on('message', async ({ id, message }: { id: number; message: unknown }) => {
    try {
      const value = await handler(message, workerData.init);
      port.postMessage({ id, ok: true, value });
    } catch (err) {
      port.postMessage({ id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    }
  });
}
