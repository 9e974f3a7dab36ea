// The resource-optimisation capability's public face: the service, routes and envelope pairs the
// HTTP layer mounts.
export { OptimizationService } from './optimization-service.js';
export { optimizationRoutes } from './routes.js';
export { registerOptimizationEnvelope } from './envelope-handlers.js';
export { registerWorkloadEnvelope } from './workload-envelope.js';
export { workloadRoutes } from './workload-routes.js';
export { DEFAULT_COST_MODEL, costModel, type CostModel } from './cost-model.js';
export {
  selectDemandModel,
  selectDemandModelOnGrid,
  registerDemandModel,
  demandModelVersion,
  demandTrainingSummary,
  shouldActivateDemand,
  InsufficientTrainingDataError,
  MIN_TRAINING_POINTS,
  TRAINING_HORIZONS_MINUTES,
  type DemandModelSelection,
  type DemandTrainingOutcome,
} from './demand-training.js';
export { registerOptimizationJobs, demandSeriesPayload, OPTIMIZATION_TRAIN_DEMAND_JOB } from './jobs.js';
export { metricOfResource } from './optimization-service.js';
export { MAX_DEMAND_POINTS, type DemandPoint } from './demand-forecast.js';
export { clusterDepsFor, type ClusterDeps } from './cluster-handlers.js';
export { clusterRoutes } from './cluster-routes.js';
export { registerClusterEnvelope } from './cluster-envelope.js';
