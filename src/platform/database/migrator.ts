import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { DialectName } from './dialect.js';
import * as initial from './migrations/0001-initial.js';
import * as anomaly from './migrations/0002-anomaly.js';
import * as failure from './migrations/0003-failure.js';
import * as optimization from './migrations/0004-optimization.js';

interface VersionedMigration {
  name: string;
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
}

/** Ordered list of every migration. Append only: a released migration never changes. */
const MIGRATIONS: VersionedMigration[] = [
  { name: '0001-initial', up: initial.up },
  { name: '0002-anomaly', up: anomaly.up },
  { name: '0003-failure', up: failure.up },
  { name: '0004-optimization', up: optimization.up },
];

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const m of MIGRATIONS) out[m.name] = { up: (db) => m.up(db, this.dialect) };
    return out;
  }
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrationReport {
  applied: string[];
  latest: string;
}

/** Applies every pending migration in order, each in its own transaction. */
export async function migrateToLatest(db: Kysely<any>, dialect: DialectName, schema?: string): Promise<MigrationReport> {
  // On PostgreSQL the bookkeeping tables live in the engine's schema: Kysely would otherwise
  // find another schema's tables through introspection and skip creating its own.
  const migrator = new Migrator({ db, provider: new StaticProvider(dialect), migrationTableSchema: dialect === 'postgres' ? schema : undefined });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed: ${(result.error as Error).message ?? result.error}`);
  }
  return {
    applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    latest: MIGRATIONS[MIGRATIONS.length - 1].name,
  };
}
