import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * Resource optimisation: every recommendation the engine made (rightsizing, scaling, migration,
 * consolidation), so `GET /api/v1/resource/summary` can report what was recommended over any
 * window and a restart forgets nothing.
 */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const double = dialect === 'postgres' ? 'double precision' : 'real';
  await db.schema
    .createTable('resource_recommendations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('workload_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('confidence', double, (c) => c.notNull())
    .addColumn('objective', 'text', (c) => c.notNull())
    /** Signed fraction of the workload's current monthly cost (negative: a saving). */
    .addColumn('cost_change', double, (c) => c.notNull())
    /** Monthly saving in the cost model's currency (negative: the action costs more). */
    .addColumn('monthly_saving', double, (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('resource_recommendations_created_idx').on('resource_recommendations').columns(['created_at']).execute();
}
