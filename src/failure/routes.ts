import type { FastifyRequest } from 'fastify';
import type { App } from '../http/fastify-types.js';
import { audit } from '../platform/audit.js';
import { roleAllows } from '../platform/auth/principal.js';
import { Problem } from '../platform/errors.js';
import { JobQueueUnavailableError } from '../platform/jobs/index.js';
import type { Platform } from '../platform/platform.js';
import type { AlertRecord, FailureAssessmentRecord } from '../platform/store/index.js';
import { parseTimestamp } from '../telemetry/index.js';
import type { FailureService } from './failure-service.js';
import { FAILURE_TRAIN_JOB } from './jobs.js';
import { AlertsQuery, AlertsResponse, PredictionRequest, PredictionResponse, RetrainBody, RetrainResponse, RisksQuery, RisksResponse } from './schemas.js';
import { TrainingRequestError } from './training-config.js';

const tags = ['failure'];
const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

interface AjvError {
  keyword?: string;
  instancePath?: string;
  params?: Record<string, unknown>;
}

/**
 * The ai-engine contract answers a prediction request without `request_id` or `features` with
 * 422 (FastAPI's missing-field status); every other schema violation is our usual 400.
 */
function checkPredictBody(req: FastifyRequest): void {
  const err = req.validationError as (Error & { validation?: AjvError[] }) | undefined;
  if (!err) return;
  const missing = err.validation?.find((v) => v.keyword === 'required' && (v.instancePath ?? '') === '' && ['request_id', 'features'].includes(String(v.params?.missingProperty)));
  if (missing) {
    const field = String(missing.params!.missingProperty);
    throw new Problem(422, 'validation_failed', `/body/${field} is required`, [{ path: `/body/${field}`, message: 'is required' }]);
  }
  throw err;
}

function riskWire(r: FailureAssessmentRecord) {
  const p = r.payload as Record<string, any>;
  return {
    node_id: r.hostId,
    failure_probability: r.probability,
    alarm: r.alarm,
    elevated: r.elevated,
    score: r.score,
    time_to_failure: p.time_to_failure ?? { bucket: 'unknown', minutes: null, probability: null },
    reasons: Array.isArray(p.reasons) ? p.reasons : [],
    recommended_action: p.recommended_action ?? { action: 'none', component: 'host', text: '' },
    coverage: typeof p.coverage === 'number' ? p.coverage : 0,
    assessed_at: iso(r.assessedAt)!,
    model_id: r.modelId,
  };
}

function alertWire(a: AlertRecord) {
  const d = a.details as Record<string, any>;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return {
    id: a.id,
    node_id: a.entityId,
    status: a.status,
    severity: a.severity,
    title: a.title,
    reasons: a.reasons,
    failure_probability: num(d.failure_probability),
    peak_probability: num(d.peak_probability),
    time_to_failure: d.time_to_failure ?? null,
    recommended_action: d.recommended_action ?? null,
    model_id: typeof d.model_id === 'string' ? d.model_id : null,
    opened_at: iso(a.createdAt)!,
    last_alarm_at: iso(a.updatedAt)!,
    resolved_at: iso(a.resolvedAt),
    resolution: typeof d.resolution === 'string' ? d.resolution : null,
  };
}

export function failureRoutes(platform: Platform, service: FailureService) {
  return async (app: App): Promise<void> => {
    app.post('/api/v1/failure/predict', {
      config: { access: 'operator' },
      attachValidation: true,
      schema: {
        tags,
        summary: 'Will this host fail within the horizon, why, and what to do? (ai-engine shape)',
        description:
          'Assesses one host with the active failure model. With only `features.node_id`, the host\'s stored telemetry of the last 24 h is read (404 when it has none). ' +
          'With metric values, they are the newest sample of that history (or a flat history when the host has none, which the answer notes). ' +
          'With the model\'s own feature names, those values are scored directly. Missing `request_id` or `features` is 422 (as the ai-engine contract); other schema violations 400.',
        body: PredictionRequest,
        response: { 200: PredictionResponse },
      },
      handler: async (req) => {
        const started = performance.now();
        checkPredictBody(req);
        const { features, metadata, timestamp } = req.body;
        let ts: number | undefined;
        if (timestamp !== undefined && timestamp !== null) {
          const t = parseTimestamp(timestamp, Date.now() + platform.config.telemetryFutureToleranceMs);
          if (typeof t === 'string') throw Problem.badRequest(`/body/timestamp: ${t}`, [{ path: '/body/timestamp', message: t }]);
          ts = t;
        }
        const out = await service.predict({ features, metadata, timestamp: ts });
        const v = out.view;
        const prediction = v.alarm ? 1 : 0;
        return {
          request_id: req.body.request_id,
          model_id: out.modelId,
          prediction,
          confidence: (prediction === 1 ? v.failure_probability : 1 - v.failure_probability) * v.coverage,
          probabilities: { normal: 1 - v.failure_probability, failure: v.failure_probability },
          response_time: (performance.now() - started) / 1000,
          timestamp: new Date().toISOString(),
          metadata: {
            failure_probability: v.failure_probability,
            threshold: v.threshold,
            prediction_horizon_minutes: out.horizonMinutes,
            min_lead_minutes: out.minLeadMinutes,
            score: v.score,
            score_threshold: v.score_threshold,
            alarm: v.alarm,
            elevated: v.elevated,
            time_to_failure: v.time_to_failure,
            reasons: v.reasons,
            reason_details: v.reason_details,
            recommended_action: v.recommended_action,
            members: v.members,
            basis: out.basis,
            coverage: v.coverage,
            node_id: out.nodeId,
            assessed_at: new Date(out.end).toISOString(),
            samples: out.samples,
            ignored_features: out.ignored,
            notes: out.notes,
          },
        };
      },
    });

    app.get('/api/v1/failure/risks', {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Every reporting host\'s latest failure risk, riskiest first',
        description: 'Served from the latest background scoring run (every NOVACRON_FAILURE_SCORE_INTERVAL_S over hosts with telemetry in the last 15 minutes); `assessed_at` says when it ran.',
        querystring: RisksQuery,
        response: { 200: RisksResponse },
      },
      handler: async (req) => {
        const q = req.query;
        const r = await service.risks({ minProbability: q.min_probability, alarmOnly: q.alarm_only, limit: q.limit ?? 100 });
        return { assessed_at: iso(r.scoredAt), threshold: r.threshold, total: r.total, items: r.items.map(riskWire) };
      },
    });

    app.get('/api/v1/failure/alerts', {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Failure alerts, newest first',
        description: 'One alert per alarming host, updated while it keeps alarming and resolved once it has not alarmed for 30 minutes.',
        querystring: AlertsQuery,
        response: { 200: AlertsResponse },
      },
      handler: async (req) => {
        const q = req.query;
        const limit = q.limit ?? 100;
        const offset = q.offset ?? 0;
        const { items, total } = await service.listAlerts({ status: q.status, entityId: q.node_id, limit, offset });
        return { items: items.map(alertWire), total, limit, offset };
      },
    });

    app.post('/api/v1/failure/retrain', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Train a new failure model on simulated fleets (a job; 202 with its id)',
        description:
          'Send {} for the default configuration (100 hosts × 14 days per fleet, all five members; tens of minutes), `{"quick": true}` for a fast one, or override single settings within the limits. ' +
          'The new version is registered with its validation metrics and activated when its validation event recall is not worse than the active version\'s, ' +
          'or always with `activate: true` (admin only). One training at a time: 409 while one is queued or running. Follow it at GET /api/v1/jobs/{id}.',
        body: RetrainBody,
        response: { 202: RetrainResponse },
      },
      handler: async (req, reply) => {
        const body = req.body;
        if (body.activate === true && !(req.principal && roleAllows(req.principal.role, 'admin'))) {
          throw new Problem(403, 'forbidden', 'activate: true needs the admin role; without it the new version is activated only when it validates at least as well as the active one');
        }
        let request;
        try {
          request = await service.resolveTraining(body);
        } catch (err) {
          if (err instanceof TrainingRequestError) throw Problem.badRequest(err.message, [{ path: err.path, message: err.message.slice(err.path.length + 2) }]);
          throw err;
        }
        const running = await service.trainingInProgress();
        if (running) throw new Problem(409, 'conflict', `Failure training job ${running} is still queued or running; follow it at /api/v1/jobs/${running}`);
        let job;
        try {
          job = await platform.jobs.enqueue(FAILURE_TRAIN_JOB, body);
        } catch (err) {
          if (err instanceof JobQueueUnavailableError) throw new Problem(503, 'service_unavailable', 'The job queue (Redis) is unreachable; retry later', [], { 'retry-after': '5' });
          throw err;
        }
        service.noteTrainingJob(job.id);
        await audit(platform.store, platform.logger, { principal: req.principal, requestId: req.id }, 'failure.retrain', job.id, { quick: body.quick === true, activate: body.activate === true });
        return reply
          .code(202)
          .header('location', `/api/v1/jobs/${job.id}`)
          .send({ job_id: job.id, state: job.state, status_url: `/api/v1/jobs/${job.id}`, config: request.config as unknown as Record<string, unknown> });
      },
    });
  };
}
