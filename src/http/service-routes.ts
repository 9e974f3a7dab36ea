import { Type } from 'typebox';
import type { ModelRegistry } from '../models/index.js';
import type { Platform } from '../platform/platform.js';
import { VERSION } from '../version.js';
import type { App } from './fastify-types.js';
import { healthReport } from './health.js';

const tags = ['service'];

/** `/`, `/health`, `/ready` and `/metrics`: open, never rate-limited, cheap. */
export function serviceRoutes(platform: Platform, registry: ModelRegistry) {
  return async (app: App): Promise<void> => {
    const open = { access: 'open' as const, rateLimit: false as const };

    app.get('/', {
      config: open,
      schema: { tags, summary: 'Service descriptor', security: [] },
      handler: async () => {
        const active = await Promise.all((['failure', 'placement', 'anomaly', 'resource'] as const).map((s) => registry.active(s).catch(() => undefined)));
        return {
          name: 'NovaCron AI Operations Engine',
          version: VERSION,
          status: 'operational',
          services: {
            failure_prediction: Boolean(active[0]),
            // Placement is served by hard rules and the factor catalogue, with or without a registered model.
            workload_placement: true,
            anomaly_detection: Boolean(active[2]),
            resource_optimization: Boolean(active[3]),
          },
          storage: platform.database.dialect,
          jobs: platform.jobs.backend,
          endpoints: {
            health: '/health',
            ready: '/ready',
            metrics: '/metrics',
            docs: '/docs',
            openapi: '/docs/json',
            telemetry: '/api/v1/telemetry',
            nodes: '/api/v1/nodes',
            vms: '/api/v1/vms',
            events: '/api/v1/events',
            models: '/api/v1/models',
            jobs: '/api/v1/jobs',
            process: '/api/v1/process',
            failure_prediction: '/api/v1/failure',
            workload_placement: '/api/v1/placement',
            anomaly_detection: '/api/v1/anomaly',
            resource_optimization: '/api/v1/resource',
          },
        };
      },
    });

    app.get('/health', {
      config: open,
      schema: { tags, summary: 'Health of the engine, its storage, Redis and each capability\'s active model', security: [] },
      handler: async (_req, reply) => {
        const report = await healthReport(platform, registry);
        return reply.code(report.database.status === 'down' ? 503 : 200).send(report);
      },
    });

    app.get('/ready', {
      config: open,
      schema: {
        tags,
        summary: 'Readiness: 200 once migrations are applied and the database answers, else 503',
        security: [],
        response: { 200: Type.Object({ ready: Type.Boolean() }), 503: Type.Object({ ready: Type.Boolean(), reason: Type.String() }) },
      },
      handler: async (_req, reply) => {
        if (!platform.migrated) return reply.code(503).send({ ready: false, reason: 'migrations not applied' });
        try {
          await platform.database.ping();
        } catch (err) {
          return reply.code(503).send({ ready: false, reason: `database: ${(err as Error).message}` });
        }
        return { ready: true };
      },
    });

    app.get('/metrics', {
      config: { rateLimit: false },
      schema: { tags, summary: 'Prometheus metrics (text exposition format)' },
      handler: async (_req, reply) => reply.type(platform.metrics.contentType).send(await platform.metrics.text()),
    });
  };
}
