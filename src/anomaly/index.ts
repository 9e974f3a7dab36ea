// The anomaly capability's public face.
export { AnomalyService } from './service.js';
export { RequestDetector } from './request-detector.js';
export { anomalyRoutes } from './routes.js';
export { registerAnomalyEnvelope } from './envelope-handlers.js';
export { registerAnomalyJobs, ANOMALY_RETENTION_JOB } from './jobs.js';
export { SeriesAnomalyDetector } from './streaming/index.js';
export { HostModelManager, registerHostModelJobs, HOST_MODEL_FIT_JOB, HOST_MODEL_SCORE_JOB } from './host-models/index.js';
