import Fastify, { LogController } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform/platform.js';
import { Problem } from '../platform/errors.js';
import { parseKeyId } from '../platform/auth/api-keys.js';
import { VERSION } from '../version.js';
import { accessOf, authHook, credentialsOf } from './auth-hook.js';
import type { App } from './fastify-types.js';
import { clientErrorResponse, frameworkErrorHandler, problemErrorHandler, sendProblem } from './problem-handler.js';
import { findUnsafeInput } from './input-safety.js';
import { genRequestId, pickId } from './request-ids.js';
import { validatorCompiler } from './validators.js';

/** A capability's routes, mounted under the app with access to the platform. */
export type RoutePlugin = (app: App) => Promise<void>;

/**
 * Assembles the HTTP surface: ids, auth, limits, errors, metrics and docs first, then every
 * capability's routes. Nothing here knows a capability's internals.
 */
export async function buildApp(platform: Platform, routes: RoutePlugin[]): Promise<App> {
  const { config, metrics } = platform;
  const app = Fastify({
    loggerInstance: platform.logger,
    bodyLimit: config.bodyLimitBytes,
    genReqId: genRequestId,
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler: (err, socket) => {
      if (socket.writable) socket.end(clientErrorResponse(err));
      else socket.destroy(err);
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((req, reply) => sendProblem(req, reply, Problem.notFound(`No route ${req.method} ${req.url.split('?')[0]}`)));

  // JSON bodies: Fastify's parser (which refuses __proto__ and constructor.prototype), then the
  // limits every body must respect whatever its schema (depth, NUL, well-formed Unicode).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    parseJson(req, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      const unsafe = findUnsafeInput(value, '/body');
      if (unsafe) return done(Problem.badRequest(`${unsafe.path} ${unsafe.message}`, [unsafe]), undefined);
      done(null, value);
    });
  });
  app.addHook('preValidation', async (req) => {
    const unsafe = findUnsafeInput(req.params, '/params') ?? findUnsafeInput(req.query, '/querystring');
    if (unsafe) throw Problem.badRequest(`${unsafe.path} ${unsafe.message}`, [unsafe]);
  });
  // `Expect` other than 100-continue: answer 417 as a problem instead of an empty body.
  app.server.on('checkExpectation', (_req, res) => {
    const body = JSON.stringify({ type: 'urn:novacron:problem:expectation_failed', title: 'Expectation failed', status: 417, code: 'expectation_failed', detail: 'Only "Expect: 100-continue" is supported' });
    res.writeHead(417, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });

  app.decorateRequest('principal', undefined);
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (req, reply) => {
    req.correlationId = pickId(req.headers['x-correlation-id']) ?? req.id;
    reply.header('x-request-id', req.id);
    reply.header('x-correlation-id', req.correlationId);
    if (req.correlationId !== req.id) req.log = req.log.child({ correlation_id: req.correlationId });
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route, status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    req.log.info(
      { method: req.method, route, url: req.url.length > 256 ? req.url.slice(0, 256) : req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, principal: req.principal?.id },
      'request completed',
    );
  });

  if (config.corsOrigins) {
    await app.register(cors, {
      origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
      exposedHeaders: ['x-request-id', 'x-correlation-id'],
      allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id', 'x-correlation-id'],
    });
  }

  if (config.rateLimitMax > 0) {
    await app.register(rateLimit, {
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowMs,
      redis: platform.redis,
      nameSpace: `${config.queuePrefix}:ratelimit:`,
      skipOnError: true,
      // Per API key when one is sent (without verifying it: that comes later), else per address.
      keyGenerator: (req) => {
        try {
          const c = credentialsOf(req);
          const key = c.apiKey ?? c.bearer;
          const id = key ? parseKeyId(key) : undefined;
          if (id) return `key:${id}`;
        } catch {
          /* malformed credentials are rejected by the auth hook */
        }
        return `ip:${req.ip}`;
      },
      errorResponseBuilder: (_req, ctx) => {
        const p = new Problem(429, 'rate_limited', `Rate limit of ${ctx.max} requests per ${ctx.after} exceeded`);
        return Object.assign(p, { statusCode: 429 });
      },
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'NovaCron AI Operations Engine',
        version: VERSION,
        description: 'Failure prediction, anomaly detection, workload placement and resource optimisation for VM fleets. Errors are application/problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key (nck_…) or a JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Until migrations are applied only the service routes answer; everything else would hit missing tables.
  app.addHook('onRequest', async (req) => {
    if (!platform.migrated && accessOf(req, 'open') !== 'open') {
      throw new Problem(503, 'not_ready', 'The engine is starting (database migrations are running); retry shortly', [], { 'retry-after': '1' });
    }
  });
  app.addHook('onRequest', authHook(platform.authenticator, config.metricsAuth ? 'viewer' : 'open'));

  for (const plugin of routes) await app.register(plugin);
  return app;
}
