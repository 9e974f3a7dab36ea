import { Problem } from '../platform/errors.js';
/**
 * Wire timestamps are RFC 3339 strings with a zone, or numbers: epoch milliseconds, or epoch
 * seconds when below 10^11 (which as milliseconds would be 1973). Inside, epoch milliseconds.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const SECONDS_BELOW = 1e11;
/** 2000-01-01T00:00:00Z: anything earlier is a unit mistake, not telemetry. */
export const EARLIEST_TIMESTAMP_MS = 946_684_800_000;

export type TimestampResult = number | string;

/** A query-string time: digits are epoch ms (or seconds, as on the wire), anything else RFC 3339. */
export function parseQueryTime(raw: string): TimestampResult {
  return parseTimestamp(/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw, Number.MAX_SAFE_INTEGER);
}

/** Parses a timestamp to epoch ms, or returns why it cannot be used. */
export function parseTimestamp(raw: unknown, latestMs: number): TimestampResult {
  let ms: number;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return 'timestamp is not a finite number';
    ms = raw < SECONDS_BELOW ? raw * 1000 : raw;
  } else if (typeof raw === 'string') {
    if (!RFC3339.test(raw)) return 'timestamp must be RFC 3339 with a zone (e.g. 2026-01-01T00:00:00Z) or epoch milliseconds';
    // Date.parse keeps milliseconds; finer digits (Go's RFC3339Nano) are truncated.
    const fraction = raw.match(/\.(\d+)/);
    ms = Date.parse(fraction && fraction[1].length > 3 ? raw.replace(/\.(\d+)/, `.${fraction[1].slice(0, 3)}`) : raw);
    if (Number.isNaN(ms)) return 'timestamp is not a valid date';
  } else {
    return 'timestamp must be a string or a number';
  }
  ms = Math.floor(ms);
  if (ms < EARLIEST_TIMESTAMP_MS) return 'timestamp is before 2000-01-01';
  if (ms > latestMs) return 'timestamp is in the future';
  return ms;
}

/** A time query parameter (`from`, `to`) as epoch ms, `fallback` when absent; 400 when unusable. */
export function queryTimeParam<F extends number | undefined>(raw: string | undefined, fallback: F, name: string): number | F {
  if (raw === undefined) return fallback;
  const t = parseQueryTime(raw);
  if (typeof t === 'string') throw Problem.badRequest(`${name}: ${t}`, [{ path: `/querystring/${name}`, message: t }]);
  return t;
}
