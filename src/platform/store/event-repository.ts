import type { Database } from '../database/connection.js';
import type { EventTable } from '../database/schema.js';
import { fromJson, toJson } from './json-column.js';

export type EventRecord = Omit<EventTable, 'attributes'> & { attributes: Record<string, unknown> };

export interface EventFilter {
  entityId?: string;
  kind?: string;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

/** Operational events (failures, maintenance, migrations, reboots): the labels of supervised learning. */
export class EventRepository {
  constructor(private readonly database: Database) {}

  /** Inserts events; an id already stored is updated (a failure's `ended_at` arrives later). */
  async upsert(events: EventRecord[]): Promise<void> {
    await this.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < events.length; i += 200) {
        const rows = events.slice(i, i + 200).map((e) => ({ ...e, attributes: toJson(e.attributes) }));
        await tx
          .insertInto('events')
          .values(rows)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              entity_id: eb.ref('excluded.entity_id'),
              entity_type: eb.ref('excluded.entity_type'),
              kind: eb.ref('excluded.kind'),
              severity: eb.ref('excluded.severity'),
              started_at: eb.ref('excluded.started_at'),
              ended_at: eb.ref('excluded.ended_at'),
              description: eb.ref('excluded.description'),
              source: eb.ref('excluded.source'),
              attributes: eb.ref('excluded.attributes'),
            })),
          )
          .execute();
      }
    });
  }

  async list(f: EventFilter): Promise<{ items: EventRecord[]; total: number }> {
    let q = this.database.db.selectFrom('events');
    if (f.entityId) q = q.where('entity_id', '=', f.entityId);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.from !== undefined) q = q.where('started_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('started_at', '<', f.to);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('started_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({ ...r, started_at: Number(r.started_at), ended_at: r.ended_at == null ? null : Number(r.ended_at), attributes: fromJson(r.attributes, {}) })),
      total: Number(count.n),
    };
  }
}
