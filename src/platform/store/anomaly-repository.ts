import type { Database } from '../database/connection.js';
import type { AnomalyTable, IncidentTable } from '../database/schema.js';
import { fromJson, toJson } from './json-column.js';

export type AnomalyRecord = Omit<AnomalyTable, 'types' | 'affected_metrics' | 'recommendations'> & {
  types: string[];
  affected_metrics: string[];
  recommendations: string[];
};

export type IncidentRecord = Omit<IncidentTable, 'resources' | 'metrics' | 'types' | 'details'> & {
  resources: string[];
  metrics: string[];
  types: string[];
  details: Record<string, unknown>;
};

export interface AnomalyFilter {
  entityId?: string;
  metric?: string;
  severities?: string[];
  type?: string;
  incidentId?: string;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

export interface IncidentFilter {
  status?: string;
  severities?: string[];
  resourceId?: string;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

export interface AnomalyCounts {
  total: number;
  bySeverity: Record<string, number>;
  byType: Record<string, number>;
}

const BATCH = 200;

function anomalyRow(a: AnomalyRecord): AnomalyTable {
  return { ...a, types: toJson(a.types), affected_metrics: toJson(a.affected_metrics), recommendations: toJson(a.recommendations) };
}

function anomalyRecord(r: AnomalyTable): AnomalyRecord {
  return {
    ...r,
    ts: Number(r.ts),
    created_at: Number(r.created_at),
    score: Number(r.score),
    value: r.value == null ? null : Number(r.value),
    expected: r.expected == null ? null : Number(r.expected),
    types: fromJson(r.types, []),
    affected_metrics: fromJson(r.affected_metrics, []),
    recommendations: fromJson(r.recommendations, []),
  };
}

function incidentRow(i: IncidentRecord): IncidentTable {
  return { ...i, resources: toJson(i.resources), metrics: toJson(i.metrics), types: toJson(i.types), details: toJson(i.details) };
}

function incidentRecord(r: IncidentTable): IncidentRecord {
  return {
    ...r,
    peak_score: Number(r.peak_score),
    anomaly_count: Number(r.anomaly_count),
    opened_at: Number(r.opened_at),
    updated_at: Number(r.updated_at),
    resolved_at: r.resolved_at == null ? null : Number(r.resolved_at),
    resources: fromJson(r.resources, []),
    metrics: fromJson(r.metrics, []),
    types: fromJson(r.types, []),
    details: fromJson(r.details, {}),
  };
}

/** Detected anomalies, the incidents grouping them, and streaming detector checkpoints. */
export class AnomalyRepository {
  constructor(private readonly database: Database) {}

  async insertAnomalies(anomalies: AnomalyRecord[]): Promise<void> {
    if (anomalies.length === 0) return;
    await this.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < anomalies.length; i += BATCH) {
        await tx
          .insertInto('anomalies')
          .values(anomalies.slice(i, i + BATCH).map(anomalyRow))
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
    });
  }

  async listAnomalies(f: AnomalyFilter): Promise<{ items: AnomalyRecord[]; total: number }> {
    let q = this.database.db.selectFrom('anomalies');
    if (f.entityId) q = q.where('entity_id', '=', f.entityId);
    if (f.metric) q = q.where('metric', '=', f.metric);
    if (f.severities?.length) q = q.where('severity', 'in', f.severities);
    if (f.type) q = q.where('anomaly_type', '=', f.type);
    if (f.incidentId) q = q.where('incident_id', '=', f.incidentId);
    if (f.from !== undefined) q = q.where('ts', '>=', f.from);
    if (f.to !== undefined) q = q.where('ts', '<', f.to);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('ts', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(anomalyRecord), total: Number(count.n) };
  }

  /** Counts of anomalies with ts in [from, to), in total and by severity and type. */
  async countAnomalies(from: number, to: number): Promise<AnomalyCounts> {
    const base = this.database.db.selectFrom('anomalies').where('ts', '>=', from).where('ts', '<', to);
    const [bySeverity, byType] = await Promise.all([
      base.select(['severity as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('severity').execute(),
      base.select(['anomaly_type as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('anomaly_type').execute(),
    ]);
    const toMap = (rows: Array<{ key: string; n: number | string | bigint }>) => Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
    const severity = toMap(bySeverity);
    return { total: Object.values(severity).reduce((a, b) => a + b, 0), bySeverity: severity, byType: toMap(byType) };
  }

  async upsertIncidents(incidents: IncidentRecord[]): Promise<void> {
    if (incidents.length === 0) return;
    await this.database.db.transaction().execute(async (tx) => {
      for (const incident of incidents) {
        const row = incidentRow(incident);
        await tx
          .insertInto('incidents')
          .values(row)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet({
              status: row.status,
              severity: row.severity,
              peak_score: row.peak_score,
              title: row.title,
              resources: row.resources,
              metrics: row.metrics,
              types: row.types,
              anomaly_count: row.anomaly_count,
              details: row.details,
              updated_at: row.updated_at,
              resolved_at: row.resolved_at,
            }),
          )
          .execute();
        if (incident.resources.length > 0) {
          await tx
            .insertInto('incident_resources')
            .values(incident.resources.map((resource_id) => ({ incident_id: incident.id, resource_id })))
            .onConflict((oc) => oc.columns(['incident_id', 'resource_id']).doNothing())
            .execute();
        }
      }
    });
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    const row = await this.database.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
    return row && incidentRecord(row);
  }

  async listIncidents(f: IncidentFilter): Promise<{ items: IncidentRecord[]; total: number }> {
    let q = this.database.db.selectFrom('incidents');
    if (f.status) q = q.where('status', '=', f.status);
    if (f.severities?.length) q = q.where('severity', 'in', f.severities);
    if (f.resourceId) {
      const resourceId = f.resourceId;
      q = q.where('id', 'in', (eb) => eb.selectFrom('incident_resources').select('incident_id').where('resource_id', '=', resourceId));
    }
    if (f.from !== undefined) q = q.where('updated_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('opened_at', '<', f.to);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('updated_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(incidentRecord), total: Number(count.n) };
  }

  async saveCheckpoints(entries: Array<{ key: string; state: string }>, now: number): Promise<void> {
    if (entries.length === 0) return;
    await this.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < entries.length; i += BATCH) {
        await tx
          .insertInto('detector_checkpoints')
          .values(entries.slice(i, i + BATCH).map((e) => ({ key: e.key, state: e.state, updated_at: now })))
          .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), updated_at: eb.ref('excluded.updated_at') })))
          .execute();
      }
    });
  }

  /** Checkpoints whose key starts with `prefix` (letters, digits, ':' and '-' only: no LIKE wildcards). */
  async loadCheckpoints(prefix = ''): Promise<Array<{ key: string; state: string; updated_at: number }>> {
    if (!/^[A-Za-z0-9:-]*$/.test(prefix)) throw new Error(`checkpoint prefix "${prefix}" may hold only letters, digits, ':' and '-'`);
    let q = this.database.db.selectFrom('detector_checkpoints').selectAll();
    if (prefix) q = q.where('key', 'like', `${prefix}%`);
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, updated_at: Number(r.updated_at) }));
  }

  async deleteCheckpoints(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH) await this.database.db.deleteFrom('detector_checkpoints').where('key', 'in', keys.slice(i, i + BATCH)).execute();
  }

  /** Deletes anomalies older than `cutoff` and incidents resolved before it. */
  async prune(cutoff: number): Promise<{ anomalies: number; incidents: number }> {
    const db = this.database.db;
    const a = await db.deleteFrom('anomalies').where('ts', '<', cutoff).executeTakeFirst();
    const old = db.selectFrom('incidents').select('id').where('status', '=', 'resolved').where('resolved_at', '<', cutoff);
    await db.deleteFrom('incident_resources').where('incident_id', 'in', old).execute();
    const i = await db.deleteFrom('incidents').where('status', '=', 'resolved').where('resolved_at', '<', cutoff).executeTakeFirst();
    return { anomalies: Number(a.numDeletedRows), incidents: Number(i.numDeletedRows) };
  }
}
