import type { Principal } from './auth/principal.js';
import type { Logger } from './logger.js';
import type { Store } from './store/index.js';

export interface AuditContext {
  principal?: Principal;
  requestId?: string;
}

/**
 * Records who changed what. An audit write that fails is logged, not thrown: the change itself
 * has already happened and the caller must learn that it succeeded.
 */
export async function audit(store: Store, logger: Logger, ctx: AuditContext, action: string, target: string | null, details: Record<string, unknown> = {}): Promise<void> {
  try {
    await store.audit.append({
      at: Date.now(),
      actor: ctx.principal?.id ?? 'system',
      role: ctx.principal?.role ?? null,
      action,
      target,
      requestId: ctx.requestId ?? null,
      outcome: 'success',
      details,
    });
  } catch (err) {
    logger.error({ err, action, target }, 'audit log write failed');
  }
}
