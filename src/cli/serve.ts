import { createEngine } from '../http/server.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { bootstrapAdminKey, closePlatform, migratePlatform, openPlatform } from '../platform/platform.js';
import { ANOMALY_RETENTION_JOB } from '../anomaly/index.js';
import { RETENTION_JOB } from '../telemetry/index.js';

const HOUR = 3_600_000;

/**
 * `novacron-ai serve`: listen first (so `/ready` can answer 503 while migrations run), migrate,
 * then accept work. SIGTERM/SIGINT stop accepting connections, let in-flight requests finish
 * (their writes are committed before they are acknowledged), wait for running jobs, and close
 * the database. A second signal exits at once.
 */
export async function serve(config: Config, logger: Logger): Promise<void> {
  const platform = await openPlatform(config, logger, { migrate: false });
  const engine = await createEngine(platform);
  const { app } = engine;
  await app.listen({ host: config.host, port: config.port });
  await migratePlatform(platform);
  await bootstrapAdminKey(platform);
  await engine.start();
  if (config.runWorker) await platform.jobs.startProcessing();

  const enqueueRetention = () => {
    for (const job of [RETENTION_JOB, ANOMALY_RETENTION_JOB]) {
      platform.jobs.enqueue(job, {}).catch((err: Error) => logger.warn({ err: err.message, job }, 'could not enqueue the retention sweep'));
    }
  };
  const firstSweep = setTimeout(enqueueRetention, 60_000);
  const sweeps = setInterval(enqueueRetention, HOUR);
  firstSweep.unref();
  sweeps.unref();
  logger.info({ host: config.host, port: config.port, storage: platform.database.dialect, jobs: platform.jobs.backend }, 'NovaCron AI engine ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    clearTimeout(firstSweep);
    clearInterval(sweeps);
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000);
    deadline.unref();
    try {
      await app.close();
      await engine.telemetry.drain();
      await engine.stop();
      await closePlatform(platform, config.shutdownTimeoutMs);
      logger.info('shutdown complete');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
