import { Type } from 'typebox';
import type { App } from '../http/fastify-types.js';
import { audit } from '../platform/audit.js';
import { Problem } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import type { ModelVersionRecord } from '../platform/store/index.js';
import { toModelMetadata } from './model-metadata.js';
import type { ModelRegistry } from './registry.js';
import {
  ActivateResponse,
  ModelIdParams,
  ModelIdQuery,
  ModelList,
  ModelMetadata,
  PerformanceResponse,
  RegisterModelBody,
  ServiceTypeParam,
} from './schemas.js';
import { isModelService, MODEL_SERVICES, type ModelService } from './services.js';

function serviceOrThrow(name: string): ModelService {
  const s = name.trim().toLowerCase();
  if (!isModelService(s)) {
    throw new Problem(400, 'invalid_service_type', `Invalid service type "${name}": expected one of ${MODEL_SERVICES.join(', ')}`);
  }
  return s;
}

const tags = ['models'];

const modelList = (models: ModelVersionRecord[]) => ({
  models: models.map((m) => ({ model_id: m.id, is_active: m.isActive, metadata: toModelMetadata(m) })),
});

export function modelRoutes(platform: Platform, registry: ModelRegistry) {
  return async (app: App): Promise<void> => {
    // Seed shape: GET /api/v1/{failure,placement,anomaly,resource}/models
    for (const service of MODEL_SERVICES) {
      app.get(`/api/v1/${service}/models`, {
        config: { access: 'viewer' },
        schema: { tags, summary: `Model versions of the ${service} service`, response: { 200: ModelList } },
        handler: async () => modelList(await registry.list(service)),
      });
    }

    app.get('/api/v1/models', {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'All model versions, optionally of one service',
        querystring: Type.Object({ service_type: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: ModelList },
      },
      handler: async (req) => {
        const service = req.query.service_type ? serviceOrThrow(req.query.service_type) : undefined;
        return modelList(await registry.list(service));
      },
    });

    app.post('/api/v1/models/:service_type/activate', {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Make a version the one active model of its service (atomic; serving swaps without a restart)',
        params: ServiceTypeParam,
        querystring: ModelIdQuery,
        response: { 200: ActivateResponse },
      },
      handler: async (req) => {
        const service = serviceOrThrow(req.params.service_type);
        const model = await registry.activate(service, req.query.model_id);
        await audit(platform.store, platform.logger, { principal: req.principal, requestId: req.id }, 'model.activate', model.id, { service });
        return { status: 'success' as const, message: `Model ${model.id} activated for ${service} service`, model_id: model.id, service_type: service };
      },
    });

    app.get('/api/v1/models/:service_type/performance', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Evaluation metrics of a version', params: ServiceTypeParam, querystring: ModelIdQuery, response: { 200: PerformanceResponse } },
      handler: async (req) => {
        const service = serviceOrThrow(req.params.service_type);
        const model = await registry.get(service, req.query.model_id);
        return { model_id: model.id, service_type: service, metrics: model.metrics };
      },
    });

    app.get('/api/v1/models/:service_type/versions/:model_id', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'One version with its metadata', params: ModelIdParams, response: { 200: ModelMetadata } },
      handler: async (req) => toModelMetadata(await registry.get(serviceOrThrow(req.params.service_type), req.params.model_id)),
    });

    app.get('/api/v1/models/:service_type/versions/:model_id/artifact', {
      config: { access: 'admin' },
      schema: { tags, summary: 'Download a version\'s artifact (checksum verified)', params: ModelIdParams },
      handler: async (req, reply) => {
        const model = await registry.get(serviceOrThrow(req.params.service_type), req.params.model_id);
        const content = await registry.readArtifact(model);
        return reply.type('application/octet-stream').header('x-artifact-sha256', model.artifactSha256 ?? '').send(content);
      },
    });

    app.post('/api/v1/models/:service_type/versions', {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Register a trained model version with its artifact (it is not activated)',
        params: ServiceTypeParam,
        body: RegisterModelBody,
        response: { 201: ModelMetadata },
      },
      handler: async (req, reply) => {
        const service = serviceOrThrow(req.params.service_type);
        const b = req.body;
        if (b.artifact_base64 !== undefined && b.artifact !== undefined) throw Problem.badRequest('Send artifact_base64 or artifact, not both');
        let artifact: Buffer | null = null;
        if (b.artifact_base64 !== undefined) {
          if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b.artifact_base64)) {
            throw Problem.badRequest('artifact_base64 is not valid base64', [{ path: '/body/artifact_base64', message: 'must be base64' }]);
          }
          artifact = Buffer.from(b.artifact_base64, 'base64');
        } else if (b.artifact !== undefined) {
          artifact = Buffer.from(JSON.stringify(b.artifact));
        }
        const model = await registry.register({
          service,
          algorithm: b.algorithm,
          trainingStatus: b.training_status ?? 'completed',
          parameters: b.parameters ?? {},
          metrics: b.metrics ?? {},
          featureSchema: b.feature_schema ?? [],
          targetNames: b.target_names ?? [],
          dataFingerprint: b.data_fingerprint ?? null,
          trainingSamples: b.training_samples ?? null,
          validationSamples: b.validation_samples ?? null,
          trainingDurationS: b.training_duration_s ?? null,
          description: b.description ?? null,
          trainedAt: b.trained_at ? Date.parse(b.trained_at) : null,
          artifact,
        });
        await audit(platform.store, platform.logger, { principal: req.principal, requestId: req.id }, 'model.register', model.id, { service, algorithm: model.algorithm });
        return reply.code(201).send(toModelMetadata(model));
      },
    });
  };
}
