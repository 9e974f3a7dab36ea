import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Problem, problemBody, type FieldError, type ProblemCode } from '../platform/errors.js';

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** One entry per field: alternatives of a union are joined ("must be object or must be null"). */
function fieldErrors(validation: AjvError[], context: string | undefined): FieldError[] {
  const byPath = new Map<string, string[]>();
  for (const v of validation.slice(0, 100)) {
    if (v.keyword === 'anyOf' || v.keyword === 'oneOf') continue;
    let p = `/${context ?? 'body'}${v.instancePath ?? ''}`;
    if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') p += `/${v.params.missingProperty}`;
    if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') p += `/${v.params.additionalProperty}`;
    const list = byPath.get(p) ?? [];
    const msg = v.message ?? 'is invalid';
    if (!list.includes(msg)) list.push(msg);
    byPath.set(p, list);
  }
  return [...byPath].slice(0, 50).map(([path, msgs]) => ({ path, message: msgs.join(' or ') }));
}

/** Maps anything thrown while handling a request to a Problem; unknown errors are 500 and logged. */
export function toProblem(err: FastifyError | Error): Problem {
  if (err instanceof Problem) return err;
  const fe = err as FastifyError & { validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const errors = fieldErrors(fe.validation as AjvError[], fe.validationContext);
    const first = errors[0];
    return Problem.badRequest(first ? `${first.path} ${first.message}` : 'Request does not match the schema', errors);
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Problem(400, 'malformed_json', fe.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'payload_too_large', fe.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Problem(fe.statusCode === 400 ? 400 : 415, fe.statusCode === 400 ? 'validation_failed' : 'unsupported_media_type', fe.message);
    default:
      break;
  }
  if (err instanceof SyntaxError) return new Problem(400, 'malformed_json', err.message);
  const status = fe.statusCode ?? 500;
  if (status === 429) return new Problem(429, 'rate_limited', fe.message || 'Rate limit exceeded');
  if (status === 413) return new Problem(413, 'payload_too_large', fe.message);
  if (status === 415) return new Problem(415, 'unsupported_media_type', fe.message);
  if (status === 404) return new Problem(404, 'not_found', fe.message);
  if (status >= 400 && status < 500) return new Problem(status, 'validation_failed', fe.message);
  if (status === 503) return new Problem(503, 'service_unavailable', fe.message || 'Service unavailable');
  return new Problem(500, 'internal_error', 'An unexpected error occurred; it has been logged with the request id');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send(problemBody(problem, request.url.split('?')[0], request.id));
}

export function problemErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(err);
  if (problem.status >= 500) request.log.error({ err }, 'request failed');
  return sendProblem(request, reply, problem);
}

/**
 * Errors Fastify raises before a route runs (a malformed URL, an over-long path parameter) go
 * through the same problem format.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let problem: Problem;
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') problem = new Problem(414, 'uri_too_long', 'A path parameter is longer than 1,000 characters');
  else if (err.code === 'FST_ERR_BAD_URL') problem = new Problem(400, 'bad_request', 'The URL is not valid (bad percent-encoding?)');
  else problem = toProblem(err);
  return sendProblem(request, reply, problem);
}

/**
 * Requests Node's HTTP parser refuses never reach Fastify; answer them as problems too, on the
 * raw socket, and close the connection since its framing cannot be trusted.
 */
export function clientErrorResponse(err: { code?: string }): string {
  const [status, code, detail]: [number, ProblemCode, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are larger than the server accepts (16 KiB)']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'bad_request', 'The request took too long to arrive']
        : [400, 'bad_request', 'The request is not valid HTTP/1.1'];
  const body = JSON.stringify(problemBody(new Problem(status, code, detail)));
  const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
