import { Worker } from 'node:worker_threads';

interface Pending {
  resolve(inserted: number): void;
  reject(err: Error): void;
}

/**
 * Writes telemetry samples to SQLite on a worker thread, so that parsing and validating the next
 * batch on the main thread overlaps with committing this one. A batch is acknowledged only after
 * the worker has committed it, so durability is the same as writing inline.
 */
export class SqliteSampleWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(path: string) {
    this.worker = new Worker(new URL('./sqlite-writer-worker.mjs', import.meta.url), { workerData: { path } });
    this.worker.on('message', (msg: { id: number; ok: boolean; inserted?: number; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.inserted ?? 0);
      else p.reject(new Error(`sqlite sample writer: ${msg.error}`));
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`sqlite sample writer exited with code ${code}`));
    });
  }

  private send(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  /** Resolves to how many samples were new. The arrays are copied, so callers may reuse theirs. */
  write(seriesIds: Float64Array, timestamps: Float64Array, values: Float64Array): Promise<number> {
    const s = seriesIds.slice();
    const t = timestamps.slice();
    const v = values.slice();
    return this.send({ op: 'write', seriesIds: s.buffer, timestamps: t.buffer, values: v.buffer }, [s.buffer, t.buffer, v.buffer]);
  }

  /** Finishes queued writes (messages are handled in order), closes the connection and the thread. */
  async close(): Promise<void> {
    if (this.failure) return;
    // Listen before asking: the thread may exit before the reply's continuation runs.
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await this.send({ op: 'close' });
    await exited;
  }
}
