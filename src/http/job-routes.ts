import { Type } from 'typebox';
import { audit } from '../platform/audit.js';
import { Problem } from '../platform/errors.js';
import { JobQueueUnavailableError, UnknownJobTypeError } from '../platform/jobs/index.js';
import type { Platform } from '../platform/platform.js';
import type { App } from './fastify-types.js';

const JobView = Type.Object({
  id: Type.String(),
  type: Type.String(),
  state: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  message: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
  result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  backend: Type.String(),
  created_at: Type.String(),
  started_at: Type.Union([Type.String(), Type.Null()]),
  finished_at: Type.Union([Type.String(), Type.Null()]),
});

const tags = ['jobs'];

/** Long work (training, retention sweeps) as jobs: start one, then poll its state and progress. */
export function jobRoutes(platform: Platform) {
  return async (app: App): Promise<void> => {
    app.get('/api/v1/jobs/:id', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'State and progress of a job', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }), response: { 200: JobView } },
      handler: async (req) => {
        const job = await platform.jobs.get(req.params.id).catch((err: unknown) => {
          if (err instanceof JobQueueUnavailableError) throw new Problem(503, 'service_unavailable', 'The job queue (Redis) is unreachable; retry later', [], { 'retry-after': '5' });
          throw err;
        });
        if (!job) throw Problem.notFound(`No job ${req.params.id}`);
        return job;
      },
    });

    app.get('/api/v1/jobs', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Job types this engine runs', response: { 200: Type.Object({ types: Type.Array(Type.String()), backend: Type.String() }) } },
      handler: async () => ({ types: platform.jobs.types(), backend: platform.jobs.backend }),
    });

    app.post('/api/v1/jobs', {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Start a job of a registered type',
        body: Type.Object({ type: Type.String({ minLength: 1, maxLength: 100 }), payload: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }, { additionalProperties: false }),
        response: { 202: JobView },
      },
      handler: async (req, reply) => {
        try {
          const job = await platform.jobs.enqueue(req.body.type, req.body.payload ?? {});
          await audit(platform.store, platform.logger, { principal: req.principal, requestId: req.id }, 'job.enqueue', job.id, { type: job.type });
          return reply.code(202).header('location', `/api/v1/jobs/${job.id}`).send(job);
        } catch (err) {
          if (err instanceof UnknownJobTypeError) throw Problem.badRequest(err.message, [{ path: '/body/type', message: `must be one of ${err.known.join(', ')}` }]);
          if (err instanceof JobQueueUnavailableError) throw new Problem(503, 'service_unavailable', 'The job queue (Redis) is unreachable; retry later', [], { 'retry-after': '5' });
          throw err;
        }
      },
    });
  };
}
