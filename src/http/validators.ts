import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function make(opts: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true, removeAdditional: false, ...opts });
  addFormats(ajv);
  // JSON.parse turns 1e999 into Infinity, which JSON Schema's "number" admits; nothing we store
  // or compute with may be infinite.
  ajv.addKeyword({ keyword: 'finite', type: 'number', schemaType: 'boolean', validate: (on: boolean, x: number) => !on || Number.isFinite(x), errors: false });
  return ajv;
}

/** A copy of the schema in which every number and integer must also be finite. */
function withFiniteNumbers(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withFiniteNumbers);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'default' || k === 'const' || k === 'enum' || k === 'examples' ? v : withFiniteNumbers(v);
  const type = out.type;
  const numeric = type === 'number' || type === 'integer' || (Array.isArray(type) && (type.includes('number') || type.includes('integer')));
  if (numeric && out.finite === undefined) out.finite = true;
  return out;
}

/**
 * Bodies are validated strictly (a string is never silently turned into a number), while query
 * strings, params and headers, which are text on the wire, are coerced to their schema types.
 */
const strict = make({ coerceTypes: false });
const coercing = make({ coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strict : coercing;
  return ajv.compile(withFiniteNumbers(schema) as object) as any;
};
