import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../platform/auth/authenticator.js';
import { roleAllows } from '../platform/auth/principal.js';
import { Problem } from '../platform/errors.js';
import type { Access } from './fastify-types.js';

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Credentials as sent: `X-API-Key: <key>` or `Authorization: Bearer <key or JWT>`. */
export function credentialsOf(req: FastifyRequest): { apiKey?: string; bearer?: string } {
  const apiKey = header(req, 'x-api-key');
  if (apiKey !== undefined) return { apiKey: apiKey.trim() };
  const auth = header(req, 'authorization');
  if (auth === undefined) return {};
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!m) throw new Problem(401, 'unauthorized', 'Authorization header must be "Bearer <API key or token>"', [], { 'www-authenticate': 'Bearer' });
  return { bearer: m[1] };
}

/** Access of the matched route; unmatched requests (404s) and the API docs are open. */
export function accessOf(req: FastifyRequest, metricsAccess: Access): Access {
  const url = req.routeOptions.url;
  if (url === undefined) return 'open';
  if (url === '/docs' || url.startsWith('/docs/')) return 'open';
  if (url === '/metrics') return metricsAccess;
  return req.routeOptions.config.access ?? 'admin';
}

/** onRequest hook: authenticate, then check the route's role. Routes default to admin-only. */
export function authHook(authenticator: Authenticator, metricsAccess: Access) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const access = accessOf(req, metricsAccess);
    if (access === 'open') return;
    const principal = await authenticator.authenticate(credentialsOf(req));
    if (!principal) {
      throw new Problem(401, 'unauthorized', 'Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>"', [], { 'www-authenticate': 'Bearer' });
    }
    req.principal = principal;
    if (!roleAllows(principal.role, access)) {
      throw new Problem(403, 'forbidden', `This operation needs the ${access} role; the caller has ${principal.role}`);
    }
  };
}
