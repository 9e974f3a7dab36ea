import path from 'node:path';

/**
 * Every setting the engine reads from the environment, in one table. The README's configuration
 * table is generated from this list (`npm run docs:config`), so the two cannot drift apart.
 */
export interface SettingSpec {
  env: string;
  default: string;
  meaning: string;
}

export const SETTINGS: readonly SettingSpec[] = [
  { env: 'NOVACRON_HOST', default: '0.0.0.0', meaning: 'Address the HTTP server binds to.' },
  { env: 'NOVACRON_PORT', default: '8093', meaning: 'HTTP port (NovaCron\'s Go clients default to 8093 for the REST API and 8095 for `/api/v1/process`; set whichever your clients use).' },
  { env: 'NOVACRON_DATA_DIR', default: './data', meaning: 'Directory for the embedded SQLite database, the first admin key and other local state.' },
  { env: 'DATABASE_URL', default: '(unset)', meaning: 'PostgreSQL connection string. When set, PostgreSQL replaces the embedded SQLite database.' },
  { env: 'NOVACRON_DATABASE_SCHEMA', default: 'public', meaning: 'PostgreSQL schema holding the engine\'s tables (created if missing).' },
  { env: 'NOVACRON_DB_POOL_SIZE', default: '10', meaning: 'Maximum PostgreSQL connections.' },
  { env: 'REDIS_URL', default: '(unset)', meaning: 'Redis connection string. When set, jobs run on BullMQ queues (workers may be separate `novacron-ai worker` processes) and rate limits are shared.' },
  { env: 'NOVACRON_QUEUE_PREFIX', default: 'novacron', meaning: 'Key prefix for BullMQ queues in Redis.' },
  { env: 'NOVACRON_RUN_WORKER', default: 'true', meaning: 'Whether `serve` also processes jobs. Set to false when dedicated `novacron-ai worker` processes run them.' },
  { env: 'NOVACRON_LOG_LEVEL', default: 'info', meaning: 'pino log level: fatal, error, warn, info, debug, trace or silent.' },
  { env: 'NOVACRON_BODY_LIMIT_BYTES', default: '16777216', meaning: 'Largest accepted request body (16 MiB); larger bodies get 413.' },
  { env: 'NOVACRON_TELEMETRY_MAX_BATCH', default: '50000', meaning: 'Most samples in one `POST /api/v1/telemetry` (rows plus all columnar values); more gets 413.' },
  { env: 'NOVACRON_INVENTORY_MAX_BATCH', default: '5000', meaning: 'Most nodes, VMs or events in one bulk request.' },
  { env: 'NOVACRON_TELEMETRY_RETENTION_DAYS', default: '30', meaning: 'Telemetry samples older than this are deleted by the hourly retention sweep (0 keeps everything).' },
  { env: 'NOVACRON_TELEMETRY_FUTURE_TOLERANCE_S', default: '300', meaning: 'Samples stamped further than this in the future are rejected as bad timestamps.' },
  { env: 'NOVACRON_RATE_LIMIT_MAX', default: '6000', meaning: 'Requests allowed per client (API key, token subject or IP) per window; 0 disables rate limiting.' },
  { env: 'NOVACRON_RATE_LIMIT_WINDOW_MS', default: '60000', meaning: 'Rate-limit window in milliseconds.' },
  { env: 'NOVACRON_CORS_ORIGINS', default: '(unset)', meaning: 'Comma-separated origins allowed by CORS, or `*`. Unset sends no CORS headers.' },
  { env: 'NOVACRON_ANONYMOUS_ROLE', default: 'none', meaning: 'Role granted to callers without credentials: none, viewer, operator or admin. Only for trusted networks (some NovaCron clients send no credentials).' },
  { env: 'NOVACRON_JWT_SECRET', default: '(unset)', meaning: 'Shared secret for HS256 bearer tokens.' },
  { env: 'NOVACRON_JWT_JWKS_URL', default: '(unset)', meaning: 'JWKS URL for RS256/ES256 bearer tokens.' },
  { env: 'NOVACRON_JWT_ISSUER', default: '(unset)', meaning: 'Required `iss` of bearer tokens, if set.' },
  { env: 'NOVACRON_JWT_AUDIENCE', default: '(unset)', meaning: 'Required `aud` of bearer tokens, if set.' },
  { env: 'NOVACRON_JWT_ROLE_CLAIM', default: 'role', meaning: 'Token claim holding the role (viewer, operator or admin); a dotted path reaches nested claims.' },
  { env: 'NOVACRON_METRICS_AUTH', default: 'false', meaning: 'When true, `GET /metrics` requires the viewer role.' },
  { env: 'NOVACRON_ANOMALY_LIVE', default: 'true', meaning: 'Score every ingested telemetry sample with its series\' streaming anomaly detector and record anomalies and incidents.' },
  { env: 'NOVACRON_ANOMALY_THRESHOLD', default: '0.5', meaning: 'Anomaly score at or above which a sample is an anomaly. Scores are log-scaled surprise, about −log10(tail probability)/8 against the series\' own history: 0.5 ≈ one in 10⁴. Request sensitivity moves it (0.5 keeps it).' },
  { env: 'NOVACRON_ANOMALY_MAX_SERIES', default: '100000', meaning: 'Most series with live detector state in memory; the least recently updated are checkpointed and evicted beyond it.' },
  { env: 'NOVACRON_ANOMALY_CHECKPOINT_INTERVAL_S', default: '300', meaning: 'How often changed detector state (about 21 KB per series) is checkpointed to the database; a graceful shutdown saves everything, a crash loses at most this much learning.' },
  { env: 'NOVACRON_ANOMALY_RETENTION_DAYS', default: '90', meaning: 'Anomalies and resolved incidents older than this are deleted by the hourly sweep (0 keeps everything).' },
  { env: 'NOVACRON_INCIDENT_WINDOW_S', default: '600', meaning: 'Anomalies this close in time that share a correlation key join one incident.' },
  { env: 'NOVACRON_INCIDENT_RESOLVE_S', default: '900', meaning: 'An incident with no new anomaly for this long is resolved.' },
  { env: 'NOVACRON_INCIDENT_CORRELATE_ON', default: 'host,service', meaning: 'Keys that join anomalies into one incident: any of host, rack, service (rack groups whole racks).' },
  { env: 'NOVACRON_ANOMALY_WEBHOOK_URL', default: '(unset)', meaning: 'URL that receives incident events (opened, updated, resolved) as signed JSON POSTs, with retries.' },
  { env: 'NOVACRON_ANOMALY_WEBHOOK_SECRET', default: '(unset)', meaning: 'HMAC-SHA256 secret for the `X-NovaCron-Signature` header of webhook deliveries.' },
  { env: 'NOVACRON_FAILURE_SCORE_INTERVAL_S', default: '60', meaning: 'How often every host with telemetry in the last 15 minutes is scored for failure risk (its last 24 h of telemetry), the latest assessment stored for `GET /api/v1/failure/risks` and alarming hosts alerted. 0 turns background scoring off; otherwise at least 5.' },
  { env: 'NOVACRON_FAILURE_MODEL_FILE', default: '(bundled)', meaning: 'Failure model file (as `novacron-ai train-failure --out` writes it) registered as a version at start and activated unless a retrained model is active; unset: the bundled `models/failure-default.json.gz`.' },
  { env: 'NOVACRON_COST_MODEL', default: '(defaults)', meaning: 'JSON object overriding the resource-optimisation cost model: perCoreMonth (25), perGiBMonth (3.5), perStorageGiBMonth (0.1), hostIdleWatts (200), hostPeakWatts (500), energyPricePerKWh (0.15), pue (1.5), hostMonthlyFixed (0), migrationFixedCost (2), downtimeCostPerHour (1000); e.g. `{"perCoreMonth":18,"energyPricePerKWh":0.22}`.' },
  { env: 'NOVACRON_SHUTDOWN_TIMEOUT_MS', default: '15000', meaning: 'How long a graceful shutdown waits for in-flight requests and jobs before closing anyway.' },
] as const;

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseSchema: string;
  dbPoolSize: number;
  redisUrl: string | undefined;
  queuePrefix: string;
  runWorker: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  telemetryMaxBatch: number;
  inventoryMaxBatch: number;
  telemetryRetentionDays: number;
  telemetryFutureToleranceMs: number;
  rateLimitMax: number;
  rateLimitWindowMs: number;
  corsOrigins: string[] | '*' | undefined;
  anonymousRole: Role | undefined;
  jwtSecret: string | undefined;
  jwtJwksUrl: string | undefined;
  jwtIssuer: string | undefined;
  jwtAudience: string | undefined;
  jwtRoleClaim: string;
  metricsAuth: boolean;
  shutdownTimeoutMs: number;
  anomalyLive: boolean;
  anomalyThreshold: number;
  anomalyMaxSeries: number;
  anomalyCheckpointIntervalMs: number;
  anomalyRetentionDays: number;
  incidentWindowMs: number;
  incidentResolveMs: number;
  incidentCorrelateOn: Array<'host' | 'rack' | 'service'>;
  anomalyWebhookUrl: string | undefined;
  anomalyWebhookSecret: string | undefined;
  /** 0: background failure scoring off. */
  failureScoreIntervalMs: number;
  /** Undefined: the bundled default model. */
  failureModelFile: string | undefined;
  /** Overrides of the optimisation cost model (checked against its fields when the service starts). */
  costModel: Record<string, number>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function text(env: Env, key: string, fallback: string): string {
  const v = env[key]?.trim();
  return v ? v : fallback;
}

function optional(env: Env, key: string): string | undefined {
  const v = env[key]?.trim();
  return v ? v : undefined;
}

/** A JSON object of finite numbers ≥ 0, e.g. cost-model overrides. */
function numberRecord(env: Env, key: string): Record<string, number> {
  const raw = env[key]?.trim();
  if (!raw) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${key} must be a JSON object, got "${raw}"`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`${key} must be a JSON object of numbers`);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new ConfigError(`${key}.${k} must be a finite number ≥ 0, got ${JSON.stringify(x)}`);
  }
  return v as Record<string, number>;
}

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${key} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function fraction(env: Env, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!(n > 0 && n < 1)) throw new ConfigError(`${key} must be a number strictly between 0 and 1, got "${raw}"`);
  return n;
}

function correlationKeys(env: Env, key: string): Array<'host' | 'rack' | 'service'> {
  const raw = text(env, key, 'host,service');
  const keys = raw.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean);
  const allowed = ['host', 'rack', 'service'];
  const bad = keys.filter((k) => !allowed.includes(k));
  if (bad.length > 0 || keys.length === 0) throw new ConfigError(`${key} must list some of host, rack, service, got "${raw}"`);
  return [...new Set(keys)] as Array<'host' | 'rack' | 'service'>;
}

function webhookUrl(env: Env, key: string): string | undefined {
  const raw = optional(env, key);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${key} must be an http(s) URL, got "${raw}"`);
  return url.href;
}

/** Seconds, where 0 turns the work off and anything else must be at least `min`. */
function intervalOrOff(env: Env, key: string, fallback: number, min: number, max: number): number {
  const n = integer(env, key, fallback, 0, max);
  if (n !== 0 && n < min) throw new ConfigError(`${key} must be 0 (off) or between ${min} and ${max} seconds, got "${env[key]?.trim()}"`);
  return n;
}

function boolean(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${key} must be true or false, got "${raw}"`);
}

function role(env: Env, key: string): Role | undefined {
  const raw = env[key]?.trim().toLowerCase();
  if (!raw || raw === 'none') return undefined;
  if ((ROLES as readonly string[]).includes(raw)) return raw as Role;
  throw new ConfigError(`${key} must be one of none, ${ROLES.join(', ')}, got "${raw}"`);
}

/** Reads and checks the whole configuration once; a bad value stops start-up with a clear message. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const cors = optional(env, 'NOVACRON_CORS_ORIGINS');
  const schema = text(env, 'NOVACRON_DATABASE_SCHEMA', 'public');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError(`NOVACRON_DATABASE_SCHEMA must be a lower-case SQL identifier, got "${schema}"`);
  }
  const logLevel = text(env, 'NOVACRON_LOG_LEVEL', 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`NOVACRON_LOG_LEVEL must be a pino level, got "${logLevel}"`);
  }
  return {
    host: text(env, 'NOVACRON_HOST', '0.0.0.0'),
    port: integer(env, 'NOVACRON_PORT', 8093, 0, 65535),
    dataDir: path.resolve(cwd, text(env, 'NOVACRON_DATA_DIR', './data')),
    databaseUrl: optional(env, 'DATABASE_URL'),
    databaseSchema: schema,
    dbPoolSize: integer(env, 'NOVACRON_DB_POOL_SIZE', 10, 1, 1000),
    redisUrl: optional(env, 'REDIS_URL'),
    queuePrefix: text(env, 'NOVACRON_QUEUE_PREFIX', 'novacron'),
    runWorker: boolean(env, 'NOVACRON_RUN_WORKER', true),
    logLevel,
    bodyLimitBytes: integer(env, 'NOVACRON_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    telemetryMaxBatch: integer(env, 'NOVACRON_TELEMETRY_MAX_BATCH', 50_000, 1, 10_000_000),
    inventoryMaxBatch: integer(env, 'NOVACRON_INVENTORY_MAX_BATCH', 5_000, 1, 1_000_000),
    telemetryRetentionDays: integer(env, 'NOVACRON_TELEMETRY_RETENTION_DAYS', 30, 0, 36_500),
    telemetryFutureToleranceMs: integer(env, 'NOVACRON_TELEMETRY_FUTURE_TOLERANCE_S', 300, 0, 86_400 * 365) * 1000,
    rateLimitMax: integer(env, 'NOVACRON_RATE_LIMIT_MAX', 6000, 0, 1e9),
    rateLimitWindowMs: integer(env, 'NOVACRON_RATE_LIMIT_WINDOW_MS', 60_000, 100, 86_400_000),
    corsOrigins: cors === undefined ? undefined : cors === '*' ? '*' : cors.split(',').map((s) => s.trim()).filter(Boolean),
    anonymousRole: role(env, 'NOVACRON_ANONYMOUS_ROLE'),
    jwtSecret: optional(env, 'NOVACRON_JWT_SECRET'),
    jwtJwksUrl: optional(env, 'NOVACRON_JWT_JWKS_URL'),
    jwtIssuer: optional(env, 'NOVACRON_JWT_ISSUER'),
    jwtAudience: optional(env, 'NOVACRON_JWT_AUDIENCE'),
    jwtRoleClaim: text(env, 'NOVACRON_JWT_ROLE_CLAIM', 'role'),
    metricsAuth: boolean(env, 'NOVACRON_METRICS_AUTH', false),
    shutdownTimeoutMs: integer(env, 'NOVACRON_SHUTDOWN_TIMEOUT_MS', 15_000, 0, 600_000),
    anomalyLive: boolean(env, 'NOVACRON_ANOMALY_LIVE', true),
    anomalyThreshold: fraction(env, 'NOVACRON_ANOMALY_THRESHOLD', 0.5),
    anomalyMaxSeries: integer(env, 'NOVACRON_ANOMALY_MAX_SERIES', 100_000, 1, 100_000_000),
    anomalyCheckpointIntervalMs: integer(env, 'NOVACRON_ANOMALY_CHECKPOINT_INTERVAL_S', 300, 1, 86_400) * 1000,
    anomalyRetentionDays: integer(env, 'NOVACRON_ANOMALY_RETENTION_DAYS', 90, 0, 36_500),
    incidentWindowMs: integer(env, 'NOVACRON_INCIDENT_WINDOW_S', 600, 1, 86_400 * 30) * 1000,
    incidentResolveMs: integer(env, 'NOVACRON_INCIDENT_RESOLVE_S', 900, 1, 86_400 * 30) * 1000,
    incidentCorrelateOn: correlationKeys(env, 'NOVACRON_INCIDENT_CORRELATE_ON'),
    anomalyWebhookUrl: webhookUrl(env, 'NOVACRON_ANOMALY_WEBHOOK_URL'),
    anomalyWebhookSecret: optional(env, 'NOVACRON_ANOMALY_WEBHOOK_SECRET'),
    failureScoreIntervalMs: intervalOrOff(env, 'NOVACRON_FAILURE_SCORE_INTERVAL_S', 60, 5, 86_400) * 1000,
    costModel: numberRecord(env, 'NOVACRON_COST_MODEL'),
    failureModelFile: optional(env, 'NOVACRON_FAILURE_MODEL_FILE') === undefined ? undefined : path.resolve(cwd, optional(env, 'NOVACRON_FAILURE_MODEL_FILE')!),
  };
}
