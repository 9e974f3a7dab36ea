import type { Platform } from '../platform/platform.js';
import type { TelemetryService } from './service.js';

export const RETENTION_JOB = 'telemetry.retention';

/** The retention sweep runs as a job so that on Redis only one worker does it per schedule. */
export function registerTelemetryJobs(platform: Platform, telemetry: TelemetryService): void {
  platform.jobs.register(RETENTION_JOB, async (ctx) => {
    await ctx.reportProgress(0, 'deleting samples older than the retention period');
    const deleted = await telemetry.applyRetention();
    await ctx.reportProgress(1, `deleted ${deleted} samples`);
    return { deleted, retention_days: platform.config.telemetryRetentionDays };
  });
}
