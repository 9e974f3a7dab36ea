import type { Role } from './config.js';

/**
 * NovaCron's `/api/v1/process` envelope dispatches (service, method) pairs. Capabilities
 * register their handlers here; the HTTP layer serves the envelope. A handler returns the
 * `data` object plus, optionally, the envelope's confidence and model version.
 */
export interface EnvelopeRequest {
  id: string;
  service: string;
  method: string;
  data: Record<string, unknown>;
  metadata: Record<string, string>;
}

export interface EnvelopeResult {
  data: Record<string, unknown>;
  confidence?: number;
  modelVersion?: string;
}

export type EnvelopeHandler = (req: EnvelopeRequest) => Promise<EnvelopeResult>;

/** A handler's way to answer `success:false` with a message meant for the caller. */
export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

export function normaliseName(s: string): string {
  return s.trim().toLowerCase();
}

export interface EnvelopePairOptions {
  /** Least role a caller needs for this pair (default operator). */
  role?: Role;
  /** Other (service, method) spellings NovaCron clients use, e.g. ["resource", "predict"]. */
  aliases?: [string, string][];
}

interface Entry {
  handler: EnvelopeHandler;
  role: Role;
}

export class EnvelopeRegistry {
  private readonly handlers = new Map<string, Entry>();
  private readonly canonical = new Map<string, { service: string; method: string }>();
  private readonly methodsByService = new Map<string, string[]>();

  /** Registers the canonical pair and its aliases. */
  register(service: string, method: string, handler: EnvelopeHandler, opts: EnvelopePairOptions = {}): void {
    const key = `${service}/${method}`;
    if (this.handlers.has(key)) throw new Error(`envelope pair ${key} is already registered`);
    this.handlers.set(key, { handler, role: opts.role ?? 'operator' });
    this.canonical.set(key, { service, method });
    for (const [s, m] of opts.aliases ?? []) this.canonical.set(`${normaliseName(s)}/${normaliseName(m)}`, { service, method });
    const list = this.methodsByService.get(service) ?? [];
    list.push(method);
    this.methodsByService.set(service, list);
  }

  resolve(service: string, method: string): { service: string; method: string; handler: EnvelopeHandler; role: Role } | undefined {
    const target = this.canonical.get(`${normaliseName(service)}/${normaliseName(method)}`);
    if (!target) return undefined;
    return { ...target, ...this.handlers.get(`${target.service}/${target.method}`)! };
  }

  /** The `supported_services` map answered for an unknown pair. */
  supported(): Record<string, string[]> {
    return Object.fromEntries([...this.methodsByService].map(([s, ms]) => [s, [...ms]]));
  }
}
