import { Type } from 'typebox';
import { createApiKey } from '../platform/auth/api-keys.js';
import { audit } from '../platform/audit.js';
import { ROLES, type Role } from '../platform/config.js';
import { Problem } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import type { App } from './fastify-types.js';

const KeyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  created_at: Type.String(),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
});
const iso = (ms: number | null) => (ms == null ? null : new Date(Number(ms)).toISOString());
const tags = ['admin'];
const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

/** API key management and the audit log; admin only. Keys are shown once, when created. */
export function keyRoutes(platform: Platform) {
  return async (app: App): Promise<void> => {
    app.get('/api/v1/keys', {
      config: { access: 'admin' },
      schema: { tags, summary: 'API keys (never the secrets)', response: { 200: Type.Object({ keys: Type.Array(KeyView) }) } },
      handler: async () => {
        const keys = await platform.store.apiKeys.list();
        return { keys: keys.map((k) => ({ id: k.id, name: k.name, role: k.role, created_at: iso(k.created_at)!, last_used_at: iso(k.last_used_at), revoked_at: iso(k.revoked_at) })) };
      },
    });

    app.post('/api/v1/keys', {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create an API key; the response is the only time the key is shown',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), role: RoleSchema }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), key: Type.String(), name: Type.String(), role: Type.String(), created_at: Type.String() }) },
      },
      handler: async (req, reply) => {
        const issued = await createApiKey(platform.store, req.body.name, req.body.role as Role);
        await audit(platform.store, platform.logger, { principal: req.principal, requestId: req.id }, 'key.create', issued.id, { role: issued.role, name: issued.name });
        return reply.code(201).send({ id: issued.id, key: issued.key, name: issued.name, role: issued.role, created_at: new Date(issued.createdAt).toISOString() });
      },
    });

    app.delete('/api/v1/keys/:id', {
      config: { access: 'admin' },
      schema: { tags, summary: 'Revoke an API key (takes effect at once)', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }) },
      handler: async (req, reply) => {
        const ok = await platform.store.apiKeys.revoke(req.params.id, Date.now());
        if (!ok) throw Problem.notFound(`No active API key ${req.params.id}`);
        platform.authenticator.forget(req.params.id);
        await audit(platform.store, platform.logger, { principal: req.principal, requestId: req.id }, 'key.revoke', req.params.id);
        return reply.code(204).send();
      },
    });

    app.get('/api/v1/audit', {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'The audit log, newest first',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
          action: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
      handler: async (req) => {
        const entries = await platform.store.audit.list(req.query.limit, req.query.offset, req.query.action);
        return { entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) };
      },
    });
  };
}
