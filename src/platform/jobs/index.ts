import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import { InProcessJobQueue } from './in-process-queue.js';
import type { JobQueue } from './job-queue.js';

/**
 * The engine's one job queue: BullMQ when Redis is configured (so API servers and dedicated
 * workers share it), otherwise in-process with state in the engine's database. Callers see only
 * `JobQueue`; whether this process also runs jobs is decided by calling `startProcessing`.
 */
export async function createJobQueue(config: Config, store: Store, logger: Logger): Promise<JobQueue> {
  const log = logger.child({ component: 'jobs' });
  if (config.redisUrl) {
    // Loaded only when Redis is configured: BullMQ costs ~0.3 s of start-up otherwise spent for nothing.
    const { BullmqJobQueue } = await import('./bullmq-queue.js');
    return new BullmqJobQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger: log });
  }
  return new InProcessJobQueue(store, { logger: log });
}

export type { BullmqJobQueueOptions } from './bullmq-queue.js';
export { InProcessJobQueue, type InProcessJobQueueOptions } from './in-process-queue.js';
export {
  JobQueueClosedError,
  JobQueueUnavailableError,
  UnknownJobTypeError,
  type JobBackend,
  type JobContext,
  type JobHandler,
  type JobQueue,
  type JobState,
  type JobView,
} from './job-queue.js';
