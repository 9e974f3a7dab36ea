import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/** Anomalies, the incidents that group them, and checkpoints of streaming detector state. */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bigint = 'bigint';
  const double = dialect === 'postgres' ? 'double precision' : 'real';

  await db.schema
    .createTable('anomalies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('metric', 'text')
    .addColumn('detector', 'text', (c) => c.notNull())
    .addColumn('ts', bigint, (c) => c.notNull())
    .addColumn('score', double, (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('anomaly_type', 'text', (c) => c.notNull())
    .addColumn('types', 'text', (c) => c.notNull())
    .addColumn('pattern', 'text')
    .addColumn('value', double)
    .addColumn('expected', double)
    .addColumn('affected_metrics', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('recommendations', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('anomalies_time_idx').on('anomalies').columns(['ts']).execute();
  await db.schema.createIndex('anomalies_entity_time_idx').on('anomalies').columns(['entity_id', 'ts']).execute();
  await db.schema.createIndex('anomalies_incident_idx').on('anomalies').columns(['incident_id']).execute();

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('peak_score', double, (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('resources', 'text', (c) => c.notNull())
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('types', 'text', (c) => c.notNull())
    .addColumn('anomaly_count', 'integer', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('opened_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addColumn('resolved_at', bigint)
    .execute();
  await db.schema.createIndex('incidents_status_time_idx').on('incidents').columns(['status', 'updated_at']).execute();
  await db.schema.createIndex('incidents_opened_idx').on('incidents').columns(['opened_at']).execute();

  // Which resources an incident touches, for "incidents of host X" without scanning JSON.
  await db.schema
    .createTable('incident_resources')
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_resources_pk', ['incident_id', 'resource_id'])
    .execute();
  await db.schema.createIndex('incident_resources_resource_idx').on('incident_resources').columns(['resource_id']).execute();

  await db.schema
    .createTable('detector_checkpoints')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
}
