// The failure capability's public face. The model code itself (failure-runtime.ts) is imported
// lazily by the service, so importing this module stays cheap.
export { FailureService, type ScoringSummary } from './failure-service.js';
export { failureRoutes } from './routes.js';
export { registerFailureJobs, FAILURE_SCORE_JOB, FAILURE_TRAIN_JOB } from './jobs.js';
export { ALERT_CLEAR_MS } from './failure-alerts.js';
