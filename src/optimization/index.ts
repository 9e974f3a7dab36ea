// The resource-optimisation capability's public face: the service, routes and envelope pairs the
// HTTP layer mounts.
export { OptimizationService } from './optimization-service.js';
export { optimizationRoutes } from './routes.js';
export { registerOptimizationEnvelope } from './envelope-handlers.js';
export { registerWorkloadEnvelope } from './workload-envelope.js';
export { workloadRoutes } from './workload-routes.js';
export { DEFAULT_COST_MODEL, costModel, type CostModel } from './cost-model.js';
