import type { Database } from '../database/connection.js';
import type { NodeTable, VmTable } from '../database/schema.js';
import { fromJson, toJson } from './json-column.js';

export type NodeRecord = Omit<NodeTable, 'labels'> & { labels: Record<string, string> };
export type VmRecord = Omit<VmTable, 'labels'> & { labels: Record<string, string> };

export interface NodeFilter {
  datacenter?: string;
  zone?: string;
  rack?: string;
  status?: string;
  limit: number;
  offset: number;
}

export interface VmFilter {
  nodeId?: string;
  state?: string;
  limit: number;
  offset: number;
}

const CHUNK = 200;

/** Nodes and VMs: upserts keep `created_at` and replace everything else. */
export class InventoryRepository {
  constructor(private readonly database: Database) {}

  upsertNodes(nodes: NodeRecord[]): Promise<void> {
    return this.upsert('nodes', nodes.map((n) => ({ ...n, labels: toJson(n.labels) })));
  }

  async getNode(id: string): Promise<NodeRecord | undefined> {
    const row = await this.database.db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { ...row, labels: fromJson(row.labels, {}) } : undefined;
  }

  async listNodes(f: NodeFilter): Promise<{ items: NodeRecord[]; total: number }> {
    let q = this.database.db.selectFrom('nodes');
    if (f.datacenter) q = q.where('datacenter', '=', f.datacenter);
    if (f.zone) q = q.where('zone', '=', f.zone);
    if (f.rack) q = q.where('rack', '=', f.rack);
    if (f.status) q = q.where('status', '=', f.status);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('id').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => ({ ...r, labels: fromJson(r.labels, {}) })), total: Number(count.n) };
  }

  async deleteNode(id: string): Promise<boolean> {
    const res = await this.database.db.deleteFrom('nodes').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  upsertVms(vms: VmRecord[]): Promise<void> {
    return this.upsert('vms', vms.map((v) => ({ ...v, labels: toJson(v.labels) })));
  }

  /** Insert-or-replace by id in one transaction, keeping the first `created_at`. */
  private async upsert(table: 'nodes' | 'vms', rows: (NodeTable | VmTable)[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]).filter((k) => k !== 'id' && k !== 'created_at');
    await this.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx
          .insertInto(table)
          .values(rows.slice(i, i + CHUNK) as any)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => Object.fromEntries(columns.map((k) => [k, eb.ref(`excluded.${k}` as any)])) as any),
          )
          .execute();
      }
    });
  }

  async getVm(id: string): Promise<VmRecord | undefined> {
    const row = await this.database.db.selectFrom('vms').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { ...row, labels: fromJson(row.labels, {}) } : undefined;
  }

  async listVms(f: VmFilter): Promise<{ items: VmRecord[]; total: number }> {
    let q = this.database.db.selectFrom('vms');
    if (f.nodeId) q = q.where('node_id', '=', f.nodeId);
    if (f.state) q = q.where('state', '=', f.state);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('id').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => ({ ...r, labels: fromJson(r.labels, {}) })), total: Number(count.n) };
  }

  async deleteVm(id: string): Promise<boolean> {
    const res = await this.database.db.deleteFrom('vms').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
