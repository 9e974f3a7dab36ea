import type { Platform } from '../../platform/platform.js';
import type { HostModelManager } from './host-model-manager.js';

/** Fits per-host multivariate models that are missing or older than the refit interval (schedule e.g. hourly). */
export const HOST_MODEL_FIT_JOB = 'anomaly.fit-host-models';
/** Scores every modelled host's new rows (schedule e.g. every minute). */
export const HOST_MODEL_SCORE_JOB = 'anomaly.score-host-models';

/**
 * Both sides run as jobs so that, on Redis, one worker does each per schedule. Both read the
 * clock when they start: a job re-run after an interruption fits and scores up to its own now.
 */
export function registerHostModelJobs(platform: Platform, manager: HostModelManager): void {
  platform.jobs.register(HOST_MODEL_FIT_JOB, async (ctx) => {
    await ctx.reportProgress(0, 'fitting the per-host multivariate models that are missing or due for a refit');
    const progress = (done: number, total: number) => {
      ctx.reportProgress(total > 0 ? done / total : 1, `${done} of ${total} hosts fitted`).catch((err: unknown) => platform.logger.debug({ err }, 'progress report failed'));
    };
    const reports = await manager.fitAll(Date.now(), progress, ctx.signal);
    await ctx.reportProgress(1, `fitted ${reports.length} host models`);
    return {
      fitted: reports.length,
      hosts: reports.map((r) => ({ host_id: r.hostId, rows: r.rows, metrics: r.metrics, step_ms: r.stepMs, fit_ms: r.fitMs, model_bytes: r.modelBytes })),
    };
  });
  platform.jobs.register(HOST_MODEL_SCORE_JOB, async (ctx) => {
    await ctx.reportProgress(0, 'scoring new rows of every modelled host');
    const anomalies = await manager.scoreAll(Date.now());
    await ctx.reportProgress(1, `recorded ${anomalies} multivariate anomalies`);
    return { anomalies, hosts: manager.hosts().length };
  });
}
