/**
 * Shutdown deadline shared by both backends: wait for running handlers, abort the overdue ones,
 * then give them a short grace to stop and hand their job back before connections close.
 */

/** How long `close` waits after aborting overdue handlers for them to stop and hand their job back. */
export const ABORT_GRACE_MS = 1000;

/** The reason a handler's signal carries when shutdown overruns its deadline. */
export class ShutdownAbortError extends Error {
  override name = 'ShutdownAbortError';
  constructor() {
    super('job aborted: the process is shutting down');
  }
}

/** Resolves true when `p` settles within `ms`, false otherwise; never rejects. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([p.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
