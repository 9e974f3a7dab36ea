import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Config } from '../config.js';
import type { DialectName } from './dialect.js';
import type { Schema } from './schema.js';
import { SqliteSampleWriter } from './sqlite-writer.js';

// BIGINT columns hold epoch milliseconds and counters, all well inside 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

/**
 * One open database. `db` is the typed query builder every repository uses; `sqlite` and `pg`
 * expose the drivers to the few hot paths (telemetry ingest) where Kysely's per-query
 * compilation would cost more than the write itself.
 */
export interface Database {
  readonly dialect: DialectName;
  readonly db: Kysely<Schema>;
  readonly sqlite?: BetterSqlite3.Database;
  /** SQLite only: the thread that writes telemetry samples. */
  readonly sampleWriter?: SqliteSampleWriter;
  readonly pg?: pg.Pool;
  /** Round-trips a trivial query; resolves to the latency in milliseconds. */
  ping(): Promise<number>;
  close(): Promise<void>;
}

export function sqlitePath(config: Config): string {
  return path.join(config.dataDir, 'novacron.db');
}

export async function openDatabase(config: Config): Promise<Database> {
  return config.databaseUrl ? openPostgres(config) : openSqlite(config);
}

function openSqlite(config: Config): Database {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const sqlite = new BetterSqlite3(sqlitePath(config));
  // WAL lets readers run beside the writer; NORMAL sync in WAL mode survives a process crash
  // (every committed transaction is in the WAL), trading only power-loss durability for speed.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  const sampleWriter = new SqliteSampleWriter(sqlitePath(config));
  let closed = false;
  return {
    dialect: 'sqlite',
    db,
    sqlite,
    sampleWriter,
    async ping() {
      const t = performance.now();
      sqlite.prepare('select 1').get();
      return performance.now() - t;
    },
    async close() {
      if (closed) return;
      closed = true;
      await sampleWriter.close();
      await db.destroy(); // closes the better-sqlite3 handle, checkpointing the WAL
    },
  };
}

async function openPostgres(config: Config): Promise<Database> {
  const schema = config.databaseSchema;
  const bootstrap = new pg.Client({ connectionString: config.databaseUrl });
  await bootstrap.connect();
  try {
    await bootstrap.query(`create schema if not exists "${schema}"`);
  } finally {
    await bootstrap.end();
  }
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.dbPoolSize,
    options: `-c search_path="${schema}"`,
    idleTimeoutMillis: 30_000,
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    dialect: 'postgres',
    db,
    pg: pool,
    async ping() {
      const t = performance.now();
      await sql`select 1`.execute(db);
      return performance.now() - t;
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // ends the pool
    },
  };
}
