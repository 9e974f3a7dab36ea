import { randomUUID } from 'node:crypto';
import type { Database } from '../database/connection.js';
import { toJson } from './json-column.js';

/** One resource recommendation as stored. */
export interface ResourceRecommendationRecord {
  createdAt: number;
  workloadId: string;
  action: string;
  priority: number;
  confidence: number;
  objective: string;
  costChange: number;
  monthlySaving: number;
  payload: Record<string, unknown>;
}

export interface RecommendationSummary {
  total: number;
  byAction: Record<string, number>;
  byPriority: Record<number, number>;
  averageConfidence: number;
  /** Sum of the monthly savings of the actions that save (currency per month). */
  monthlySavings: number;
  /** Sum of |cost_change| over the actions that save (the seed's potential_savings). */
  costChangeSavings: number;
}

const BATCH = 200;

/** Resource recommendations: written as they are made, summarised over a window. */
export class OptimizationRepository {
  constructor(private readonly database: Database) {}

  async record(rows: readonly ResourceRecommendationRecord[]): Promise<void> {
    if (!rows.length) return;
    await this.database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        await tx
          .insertInto('resource_recommendations')
          .values(
            rows.slice(i, i + BATCH).map((r) => ({
              id: randomUUID(),
              created_at: Math.round(r.createdAt),
              workload_id: r.workloadId,
              action: r.action,
              priority: r.priority,
              confidence: r.confidence,
              objective: r.objective,
              cost_change: r.costChange,
              monthly_saving: r.monthlySaving,
              payload: toJson(r.payload),
            })),
          )
          .execute();
      }
    });
  }

  /** Counts and sums over the recommendations made at or after `since` (epoch ms). */
  async summary(since: number): Promise<RecommendationSummary> {
    // created_at is a bigint: PostgreSQL refuses a fractional bound (a window of 1.5 hours gives one).
    const base = this.database.db.selectFrom('resource_recommendations').where('created_at', '>=', Math.floor(since));
    const [byAction, byPriority, totals] = await Promise.all([
      base.select(['action', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('action').execute(),
      base.select(['priority', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('priority').execute(),
      base
        .select((eb) => [
          eb.fn.countAll<number>().as('n'),
          eb.fn.avg<number>('confidence').as('conf'),
          eb.fn.sum<number>(eb.case().when('monthly_saving', '>', 0).then(eb.ref('monthly_saving')).else(0).end()).as('saving'),
          eb.fn.sum<number>(eb.case().when('cost_change', '<', 0).then(eb.ref('cost_change')).else(0).end()).as('change'),
        ])
        .executeTakeFirstOrThrow(),
    ]);
    return {
      total: Number(totals.n),
      byAction: Object.fromEntries(byAction.map((r) => [r.action, Number(r.n)])),
      byPriority: Object.fromEntries(byPriority.map((r) => [Number(r.priority), Number(r.n)])),
      averageConfidence: totals.conf == null ? 0 : Number(totals.conf),
      monthlySavings: Number(totals.saving ?? 0),
      costChangeSavings: Math.abs(Number(totals.change ?? 0)),
    };
  }
}
