import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createEngine, type Engine } from '../../src/http/server.js';
import { createApiKey } from '../../src/platform/auth/api-keys.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { closePlatform, openPlatform } from '../../src/platform/platform.js';

/**
 * Starts the whole engine on a random port over real HTTP. The storage backend follows the
 * environment: SQLite in a temporary directory by default, PostgreSQL (a fresh schema per
 * engine) when DATABASE_URL is set, BullMQ (a fresh prefix) when REDIS_URL is set — so the
 * same tests run on both backends.
 */
export interface TestEngine {
  url: string;
  engine: Engine;
  config: Config;
  keys: { admin: string; operator: string; viewer: string };
  request(method: string, path: string, opts?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw body text, sent as is (for malformed JSON). */
  raw?: string;
  /** An API key; `null` sends no credentials. Default: the admin key. */
  key?: string | null;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export const backend = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

/** Restarts: pass the `storage` of a closed engine to start a new one on the same database. */
export interface EngineStorage {
  dataDir: string;
  schema: string;
}

export async function startEngine(env: Record<string, string> = {}, reuse?: EngineStorage & { keep?: boolean }): Promise<TestEngine & { storage: EngineStorage; closeKeepingData(): Promise<void> }> {
  const dataDir = reuse?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'novacron-test-'));
  const schema = reuse?.schema ?? `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const config = loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    NOVACRON_DATA_DIR: dataDir,
    NOVACRON_DATABASE_SCHEMA: schema,
    NOVACRON_QUEUE_PREFIX: `test-${schema}`,
    NOVACRON_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    NOVACRON_RATE_LIMIT_MAX: '0',
    NOVACRON_DB_POOL_SIZE: '4',
    ...env,
  });
  const logger = createLogger(config.logLevel);
  const platform = await openPlatform(config, logger);
  const engine = await createEngine(platform);
  await engine.start();
  // The bundled failure model is registered in the background; tests start from the settled registry.
  await engine.failure.ready();
  if (config.runWorker) await platform.jobs.startProcessing();
  await engine.app.listen({ host: '127.0.0.1', port: 0 });
  const address = engine.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const keys = {
    admin: (await createApiKey(platform.store, 'test-admin', 'admin')).key,
    operator: (await createApiKey(platform.store, 'test-operator', 'operator')).key,
    viewer: (await createApiKey(platform.store, 'test-viewer', 'viewer')).key,
  };

  async function request(method: string, p: string, opts: RequestOptions = {}): Promise<TestResponse> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const key = opts.key === undefined ? keys.admin : opts.key;
    if (key !== null) headers.authorization ??= `Bearer ${key}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(url + p, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async function stopEngine(): Promise<void> {
    await engine.app.close();
    await engine.telemetry.drain();
    await engine.stop();
    await closePlatform(platform, 5_000);
  }

  async function close(): Promise<void> {
    await stopEngine();
    if (config.redisUrl) {
      // BullMQ leaves its keys behind; tests must not.
      const { Redis } = await import('ioredis');
      const redis = new Redis(config.redisUrl);
      const keys = await redis.keys(`${config.queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    if (config.databaseUrl) {
      const client = new pg.Client({ connectionString: config.databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  return { url, engine, config, keys, request, close, storage: { dataDir, schema }, closeKeepingData: stopEngine };
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
