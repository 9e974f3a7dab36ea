import type { ModelVersionRecord } from '../platform/store/index.js';
import type { ModelMetadataT } from './schemas.js';
import { SERVICE_LONG_NAMES, type ModelService } from './services.js';

const iso = (ms: number | null): string | null => (ms == null ? null : new Date(ms).toISOString());
const metric = (m: Record<string, number>, ...names: string[]): number | null => {
  for (const n of names) if (typeof m[n] === 'number' && Number.isFinite(m[n])) return m[n];
  return null;
};

/** The seed's ModelMetadata view of a registry record. */
export function toModelMetadata(m: ModelVersionRecord): ModelMetadataT {
  return {
    model_id: m.id,
    model_type: SERVICE_LONG_NAMES[m.service as ModelService] ?? m.service,
    version: String(m.version),
    algorithm: m.algorithm,
    training_status: m.trainingStatus,
    trained_at: iso(m.trainedAt),
    training_duration: m.trainingDurationS,
    accuracy: metric(m.metrics, 'accuracy'),
    precision: metric(m.metrics, 'precision'),
    recall: metric(m.metrics, 'recall'),
    f1_score: metric(m.metrics, 'f1_score', 'f1'),
    auc_score: metric(m.metrics, 'auc_score', 'roc_auc', 'auc'),
    training_samples: m.trainingSamples,
    validation_samples: m.validationSamples,
    feature_count: m.featureSchema.length,
    deployed_at: iso(m.activatedAt),
    is_active: m.isActive,
    hyperparameters: m.parameters,
    metrics: m.metrics,
    feature_names: m.featureSchema.map((f) => f.name),
    target_names: m.targetNames,
    data_fingerprint: m.dataFingerprint,
    artifact_sha256: m.artifactSha256,
    artifact_bytes: m.artifactBytes,
    created_at: new Date(m.createdAt).toISOString(),
  };
}

/**
 * NovaCron's ModelInfo{name,version,training_data,accuracy,last_trained}. `accuracy` is the
 * model's headline held-out metric (accuracy, else AUC, else R²), never a made-up constant.
 */
export function toModelInfo(m: ModelVersionRecord): Record<string, unknown> {
  return {
    name: `${m.service}_${m.algorithm}`,
    version: String(m.version),
    model_id: m.id,
    training_data: m.dataFingerprint ?? 'unknown',
    accuracy: metric(m.metrics, 'accuracy', 'auc_score', 'roc_auc', 'auc', 'r2') ?? 0,
    last_trained: new Date(m.trainedAt ?? m.createdAt).toISOString(),
  };
}
