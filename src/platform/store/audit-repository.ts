import type { Database } from '../database/connection.js';
import { fromJson, toJson } from './json-column.js';

export interface AuditEntry {
  at: number;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  requestId: string | null;
  outcome: 'success' | 'failure';
  details: Record<string, unknown>;
}

/** Append-only record of who changed what: keys, models, inventory. */
export class AuditRepository {
  constructor(private readonly database: Database) {}

  async append(e: AuditEntry): Promise<void> {
    await this.database.db
      .insertInto('audit_log')
      .values({ at: e.at, actor: e.actor, role: e.role, action: e.action, target: e.target, request_id: e.requestId, outcome: e.outcome, details: toJson(e.details) })
      .execute();
  }

  async list(limit: number, offset: number, action?: string): Promise<(AuditEntry & { id: number })[]> {
    let q = this.database.db.selectFrom('audit_log').selectAll();
    if (action) q = q.where('action', '=', action);
    const rows = await q.orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      actor: r.actor,
      role: r.role,
      action: r.action,
      target: r.target,
      requestId: r.request_id,
      outcome: r.outcome as AuditEntry['outcome'],
      details: fromJson(r.details, {}),
    }));
  }
}
