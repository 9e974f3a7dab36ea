import type { Database } from '../database/connection.js';
import type { JobTable } from '../database/schema.js';

export type JobRow = JobTable;

/** Job state for the in-process runner (BullMQ keeps its own in Redis). */
export class JobRepository {
  constructor(private readonly database: Database) {}

  async insert(job: JobRow): Promise<void> {
    await this.database.db.insertInto('jobs').values(job).execute();
  }

  async get(id: string): Promise<JobRow | undefined> {
    return this.database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async update(id: string, patch: Partial<Omit<JobRow, 'id'>>): Promise<void> {
    await this.database.db.updateTable('jobs').set(patch).where('id', '=', id).execute();
  }

  async listByState(states: string[]): Promise<JobRow[]> {
    return this.database.db.selectFrom('jobs').selectAll().where('state', 'in', states).orderBy('created_at').execute();
  }
}
