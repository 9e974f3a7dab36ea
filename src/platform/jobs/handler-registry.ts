import { UnknownJobTypeError, type JobHandler } from './job-queue.js';

/**
 * The job types a process knows. Both backends share it so that registration rules (no duplicates,
 * nothing after processing starts) and the unknown-type error are the same everywhere.
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, JobHandler>();
  private sealed = false;

  register(type: string, handler: JobHandler): void {
    if (typeof type !== 'string' || type.trim() === '' || type !== type.trim()) {
      throw new TypeError(`job type must be a non-empty string without surrounding spaces, got ${JSON.stringify(type)}`);
    }
    if (typeof handler !== 'function') throw new TypeError(`handler for job type "${type}" must be a function`);
    // Jobs already waiting are matched to handlers when processing starts; a late registration
    // would silently miss them, so it is a programming error.
    if (this.sealed) throw new Error(`cannot register job type "${type}" after processing has started`);
    if (this.handlers.has(type)) throw new Error(`job type "${type}" is already registered`);
    this.handlers.set(type, handler);
  }

  /** Called by `startProcessing`: the set of types is fixed from then on. */
  seal(): void {
    this.sealed = true;
  }

  types(): string[] {
    return [...this.handlers.keys()].sort();
  }

  get(type: string): JobHandler | undefined {
    return this.handlers.get(type);
  }

  /** Throws `UnknownJobTypeError` for a type no handler was registered for. */
  check(type: string): void {
    if (!this.handlers.has(type)) throw new UnknownJobTypeError(String(type), this.types());
  }
}
