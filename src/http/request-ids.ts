import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:@\-]{1,128}$/;

/** A caller's id is reused only when it is short and printable; anything else gets a fresh UUID. */
export function pickId(raw: string | string[] | undefined): string | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v !== undefined && SAFE_ID.test(v) ? v : undefined;
}

export function genRequestId(req: IncomingMessage): string {
  return pickId(req.headers['x-request-id']) ?? randomUUID();
}
