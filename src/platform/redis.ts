import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * A shared Redis connection for rate limits and health checks (BullMQ opens its own).
 * Errors are logged, never thrown into the process: the engine reports Redis as down and
 * keeps serving what does not need it.
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  // Loaded only when Redis is configured (see jobs/index.ts).
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: false });
  let lastLogged = 0;
  redis.on('error', (err) => {
    if (Date.now() - lastLogged > 30_000) {
      lastLogged = Date.now();
      logger.warn({ err: err.message }, 'redis connection error');
    }
  });
  return redis;
}

export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<number> {
  const t = performance.now();
  await Promise.race([
    redis.ping(),
    new Promise((_, reject) => setTimeout(() => reject(new Error('redis ping timed out')), timeoutMs).unref()),
  ]);
  return performance.now() - t;
}
