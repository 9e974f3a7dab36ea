import type { Platform } from '../platform/platform.js';
import type { FailureService } from './failure-service.js';

/** Trains a failure model on simulated fleets and registers it (POST /api/v1/failure/retrain enqueues it). */
export const FAILURE_TRAIN_JOB = 'failure.train';
/**
 * Scores every reporting host once and updates risks and alerts. The API server runs the same
 * work on its own timer (NOVACRON_FAILURE_SCORE_INTERVAL_S) rather than through the queue, where
 * a training job would hold it up for minutes; the job type is for runs on demand.
 */
export const FAILURE_SCORE_JOB = 'failure.score';

export function registerFailureJobs(platform: Platform, service: FailureService): void {
  platform.jobs.register(FAILURE_TRAIN_JOB, (ctx) => service.train(ctx));
  platform.jobs.register(FAILURE_SCORE_JOB, async (ctx) => {
    await ctx.reportProgress(0, 'scoring every host with recent telemetry');
    const summary = await service.runScoring(Date.now());
    await ctx.reportProgress(1, summary.skipped ?? `${summary.hosts} hosts scored, ${summary.alarming} alarming`);
    return { ...summary };
  });
}
