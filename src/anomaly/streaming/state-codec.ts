/**
 * Plain-JSON state for the streaming detectors. Every number a detector keeps travels as the
 * little-endian bytes of a typed array (base64, through the ML library's codec), so NaN, ±Infinity
 * and every bit of every double survive the round trip: a detector restored from its state gives
 * bit-identical scores to one that never stopped.
 */
import { decodeArray, encodeArray, MLInputError, type EncodedArray } from '../../ml/core/index.js';

export type { EncodedArray };

/** Scalars of one component, in a fixed order, as one encoded f64 array. */
export function packScalars(values: readonly number[]): EncodedArray {
  return encodeArray(Float64Array.from(values));
}

/** The scalars written by {@link packScalars}; `expected` guards against a state of another shape. */
export function unpackScalars(e: EncodedArray, expected: number, what: string): Float64Array {
  const a = decodeArray(e, 'f64');
  if (a.length !== expected) throw new MLInputError(`${what}: state holds ${a.length} scalars, expected ${expected}`);
  return a;
}

export function packF64(a: Float64Array): EncodedArray {
  return encodeArray(a);
}

export function unpackF64(e: EncodedArray, expectedLength: number, what: string): Float64Array {
  const a = decodeArray(e, 'f64');
  if (a.length !== expectedLength) throw new MLInputError(`${what}: state array has ${a.length} values, expected ${expectedLength}`);
  return a;
}
