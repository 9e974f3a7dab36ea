import pino, { type Logger } from 'pino';

/** Paths pino must never print: credentials arrive in these headers and fields. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.key',
];

/** JSON logs to stdout, or to `destination` (tests capture logs this way). */
export function createLogger(level: string, name = 'novacron-ai', destination?: pino.DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
