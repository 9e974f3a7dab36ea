import { Type, type Static } from 'typebox';
import { MODEL_SERVICES } from './services.js';

export const ServiceTypeParam = Type.Object({
  service_type: Type.String({ minLength: 1, maxLength: 64, description: `One of ${MODEL_SERVICES.join(', ')}` }),
});

export const ModelIdQuery = Type.Object({
  model_id: Type.String({ minLength: 1, maxLength: 128 }),
});

export const ModelIdParams = Type.Object({
  service_type: Type.String({ minLength: 1, maxLength: 64 }),
  model_id: Type.String({ minLength: 1, maxLength: 128 }),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The seed's ModelMetadata, filled from the registry. */
export const ModelMetadata = Type.Object({
  model_id: Type.String(),
  model_type: Type.String(),
  version: Type.String(),
  algorithm: Type.String(),
  training_status: Type.String(),
  trained_at: Nullable(Type.String({ format: 'date-time' })),
  training_duration: Nullable(Type.Number()),
  accuracy: Nullable(Type.Number()),
  precision: Nullable(Type.Number()),
  recall: Nullable(Type.Number()),
  f1_score: Nullable(Type.Number()),
  auc_score: Nullable(Type.Number()),
  training_samples: Nullable(Type.Integer()),
  validation_samples: Nullable(Type.Integer()),
  feature_count: Type.Integer(),
  deployed_at: Nullable(Type.String({ format: 'date-time' })),
  is_active: Type.Boolean(),
  hyperparameters: Type.Record(Type.String(), Type.Unknown()),
  metrics: Type.Record(Type.String(), Type.Number()),
  feature_names: Type.Array(Type.String()),
  target_names: Type.Array(Type.String()),
  data_fingerprint: Nullable(Type.String()),
  artifact_sha256: Nullable(Type.String()),
  artifact_bytes: Nullable(Type.Integer()),
  created_at: Type.String({ format: 'date-time' }),
});
export type ModelMetadataT = Static<typeof ModelMetadata>;

export const ModelList = Type.Object({
  models: Type.Array(Type.Object({ model_id: Type.String(), is_active: Type.Boolean(), metadata: ModelMetadata })),
});

export const ActivateResponse = Type.Object({ status: Type.Literal('success'), message: Type.String(), model_id: Type.String(), service_type: Type.String() });

export const PerformanceResponse = Type.Object({
  model_id: Type.String(),
  service_type: Type.String(),
  metrics: Type.Record(Type.String(), Type.Number()),
});

export const FeatureSpec = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  unit: Type.Optional(Type.String({ maxLength: 50 })),
});

export const RegisterModelBody = Type.Object(
  {
    algorithm: Type.String({ minLength: 1, maxLength: 100 }),
    training_status: Type.Optional(Type.Union([Type.Literal('completed'), Type.Literal('validating'), Type.Literal('failed')])),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
    feature_schema: Type.Optional(Type.Array(FeatureSpec, { maxItems: 10_000 })),
    target_names: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 1000 })),
    data_fingerprint: Type.Optional(Type.String({ maxLength: 200 })),
    training_samples: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    validation_samples: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    training_duration_s: Type.Optional(Type.Number({ minimum: 0 })),
    trained_at: Type.Optional(Type.String({ format: 'date-time' })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    artifact_base64: Type.Optional(Type.String({ description: 'The serialised model, base64-encoded' })),
    artifact: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The serialised model as JSON (alternative to artifact_base64)' })),
  },
  { additionalProperties: false },
);
export type RegisterModelBodyT = Static<typeof RegisterModelBody>;
