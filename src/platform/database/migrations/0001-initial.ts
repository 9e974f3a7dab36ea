import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/** The first schema: inventory, telemetry, events, models, predictions, alerts, keys, audit, jobs. */
export async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bigint = 'bigint';
  const double = dialect === 'postgres' ? 'double precision' : 'real';
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  const autoId = (t: any) =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c: any) => c.primaryKey())
      : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement());

  await db.schema
    .createTable('nodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('datacenter', 'text')
    .addColumn('zone', 'text')
    .addColumn('rack', 'text')
    .addColumn('failure_domain', 'text')
    .addColumn('security_level', 'integer')
    .addColumn('hardware_generation', 'text')
    .addColumn('cpu_cores', double, (c) => c.notNull())
    .addColumn('memory_mb', double, (c) => c.notNull())
    .addColumn('storage_gb', double, (c) => c.notNull())
    .addColumn('network_mbps', double, (c) => c.notNull())
    .addColumn('gpu_count', double, (c) => c.notNull())
    .addColumn('cpu_allocated', double, (c) => c.notNull())
    .addColumn('memory_allocated_mb', double, (c) => c.notNull())
    .addColumn('storage_allocated_gb', double, (c) => c.notNull())
    .addColumn('network_allocated_mbps', double, (c) => c.notNull())
    .addColumn('gpu_allocated', double, (c) => c.notNull())
    .addColumn('cost_per_hour', double)
    .addColumn('power_idle_watts', double)
    .addColumn('power_max_watts', double)
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('nodes_datacenter_idx').on('nodes').columns(['datacenter', 'zone', 'rack']).execute();

  await db.schema
    .createTable('vms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('node_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('cpu_cores', double, (c) => c.notNull())
    .addColumn('memory_mb', double, (c) => c.notNull())
    .addColumn('storage_gb', double, (c) => c.notNull())
    .addColumn('network_mbps', double, (c) => c.notNull())
    .addColumn('gpu_count', double, (c) => c.notNull())
    .addColumn('workload_type', 'text')
    .addColumn('sla_class', 'text')
    .addColumn('priority', 'integer')
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vms_node_idx').on('vms').column('node_id').execute();

  await autoId(db.schema.createTable('telemetry_series'))
    .addColumn('entity_id', 'text', (c: any) => c.notNull())
    .addColumn('entity_type', 'text', (c: any) => c.notNull())
    .addColumn('metric', 'text', (c: any) => c.notNull())
    .addColumn('created_at', bigint, (c: any) => c.notNull())
    .addUniqueConstraint('telemetry_series_entity_metric_uq', ['entity_id', 'metric'])
    .execute();

  // Samples are keyed by (series, time): the key makes writes idempotent and serves
  // recent-window reads as a range scan; retention deletes use the same key per series.
  let samples = db.schema
    .createTable('telemetry_samples')
    .addColumn('series_id', bigint, (c) => c.notNull())
    .addColumn('ts', bigint, (c) => c.notNull())
    .addColumn('value', double, (c) => c.notNull())
    .addPrimaryKeyConstraint('telemetry_samples_pk', ['series_id', 'ts']);
  if (dialect === 'sqlite') samples = samples.modifyEnd(sql`without rowid`);
  await samples.execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text')
    .addColumn('started_at', bigint, (c) => c.notNull())
    .addColumn('ended_at', bigint)
    .addColumn('description', 'text')
    .addColumn('source', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_entity_idx').on('events').columns(['entity_id', 'started_at']).execute();
  await db.schema.createIndex('events_kind_idx').on('events').columns(['kind', 'started_at']).execute();

  await db.schema
    .createTable('model_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('training_status', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull())
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('feature_schema', 'text', (c) => c.notNull())
    .addColumn('target_names', 'text', (c) => c.notNull())
    .addColumn('data_fingerprint', 'text')
    .addColumn('training_samples', 'integer')
    .addColumn('validation_samples', 'integer')
    .addColumn('training_duration_s', double)
    .addColumn('artifact_sha256', 'text')
    .addColumn('artifact_bytes', 'integer')
    .addColumn('description', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('trained_at', bigint)
    .addColumn('activated_at', bigint)
    .addUniqueConstraint('model_versions_service_version_uq', ['service', 'version'])
    .execute();
  // The database itself guarantees at most one active version per service.
  await db.schema
    .createIndex('model_versions_one_active_uq')
    .on('model_versions')
    .column('service')
    .unique()
    .where(sql.ref('is_active'), '=', 1)
    .execute();

  await db.schema
    .createTable('model_artifacts')
    .addColumn('model_id', 'text', (c) => c.primaryKey())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', blob, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('predictions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('score', double)
    .addColumn('label', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('predictions_service_time_idx').on('predictions').columns(['service', 'created_at']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('correlation_id', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addColumn('resolved_at', bigint)
    .execute();
  await db.schema.createIndex('alerts_status_time_idx').on('alerts').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('last_used_at', bigint)
    .addColumn('revoked_at', bigint)
    .execute();

  await autoId(db.schema.createTable('audit_log'))
    .addColumn('at', bigint, (c: any) => c.notNull())
    .addColumn('actor', 'text', (c: any) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('action', 'text', (c: any) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('request_id', 'text')
    .addColumn('outcome', 'text', (c: any) => c.notNull())
    .addColumn('details', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('progress', double, (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('started_at', bigint)
    .addColumn('finished_at', bigint)
    .execute();
  await db.schema.createIndex('jobs_state_idx').on('jobs').columns(['state', 'created_at']).execute();
}
