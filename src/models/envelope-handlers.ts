import { EnvelopeError, type EnvelopeRegistry } from '../platform/envelope.js';
import { toModelInfo } from './model-metadata.js';
import type { ModelRegistry } from './registry.js';
import { serviceFromAlias } from './services.js';

/** NovaCron's `model_management/get_info`: ModelInfo of the active model of `data.model_type`. */
export function registerModelEnvelope(envelope: EnvelopeRegistry, registry: ModelRegistry): void {
  envelope.register(
    'model_management',
    'get_info',
    async (req) => {
      const raw = req.data.model_type;
      if (raw === undefined || raw === null || raw === '') {
        const all = await registry.list();
        const active = all.filter((m) => m.isActive);
        return { data: { models: active.map(toModelInfo), total_models: active.length }, modelVersion: 'registry' };
      }
      if (typeof raw !== 'string') throw new EnvelopeError('data.model_type must be a string');
      const service = serviceFromAlias(raw);
      if (!service) throw new EnvelopeError(`Unknown model_type "${raw}": expected failure_prediction, anomaly_detection, workload_placement or resource_prediction`);
      const model = await registry.active(service);
      if (!model) throw new EnvelopeError(`No active ${service} model: train or register one and activate it`);
      return { data: toModelInfo(model), modelVersion: String(model.version) };
    },
    { role: 'viewer', aliases: [['model', 'info']] },
  );
}
