import { randomUUID } from 'node:crypto';
import { Type, type Static } from 'typebox';
import { roleAllows } from '../../platform/auth/principal.js';
import { EnvelopeError, normaliseName } from '../../platform/envelope.js';
import { Problem } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import type { App } from '../fastify-types.js';

export const EnvelopeBody = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 200, description: 'Echoed back; a UUID is generated when absent' })),
  service: Type.String({ minLength: 1, maxLength: 100 }),
  method: Type.String({ minLength: 1, maxLength: 100 }),
  data: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  metadata: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
});
type EnvelopeBodyT = Static<typeof EnvelopeBody>;

const EnvelopeResponse = Type.Object({
  id: Type.String(),
  success: Type.Boolean(),
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  error: Type.Optional(Type.String()),
  confidence: Type.Optional(Type.Number()),
  process_time: Type.Number({ description: 'Seconds' }),
  model_version: Type.String(),
  supported_services: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
});

function stringMap(m: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) if (v !== null && typeof v !== 'object') out[k] = String(v);
  return out;
}

/**
 * NovaCron's `POST /api/v1/process`: HTTP 200 for every well-formed envelope, with
 * `success:false` for an unknown pair (plus `supported_services`) or a handler's refusal, and
 * `data` always an object so Go's `map[string]any` decoding never fails.
 */
export function processRoute(platform: Platform) {
  return async (app: App): Promise<void> => {
    app.post('/api/v1/process', {
      config: { access: 'viewer' },
      schema: {
        tags: ['novacron'],
        summary: 'NovaCron AIIntegrationLayer envelope: dispatches (service, method) to a capability',
        body: EnvelopeBody,
        response: { 200: EnvelopeResponse },
      },
      handler: async (req) => {
        const started = performance.now();
        const body = req.body as EnvelopeBodyT;
        const id = body.id ?? randomUUID();
        const elapsed = () => (performance.now() - started) / 1000;
        const target = platform.envelope.resolve(body.service, body.method);
        if (!target) {
          return {
            id,
            success: false,
            error: `Unknown service '${normaliseName(body.service)}' or method '${normaliseName(body.method)}'`,
            process_time: elapsed(),
            model_version: 'unknown',
            supported_services: platform.envelope.supported(),
          };
        }
        if (!req.principal || !roleAllows(req.principal.role, target.role)) {
          throw new Problem(403, 'forbidden', `${target.service}/${target.method} needs the ${target.role} role`);
        }
        try {
          const result = await target.handler({ id, service: target.service, method: target.method, data: body.data ?? {}, metadata: stringMap(body.metadata) });
          return {
            id,
            success: true,
            data: result.data,
            confidence: result.confidence ?? 1,
            process_time: elapsed(),
            model_version: result.modelVersion ?? 'none',
          };
        } catch (err) {
          // A handler's refusal is the caller's answer; anything else is our bug, logged in full.
          if (!(err instanceof EnvelopeError || err instanceof Problem)) req.log.error({ err, pair: `${target.service}/${target.method}` }, 'envelope handler failed');
          return {
            id,
            success: false,
            error: err instanceof EnvelopeError || err instanceof Problem ? err.message : 'internal error; logged with the request id',
            confidence: 0,
            process_time: elapsed(),
            model_version: 'error',
          };
        }
      },
    });
  };
}
