/**
 * Checks that hold for every request, whatever its schema says: JSON nesting is bounded (deeper
 * input can overflow the stack wherever it is serialised again), and strings are well-formed
 * Unicode without NUL (PostgreSQL text cannot hold U+0000, and a lone surrogate does not survive
 * a round trip through either database). The walk recurses at most MAX_JSON_DEPTH levels, so
 * the depth of the input cannot overflow the stack here either.
 */
export const MAX_JSON_DEPTH = 64;

export interface UnsafeInput {
  path: string;
  message: string;
}

function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL (U+0000) characters';
  if (!s.isWellFormed()) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

/** Fast check on the hot path (every ingest batch): no paths are built unless something is wrong. */
function safe(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return stringProblem(value) === undefined;
  if (value === null || typeof value !== 'object') return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!safe(value[i], depth + 1)) return false;
    return true;
  }
  for (const key in value) {
    if (stringProblem(key) !== undefined || !safe((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** Slow path: where exactly the input is unsafe, as a JSON pointer. */
function locate(value: unknown, depth: number, path: string): UnsafeInput | undefined {
  if (typeof value === 'string') {
    const message = stringProblem(value);
    return message ? { path, message } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_JSON_DEPTH) return { path, message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  for (const key of Object.keys(value)) {
    const keyProblem = Array.isArray(value) ? undefined : stringProblem(key);
    if (keyProblem) return { path, message: `has a key that ${keyProblem}` };
    const found = locate((value as Record<string, unknown>)[key], depth + 1, `${path}/${key}`);
    if (found) return found;
  }
  return undefined;
}

/** The first unsafe place in a parsed JSON value, or undefined. */
export function findUnsafeInput(root: unknown, rootPath: string): UnsafeInput | undefined {
  return safe(root, 0) ? undefined : locate(root, 0, rootPath);
}
