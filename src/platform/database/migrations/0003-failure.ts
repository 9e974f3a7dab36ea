import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * Failure prediction: the latest assessment of every host (what `GET /api/v1/failure/risks`
 * serves), and failure alerts in the `alerts` table of 0001 — with a details column, and at most
 * one open alert per service and host, which the database itself guarantees (so scorers in
 * several processes cannot open the same alert twice).
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bigint = 'bigint';
  const double = dialect === 'postgres' ? 'double precision' : 'real';

  await db.schema
    .createTable('failure_assessments')
    .addColumn('host_id', 'text', (c) => c.primaryKey())
    .addColumn('assessed_at', bigint, (c) => c.notNull())
    .addColumn('scored_at', bigint, (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('probability', double, (c) => c.notNull())
    .addColumn('score', double, (c) => c.notNull())
    .addColumn('alarm', 'integer', (c) => c.notNull())
    .addColumn('elevated', 'integer', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('failure_assessments_score_idx').on('failure_assessments').columns(['score']).execute();

  await db.schema.alterTable('alerts').addColumn('details', 'text').execute();
  await db.schema.createIndex('alerts_entity_idx').on('alerts').columns(['service', 'entity_id', 'created_at']).execute();
  await db.schema
    .createIndex('alerts_one_open_uq')
    .on('alerts')
    .columns(['service', 'entity_id'])
    .unique()
    .where(sql.ref('status'), '=', sql.lit('open'))
    .execute();
}
