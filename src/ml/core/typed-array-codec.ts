import { MLInputError } from './errors.js';

/** Typed arrays inside serialised models: base64 of the little-endian bytes, so round trips are exact. */
export type EncodedArray = { dtype: 'f64' | 'f32' | 'i32' | 'u32' | 'u8' | 'u16'; length: number; base64: string };

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array | Uint16Array;

const CTORS = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, u8: Uint8Array, u16: Uint16Array } as const;

function dtypeOf(a: Typed): EncodedArray['dtype'] {
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Uint16Array) return 'u16';
  return 'u8';
}

export function encodeArray(a: Typed): EncodedArray {
  return { dtype: dtypeOf(a), length: a.length, base64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

export function decodeArray<D extends EncodedArray['dtype']>(e: EncodedArray, expected?: D): InstanceType<(typeof CTORS)[D]> {
  if (expected && e.dtype !== expected) throw new MLInputError(`expected a ${expected} array, got ${e.dtype}`);
  const Ctor = CTORS[e.dtype];
  if (!Ctor) throw new MLInputError(`unknown array dtype ${e.dtype}`);
  const bytes = Buffer.from(e.base64, 'base64');
  if (bytes.length !== e.length * Ctor.BYTES_PER_ELEMENT) throw new MLInputError(`encoded ${e.dtype} array has ${bytes.length} bytes for ${e.length} elements`);
  const out = new Ctor(e.length);
  new Uint8Array(out.buffer).set(bytes);
  return out as InstanceType<(typeof CTORS)[D]>;
}
