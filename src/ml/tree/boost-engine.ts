import { MLInputError, WorkerPool } from '../core/index.js';
import { BoostCore, mergeAnswers, type ArenaLayout, type CoreMessage, type CoreShared } from './boost-core.js';
import { PAGE, sharedMemory, type WasmMemory } from './wasm-kernels.js';
import { workerEntry } from '../core/worker-url.js';

/**
 * The main thread's handle on boosted-tree training threads: histogram slots (one buffer per
 * node whose histogram is alive, in the kernels' shared memory) and one call per message,
 * answered by every thread and merged.
 */
export interface BoostEngine {
  allocSlot(): number;
  freeSlot(slot: number): void;
  run(msg: CoreMessage): Promise<Float64Array>;
  close(): Promise<void>;
}

const ALIGN = 64;
const align = (x: number) => Math.ceil(x / ALIGN) * ALIGN;

/**
 * Lays out bins, gradients and every thread's row arrays in a new shared memory, reserving room
 * for `maxSlots` histograms of `slotBytes` above them (the memory grows into it as trees need).
 */
export function createArena(n: number, cols: number, outputs: number, threads: number, slotBytes: number, maxSlots: number): { memory: WasmMemory; layout: ArenaLayout } {
  let top = ALIGN;
  const take = (bytes: number) => {
    const at = top;
    top = align(top + bytes);
    return at;
  };
  const bins = take(n * cols);
  const gh = take(16 * n * outputs);
  const perThread = Array.from({ length: threads }, () => ({ rows: take(4 * n), scratch: take(4 * n), ordered: take(16 * n) }));
  // 32-bit WebAssembly addresses 4 GiB: bins (1 byte per value) and 16 bytes per row and output.
  if (top + 2 * align(slotBytes) > 2 ** 32) throw new MLInputError(`boosted trees: ${n} rows × ${cols} features need ${Math.ceil(top / 2 ** 20)} MiB of training memory, more than the 4 GiB limit; subsample rows or use fewer threads`);
  const memory = sharedMemory(top, top + align(slotBytes) * (maxSlots + 1));
  return { memory, layout: { bins, gh, threads: perThread, top, maxPages: memory.maxPages } };
}

/** Histogram buffers by id, reused through a free list; new ones are carved above the arena's top. */
abstract class SlotPool {
  private readonly free: number[] = [];
  private next = 0;
  private top: number;
  protected readonly slotBytes: number;

  constructor(protected readonly shared: CoreShared) {
    this.top = align(shared.layout.top);
    this.slotBytes = align(shared.offsets[shared.offsets.length - 1] * 16);
  }

  allocSlot(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const id = this.next++;
    const off = this.top;
    this.top += this.slotBytes;
    const { memory } = this.shared;
    const have = memory.buffer.byteLength;
    if (this.top > have) {
      // Grow by at least a quarter (within the reservation) so deep trees grow the memory rarely.
      const need = Math.ceil((this.top - have) / PAGE);
      const spare = this.shared.layout.maxPages - have / PAGE;
      memory.grow(Math.max(need, Math.min(spare, Math.ceil(have / 4 / PAGE))));
    }
    this.created(id, off);
    return id;
  }

  freeSlot(slot: number): void {
    this.free.push(slot);
  }

  protected abstract created(id: number, off: number): void;
}

/** One thread: the calling one. */
export class LocalBoostEngine extends SlotPool implements BoostEngine {
  private readonly core: BoostCore;

  constructor(shared: CoreShared) {
    super(shared);
    this.core = new BoostCore(shared, 0);
  }

  protected created(id: number, off: number): void {
    this.core.addSlot(id, off);
  }

  run(msg: CoreMessage): Promise<Float64Array> {
    Atomics.store(this.shared.barrier, 3, 0);
    return Promise.resolve(mergeAnswers(msg, [this.core.handle(msg)]));
  }

  async close(): Promise<void> {}
}

/** Worker threads over the shared memory; new histogram slots travel with the next message. */
export class WorkerBoostEngine extends SlotPool implements BoostEngine {
  private unsent: [number, number][] = [];
  private closed = false;

  private constructor(
    private readonly pool: WorkerPool,
    shared: CoreShared,
  ) {
    super(shared);
  }

  /** Threads to start early (they boot while the data is binned); attach() hands them the data. */
  static startPool(threads: number): WorkerPool {
    return new WorkerPool(workerEntry(new URL('./tree-worker.ts', import.meta.url)), threads);
  }

  static async attach(pool: WorkerPool, shared: CoreShared): Promise<WorkerBoostEngine> {
    const engine = new WorkerBoostEngine(pool, shared);
    try {
      await Promise.all(Array.from({ length: pool.size }, (_, i) => pool.runOn(i, { type: 'boost-setup', shared, index: i })));
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  protected created(id: number, off: number): void {
    this.unsent.push([id, off]);
  }

  async run(msg: CoreMessage): Promise<Float64Array> {
    const newSlots = this.unsent;
    this.unsent = [];
    // The threads take feature groups from a shared counter, so a thread held up by the
    // operating system does not hold up the level: the other takes more groups.
    Atomics.store(this.shared.barrier, 3, 0);
    const parts = await Promise.all(Array.from({ length: this.pool.size }, (_, i) => this.pool.runOn<Float64Array>(i, { type: 'boost', msg, newSlots })));
    return mergeAnswers(msg, parts);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Threads waiting at the barrier for a thread that failed give up instead of waiting forever.
    Atomics.store(this.shared.barrier, 2, 1);
    Atomics.notify(this.shared.barrier, 1);
    await this.pool.close();
  }
}
