import type { Redis } from 'ioredis';
import { Authenticator } from './auth/authenticator.js';
import { ensureFirstAdminKey } from './auth/api-keys.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './database/connection.js';
import { migrateToLatest } from './database/migrator.js';
import { EnvelopeRegistry } from './envelope.js';
import { createJobQueue, type JobQueue } from './jobs/index.js';
import type { Logger } from './logger.js';
import { MetricsRegistry } from './metrics.js';
import { connectRedis } from './redis.js';
import { Store } from './store/index.js';

/** Everything a capability may use. Built once per process by `openPlatform`. */
export interface Platform {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly store: Store;
  readonly metrics: MetricsRegistry;
  readonly jobs: JobQueue;
  readonly envelope: EnvelopeRegistry;
  readonly authenticator: Authenticator;
  readonly redis: Redis | undefined;
  readonly startedAt: number;
  /** True once migrations are applied; `/ready` answers 503 until then. */
  migrated: boolean;
}

export interface OpenOptions {
  /** Apply pending migrations now (default true). `serve` defers them until it listens, so `/ready` can say 503. */
  migrate?: boolean;
}

export async function openPlatform(config: Config, logger: Logger, opts: OpenOptions = {}): Promise<Platform> {
  const database = await openDatabase(config);
  try {
    const store = new Store(database);
    const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
    const platform: Platform = {
      config,
      logger,
      database,
      store,
      metrics: new MetricsRegistry(),
      jobs: await createJobQueue(config, store, logger),
      envelope: new EnvelopeRegistry(),
      authenticator: new Authenticator(config, store),
      redis,
      startedAt: Date.now(),
      migrated: false,
    };
    if (opts.migrate !== false) await migratePlatform(platform);
    return platform;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** Applies pending migrations, then marks the platform ready. */
export async function migratePlatform(p: Platform): Promise<string[]> {
  const report = await migrateToLatest(p.database.db, p.database.dialect, p.config.databaseSchema);
  if (report.applied.length) p.logger.info({ applied: report.applied, dialect: p.database.dialect }, 'database migrated');
  p.migrated = true;
  return report.applied;
}

/** First start: with no key at all the API would be unreachable, so an admin key is written to the data directory. */
export function bootstrapAdminKey(p: Platform): Promise<string | undefined> {
  return ensureFirstAdminKey(p.store, p.config.dataDir, p.logger);
}

/** Stops jobs (waiting for running ones), then closes Redis and the database. */
export async function closePlatform(p: Platform, timeoutMs: number): Promise<void> {
  await p.jobs.close(timeoutMs);
  if (p.redis) p.redis.disconnect();
  await p.database.close();
}
