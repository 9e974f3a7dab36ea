export { TelemetryService, type IngestInput, type IngestResult, type AcceptedSamples, type SampleObserver } from './service.js';
export { telemetryRoutes } from './routes.js';
export { registerTelemetryJobs, RETENTION_JOB } from './jobs.js';
export { METRICS, ALIASES, resolveMetric, type MetricSpec } from './metric-catalogue.js';
export { parseTimestamp, parseQueryTime, queryTimeParam } from './timestamps.js';
export { inventoryRoutes } from './inventory-routes.js';
export { availableOf, vcpusFromShares, type ResourceAmounts } from './inventory-mapping.js';
