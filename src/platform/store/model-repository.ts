import type { Database } from '../database/connection.js';
import type { ModelVersionTable } from '../database/schema.js';
import { fromJson, toJson } from './json-column.js';

export interface ModelVersionRecord {
  id: string;
  service: string;
  version: number;
  algorithm: string;
  trainingStatus: string;
  isActive: boolean;
  parameters: Record<string, unknown>;
  metrics: Record<string, number>;
  featureSchema: { name: string; description?: string; unit?: string }[];
  targetNames: string[];
  dataFingerprint: string | null;
  trainingSamples: number | null;
  validationSamples: number | null;
  trainingDurationS: number | null;
  artifactSha256: string | null;
  artifactBytes: number | null;
  description: string | null;
  createdAt: number;
  trainedAt: number | null;
  activatedAt: number | null;
}

export type NewModelVersion = Omit<ModelVersionRecord, 'id' | 'version' | 'isActive' | 'activatedAt' | 'artifactSha256' | 'artifactBytes'>;

function toRecord(r: ModelVersionTable): ModelVersionRecord {
  return {
    id: r.id,
    service: r.service,
    version: Number(r.version),
    algorithm: r.algorithm,
    trainingStatus: r.training_status,
    isActive: Number(r.is_active) === 1,
    parameters: fromJson(r.parameters, {}),
    metrics: fromJson(r.metrics, {}),
    featureSchema: fromJson(r.feature_schema, []),
    targetNames: fromJson(r.target_names, []),
    dataFingerprint: r.data_fingerprint,
    trainingSamples: r.training_samples == null ? null : Number(r.training_samples),
    validationSamples: r.validation_samples == null ? null : Number(r.validation_samples),
    trainingDurationS: r.training_duration_s,
    artifactSha256: r.artifact_sha256,
    artifactBytes: r.artifact_bytes == null ? null : Number(r.artifact_bytes),
    description: r.description,
    createdAt: Number(r.created_at),
    trainedAt: r.trained_at == null ? null : Number(r.trained_at),
    activatedAt: r.activated_at == null ? null : Number(r.activated_at),
  };
}

/** Model versions and their artifacts. Activation is one transaction; a partial unique index backs it. */
export class ModelRepository {
  constructor(private readonly database: Database) {}

  /**
   * Stores a version and its artifact together. The version is the service's next number and
   * the id is `<service>_v<version>`; two concurrent registrations retry on the unique key.
   */
  async insert(model: NewModelVersion, artifact: { content: Buffer; sha256: string } | null): Promise<ModelVersionRecord> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.insertOnce(model, artifact);
      } catch (err) {
        if (attempt >= 4 || !/unique|duplicate/i.test(String((err as Error).message))) throw err;
      }
    }
  }

  private async insertOnce(model: NewModelVersion, artifact: { content: Buffer; sha256: string } | null): Promise<ModelVersionRecord> {
    return this.database.db.transaction().execute(async (tx) => {
      const last = await tx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('service', '=', model.service)
        .executeTakeFirst();
      const version = Number(last?.v ?? 0) + 1;
      const id = `${model.service}_v${version}`;
      const row: ModelVersionTable = {
        id,
        service: model.service,
        version,
        algorithm: model.algorithm,
        training_status: model.trainingStatus,
        is_active: 0,
        parameters: toJson(model.parameters),
        metrics: toJson(model.metrics),
        feature_schema: JSON.stringify(model.featureSchema),
        target_names: JSON.stringify(model.targetNames),
        data_fingerprint: model.dataFingerprint,
        training_samples: model.trainingSamples,
        validation_samples: model.validationSamples,
        training_duration_s: model.trainingDurationS,
        artifact_sha256: artifact?.sha256 ?? null,
        artifact_bytes: artifact?.content.length ?? null,
        description: model.description,
        created_at: model.createdAt,
        trained_at: model.trainedAt,
        activated_at: null,
      };
      await tx.insertInto('model_versions').values(row).execute();
      if (artifact) {
        await tx.insertInto('model_artifacts').values({ model_id: id, sha256: artifact.sha256, content: artifact.content }).execute();
      }
      return toRecord(row);
    });
  }

  async get(id: string): Promise<ModelVersionRecord | undefined> {
    const row = await this.database.db.selectFrom('model_versions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(service?: string): Promise<ModelVersionRecord[]> {
    let q = this.database.db.selectFrom('model_versions').selectAll();
    if (service) q = q.where('service', '=', service);
    const rows = await q.orderBy('service').orderBy('version', 'desc').execute();
    return rows.map(toRecord);
  }

  async active(service: string): Promise<ModelVersionRecord | undefined> {
    const row = await this.database.db
      .selectFrom('model_versions')
      .selectAll()
      .where('service', '=', service)
      .where('is_active', '=', 1)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Makes `id` the only active version of its service, atomically. Resolves false if `id` is not of that service. */
  async activate(service: string, id: string, at: number): Promise<boolean> {
    return this.database.db.transaction().execute(async (tx) => {
      const target = await tx.selectFrom('model_versions').select('id').where('id', '=', id).where('service', '=', service).executeTakeFirst();
      if (!target) return false;
      await tx.updateTable('model_versions').set({ is_active: 0 }).where('service', '=', service).where('is_active', '=', 1).execute();
      await tx.updateTable('model_versions').set({ is_active: 1, activated_at: at }).where('id', '=', id).execute();
      return true;
    });
  }

  async artifact(id: string): Promise<{ content: Buffer; sha256: string } | undefined> {
    const row = await this.database.db.selectFrom('model_artifacts').select(['content', 'sha256']).where('model_id', '=', id).executeTakeFirst();
    return row ? { content: Buffer.from(row.content), sha256: row.sha256 } : undefined;
  }
}
