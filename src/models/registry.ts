import { createHash } from 'node:crypto';
import { Problem } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { ModelVersionRecord, NewModelVersion, Store } from '../platform/store/index.js';
import type { ModelService } from './services.js';

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export interface RegisterInput extends Omit<NewModelVersion, 'createdAt'> {
  artifact: Buffer | null;
}

/** How often a serving process re-reads which version is active (activations may come from other processes). */
const ACTIVE_RECHECK_MS = 2_000;

interface Loaded {
  modelId: string;
  value: unknown;
}

/**
 * The model registry: versions with their metrics, parameters, feature schema and a checksummed
 * artifact; exactly one active version per service. Serving code asks `loadActive`, which swaps to
 * a newly activated version without a restart and refuses an artifact whose SHA-256 changed.
 */
export class ModelRegistry {
  private readonly loaded = new Map<ModelService, Loaded>();
  private readonly activeChecked = new Map<ModelService, { at: number; id: string | null }>();
  private readonly loadErrors = new Map<ModelService, string>();

  constructor(private readonly store: Store, private readonly logger: Logger) {}

  async register(input: RegisterInput): Promise<ModelVersionRecord> {
    const artifact = input.artifact ? { content: input.artifact, sha256: sha256(input.artifact) } : null;
    const { artifact: _drop, ...meta } = input;
    return this.store.models.insert({ ...meta, createdAt: Date.now() }, artifact);
  }

  list(service?: ModelService): Promise<ModelVersionRecord[]> {
    return this.store.models.list(service);
  }

  async get(service: ModelService, id: string): Promise<ModelVersionRecord> {
    const m = await this.store.models.get(id);
    if (!m || m.service !== service) throw new Problem(404, 'model_not_found', `Model ${id} not found for ${service} service`);
    return m;
  }

  active(service: ModelService): Promise<ModelVersionRecord | undefined> {
    return this.store.models.active(service);
  }

  /** Activates a version after checking its artifact, so a corrupt model is never put in service. */
  async activate(service: ModelService, id: string): Promise<ModelVersionRecord> {
    const model = await this.get(service, id);
    if (model.artifactSha256) await this.readArtifact(model);
    const ok = await this.store.models.activate(service, id, Date.now());
    if (!ok) throw new Problem(404, 'model_not_found', `Model ${id} not found for ${service} service`);
    this.activeChecked.delete(service);
    this.logger.info({ service, model_id: id }, 'model activated');
    return { ...model, isActive: true };
  }

  /** Reads an artifact and verifies its checksum. */
  async readArtifact(model: ModelVersionRecord): Promise<Buffer> {
    const art = await this.store.models.artifact(model.id);
    if (!art) throw new Problem(404, 'model_not_found', `Model ${model.id} has no artifact`);
    const actual = sha256(art.content);
    if (actual !== model.artifactSha256 || actual !== art.sha256) {
      throw new Problem(409, 'artifact_corrupt', `Artifact of ${model.id} has SHA-256 ${actual}, expected ${model.artifactSha256}`);
    }
    return art.content;
  }

  /**
   * The decoded active model of a service, or undefined when none is active. The decoded value
   * is cached per model id; a different active id (activated here or by another process) is
   * loaded on the next call after at most ACTIVE_RECHECK_MS.
   */
  async loadActive<T>(service: ModelService, decode: (artifact: Buffer, model: ModelVersionRecord) => T): Promise<{ model: ModelVersionRecord; value: T } | undefined> {
    const now = Date.now();
    const checked = this.activeChecked.get(service);
    let activeId: string | null;
    let model: ModelVersionRecord | undefined;
    if (checked && now - checked.at < ACTIVE_RECHECK_MS) {
      activeId = checked.id;
    } else {
      model = await this.store.models.active(service);
      activeId = model?.id ?? null;
      this.activeChecked.set(service, { at: now, id: activeId });
    }
    if (activeId === null) return undefined;
    const cached = this.loaded.get(service);
    model ??= await this.store.models.get(activeId);
    if (!model) return undefined;
    if (cached && cached.modelId === activeId) return { model, value: cached.value as T };
    try {
      const value = decode(await this.readArtifact(model), model);
      this.loaded.set(service, { modelId: activeId, value });
      this.loadErrors.delete(service);
      this.logger.info({ service, model_id: activeId }, 'serving model loaded');
      return { model, value };
    } catch (err) {
      this.loadErrors.set(service, (err as Error).message);
      throw err;
    }
  }

  /** The last load failure of a service's active model, for health reporting. */
  loadError(service: ModelService): string | undefined {
    return this.loadErrors.get(service);
  }
}
