import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { Database } from '../database/connection.js';

export type EntityType = 'node' | 'vm';

export interface SeriesKey {
  entityId: string;
  entityType: EntityType;
  metric: string;
}

/** Samples for one write, column-wise so a 50,000-sample batch allocates four arrays, not 50,000 objects. */
export interface SampleColumns {
  seriesIds: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
  length: number;
}

export interface SamplePoint {
  ts: number;
  value: number;
}

/** One series' samples in a time range, oldest first. */
export interface SeriesWindow {
  ts: Float64Array;
  values: Float64Array;
}

export interface SeriesRef {
  id: number;
  entity_id: string;
  metric: string;
}

export interface SeriesInfo {
  id: number;
  entity_id: string;
  entity_type: string;
  metric: string;
  created_at: number;
}

/**
 * Telemetry storage. Series (entity, metric) get a numeric id once and are cached; samples are
 * keyed by (series, ts) and written with ON CONFLICT DO NOTHING, so a re-sent batch changes
 * nothing and the first value written for a timestamp wins.
 */
export class TelemetryRepository {
  private readonly seriesIds = new Map<string, number>();
  private windowStatement?: BetterSqlite3.Statement;

  constructor(private readonly database: Database) {}

  private static cacheKey(entityId: string, metric: string): string {
    return `${entityId}\u0000${metric}`;
  }

  /** Returns the series id of every key, creating missing series. Order matches the input. */
  async resolveSeries(keys: SeriesKey[]): Promise<number[]> {
    const out = new Array<number>(keys.length);
    const missing = new Map<string, SeriesKey>();
    keys.forEach((k, i) => {
      const id = this.seriesIds.get(TelemetryRepository.cacheKey(k.entityId, k.metric));
      if (id === undefined) missing.set(TelemetryRepository.cacheKey(k.entityId, k.metric), k);
      else out[i] = id;
    });
    if (missing.size) {
      const now = Date.now();
      const list = [...missing.values()];
      const { db } = this.database;
      for (let i = 0; i < list.length; i += 500) {
        const chunk = list.slice(i, i + 500);
        await db
          .insertInto('telemetry_series')
          .values(chunk.map((k) => ({ entity_id: k.entityId, entity_type: k.entityType, metric: k.metric, created_at: now })))
          .onConflict((oc) => oc.columns(['entity_id', 'metric']).doNothing())
          .execute();
        // Read back both fresh rows and rows another writer created concurrently.
        const rows = await db
          .selectFrom('telemetry_series')
          .select(['id', 'entity_id', 'metric'])
          .where((eb) => eb.or(chunk.map((k) => eb.and([eb('entity_id', '=', k.entityId), eb('metric', '=', k.metric)]))))
          .execute();
        for (const r of rows) this.seriesIds.set(TelemetryRepository.cacheKey(r.entity_id, r.metric), Number(r.id));
      }
      keys.forEach((k, i) => {
        if (out[i] === undefined) {
          const id = this.seriesIds.get(TelemetryRepository.cacheKey(k.entityId, k.metric));
          if (id === undefined) throw new Error(`series ${k.entityId}/${k.metric} could not be created`);
          out[i] = id;
        }
      });
    }
    return out;
  }

  /** Writes samples; resolves to how many were new (the rest were already stored). */
  async insertSamples(cols: SampleColumns): Promise<number> {
    if (cols.length === 0) return 0;
    const { sampleWriter } = this.database;
    if (sampleWriter) {
      return sampleWriter.write(cols.seriesIds.subarray(0, cols.length), cols.timestamps.subarray(0, cols.length), cols.values.subarray(0, cols.length));
    }
    return this.insertPostgres(cols, sortedOrder(cols));
  }

  private async insertPostgres(cols: SampleColumns, order: Uint32Array): Promise<number> {
    const pool = this.database.pg!;
    const n = order.length;
    const s = new Array<number>(n);
    const t = new Array<number>(n);
    const v = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      const i = order[j];
      s[j] = cols.seriesIds[i];
      t[j] = cols.timestamps[i];
      v[j] = cols.values[i];
    }
    // One statement per batch: unnest turns three arrays into rows, sorted so that concurrent
    // batches take row locks in the same order and cannot deadlock.
    const res = await pool.query(
      'insert into telemetry_samples (series_id, ts, value) select * from unnest($1::bigint[], $2::bigint[], $3::float8[]) on conflict do nothing',
      [s, t, v],
    );
    return res.rowCount ?? 0;
  }

  async findSeries(entityId: string, metric: string): Promise<SeriesInfo | undefined> {
    const row = await this.database.db
      .selectFrom('telemetry_series')
      .selectAll()
      .where('entity_id', '=', entityId)
      .where('metric', '=', metric)
      .executeTakeFirst();
    return row ? { ...row, id: Number(row.id) } : undefined;
  }

  async listSeries(entityId: string): Promise<SeriesInfo[]> {
    const rows = await this.database.db
      .selectFrom('telemetry_series')
      .selectAll()
      .where('entity_id', '=', entityId)
      .orderBy('metric')
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /** Samples in [from, to), oldest first, at most `limit`; `latest` returns the newest `limit` instead. */
  async readRange(seriesId: number, from: number, to: number, limit: number, latest = false): Promise<SamplePoint[]> {
    const q = this.database.db
      .selectFrom('telemetry_samples')
      .select(['ts', 'value'])
      .where('series_id', '=', seriesId)
      .where('ts', '>=', from)
      .where('ts', '<', to)
      .orderBy('ts', latest ? 'desc' : 'asc')
      .limit(limit);
    const rows = await q.execute();
    if (latest) rows.reverse();
    return rows.map((r) => ({ ts: Number(r.ts), value: Number(r.value) }));
  }

  /** Series of the given metrics, of the given entities (every entity of `entityType` when `entityIds` is absent). */
  async seriesOf(metrics: readonly string[], entityIds?: readonly string[], entityType?: string): Promise<SeriesRef[]> {
    if (metrics.length === 0 || entityIds?.length === 0) return [];
    const out: SeriesRef[] = [];
    const chunks = entityIds ? Array.from({ length: Math.ceil(entityIds.length / 500) }, (_, i) => entityIds.slice(i * 500, (i + 1) * 500)) : [undefined];
    for (const chunk of chunks) {
      let q = this.database.db.selectFrom('telemetry_series').select(['id', 'entity_id', 'metric']).where('metric', 'in', [...metrics]);
      if (chunk) q = q.where('entity_id', 'in', chunk);
      if (entityType) q = q.where('entity_type', '=', entityType);
      for (const r of await q.execute()) out.push({ id: Number(r.id), entity_id: r.entity_id, metric: r.metric });
    }
    return out;
  }

  /** Entities of `entityType` with at least one sample of these metrics in [from, to], sorted. */
  async entitiesWithSamples(metrics: readonly string[], from: number, to: number, entityType: string): Promise<string[]> {
    if (metrics.length === 0) return [];
    const rows = await this.database.db
      .selectFrom('telemetry_series as s')
      .select('s.entity_id')
      .distinct()
      .where('s.entity_type', '=', entityType)
      .where('s.metric', 'in', [...metrics])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('telemetry_samples as x')
            .select(sql.lit(1).as('one'))
            .whereRef('x.series_id', '=', 's.id')
            .where('x.ts', '>=', from)
            .where('x.ts', '<=', to),
        ),
      )
      .orderBy('s.entity_id')
      .execute();
    return rows.map((r) => r.entity_id);
  }

  /**
   * Samples of several series in [from, to], oldest first, column-wise per series (the failure
   * scorer reads a day of 22 series per host this way). SQLite reads each series as one
   * primary-key range through a prepared statement in raw mode; PostgreSQL in one query.
   */
  async readWindows(seriesIds: readonly number[], from: number, to: number): Promise<Map<number, SeriesWindow>> {
    const out = new Map<number, SeriesWindow>();
    if (seriesIds.length === 0) return out;
    const { sqlite } = this.database;
    if (sqlite) {
      this.windowStatement ??= sqlite.prepare('select ts, value from telemetry_samples where series_id = ? and ts >= ? and ts <= ? order by ts').raw(true);
      const stmt = this.windowStatement;
      for (const id of seriesIds) {
        const rows = stmt.all(id, from, to) as [number, number][];
        const ts = new Float64Array(rows.length);
        const values = new Float64Array(rows.length);
        for (let i = 0; i < rows.length; i++) {
          ts[i] = rows[i][0];
          values[i] = rows[i][1];
        }
        out.set(id, { ts, values });
      }
      return out;
    }
    const res = await this.database.pg!.query({
      text: 'select series_id, ts, value from telemetry_samples where series_id = any($1::bigint[]) and ts >= $2 and ts <= $3 order by series_id, ts',
      values: [seriesIds, from, to],
      rowMode: 'array',
    });
    const rows = res.rows as [number, number, number][];
    let i = 0;
    while (i < rows.length) {
      const id = Number(rows[i][0]);
      let j = i;
      while (j < rows.length && Number(rows[j][0]) === id) j++;
      const ts = new Float64Array(j - i);
      const values = new Float64Array(j - i);
      for (let k = i; k < j; k++) {
        ts[k - i] = Number(rows[k][1]);
        values[k - i] = Number(rows[k][2]);
      }
      out.set(id, { ts, values });
      i = j;
    }
    for (const id of seriesIds) if (!out.has(id)) out.set(id, { ts: new Float64Array(0), values: new Float64Array(0) });
    return out;
  }

  async countSamples(seriesId?: number): Promise<number> {
    let q = this.database.db.selectFrom('telemetry_samples').select((eb) => eb.fn.countAll<number>().as('n'));
    if (seriesId !== undefined) q = q.where('series_id', '=', seriesId);
    const row = await q.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Deletes samples older than `cutoff`, series by series so every delete is a primary-key range. */
  async prune(cutoff: number): Promise<number> {
    const series = await this.database.db.selectFrom('telemetry_series').select('id').execute();
    let deleted = 0;
    for (const s of series) {
      const res = await this.database.db
        .deleteFrom('telemetry_samples')
        .where('series_id', '=', Number(s.id))
        .where('ts', '<', cutoff)
        .executeTakeFirst();
      deleted += Number(res.numDeletedRows ?? 0);
    }
    return deleted;
  }
}

/** Indices of the samples ordered by (series, ts). */
function sortedOrder(cols: SampleColumns): Uint32Array {
  const order = new Uint32Array(cols.length);
  for (let i = 0; i < cols.length; i++) order[i] = i;
  const { seriesIds: s, timestamps: t } = cols;
  order.sort((a, b) => s[a] - s[b] || t[a] - t[b]);
  return order;
}
