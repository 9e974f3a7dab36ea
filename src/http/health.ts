import { MODEL_SERVICES, SERVICE_LONG_NAMES, type ModelRegistry } from '../models/index.js';
import type { Platform } from '../platform/platform.js';
import { pingRedis } from '../platform/redis.js';
import { VERSION } from '../version.js';

export interface CapabilityHealth {
  status: 'healthy' | 'no_model' | 'error';
  active_model: string | null;
  error?: string;
}

export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  timestamp: string;
  version: string;
  uptime_seconds: number;
  services: Record<string, CapabilityHealth>;
  database: { status: 'up' | 'down'; dialect: string; latency_ms?: number; error?: string };
  redis: { status: 'up' | 'down' | 'disabled'; latency_ms?: number; error?: string };
  jobs: { backend: string };
}

/**
 * The seed's health semantics: healthy when every capability has a working active model,
 * degraded when only some do, unhealthy when none does — and unhealthy whenever the database
 * does not answer, since then nothing can be served.
 */
export async function healthReport(platform: Platform, registry: ModelRegistry): Promise<HealthReport> {
  const database: HealthReport['database'] = { status: 'up', dialect: platform.database.dialect };
  try {
    database.latency_ms = round(await platform.database.ping());
  } catch (err) {
    database.status = 'down';
    database.error = (err as Error).message;
  }
  let redis: HealthReport['redis'] = { status: 'disabled' };
  if (platform.redis) {
    try {
      redis = { status: 'up', latency_ms: round(await pingRedis(platform.redis)) };
    } catch (err) {
      redis = { status: 'down', error: (err as Error).message };
    }
  }
  const services: Record<string, CapabilityHealth> = {};
  let withModel = 0;
  for (const s of MODEL_SERVICES) {
    let active: string | null = null;
    if (database.status === 'up') {
      try {
        active = (await registry.active(s))?.id ?? null;
      } catch {
        active = null;
      }
    }
    const loadError = registry.loadError(s);
    const entry: CapabilityHealth = { status: active ? (loadError ? 'error' : 'healthy') : 'no_model', active_model: active };
    if (loadError && active) entry.error = loadError;
    if (entry.status === 'healthy') withModel++;
    services[SERVICE_LONG_NAMES[s]] = entry;
  }
  const status: HealthReport['status'] =
    database.status === 'down' || withModel === 0 ? 'unhealthy' : withModel === MODEL_SERVICES.length ? 'healthy' : 'degraded';
  return {
    status,
    timestamp: new Date().toISOString(),
    version: VERSION,
    uptime_seconds: Math.round((Date.now() - platform.startedAt) / 1000),
    services,
    database,
    redis,
    jobs: { backend: platform.jobs.backend },
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
