import type { Database } from '../database/connection.js';
import type { ApiKeyTable } from '../database/schema.js';

export type ApiKeyRecord = ApiKeyTable;

export class ApiKeyRepository {
  constructor(private readonly database: Database) {}

  async insert(key: ApiKeyRecord): Promise<void> {
    await this.database.db.insertInto('api_keys').values(key).execute();
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    return this.database.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.database.db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();
  }

  async countActive(): Promise<number> {
    const row = await this.database.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const res = await this.database.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.database.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
