import type { App } from '../http/fastify-types.js';
import { Problem } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import { ALIASES, METRICS, resolveMetric } from './metric-catalogue.js';
import { IngestBody, IngestResponse, RangeQuery, RangeResponse, SeriesQuery } from './schemas.js';
import type { TelemetryService } from './service.js';
import { queryTimeParam } from './timestamps.js';

const tags = ['telemetry'];
const DAY = 86_400_000;

const queryTime = queryTimeParam<number>;

export function telemetryRoutes(platform: Platform, telemetry: TelemetryService) {
  return async (app: App): Promise<void> => {
    app.post('/api/v1/telemetry', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Ingest a batch of samples (rows and/or columnar series); idempotent on (entity, metric, timestamp)',
        description:
          'Invalid samples (NaN, ±Infinity, out of range, bad timestamp) are listed by position in `rejected` while the valid ones are stored. ' +
          'Utilisations sent in percent are stored as fractions. The response is sent only after the samples are committed.',
        body: IngestBody,
        response: { 200: IngestResponse },
      },
      handler: async (req) => {
        if (req.body.samples === undefined && req.body.series === undefined) {
          throw Problem.badRequest('Send `samples` (rows) or `series` (columnar), or both', [{ path: '/body', message: 'needs samples or series' }]);
        }
        return telemetry.ingest(req.body);
      },
    });

    app.get('/api/v1/telemetry', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Samples of one entity and metric in a time range', querystring: RangeQuery, response: { 200: RangeResponse } },
      handler: async (req) => {
        const q = req.query;
        const to = queryTime(q.to, Date.now() + platform.config.telemetryFutureToleranceMs + 1, 'to');
        const from = queryTime(q.from, to - DAY, 'from');
        if (from >= to) throw Problem.badRequest('`from` must be before `to`', [{ path: '/querystring/from', message: 'must be before to' }]);
        const found = await telemetry.read({ entityId: q.entity_id, metric: q.metric, from, to, limit: q.limit, latest: q.order === 'latest' });
        if (!found) throw Problem.notFound(`No telemetry for entity "${q.entity_id}" and metric "${q.metric}"`);
        return {
          entity_id: found.series.entity_id,
          entity_type: found.series.entity_type,
          metric: found.series.metric,
          unit: resolveMetric(found.series.metric)?.spec?.unit ?? null,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          count: found.points.length,
          points: found.points.map((p) => ({ timestamp: new Date(p.ts).toISOString(), value: p.value })),
        };
      },
    });

    app.get('/api/v1/telemetry/series', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Metrics stored for an entity', querystring: SeriesQuery },
      handler: async (req) => {
        const series = await telemetry.listSeries(req.query.entity_id);
        return {
          entity_id: req.query.entity_id,
          series: series.map((s) => ({ metric: s.metric, entity_type: s.entity_type, unit: resolveMetric(s.metric)?.spec?.unit ?? null, created_at: new Date(s.created_at).toISOString() })),
        };
      },
    });

    app.get('/api/v1/telemetry/metrics', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'The canonical metric catalogue and accepted aliases with their unit conversion' },
      handler: async () => ({
        metrics: METRICS.map((m) => ({ ...m, max: Number.isFinite(m.max) ? m.max : null })),
        aliases: ALIASES,
        total_metrics: METRICS.length,
      }),
    });
  };
}
