/** Where progress goes: a database row or a BullMQ job. */
export type ProgressWriter = (fraction: number, message: string | null) => Promise<void>;

export interface ProgressThrottleOptions {
  /** Fewest milliseconds between two writes (default 250). */
  intervalMs?: number;
  /** Receives a failed write; progress is advisory, so a failed write never fails the job. */
  onError?: (err: unknown) => void;
}

/**
 * Handlers report progress from tight loops (every tree, every epoch); writing each report would
 * turn a training run into a database benchmark. This keeps the latest value in memory, writes at
 * most once per interval, and always writes the latest value eventually (a trailing write).
 * Writes are chained so that they land in the order they were made.
 */
export class ProgressThrottle {
  private latestFraction = 0;
  private latestMessage: string | null = null;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly intervalMs: number;
  private readonly onError: (err: unknown) => void;

  constructor(
    private readonly write: ProgressWriter,
    opts: ProgressThrottleOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 250;
    this.onError = opts.onError ?? (() => {});
  }

  get fraction(): number {
    return this.latestFraction;
  }

  get message(): string | null {
    return this.latestMessage;
  }

  /** Records a report; resolves once it is written, or at once when a trailing write will carry it. */
  report(fraction: number, message?: string): Promise<void> {
    if (typeof fraction !== 'number' || Number.isNaN(fraction)) {
      return Promise.reject(new RangeError(`progress must be a number between 0 and 1, got ${String(fraction)}`));
    }
    if (this.stopped) return Promise.resolve();
    this.latestFraction = Math.min(1, Math.max(0, fraction));
    if (message !== undefined) this.latestMessage = message === null ? null : String(message);
    if (this.timer) return Promise.resolve(); // the pending trailing write will carry this value
    const wait = this.lastWriteAt + this.intervalMs - Date.now();
    if (wait <= 0) return this.writeNow();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) void this.writeNow();
    }, wait);
    this.timer.unref?.(); // a pending progress write must not keep a finished process alive
    return Promise.resolve();
  }

  /** Writes the latest value now, ignoring the interval: the final write of a job. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.writeNow();
  }

  /** Drops any pending trailing write and waits for writes in flight, so nothing lands afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private writeNow(): Promise<void> {
    this.lastWriteAt = Date.now();
    this.chain = this.chain.then(() =>
      this.write(this.latestFraction, this.latestMessage).catch((err: unknown) => this.onError(err)),
    );
    return this.chain;
  }
}
