import type { Database } from '../database/connection.js';
import type { AlertTable, FailureAssessmentTable } from '../database/schema.js';
import { fromJson, toJson } from './json-column.js';

/** The latest failure assessment of one host, as stored. */
export interface FailureAssessmentRecord {
  hostId: string;
  assessedAt: number;
  scoredAt: number;
  modelId: string;
  probability: number;
  score: number;
  alarm: boolean;
  elevated: boolean;
  payload: Record<string, unknown>;
}

export interface AssessmentFilter {
  minProbability?: number;
  alarmOnly?: boolean;
  limit: number;
}

/** An alert of a capability (the `alerts` table); failure alerts have service 'failure'. */
export interface AlertRecord {
  id: string;
  service: string;
  entityId: string;
  severity: string;
  status: 'open' | 'resolved';
  title: string;
  reasons: string[];
  createdAt: number;
  /** For failure alerts: the last time the host alarmed. */
  updatedAt: number;
  resolvedAt: number | null;
  details: Record<string, unknown>;
}

export interface AlertFilter {
  service: string;
  status?: 'open' | 'resolved';
  entityId?: string;
  limit: number;
  offset: number;
}

const BATCH = 200;

function assessmentRecord(r: FailureAssessmentTable): FailureAssessmentRecord {
  return {
    hostId: r.host_id,
    assessedAt: Number(r.assessed_at),
    scoredAt: Number(r.scored_at),
    modelId: r.model_id,
    probability: Number(r.probability),
    score: Number(r.score),
    alarm: Number(r.alarm) === 1,
    elevated: Number(r.elevated) === 1,
    payload: fromJson(r.payload, {}),
  };
}

function alertRecord(r: AlertTable): AlertRecord {
  return {
    id: r.id,
    service: r.service,
    entityId: r.entity_id ?? '',
    severity: r.severity,
    status: r.status === 'open' ? 'open' : 'resolved',
    title: r.title,
    reasons: fromJson(r.reasons, []),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    resolvedAt: r.resolved_at == null ? null : Number(r.resolved_at),
    details: fromJson(r.details, {}),
  };
}

/** Failure assessments (latest per host) and capability alerts. */
export class FailureRepository {
  constructor(private readonly database: Database) {}

  /**
   * Replaces the stored assessments with one scoring run's: upserts every row (all carrying the
   * run's `scoredAt`) and deletes the hosts the run did not assess (no recent telemetry).
   */
  async replaceAssessments(rows: FailureAssessmentRecord[], scoredAt: number): Promise<void> {
    await this.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        await tx
          .insertInto('failure_assessments')
          .values(
            rows.slice(i, i + BATCH).map((r) => ({
              host_id: r.hostId,
              assessed_at: r.assessedAt,
              scored_at: scoredAt,
              model_id: r.modelId,
              probability: r.probability,
              score: r.score,
              alarm: r.alarm ? 1 : 0,
              elevated: r.elevated ? 1 : 0,
              payload: toJson(r.payload),
            })),
          )
          .onConflict((oc) =>
            oc.column('host_id').doUpdateSet((eb) => ({
              assessed_at: eb.ref('excluded.assessed_at'),
              scored_at: eb.ref('excluded.scored_at'),
              model_id: eb.ref('excluded.model_id'),
              probability: eb.ref('excluded.probability'),
              score: eb.ref('excluded.score'),
              alarm: eb.ref('excluded.alarm'),
              elevated: eb.ref('excluded.elevated'),
              payload: eb.ref('excluded.payload'),
            })),
          )
          .execute();
      }
      await tx.deleteFrom('failure_assessments').where('scored_at', '<>', scoredAt).execute();
    });
  }

  /** Assessments, riskiest first (by ensemble score, then host id), with the total matching and the latest run's time. */
  async listAssessments(f: AssessmentFilter): Promise<{ items: FailureAssessmentRecord[]; total: number; scoredAt: number | null }> {
    let q = this.database.db.selectFrom('failure_assessments');
    if (f.minProbability !== undefined) q = q.where('probability', '>=', f.minProbability);
    if (f.alarmOnly) q = q.where('alarm', '=', 1);
    const [rows, count, latest] = await Promise.all([
      q.selectAll().orderBy('score', 'desc').orderBy('host_id').limit(f.limit).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      this.database.db
        .selectFrom('failure_assessments')
        .select((eb) => eb.fn.max('scored_at').as('t'))
        .executeTakeFirst(),
    ]);
    const t = latest?.t;
    return { items: rows.map(assessmentRecord), total: Number(count.n), scoredAt: t == null ? null : Number(t) };
  }

  async getAssessment(hostId: string): Promise<FailureAssessmentRecord | undefined> {
    const row = await this.database.db.selectFrom('failure_assessments').selectAll().where('host_id', '=', hostId).executeTakeFirst();
    return row && assessmentRecord(row);
  }

  /** Open alerts of a service. */
  async openAlerts(service: string): Promise<AlertRecord[]> {
    const rows = await this.database.db.selectFrom('alerts').selectAll().where('service', '=', service).where('status', '=', 'open').execute();
    return rows.map(alertRecord);
  }

  /**
   * Opens an alert unless the entity already has an open one of this service (a unique index
   * keeps one open alert per service and entity, even across processes). Resolves to whether
   * this call opened it.
   */
  async openAlert(a: Omit<AlertRecord, 'status' | 'resolvedAt'>): Promise<boolean> {
    const res = await this.database.db
      .insertInto('alerts')
      .values({
        id: a.id,
        service: a.service,
        entity_id: a.entityId,
        severity: a.severity,
        status: 'open',
        title: a.title,
        reasons: toJson(a.reasons),
        correlation_id: null,
        created_at: a.createdAt,
        updated_at: a.updatedAt,
        resolved_at: null,
        details: toJson(a.details),
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Updates an open alert (still alarming: last alarm time, severity, reasons, details). */
  async updateAlert(id: string, patch: { severity: string; title: string; reasons: string[]; updatedAt: number; details: Record<string, unknown> }): Promise<void> {
    await this.database.db
      .updateTable('alerts')
      .set({ severity: patch.severity, title: patch.title, reasons: toJson(patch.reasons), updated_at: patch.updatedAt, details: toJson(patch.details) })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .execute();
  }

  async resolveAlert(id: string, at: number, details: Record<string, unknown>): Promise<void> {
    await this.database.db.updateTable('alerts').set({ status: 'resolved', resolved_at: at, details: toJson(details) }).where('id', '=', id).where('status', '=', 'open').execute();
  }

  /** Alerts of a service, newest first. */
  async listAlerts(f: AlertFilter): Promise<{ items: AlertRecord[]; total: number }> {
    let q = this.database.db.selectFrom('alerts').where('service', '=', f.service);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.entityId) q = q.where('entity_id', '=', f.entityId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(alertRecord), total: Number(count.n) };
  }
}
