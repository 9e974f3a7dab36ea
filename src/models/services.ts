/** The four model-serving capabilities, by the names the seed API uses in its paths. */
export const MODEL_SERVICES = ['failure', 'placement', 'anomaly', 'resource'] as const;
export type ModelService = (typeof MODEL_SERVICES)[number];

/** The seed's long names (health `services`, ModelMetadata `model_type`). */
export const SERVICE_LONG_NAMES: Record<ModelService, string> = {
  failure: 'failure_prediction',
  placement: 'workload_placement',
  anomaly: 'anomaly_detection',
  resource: 'resource_optimization',
};

/** Names NovaCron's `model_management/get_info` and `/train/model` use for model types. */
const ALIASES: Record<string, ModelService> = {
  failure: 'failure',
  failure_prediction: 'failure',
  placement: 'placement',
  workload_placement: 'placement',
  anomaly: 'anomaly',
  anomaly_detection: 'anomaly',
  resource: 'resource',
  resource_optimization: 'resource',
  resource_prediction: 'resource',
};

export function isModelService(s: string): s is ModelService {
  return (MODEL_SERVICES as readonly string[]).includes(s);
}

export function serviceFromAlias(name: string): ModelService | undefined {
  const key = name.trim().toLowerCase();
  // Own keys only: "constructor" or "__proto__" must not reach Object.prototype.
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
}
