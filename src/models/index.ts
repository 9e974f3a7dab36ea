export { ModelRegistry, sha256, type RegisterInput } from './registry.js';
export { modelRoutes } from './routes.js';
export { registerModelEnvelope } from './envelope-handlers.js';
export { MODEL_SERVICES, SERVICE_LONG_NAMES, isModelService, serviceFromAlias, type ModelService } from './services.js';
export { toModelInfo, toModelMetadata } from './model-metadata.js';
