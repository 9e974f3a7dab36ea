/**
 * Every error a client can cause is a Problem: it becomes an `application/problem+json` response
 * (RFC 9457) with a stable `code`. Anything else that escapes a handler is a bug and becomes 500.
 */
export interface FieldError {
  /** JSON pointer into the request, e.g. `/body/samples/3/value`. */
  path: string;
  message: string;
}

export type ProblemCode =
  | 'malformed_json'
  | 'bad_request'
  | 'uri_too_long'
  | 'headers_too_large'
  | 'expectation_failed'
  | 'validation_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'method_not_allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'rate_limited'
  | 'invalid_service_type'
  | 'model_not_found'
  | 'artifact_corrupt'
  | 'not_ready'
  | 'service_unavailable'
  | 'internal_error';

const TITLES: Record<ProblemCode, string> = {
  malformed_json: 'Malformed JSON',
  bad_request: 'Bad request',
  uri_too_long: 'URI too long',
  headers_too_large: 'Request headers too large',
  expectation_failed: 'Expectation failed',
  validation_failed: 'Request validation failed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  unauthorized: 'Authentication required',
  forbidden: 'Forbidden',
  conflict: 'Conflict',
  rate_limited: 'Too many requests',
  invalid_service_type: 'Invalid service type',
  model_not_found: 'Model not found',
  artifact_corrupt: 'Model artifact failed verification',
  not_ready: 'Not ready',
  service_unavailable: 'Service unavailable',
  internal_error: 'Internal server error',
};

export class Problem extends Error {
  override name = 'Problem';
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    detail: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  get title(): string {
    return TITLES[this.code];
  }

  static badRequest(detail: string, errors: FieldError[] = []): Problem {
    return new Problem(400, 'validation_failed', detail, errors);
  }
  static notFound(detail: string): Problem {
    return new Problem(404, 'not_found', detail);
  }
  static conflict(detail: string): Problem {
    return new Problem(409, 'conflict', detail);
  }
  static tooLarge(detail: string): Problem {
    return new Problem(413, 'payload_too_large', detail);
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
}

export function problemBody(p: Problem, instance?: string, requestId?: string): ProblemBody {
  const body: ProblemBody = {
    type: `urn:novacron:problem:${p.code}`,
    title: p.title,
    status: p.status,
    code: p.code,
    detail: p.message,
  };
  if (instance) body.instance = instance;
  if (requestId) body.request_id = requestId;
  if (p.errors.length) body.errors = p.errors;
  return body;
}
