import type { Platform } from '../platform/platform.js';
import { registerHostModelJobs } from './host-models/index.js';
import type { AnomalyService } from './service.js';

export const ANOMALY_RETENTION_JOB = 'anomaly.retention';

export function registerAnomalyJobs(platform: Platform, service: AnomalyService): void {
  platform.jobs.register(ANOMALY_RETENTION_JOB, async (ctx) => {
    await ctx.reportProgress(0, 'deleting anomalies and resolved incidents older than the retention period');
    const deleted = await service.applyRetention();
    await ctx.reportProgress(1, `deleted ${deleted.anomalies} anomalies and ${deleted.incidents} incidents`);
    return { ...deleted, retention_days: platform.config.anomalyRetentionDays };
  });
  registerHostModelJobs(platform, service.hostModels);
}
