/**
 * Checks that hold for every request, whatever its schema says: JSON nesting is bounded (deeper
 * input can overflow the stack wherever it is serialised again), and strings are well-formed
 * Unicode without NUL (PostgreSQL text cannot hold U+0000, and a lone surrogate does not survive
 * a round trip through either database). The walk is iterative, so depth itself cannot overflow.
 */
export const MAX_JSON_DEPTH = 64;

export interface UnsafeInput {
  path: string;
  message: string;
}

function checkString(s: string, path: string): UnsafeInput | undefined {
  if (s.includes('\u0000')) return { path, message: 'must not contain NUL (U+0000) characters' };
  if (!s.isWellFormed()) return { path, message: 'must be well-formed Unicode (no lone surrogates)' };
  return undefined;
}

/** The first unsafe place in a parsed JSON value, or undefined. */
export function findUnsafeInput(root: unknown, rootPath: string): UnsafeInput | undefined {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  const paths: string[] = [rootPath];
  while (values.length) {
    const value = values.pop();
    const depth = depths.pop()!;
    const path = paths.pop()!;
    if (typeof value === 'string') {
      const bad = checkString(value, path);
      if (bad) return bad;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path, message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (v !== null && (typeof v === 'object' || typeof v === 'string')) {
          values.push(v);
          depths.push(depth + 1);
          paths.push(`${path}/${i}`);
        }
      }
    } else {
      for (const key of Object.keys(value)) {
        const bad = checkString(key, `${path}/${key}`);
        if (bad) return { path, message: `has a key that ${bad.message}` };
        const v = (value as Record<string, unknown>)[key];
        if (v !== null && (typeof v === 'object' || typeof v === 'string')) {
          values.push(v);
          depths.push(depth + 1);
          paths.push(`${path}/${key}`);
        }
      }
    }
  }
  return undefined;
}
