import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startEngine, type TestEngine } from './helpers/engine.js';
import { Rng } from './helpers/prng.js';
import { parseRawResponse, rawRequest, socketExchange, type RawResponse } from './helpers/raw-http.js';

/**
 * Robustness: thousands of generated malformed or hostile requests against every route the
 * engine documents in its own OpenAPI document (so new routes are covered without touching this
 * file), plus unknown paths and requests only a raw socket can send. No request may get a 5xx
 * or go unanswered, every 4xx must be an RFC 9457 problem, bad credentials must never pass, and
 * the engine must be healthy afterwards. Inputs come from a seeded PRNG: set ROBUSTNESS_SEED to
 * replay another run; each failure names its case number.
 */

const SEED = Number(process.env.ROBUSTNESS_SEED ?? 20_260_127);
const CONCURRENCY = 16;
const MAX_BATCH = 1000; // NOVACRON_TELEMETRY_MAX_BATCH for this engine
const BODY_LIMIT = 1 << 20; // NOVACRON_BODY_LIMIT_BYTES for this engine
const JWT_SECRET = 'robustness-test-secret-7b1d9c0e4f2a';
const MIN_REQUESTS = 5_000;
/** Request budgets per group, spread over however many operations the document lists. */
const BUDGET = { bodySchema: 1_400, pathParams: 700, queryValues: 700, telemetry: 700 };
const NOW = Date.now();

// ---------------------------------------------------------------------------------------------
// JSON text with values JSON.stringify cannot write (1e999, -0, 10,000-deep nesting)

/** Written into the JSON text verbatim. */
class Raw {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new Raw(text);

function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${toJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

/** Sets an own property, even `__proto__`. */
function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

const deepArray = (d: number) => '['.repeat(d) + ']'.repeat(d);
const deepObject = (d: number) => '{"a":'.repeat(d) + '1' + '}'.repeat(d);
const deepMixed = (d: number) => '[{"a":'.repeat(d) + 'null' + '}]'.repeat(d);

const WEIRD_NUMBERS: unknown[] = [
  1e308, -1e308, 1e-320, 2 ** 63, -(2 ** 63), 2 ** 53 + 2, 0, -1, 0.1, 1e21, Number.MIN_VALUE,
  raw('-0'), raw('1e999'), raw('-1e999'), raw('1E+400'), raw('-0.0e-0'), raw('123456789012345678901234567890123456789'),
  raw('0.00000000000000000000000000000000000000000000000000000001e-400'), raw('9223372036854775808'),
  'NaN', 'Infinity', '-Infinity', '1e999', '0x10', '1_000', ' 1', '', null, true, [], {},
];

const HOSTILE_STRINGS: string[] = [
  '', ' ', '\u0000', 'a\u0000b', '\u0007\b\f\r\n\t\u001b[31m', '\ud800', '\udfff\ud800', '\u202e\u200b\ufeff', '😀'.repeat(300),
  'ß'.repeat(300), 'x'.repeat(257), 'x'.repeat(10_000), 'y'.repeat(70_000), 'NaN', 'Infinity', '-Infinity', 'null', 'undefined',
  'true', '__proto__', 'constructor', 'prototype', 'toString', '../../../../etc/passwd', '..\\..\\windows', '%00', '%ff', '%',
  "'; DROP TABLE telemetry_samples; --", '" OR 1=1 --', '<script>alert(1)</script>', '${jndi:ldap://x/a}', '{{7*7}}',
  '2024-02-30T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.001Z', '-271821-04-19T00:00:00Z', '1970-01-01T00:00:00',
  '2026-01-01T00:00:00+99:99', '0000-00-00T00:00:00Z', 'cpu_utilization', 'cpu_utilization:' + 'q'.repeat(300), 'a:b:c:d', ':',
];

function hostileScalar(rng: Rng): unknown {
  return rng.chance(0.5) ? rng.pick(WEIRD_NUMBERS) : rng.pick(HOSTILE_STRINGS);
}

function hostileValue(rng: Rng): unknown {
  const r = rng.next();
  if (r < 0.7) return hostileScalar(rng);
  if (r < 0.8) return rng.pick([[], {}, [null], [[]], [1, 'a', null], { a: 1 }, [hostileScalar(rng)], { x: hostileScalar(rng) }]);
  if (r < 0.9) return rng.pick([raw(deepArray(10_000)), raw(deepObject(10_000)), raw(deepMixed(5_000)), raw(deepArray(100))]);
  return rng.pick([
    raw('{"__proto__":{"polluted":"yes"}}'),
    raw('{"constructor":{"prototype":{"polluted":"yes"}}}'),
    raw('{"a":1,"a":{"b":2}}'),
    Array.from({ length: 50 }, () => hostileScalar(rng)),
  ]);
}

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'extra', '', ' ', '\u0000', 'x'.repeat(1000), 'samples', 'id', '$ref', 'toString', 'hasOwnProperty'];

// ---------------------------------------------------------------------------------------------
// Requests

type Layer = 'router' | 'parser';

interface Case {
  group: string;
  method: string;
  path: string;
  /** The route template (or a label), for grouping failures. */
  route: string;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
  chunked?: boolean;
  /** 'parser': built to be refused by Node's HTTP parser before Fastify sees it. */
  layer: Layer;
  /** If set, the status must be one of these. */
  expectStatus?: number[];
  why?: string;
  /** A further behavioural check on the response; returns a complaint. */
  check?: (r: RawResponse) => string | undefined;
}

interface SocketCase {
  name: string;
  bytes: string | Buffer;
  /** The request is incomplete, so the server may rightly wait and never answer. */
  allowNoResponse: boolean;
}

interface Outcome {
  index: number;
  c: Case;
  r?: RawResponse;
  error?: string;
  ms: number;
}

type Kind = 'server' | 'problem' | 'parser-problem' | 'expectation';
interface Violation {
  kind: Kind;
  signature: string;
  text: string;
}

function clip(s: string, n = 300): string {
  return s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s;
}

function describeRequest(index: number, c: Case): string {
  const body = c.body === undefined ? '' : Buffer.isBuffer(c.body) ? c.body.toString('latin1') : c.body;
  const headers = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, clip(Array.isArray(v) ? v.join(' | ') : v, 80)]));
  return `#${index} [${c.group}] ${c.method} ${JSON.stringify(clip(c.path))} headers=${JSON.stringify(headers)}${c.chunked ? ' (chunked)' : ''} body[${body.length}]=${JSON.stringify(body.slice(0, 300))}`;
}

function describeResponse(o: Outcome): string {
  if (!o.r) return `→ NO RESPONSE (${o.error}) after ${o.ms} ms`;
  return `→ ${o.r.status} ${o.r.headers['content-type'] ?? '(no content-type)'} ${JSON.stringify(clip(o.r.text, 400))}`;
}

/** An RFC 9457 problem with our stable fields, or a complaint. */
function problemComplaint(status: number, contentType: string | undefined, json: any): string | undefined {
  if (!contentType || !/^application\/problem\+json\b/i.test(contentType)) return `content-type is ${contentType ?? 'missing'}, not application/problem+json`;
  if (!json || typeof json !== 'object') return 'body is not a JSON object';
  if (typeof json.code !== 'string' || !json.code) return 'body has no `code`';
  if (json.status !== status) return `body.status is ${JSON.stringify(json.status)}, response status is ${status}`;
  if (typeof json.detail !== 'string') return 'body has no `detail`';
  return undefined;
}

/** Node's HTTP parser refuses a request head over 16 KiB (431) before Fastify sees it. */
function layerOf(c: Case): Layer {
  const head = c.path.length + Object.entries(c.headers).reduce((n, [k, v]) => n + k.length + (Array.isArray(v) ? v.join('').length : v.length) + 4, 0);
  return head > 16_000 ? 'parser' : c.layer;
}

function judge(o: Outcome): Violation[] {
  const { r } = o;
  const c = { ...o.c, layer: layerOf(o.c) };
  const out: Violation[] = [];
  const text = () => `${describeRequest(o.index, c)}\n      ${describeResponse(o)}${c.why ? `\n      expected: ${c.why}` : ''}`;
  if (!r) {
    out.push({ kind: 'server', signature: `no response: ${c.method} ${c.route}`, text: text() });
    return out;
  }
  const code = r.json && typeof r.json === 'object' ? r.json.code : undefined;
  if (r.status >= 500) out.push({ kind: 'server', signature: `${r.status} ${code ?? ''} ${c.method} ${c.route}`, text: text() });
  if (r.status >= 400 && r.status < 500 && c.method !== 'HEAD') {
    const complaint = problemComplaint(r.status, r.headers['content-type'], r.json);
    if (complaint) {
      out.push({
        kind: c.layer === 'parser' ? 'parser-problem' : 'problem',
        signature: `${r.status} ${r.headers['content-type'] ?? '-'} ${code ?? r.json?.code ?? ''} ${c.layer === 'parser' ? '(parser)' : c.route}: ${complaint}`,
        text: text(),
      });
    }
  }
  if (c.expectStatus && !c.expectStatus.includes(r.status)) {
    out.push({ kind: 'expectation', signature: `[${c.group}] ${c.method} ${c.route}: got ${r.status}, want ${c.expectStatus.join('|')}`, text: text() });
  }
  if (r.status < 500 && c.check) {
    const complaint = c.check(r);
    if (complaint) {
      const server = complaint.startsWith('hidden internal error');
      out.push({ kind: server ? 'server' : 'expectation', signature: `[${c.group}] ${c.method} ${c.route}: ${complaint.slice(0, 120)}`, text: `${text()}\n      complaint: ${complaint}` });
    }
  }
  return out;
}

function report(violations: Violation[], seed: number): string {
  const bySig = new Map<string, Violation[]>();
  for (const v of violations) bySig.set(v.signature, [...(bySig.get(v.signature) ?? []), v]);
  const lines = [`${violations.length} violation(s) in ${bySig.size} kind(s) (ROBUSTNESS_SEED=${seed}):`];
  for (const [sig, list] of bySig) {
    lines.push(`  ✗ ${list.length}× ${sig}`);
    for (const v of list.slice(0, 2)) lines.push(`    ${v.text}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The engine's own OpenAPI document

interface Param {
  name: string;
  in: string;
  required: boolean;
  schema: any;
}

interface Operation {
  method: string;
  route: string;
  params: Param[];
  body?: any;
}

function resolver(doc: any) {
  return function resolve(s: any): any {
    let cur = s;
    for (let i = 0; i < 32 && cur && typeof cur === 'object' && typeof cur.$ref === 'string'; i++) {
      const parts = cur.$ref.replace(/^#\//, '').split('/').map((p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      cur = parts.reduce((o: any, p: string) => o?.[p], doc);
    }
    return cur;
  };
}

function operationsOf(doc: any): Operation[] {
  const resolve = resolver(doc);
  const ops: Operation[] = [];
  for (const [route, item] of Object.entries<any>(doc.paths ?? {})) {
    const shared: any[] = item.parameters ?? [];
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const params: Param[] = [...shared, ...(op.parameters ?? [])].map((p) => resolve(p)).map((p) => ({ name: p.name, in: p.in, required: !!p.required, schema: resolve(p.schema) ?? {} }));
      const content = resolve(op.requestBody)?.content ?? {};
      const body = content['application/json']?.schema ?? Object.values<any>(content)[0]?.schema;
      ops.push({ method: method.toUpperCase(), route, params, body: body ? resolve(body) : undefined });
    }
  }
  return ops;
}

// ---------------------------------------------------------------------------------------------
// Values that pass the schema (the base that one mutation then breaks)

const MODEL_SERVICES = ['failure', 'placement', 'anomaly', 'resource'];
const METRIC_NAMES = ['cpu_utilization', 'memory_utilization', 'vm.cpu.usage', 'disk_read_iops:vda', 'temperature:cpu0', 'custom_fuzz_metric'];

interface Context {
  resolve: (s: any) => any;
  envelopePairs: [string, string][];
  jobTypes: string[];
  arraySchemas: WeakMap<object, any>;
  /** Probability that an optional property is present. */
  optional: number;
}

function validTimestamp(rng: Rng): number | string {
  const t = NOW - 60_000 - rng.int(3_600) * 1000 - rng.int(1000);
  return rng.chance(0.7) ? t : new Date(t).toISOString();
}

function byName(name: string | undefined, rng: Rng, ctx: Context): unknown {
  switch (name) {
    case 'entity_id':
      return `fz-${rng.int(40)}`;
    case 'metric':
      return rng.pick(METRIC_NAMES);
    case 'timestamp':
      return validTimestamp(rng);
    case 'value':
      return rng.next();
    case 'entity_type':
      return rng.pick(['node', 'vm']);
    case 'unit':
      return rng.pick(['fraction', 'percent']);
    case 'service_type':
      return rng.pick(MODEL_SERVICES);
    case 'model_id':
      return `m-${rng.string(10)}`;
    case 'artifact_base64':
      return Buffer.from(rng.string(24)).toString('base64');
    default:
      return undefined;
  }
}

function genValid(schema: any, name: string | undefined, rng: Rng, ctx: Context, depth = 0): unknown {
  const s = ctx.resolve(schema) ?? {};
  const known = byName(name, rng, ctx);
  if (known !== undefined) return known;
  if (depth > 6) return 'x';
  if (s.enum) return rng.pick(s.enum);
  if (s.const !== undefined) return s.const;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return genValid(rng.pick(alts), name, rng, ctx, depth + 1);
  if (s.allOf) return genValid(s.allOf[0], name, rng, ctx, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'string': {
      if (s.format === 'date-time') return new Date(NOW - rng.int(86_400_000)).toISOString();
      const len = Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 12, 2 + rng.int(10)));
      return rng.string(len);
    }
    case 'integer':
      return Math.max(s.minimum ?? 0, Math.min(s.maximum ?? 100, 1 + rng.int(100)));
    case 'number':
      return Math.max(s.minimum ?? 0, Math.min(s.maximum ?? 100, rng.next() * 100));
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      const n = Math.min(s.maxItems ?? 5, Math.max(s.minItems ?? 0, 1 + rng.int(3)));
      const arr = Array.from({ length: n }, () => genValid(s.items ?? {}, name?.replace(/s$/, ''), rng, ctx, depth + 1));
      ctx.arraySchemas.set(arr, s);
      return arr;
    }
    case 'object': {
      const o: Record<string, unknown> = {};
      const props: Record<string, any> = s.properties ?? {};
      const required: string[] = s.required ?? [];
      for (const k of Object.keys(props)) if (required.includes(k) || rng.chance(ctx.optional)) o[k] = genValid(props[k], k, rng, ctx, depth + 1);
      if (!s.properties && s.additionalProperties !== false) {
        for (let i = rng.int(3); i > 0; i--) o[rng.string(5)] = rng.pick([1, 'a', true, null, 0.5]);
      }
      // Keep paired columns consistent so that the one mutation is what breaks the request.
      if (Array.isArray(o.timestamps) && Array.isArray(o.values)) {
        const n = 1 + rng.int(5);
        o.timestamps = Array.from({ length: n }, () => validTimestamp(rng));
        o.values = Array.from({ length: n }, () => rng.next());
      }
      if ('service' in o && 'method' in o && ctx.envelopePairs.length) [o.service, o.method] = rng.pick(ctx.envelopePairs);
      if ('type' in o && 'payload' in props && ctx.jobTypes.length) o.type = rng.pick(ctx.jobTypes);
      return o;
    }
    default:
      return rng.pick([0.5, 'x', true, null, { a: 1 }, [1]]);
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations of a valid body

interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

function slotsOf(v: unknown, out: Slot[], depth = 0): void {
  if (depth > 8 || v === null || typeof v !== 'object' || v instanceof Raw) return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      out.push({ parent: v, key: i });
      slotsOf(item, out, depth + 1);
    });
  } else {
    for (const k of Object.keys(v)) {
      out.push({ parent: v as Record<string, unknown>, key: k });
      slotsOf((v as Record<string, unknown>)[k], out, depth + 1);
    }
  }
}

/** JSON paths of every property and item, outermost first. */
function pathsOf(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object' || v instanceof Raw || prefix.length > 8) return out;
  for (const k of Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v)) {
    out.push([...prefix, k]);
    pathsOf((v as any)[k], [...prefix, k], out);
  }
  return out;
}

/** `base` with `value` at `path`, taking missing containers along the path from `donor`. */
function withValueAt(base: unknown, donor: unknown, path: (string | number)[], value: unknown): unknown {
  const root: any = structuredClone(base);
  let cur = root;
  let src: any = donor;
  for (const k of path.slice(0, -1)) {
    src = src?.[k];
    if (cur[k] === null || typeof cur[k] !== 'object') cur[k] = structuredClone(src);
    cur = cur[k];
  }
  cur[path[path.length - 1]] = value;
  return root;
}

function put(slot: Slot, value: unknown): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else setKey(slot.parent, slot.key as string, value);
}

function oversized(arr: unknown[], ctx: Context, rng: Rng): unknown[] {
  const s = ctx.arraySchemas.get(arr);
  const item = arr.length ? arr[0] : 0;
  const itemBytes = toJson(item).length + 1;
  const beyondMax = s?.maxItems !== undefined ? s.maxItems + 1 : undefined;
  let n: number;
  if (beyondMax !== undefined && beyondMax * itemBytes < 900_000 && rng.chance(0.7)) n = beyondMax;
  else if (rng.chance(0.6)) n = MAX_BATCH + 1 + rng.int(50); // beyond NOVACRON_TELEMETRY_MAX_BATCH
  else n = Math.ceil((BODY_LIMIT * 1.1) / itemBytes); // beyond NOVACRON_BODY_LIMIT_BYTES
  // Never build much more than the body limit: past it, more bytes test nothing new.
  n = Math.max(1, Math.min(n, Math.ceil((BODY_LIMIT * 1.2) / itemBytes)));
  return new Array(n).fill(item);
}

function mutate(body: unknown, rng: Rng, ctx: Context): { body: unknown; what: string } {
  const holder: Record<string, unknown> = { root: body };
  const slots: Slot[] = [{ parent: holder, key: 'root' }];
  slotsOf(body, slots);
  const inner = slots.length > 1 ? slots.slice(1) : slots;
  const r = rng.next();
  if (r < 0.3) {
    const s = rng.pick(inner);
    put(s, hostileValue(rng));
    return { body: holder.root, what: `wrong type at ${String(s.key)}` };
  }
  if (r < 0.45) {
    const s = rng.pick(inner);
    if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
    else delete (s.parent as Record<string, unknown>)[s.key as string];
    return { body: holder.root, what: `missing ${String(s.key)}` };
  }
  if (r < 0.57) {
    const objects = [body, ...inner.map((s) => (s.parent as any)[s.key])].filter((v) => v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Raw));
    const target = objects.length ? (rng.pick(objects) as Record<string, unknown>) : undefined;
    const k = rng.pick(EXTRA_KEYS);
    if (target) setKey(target, k, hostileValue(rng));
    return { body: holder.root, what: `extra field ${JSON.stringify(k.slice(0, 20))}` };
  }
  if (r < 0.65) {
    const s = rng.pick(inner);
    put(s, rng.chance(0.5) ? 'x'.repeat(rng.pick([65, 101, 129, 201, 257, 2001, 65_537])) : '😀'.repeat(rng.pick([100, 20_000])));
    return { body: holder.root, what: `long string at ${String(s.key)}` };
  }
  if (r < 0.72) {
    const arrays = inner.filter((s) => Array.isArray((s.parent as any)[s.key]));
    const s = arrays.length ? rng.pick(arrays) : rng.pick(inner);
    const cur = (s.parent as any)[s.key];
    put(s, Array.isArray(cur) ? oversized(cur, ctx, rng) : new Array(MAX_BATCH + 1).fill(cur ?? 0));
    return { body: holder.root, what: `oversized array at ${String(s.key)}` };
  }
  if (r < 0.86) {
    const s = rng.pick(inner);
    put(s, rng.pick(WEIRD_NUMBERS));
    return { body: holder.root, what: `weird number at ${String(s.key)}` };
  }
  if (r < 0.94) {
    const s = rng.pick(inner);
    put(s, rng.pick([raw(deepArray(10_000)), raw(deepObject(10_000)), raw(deepMixed(5_000))]));
    return { body: holder.root, what: `deep nesting at ${String(s.key)}` };
  }
  holder.root = rng.pick([null, [], 'text', 1, true, raw('1e999'), raw(deepArray(10_000)), [body], { data: body }]);
  return { body: holder.root, what: 'replaced the whole body' };
}

// ---------------------------------------------------------------------------------------------
// Telemetry batches with hostile fields, and the invariants their responses keep

function hostileTimestamp(rng: Rng): unknown {
  return rng.pick<unknown>([
    ...WEIRD_NUMBERS,
    NOW + 86_400_000 * 365,
    946_684_799_999,
    99_999_999_999,
    1e11,
    -1,
    NOW / 1000,
    '2024-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    'yesterday',
    new Date(NOW).toISOString().replace('Z', ''),
    new Date(NOW).toISOString().replace('Z', '+25:00'),
    `${new Date(NOW - 1000).toISOString()}${'0'.repeat(40)}`,
    'x'.repeat(65),
  ]);
}

function telemetryBatch(rng: Rng): { body: Record<string, unknown>; count: number } {
  const field = <T>(ok: () => T, p: number): unknown => (rng.chance(p) ? ok() : hostileValue(rng));
  const sample = () => {
    const s: Record<string, unknown> = {
      entity_id: field(() => `fz-tel-${rng.int(20)}`, 0.85),
      metric: field(() => rng.pick(METRIC_NAMES), 0.85),
      timestamp: rng.chance(0.6) ? validTimestamp(rng) : hostileTimestamp(rng),
      value: rng.chance(0.5) ? rng.next() * rng.pick([1, 100, 1e6]) : rng.chance(0.5) ? rng.pick(WEIRD_NUMBERS) : hostileValue(rng),
    };
    if (rng.chance(0.3)) s.entity_type = field(() => rng.pick(['node', 'vm']), 0.8);
    if (rng.chance(0.3)) s.unit = field(() => rng.pick(['percent', 'fraction', '%', 'PCT', 'ratio', 'bytes']), 0.8);
    if (rng.chance(0.04)) delete s[rng.pick(['entity_id', 'metric', 'timestamp', 'value'])];
    return s;
  };
  const body: Record<string, unknown> = {};
  let count = 0;
  const form = rng.pick(['rows', 'rows', 'columnar', 'both']);
  if (form !== 'columnar') {
    const rows = Array.from({ length: 1 + rng.int(20) }, sample);
    body.samples = rows;
    count += rows.length;
  }
  if (form !== 'rows') {
    body.series = Array.from({ length: 1 + rng.int(3) }, () => {
      const n = 1 + rng.int(20);
      const m = rng.chance(0.15) ? rng.int(25) : n;
      const s: Record<string, unknown> = {
        entity_id: field(() => `fz-col-${rng.int(20)}`, 0.9),
        metric: field(() => rng.pick(METRIC_NAMES), 0.9),
        timestamps: Array.from({ length: n }, () => (rng.chance(0.7) ? validTimestamp(rng) : hostileTimestamp(rng))),
        values: Array.from({ length: m }, () => (rng.chance(0.6) ? rng.next() : rng.pick(WEIRD_NUMBERS))),
      };
      if (rng.chance(0.3)) s.unit = rng.pick(['percent', 'fraction', 'x'.repeat(40)]);
      count += Math.max(n, m);
      return s;
    });
  }
  return { body, count };
}

/** What a 200 from POST /api/v1/telemetry must say about a batch of `count` samples. */
function ingestInvariants(count: number) {
  return (r: RawResponse): string | undefined => {
    if (r.status !== 200) return undefined;
    const b = r.json;
    if (!b || typeof b !== 'object') return 'a 200 without a JSON body';
    if (b.accepted + b.rejected_count !== count) return `accepted ${b.accepted} + rejected_count ${b.rejected_count} ≠ ${count} samples sent`;
    if (b.stored + b.duplicates !== b.accepted) return `stored ${b.stored} + duplicates ${b.duplicates} ≠ accepted ${b.accepted}`;
    if (!Array.isArray(b.rejected) || b.rejected.length !== Math.min(b.rejected_count, 1000)) return `rejected lists ${b.rejected?.length} entries for rejected_count ${b.rejected_count}`;
    for (const x of b.rejected) if (typeof x.path !== 'string' || typeof x.reason !== 'string' || !Number.isInteger(x.index)) return `malformed rejection ${JSON.stringify(x)}`;
    return undefined;
  };
}

// ---------------------------------------------------------------------------------------------
// Credentials

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

function signJwt(header: object, payload: unknown, secret = JWT_SECRET, alg = 'sha256'): string {
  const h = b64url(JSON.stringify(header));
  const p = b64url(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const sig = crypto.createHmac(alg, secret).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${sig}`;
}

interface Credential {
  name: string;
  headers: Record<string, string | string[]>;
  /** Must be refused with 401 on every protected route. */
  bad?: boolean;
  /** The statuses allowed on a protected route, when not simply 401. */
  protectedStatus?: number[];
}

function credentials(keys: TestEngine['keys'], revoked: string, rng: Rng): Credential[] {
  const adminId = /^nck_([a-z0-9]{12})_/.exec(keys.admin)![1];
  const secs = () => Math.floor(NOW / 1000);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => rng.int(256)));
  const jwtRandom = () => `${b64url(bytes(12 + rng.int(20)))}.${b64url(bytes(12 + rng.int(40)))}.${b64url(bytes(32))}`;
  return [
    { name: 'none', headers: {}, bad: true },
    { name: 'bearer-empty', headers: { authorization: 'Bearer' }, bad: true },
    { name: 'bearer-space', headers: { authorization: 'Bearer ' }, bad: true },
    { name: 'basic', headers: { authorization: 'Basic dXNlcjpwYXNzd29yZA==' }, bad: true },
    { name: 'two-tokens', headers: { authorization: `Bearer ${keys.admin} ${keys.admin}` }, bad: true },
    { name: 'token-scheme', headers: { authorization: `Token ${keys.admin}` }, bad: true },
    { name: 'revoked', headers: { authorization: `Bearer ${revoked}` }, bad: true },
    { name: 'revoked-x-api-key', headers: { 'x-api-key': revoked }, bad: true },
    { name: 'revoked-looking', headers: { authorization: `Bearer nck_aaaaaaaaaaaa_${'a'.repeat(32)}` }, bad: true },
    { name: 'wrong-secret', headers: { authorization: `Bearer nck_${adminId}_${'A'.repeat(32)}` }, bad: true },
    { name: 'truncated-key', headers: { authorization: `Bearer ${keys.admin.slice(0, -1)}` }, bad: true },
    { name: 'key-plus-char', headers: { authorization: `Bearer ${keys.admin}x` }, bad: true },
    { name: 'huge-bearer', headers: { authorization: `Bearer ${'x'.repeat(8_000)}` }, bad: true },
    { name: 'latin1-bearer', headers: { authorization: 'Bearer nck_\xff\xfe\xfd' }, bad: true },
    { name: 'random-jwt', headers: { authorization: `Bearer ${jwtRandom()}` }, bad: true },
    { name: 'jwt-alg-none', headers: { authorization: `Bearer ${b64url('{"alg":"none","typ":"JWT"}')}.${b64url('{"role":"admin","sub":"x"}')}.` }, bad: true },
    { name: 'jwt-wrong-secret', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: 'admin', sub: 'x' }, 'not-the-secret')}` }, bad: true },
    { name: 'jwt-hs512', headers: { authorization: `Bearer ${signJwt({ alg: 'HS512' }, { role: 'admin' }, JWT_SECRET, 'sha512')}` }, bad: true },
    { name: 'jwt-expired', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: 'admin', exp: secs() - 3600 })}` }, bad: true },
    { name: 'jwt-not-yet', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: 'admin', nbf: secs() + 3600 })}` }, bad: true },
    { name: 'jwt-exp-string', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: 'admin', exp: 'tomorrow' })}` }, bad: true },
    { name: 'jwt-payload-not-json', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, 'not json')}` }, bad: true },
    { name: 'jwt-payload-array', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, '[]')}` }, bad: true },
    { name: 'jwt-crit', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256', crit: ['x'], x: 1 }, { role: 'admin' })}` }, bad: true },
    { name: 'jwt-b64-false', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256', b64: false, crit: ['b64'] }, { role: 'admin' })}` }, bad: true },
    { name: 'jwt-no-role', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { sub: 'x' })}` }, protectedStatus: [401, 403] },
    { name: 'jwt-role-number', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: 123 })}` }, protectedStatus: [401, 403] },
    { name: 'jwt-role-object', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: { admin: true } })}` }, protectedStatus: [401, 403] },
    { name: 'jwt-role-root', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: 'root' })}` }, protectedStatus: [401, 403] },
    { name: 'jwt-role-huge', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: 'r'.repeat(4000) })}` }, protectedStatus: [401, 403] },
    { name: 'jwt-deep-claims', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, JSON.parse(deepObject(500)))}` }, protectedStatus: [401, 403] },
    { name: 'jwt-sub-object', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: 'viewer', sub: { a: [1] } })}` } },
    { name: 'jwt-roles-list', headers: { authorization: `Bearer ${signJwt({ alg: 'HS256' }, { role: ['viewer', 7, null, 'admin'], exp: 1e308 })}` } },
    { name: 'x-api-key-empty', headers: { 'x-api-key': '' }, bad: true },
    { name: 'x-api-key-garbage', headers: { 'x-api-key': 'garbage' }, bad: true },
    { name: 'x-api-key-jwt', headers: { 'x-api-key': signJwt({ alg: 'HS256' }, { role: 'admin' }) }, bad: true },
    { name: 'x-api-key-wins', headers: { 'x-api-key': 'garbage', authorization: `Bearer ${keys.admin}` }, bad: true },
    { name: 'duplicate-authorization', headers: { authorization: [`Bearer ${keys.viewer}`, `Bearer ${keys.admin}`] } },
    { name: 'lower-case-scheme', headers: { authorization: `bearer ${keys.viewer}` } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Hostile path segments and query values (written raw into the URL)

const PATH_VALUES: string[] = [
  'x'.repeat(10_000),
  encodeURIComponent('é').repeat(1_600),
  encodeURIComponent('😀').repeat(600),
  '%00', 'a%00b', '%ff', '%fe%ff', '%c0%ae%c0%ae', '%ED%A0%80', '%', '%%', '%zz', '%u0041', '%2f', '..%2f..%2f..%2fetc%2fpasswd',
  '..', '.', '%2e%2e', '%2e%2e%2f%2e%2e', '../../../../etc/passwd', '..;', '%0d%0aSet-Cookie:%20a=b', '%0a%0d', encodeURIComponent('\u202e\u0000\u0007'),
  encodeURIComponent('\u0000'), 'NaN', 'Infinity', '-Infinity', '-1', '0', '-0', '1e308', '1e-320', '9223372036854775808', 'null', 'undefined', 'true',
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', '%3Cscript%3E', "'%20OR%201=1--", '*', '%3F', '%23', '%20', '%20'.repeat(100), ';', ',', '~',
  'x'.repeat(65), 'x'.repeat(129), 'FAILURE', '%20failure%20', 'failure%00', encodeURIComponent(`nck_aaaaaaaaaaaa_${'a'.repeat(32)}`), encodeURIComponent('{"a":1}'),
];

const QUERY_VALUES: string[] = [
  '1e308', '-1e308', '1e-320', '9223372036854775808', '-9223372036854775809', '-0', '0', '-1', '1.5', 'NaN', 'Infinity', '-Infinity', '0x10', '1e999',
  '', '+5', '1_000', encodeURIComponent('١٢٣'), 'true', '[]', '{}', encodeURIComponent('a'.repeat(300)), encodeURIComponent('😀'.repeat(1_000)), 'x'.repeat(10_000),
  '%00', '%ff', '%', '%zz', '%ED%A0%80', '..%2f..%2f', encodeURIComponent('../../etc/passwd'), encodeURIComponent("' OR 1=1 --"), 'latest', 'LATEST', 'oldest%00',
  encodeURIComponent('2024-01-01T00:00:00Z'), encodeURIComponent('2024-13-45T99:99:99Z'), encodeURIComponent('+275760-09-13T00:00:00.000Z'),
  encodeURIComponent('-271821-04-20T00:00:00Z'), String(NOW), String(NOW * 1000), '99999999999999999999999', encodeURIComponent('1970-01-01T00:00:00+99:99'),
];

const EXTRA_QUERIES: string[] = [
  '__proto__=1', '__proto__[polluted]=1', 'constructor[prototype][polluted]=1', 'constructor.prototype.polluted=1', 'a[b][c]=d', '&&&', '=', '==', 'a==b',
  'x', `${'k'.repeat(5_000)}=v`, 'limit[]=1', 'limit=1&limit=2', 'order=latest&order=oldest', '%00=%00', '%ff=%ff', 'a=%', `${'p=1&'.repeat(1_000)}p=1`,
];

function queryString(params: Param[], rng: Rng, ctx: Context, override?: { name: string; value: string | null; repeat?: boolean }): string {
  const parts: string[] = [];
  for (const p of params) {
    if (p.in !== 'query') continue;
    if (override?.name === p.name) {
      if (override.value === null) continue;
      parts.push(`${encodeURIComponent(p.name)}=${override.value}`);
      if (override.repeat) parts.push(`${encodeURIComponent(p.name)}=${override.value}`);
      continue;
    }
    if (!p.required && rng.chance(0.5)) continue;
    parts.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(String(genValid(p.schema, p.name, rng, ctx)))}`);
  }
  return parts.join('&');
}

function concretePath(op: Operation, rng: Rng, ctx: Context, hostile?: { name: string; value: string }): string {
  return op.route.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    if (hostile?.name === name) return hostile.value;
    const p = op.params.find((x) => x.in === 'path' && x.name === name);
    return encodeURIComponent(String(genValid(p?.schema ?? { type: 'string' }, name, rng, ctx)));
  });
}

function templateMatches(template: string, path: string): boolean {
  const escape = (part: string) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
  return new RegExp('^' + template.split(/\{[^}]+\}/).map(escape).join('[^/]+') + '$').test(path);
}

/** `n` items of `list` starting at `from`, wrapping around. */
function rotate<T>(list: readonly T[], from: number, n: number): T[] {
  return Array.from({ length: Math.min(n, list.length) }, (_, i) => list[(from + i) % list.length]);
}

function withQuery(path: string, qs: string): string {
  return qs ? `${path}?${qs}` : path;
}

// ---------------------------------------------------------------------------------------------
// Requests only a raw socket can send

const H = 'Host: 127.0.0.1\r\n';
function socketCases(admin: string, rng: Rng): SocketCase[] {
  const garbage = () => Buffer.from(Array.from({ length: 64 + rng.int(512) }, () => rng.int(256)));
  return [
    { name: 'garbage line', bytes: 'GARBAGE\r\n\r\n', allowNoResponse: false },
    { name: 'random bytes 1', bytes: garbage(), allowNoResponse: true },
    { name: 'random bytes 2', bytes: garbage(), allowNoResponse: true },
    { name: 'empty lines', bytes: '\r\n\r\n\r\n', allowNoResponse: true },
    { name: 'content-length not a number', bytes: `GET / HTTP/1.1\r\n${H}Content-Length: abc\r\n\r\n`, allowNoResponse: false },
    { name: 'negative content-length', bytes: `POST /api/v1/telemetry HTTP/1.1\r\n${H}Authorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`, allowNoResponse: false },
    { name: 'two content-lengths', bytes: `POST /api/v1/telemetry HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`, allowNoResponse: false },
    { name: 'CL and TE (smuggling)', bytes: `POST /api/v1/telemetry HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/v1/keys HTTP/1.1\r\n${H}\r\n`, allowNoResponse: false },
    { name: 'bad chunk size', bytes: `POST /api/v1/telemetry HTTP/1.1\r\n${H}Authorization: Bearer ${admin}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, allowNoResponse: false },
    { name: 'huge chunk size', bytes: `POST /api/v1/telemetry HTTP/1.1\r\n${H}Authorization: Bearer ${admin}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n{}\r\n0\r\n\r\n`, allowNoResponse: true },
    { name: 'chunked, never finished', bytes: `POST /api/v1/telemetry HTTP/1.1\r\n${H}Authorization: Bearer ${admin}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{"\r\n`, allowNoResponse: true },
    { name: 'body shorter than content-length', bytes: `POST /api/v1/telemetry HTTP/1.1\r\n${H}Authorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"samples":[]}`, allowNoResponse: true },
    { name: 'transfer-encoding gzip, chunked', bytes: `POST /api/v1/telemetry HTTP/1.1\r\n${H}Authorization: Bearer ${admin}\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, allowNoResponse: false },
    { name: 'raw latin-1 bytes in path', bytes: Buffer.from(`GET /api/v1/jobs/\xff\xfe\x80 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 'latin1'), allowNoResponse: false },
    { name: 'NUL in path', bytes: Buffer.from(`GET /api/v1/jobs/a\x00b HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 'latin1'), allowNoResponse: false },
    { name: 'NUL in header name', bytes: Buffer.from(`GET /health HTTP/1.1\r\n${H}X-B\x00d: y\r\nConnection: close\r\n\r\n`, 'latin1'), allowNoResponse: false },
    { name: 'CR in header value', bytes: Buffer.from(`GET /health HTTP/1.1\r\n${H}X-Bad: a\rb\r\nConnection: close\r\n\r\n`, 'latin1'), allowNoResponse: false },
    { name: 'header over 16 KiB', bytes: `GET /health HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`, allowNoResponse: false },
    { name: 'URL over 16 KiB', bytes: `GET /api/v1/telemetry?entity_id=${'x'.repeat(20_000)}&metric=a HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, allowNoResponse: false },
    { name: '3,000 headers', bytes: `GET /health HTTP/1.1\r\n${H}${Array.from({ length: 3_000 }, (_, i) => `X-${i}: v\r\n`).join('')}Connection: close\r\n\r\n`, allowNoResponse: false },
    { name: 'obsolete line folding', bytes: `GET /health HTTP/1.1\r\n${H}X-Folded: a\r\n b\r\nConnection: close\r\n\r\n`, allowNoResponse: false },
    { name: 'bare LF line ends', bytes: 'GET /health HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n', allowNoResponse: false },
    { name: 'HTTP/2.0 on the request line', bytes: `GET /health HTTP/2.0\r\n${H}Connection: close\r\n\r\n`, allowNoResponse: false },
    { name: 'HTTP/0.9', bytes: 'GET /health\r\n\r\n', allowNoResponse: false },
    { name: 'HTTP/1.0 without Host', bytes: 'GET /api/v1/nowhere HTTP/1.0\r\n\r\n', allowNoResponse: false },
    { name: 'lower-case method', bytes: `get /health HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, allowNoResponse: false },
    { name: 'unknown method token', bytes: `FROB /health HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, allowNoResponse: false },
    { name: 'CONNECT', bytes: `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${H}\r\n`, allowNoResponse: true },
    { name: 'absolute-form target', bytes: `GET http://evil.example/api/v1/jobs HTTP/1.1\r\n${H}Authorization: Bearer ${admin}\r\nConnection: close\r\n\r\n`, allowNoResponse: false },
    { name: 'asterisk target', bytes: `OPTIONS * HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, allowNoResponse: false },
    { name: 'Expect 100-continue, no body', bytes: `POST /api/v1/telemetry HTTP/1.1\r\n${H}Authorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n`, allowNoResponse: true },
    { name: 'pipelined pair', bytes: `GET /health HTTP/1.1\r\n${H}\r\nGET /api/v1/nowhere HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, allowNoResponse: false },
  ];
}

function dechunk(body: string, headers: Record<string, string>): string {
  if (!/chunked/i.test(headers['transfer-encoding'] ?? '')) return body;
  let out = '';
  let rest = body;
  for (;;) {
    const nl = rest.indexOf('\r\n');
    if (nl < 0) return out;
    const size = parseInt(rest.slice(0, nl), 16);
    if (!size) return out;
    out += rest.slice(nl + 2, nl + 2 + size);
    rest = rest.slice(nl + 2 + size + 2);
  }
}

// ---------------------------------------------------------------------------------------------

describe(`robustness under hostile input (${backend})`, () => {
  let t: TestEngine;
  let ops: Operation[] = [];
  const outcomes: Outcome[] = [];
  const violations: Violation[] = [];
  const protectedRoutes = new Set<string>();
  let prototypeBefore: string[] = [];

  beforeAll(async () => {
    prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    t = await startEngine({
      NOVACRON_TELEMETRY_MAX_BATCH: String(MAX_BATCH),
      NOVACRON_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      NOVACRON_JWT_SECRET: JWT_SECRET,
    });
    const started = performance.now();
    const base = new URL(t.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const admin = { authorization: `Bearer ${t.keys.admin}` };
    const json = { 'content-type': 'application/json' };

    const doc = (await rawRequest(agent, base, { method: 'GET', path: '/docs/json' })).json;
    ops = operationsOf(doc);
    const jobTypes: string[] = (await rawRequest(agent, base, { method: 'GET', path: '/api/v1/jobs', headers: admin })).json?.types ?? [];
    const env = await rawRequest(agent, base, { method: 'POST', path: '/api/v1/process', headers: { ...admin, ...json }, body: '{"service":"?","method":"?"}' });
    const envelopePairs: [string, string][] = Object.entries<string[]>(env.json?.supported_services ?? {}).flatMap(([s, ms]) => ms.map((m) => [s, m] as [string, string]));
    const ctx: Context = { resolve: resolver(doc), envelopePairs, jobTypes, arraySchemas: new WeakMap(), optional: 0.5 };
    // A key that worked once and was then revoked.
    const issued = await rawRequest(agent, base, { method: 'POST', path: '/api/v1/keys', headers: { ...admin, ...json }, body: '{"name":"soon-revoked","role":"admin"}' });
    expect(issued.status, issued.text).toBe(201);
    expect((await rawRequest(agent, base, { method: 'GET', path: '/api/v1/jobs', headers: { authorization: `Bearer ${issued.json.key}` } })).status).toBe(200);
    expect((await rawRequest(agent, base, { method: 'DELETE', path: `/api/v1/keys/${issued.json.id}`, headers: admin })).status).toBe(204);
    const creds = credentials(t.keys, issued.json.key, new Rng(SEED));

    // Which operations refuse a caller without credentials (probed once, then held to it).
    for (const op of ops) {
      const rng = new Rng(SEED + 1);
      const path = withQuery(concretePath(op, rng, ctx), queryString(op.params, rng, ctx));
      const r = await rawRequest(agent, base, { method: op.method, path, headers: op.body ? json : {}, body: op.body ? '{}' : undefined });
      if (r.status === 401) protectedRoutes.add(`${op.method} ${op.route}`);
    }

    // The plan: one generator per request, each with its own seeded stream.
    const plan: { group: string; make: (rng: Rng) => Case }[] = [];
    const add = (group: string, make: (rng: Rng) => Omit<Case, 'group'>) => plan.push({ group, make: (rng) => ({ group, ...make(rng) }) });
    const validBody = (op: Operation, rng: Rng) => genValid(op.body, undefined, rng, ctx);
    const opPath = (op: Operation, rng: Rng) => withQuery(concretePath(op, rng, ctx), queryString(op.params, rng, ctx));
    const bodyOps = ops.filter((o) => o.body);
    const noBodyOps = ops.filter((o) => !o.body);
    const isTelemetryPost = (op: Operation) => op.method === 'POST' && op.route === '/api/v1/telemetry';

    // 1. Schema-driven bodies: a valid body with one or more mutations.
    for (const op of bodyOps) {
      for (let i = 0, n = Math.max(40, Math.ceil(BUDGET.bodySchema / bodyOps.length)); i < n; i++) {
        add('body-schema', (rng) => {
          let body = validBody(op, rng);
          const what: string[] = [];
          for (let m = 1 + (rng.chance(0.25) ? rng.int(3) : 0); m > 0; m--) {
            const x = mutate(body, rng, ctx);
            body = x.body;
            what.push(x.what);
          }
          let text: string;
          try {
            text = toJson(body);
          } catch {
            // Stacked size mutations can outgrow a JavaScript string; send the valid body instead.
            text = toJson(validBody(op, rng));
            what.push('(mutations too large to serialise; sent unmutated)');
          }
          return { method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin, ...json }, body: text, layer: 'router', why: what.join('; ') };
        });
      }
    }

    // 2. Malformed JSON text.
    const malformed = (valid: string, rng: Rng): string | Buffer => {
      const inner = valid.replace(/^\{/, '');
      return rng.pick<() => string | Buffer>([
        () => valid.slice(0, rng.int(valid.length)),
        () => valid.slice(0, 1 + rng.int(Math.max(1, valid.length - 1))) + rng.pick(['', '"', '\\', '\\u12', '1e', '-', '{', '[']),
        () => `${valid}garbage`,
        () => `${valid}}`,
        () => `${valid},`,
        () => `${valid}\u0000`,
        () => `${valid}${valid}`,
        () => `\ufeff${valid}`,
        () => `\ufeff\ufeff${valid}`,
        () => `{"__proto__":{"polluted":"yes"},${inner}`,
        () => `{"constructor":{"prototype":{"polluted":"yes"}},${inner}`,
        () => `{"a":{"__proto__":{"polluted":"yes"}},${inner}`,
        () => `{"__proto__":[],${inner}`,
        () => '',
        () => ' ',
        () => 'null',
        () => 'true',
        () => '1e999',
        () => '"str"',
        () => '[]',
        () => 'NaN',
        () => "{'a':1}",
        () => '{a:1}',
        () => '/* c */{}',
        () => '{"a":1,}',
        () => '{"a":01}',
        () => '{"a":"\\x41"}',
        () => '{"a":"\\ud800"}',
        () => '{"a":"\u0001"}',
        () => `{"a":"${'\\u0000'.repeat(1000)}"}`,
        () => deepArray(10_000),
        () => deepObject(10_000),
        () => deepArray(100_000),
        () => `${'['.repeat(10_000)}`,
        () => Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
        () => Buffer.from(valid, 'utf16le'),
        () => `{${Array.from({ length: 30_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
        () => `{"${'k'.repeat(200_000)}":1}`,
        () => `{${'"a":1,'.repeat(20_000)}"a":2}`,
      ])();
    };
    for (const op of bodyOps) {
      for (let i = 0; i < 40; i++) {
        add('body-malformed', (rng) => ({ method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin, ...json }, body: malformed(toJson(validBody(op, rng)), rng), layer: 'router' }));
      }
    }

    // 2b. 10,000-deep arrays and objects in every field: a body with only its required fields plus
    // the one field under test (so that the rest of the body is valid and the depth is what is tested).
    for (const op of bodyOps) {
      const full = genValid(op.body, undefined, new Rng(SEED), { ...ctx, optional: 1 });
      const paths = pathsOf(full).slice(0, 30);
      for (const path of paths) {
        for (const deep of [deepArray(10_000), deepObject(10_000)]) {
          add('deep-nesting', (rng) => {
            const body = withValueAt(genValid(op.body, undefined, new Rng(SEED), { ...ctx, optional: 0 }), full, path, raw(deep));
            return { method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin, ...json }, body: toJson(body), layer: 'router', why: `10,000-deep nesting at /${path.join('/')}` };
          });
        }
      }
    }

    // 2c. Numbers JSON can write but JavaScript cannot keep (1e999 parses to Infinity, -0, subnormals, 2^63)
    // in every numeric field, and 1e999 in every other field: in a body that is otherwise valid.
    for (const op of bodyOps) {
      const full = genValid(op.body, undefined, new Rng(SEED), { ...ctx, optional: 1 });
      for (const path of pathsOf(full).slice(0, 40)) {
        const current = path.reduce<any>((v, k) => v?.[k], full);
        const values = typeof current === 'number' ? [raw('1e999'), raw('-1e999'), raw('-0'), 1e308, 1e-320, 2 ** 63] : [raw('1e999')];
        for (const value of values) {
          add('special-number', (rng) => {
            const body = withValueAt(genValid(op.body, undefined, new Rng(SEED), { ...ctx, optional: 0 }), full, path, value);
            return { method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin, ...json }, body: toJson(body), layer: 'router', why: `${toJson(value)} at /${path.join('/')}` };
          });
        }
      }
    }

    // 3. Content types: wrong, missing, odd; and bodies sent to routes that take none.
    const NON_JSON = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/octet-stream', 'application/xml'];
    const ODD_JSON = ['application/json; charset=utf-16', 'application/json; charset=iso-8859-1', 'application/json;;;', 'application/jsonp', 'APPLICATION/JSON', 'application/json, text/plain', '', `application/${'x'.repeat(5_000)}`, '*/*', 'application/problem+json', 'application/vnd.api+json', 'text/json', 'application/json; boundary=x; charset=utf-8'];
    for (const op of bodyOps) {
      for (const ct of NON_JSON) {
        add('content-type', (rng) => ({
          method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin, 'content-type': ct }, body: toJson(validBody(op, rng)), layer: 'router',
          expectStatus: [400, 415], why: `a ${ct} body is not JSON`,
        }));
      }
      for (const ct of ODD_JSON) add('content-type', (rng) => ({ method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin, 'content-type': ct }, body: toJson(validBody(op, rng)), layer: 'router' }));
      add('content-type', (rng) => ({ method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin }, body: toJson(validBody(op, rng)), layer: 'router', expectStatus: [400, 415], why: 'a body without content-type' }));
      add('content-type', (rng) => ({ method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin, ...json }, body: '', layer: 'router', expectStatus: [400], why: 'an empty JSON body' }));
      add('content-type', (rng) => ({ method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin }, layer: 'router', expectStatus: [400, 415], why: 'no body at all' }));
    }
    for (const op of noBodyOps) {
      for (let i = 0; i < 2; i++) {
        add('content-type', (rng) => ({ method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin, 'content-type': rng.pick(['application/json', 'text/plain', 'application/xml']) }, body: rng.pick(['{}', '{"a":', deepArray(10_000), 'x'.repeat(2_000)]), layer: 'router' }));
      }
    }

    // 4. Sizes: bodies over NOVACRON_BODY_LIMIT_BYTES, batches over NOVACRON_TELEMETRY_MAX_BATCH.
    const bigString = 'a'.repeat(BODY_LIMIT + 16);
    for (const op of bodyOps) {
      add('size', () => ({ method: op.method, path: concretePath(op, new Rng(1), ctx), route: op.route, headers: { ...admin, ...json }, body: `{"x":"${bigString}"}`, layer: 'router', expectStatus: [413], why: 'body over the limit' }));
      add('size', () => ({ method: op.method, path: concretePath(op, new Rng(1), ctx), route: op.route, headers: { ...admin, ...json }, body: `{"x":"${bigString}"}`, chunked: true, layer: 'router', expectStatus: [413], why: 'chunked body over the limit' }));
      add('size', () => ({ method: op.method, path: concretePath(op, new Rng(1), ctx), route: op.route, headers: { ...admin, 'content-type': 'text/plain' }, body: bigString, layer: 'router', expectStatus: [413, 415], why: 'non-JSON body over the limit' }));
    }
    const telemetryOp = ops.find(isTelemetryPost);
    if (telemetryOp) {
      const row = (i: number) => ({ entity_id: 'fz-size', metric: 'cpu_utilization', timestamp: NOW - 3_600_000 + i, value: 0.5 });
      const ts = (n: number) => Array.from({ length: n }, (_, i) => NOW - 3_600_000 + i);
      const vals = (n: number) => new Array(n).fill(0.25);
      const over: [string, unknown, number[]][] = [
        ['rows over the batch limit', { samples: Array.from({ length: MAX_BATCH + 1 }, (_, i) => row(i)) }, [413]],
        ['columnar over the batch limit', { series: [{ entity_id: 'fz-size', metric: 'cpu_utilization', timestamps: ts(MAX_BATCH + 1), values: vals(MAX_BATCH + 1) }] }, [413]],
        ['rows + columnar over the batch limit', { samples: Array.from({ length: 600 }, (_, i) => row(i)), series: [{ entity_id: 'fz-size', metric: 'memory_utilization', timestamps: ts(401), values: vals(401) }] }, [413]],
        ['values longer than timestamps', { series: [{ entity_id: 'fz-size', metric: 'cpu_utilization', timestamps: ts(3), values: vals(MAX_BATCH + 5) }] }, [413]],
        ['many series over the batch limit', { series: Array.from({ length: 11 }, (_, k) => ({ entity_id: `fz-size-${k}`, metric: 'cpu_utilization', timestamps: ts(100), values: vals(100) })) }, [413]],
        ['100,001 empty series (beyond maxItems)', raw(`{"series":[${new Array(100_001).fill('{}').join(',')}]}`), [400, 413]],
        ['100,001 invalid rows', raw(`{"samples":[${new Array(100_001).fill('1').join(',')}]}`), [400, 413]],
        ['exactly the batch limit', { samples: Array.from({ length: MAX_BATCH }, (_, i) => row(i)) }, [200]],
      ];
      for (const [why, body, expectStatus] of over) {
        add('size', () => ({ method: 'POST', path: '/api/v1/telemetry', route: '/api/v1/telemetry', headers: { ...admin, ...json }, body: toJson(body), layer: 'router', expectStatus, why }));
      }
    }

    // 5. Telemetry batches with hostile values, timestamps, ids and units: never a 5xx, and a 200 accounts for every sample.
    if (telemetryOp) {
      for (let i = 0; i < BUDGET.telemetry; i++) {
        add('telemetry', (rng) => {
          const { body, count } = telemetryBatch(rng);
          return { method: 'POST', path: '/api/v1/telemetry', route: '/api/v1/telemetry', headers: { ...admin, ...json }, body: toJson(body), layer: 'router', check: ingestInvariants(count) };
        });
      }
    }

    // 6. Path parameters: each gets a share of the hostile values, together covering all of them.
    const pathParams = ops.flatMap((op) => op.params.filter((x) => x.in === 'path').map((p) => ({ op, p })));
    const perPathParam = Math.max(15, Math.ceil(BUDGET.pathParams / Math.max(1, pathParams.length)));
    for (const [k, { op, p }] of pathParams.entries()) {
      for (const value of rotate(PATH_VALUES, k * perPathParam, perPathParam)) {
        add('path-param', (rng) => ({
          method: op.method, path: withQuery(concretePath(op, rng, ctx, { name: p.name, value }), queryString(op.params, rng, ctx)), route: op.route,
          headers: op.body ? { ...admin, ...json } : { ...admin }, body: op.body ? toJson(validBody(op, rng)) : undefined, layer: 'router',
        }));
      }
    }

    // 7. Query strings: hostile values, missing, repeated, extra.
    const queryParams = ops.flatMap((op) => op.params.filter((x) => x.in === 'query').map((p) => ({ op, p })));
    const perQueryParam = Math.max(10, Math.ceil(BUDGET.queryValues / Math.max(1, queryParams.length)));
    for (const [k, { op, p }] of queryParams.entries()) {
      for (const value of rotate(QUERY_VALUES, k * perQueryParam, perQueryParam)) {
        add('query', (rng) => ({
          method: op.method, path: withQuery(concretePath(op, rng, ctx), queryString(op.params, rng, ctx, { name: p.name, value, repeat: rng.chance(0.1) })), route: op.route,
          headers: op.body ? { ...admin, ...json } : { ...admin }, body: op.body ? toJson(validBody(op, rng)) : undefined, layer: 'router',
        }));
      }
      if (p.required && p.schema?.default === undefined) {
        add('query', (rng) => ({
          method: op.method, path: withQuery(concretePath(op, rng, ctx), queryString(op.params, rng, ctx, { name: p.name, value: null })), route: op.route,
          headers: op.body ? { ...admin, ...json } : { ...admin }, body: op.body ? toJson(validBody(op, rng)) : undefined, layer: 'router', expectStatus: [400], why: `required query parameter ${p.name} is missing`,
        }));
      }
    }
    for (const [k, op] of ops.entries()) {
      for (const extra of rotate(EXTRA_QUERIES, k * 6, 6)) {
        add('query', (rng) => ({
          method: op.method, path: withQuery(concretePath(op, rng, ctx), [queryString(op.params, rng, ctx), extra].filter(Boolean).join('&')), route: op.route,
          headers: op.body ? { ...admin, ...json } : { ...admin }, body: op.body ? toJson(validBody(op, rng)) : undefined, layer: 'router',
        }));
      }
    }

    // 8. Credentials on every operation.
    const ADMIN_ONLY = new Set(['GET /api/v1/keys', 'POST /api/v1/keys', 'DELETE /api/v1/keys/{id}', 'GET /api/v1/audit', 'POST /api/v1/jobs', 'POST /api/v1/models/{service_type}/activate', 'POST /api/v1/models/{service_type}/versions', 'GET /api/v1/models/{service_type}/versions/{model_id}/artifact']);
    const OPERATOR = new Set(['POST /api/v1/telemetry']);
    for (const [k, op] of ops.entries()) {
      const id = `${op.method} ${op.route}`;
      const prot = () => protectedRoutes.has(id);
      for (const cred of rotate(creds, k * 12, 12)) {
        add('auth', (rng) => {
          const expectStatus = prot() ? (cred.bad ? [401] : cred.protectedStatus) : undefined;
          return {
            method: op.method, path: opPath(op, rng), route: op.route, headers: { ...cred.headers, ...(op.body ? json : {}) }, body: op.body ? toJson(validBody(op, rng)) : undefined, layer: 'router',
            expectStatus, why: expectStatus ? `credential "${cred.name}" on a protected route` : undefined,
          };
        });
      }
      const roleCase = (name: string, key: string, forbidden: boolean) =>
        add('auth', (rng) => ({
          method: op.method, path: opPath(op, rng), route: op.route, headers: { authorization: `Bearer ${key}`, ...(op.body ? json : {}) }, body: op.body ? toJson(validBody(op, rng)) : undefined, layer: 'router',
          expectStatus: forbidden ? [403] : undefined, why: forbidden ? `the ${name} key on a route it may not use` : undefined,
        }));
      roleCase('viewer', t.keys.viewer, ADMIN_ONLY.has(id) || OPERATOR.has(id));
      roleCase('operator', t.keys.operator, ADMIN_ONLY.has(id));
    }

    // 9. Methods a route does not have.
    const byRoute = new Map<string, Set<string>>();
    for (const op of ops) byRoute.set(op.route, (byRoute.get(op.route) ?? new Set()).add(op.method));
    for (const [route, methods] of byRoute) {
      const op = ops.find((o) => o.route === route)!;
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH', 'FROB']) {
        if (methods.has(method) || (method === 'HEAD' && methods.has('GET'))) continue;
        add('method', (rng) => {
          const path = withQuery(concretePath(op, rng, ctx), queryString(op.params, rng, ctx));
          // /api/v1/nodes/bulk is also /api/v1/nodes/{id}: then the method may exist after all.
          const other = ops.some((o) => (o.method === method || (method === 'HEAD' && o.method === 'GET')) && templateMatches(o.route, path.split('?')[0]));
          // Fastify runs body parsing for unmatched routes too, so a body may earn a 400/413/415 before the 404.
          const body = rng.pick([undefined, '{}', '{"a":', '']);
          const headers = { ...admin, ...(body !== undefined && rng.chance(0.7) ? json : {}) };
          const expectStatus = other ? undefined : method === 'FROB' ? [400] : body === undefined ? [404, 405] : [400, 404, 405, 413, 415];
          return { method, path, route, headers, body, layer: method === 'FROB' ? 'parser' : 'router', expectStatus, why: `${method} is not a method of ${route}` };
        });
      }
    }

    // 10. Hostile headers on valid requests.
    const HEADERS: [string, string, Layer][] = [
      ['x-request-id', 'r'.repeat(10_000), 'router'], ['x-request-id', '../../%00', 'router'], ['x-request-id', '\xff\xfe', 'router'], ['x-request-id', '', 'router'],
      ['x-correlation-id', 'c'.repeat(10_000), 'router'], ['x-correlation-id', '<script>', 'router'], ['x-correlation-id', '\xff', 'router'],
      ['accept', 'application/xml', 'router'], ['accept', '*/*;q=0', 'router'], ['accept', `text/${'h'.repeat(5_000)}`, 'router'], ['accept', 'application/problem+json', 'router'],
      ['accept-encoding', 'gzip, br, deflate', 'router'], ['accept-encoding', '*;q=0', 'router'], ['accept-charset', 'utf-16', 'router'],
      ['content-encoding', 'gzip', 'router'], ['content-encoding', 'br', 'router'], ['content-encoding', 'x-unknown', 'router'],
      ['range', 'bytes=0-1,1-2,2-3', 'router'], ['if-none-match', '*', 'router'], ['if-modified-since', 'not a date', 'router'], ['cookie', `a=${'b'.repeat(8_000)}`, 'router'],
      ['x-forwarded-for', '1.2.3.4, ::1, garbage', 'router'], ['forwarded', 'for=unknown;proto=gopher', 'router'], ['origin', 'http://evil.example', 'router'],
      ['host', 'evil.example', 'router'], ['host', '', 'router'], ['content-language', '\xff', 'router'], ['x-http-method-override', 'DELETE', 'router'],
      ['expect', '100-continue', 'router'], ['expect', 'teapot', 'parser'], ['x-big', 'a'.repeat(17_000), 'parser'],
    ];
    for (const [name, value, layer] of HEADERS) {
      for (let i = 0; i < 5; i++) {
        add('header', (rng) => {
          const op = rng.pick(ops);
          return { method: op.method, path: opPath(op, rng), route: op.route, headers: { ...admin, ...(op.body ? json : {}), [name]: value }, body: op.body ? toJson(validBody(op, rng)) : undefined, layer };
        });
      }
    }

    // 11. Unknown paths.
    const UNKNOWN = [
      '/api/v2/telemetry', '/api/v1/telemetry/', '/api/v1/telemetry/series/x', '/API/V1/TELEMETRY', '//api/v1/telemetry', '/api/v1//telemetry', '/api/v1/telemetry%2fseries',
      '/api/v1/../../etc/passwd', '/api/v1/%2e%2e/%2e%2e/etc/passwd', '/docs/static/../../package.json', '/docs/static/..%2f..%2fpackage.json', '/docs/static/%2e%2e/%2e%2e/package.json',
      '/docs/static/' + 'x'.repeat(5_000), '/%00', '/%ff', '/\u00ff'.replace('\u00ff', '%C3%BF'), '/.env', '/.git/config', '/admin', '/api', '/api/v1', '/api/v1/', '/metrics/',
      '/health/..', '/ready;', '/api/v1/jobs/', '/api/v1/models/failure/versions/', '/api/v1/keys/', '/' + 'a/'.repeat(2_000), '/api/v1/telemetry/' + '%2e'.repeat(500),
      '/api/v1/process/extra', '/favicon.ico', '/robots.txt', '/api/v1/nowhere?__proto__[x]=1/../..', '/api/v1/nowhere#frag',
    ];
    for (const path of UNKNOWN) {
      for (const method of ['GET', 'POST']) {
        add('unknown-path', (rng) => ({
          method, path, route: '(unknown)', headers: rng.chance(0.5) ? { ...admin } : {}, body: method === 'POST' ? '{}' : undefined, layer: 'router',
          // An unknown route still parses a body, so a body without content-type is a 415.
          expectStatus: method === 'POST' ? [400, 401, 403, 404, 405, 415] : [400, 401, 403, 404, 405], why: 'an unknown path',
          check: (r) => (/"name":\s*"novacron-ai"|\[core\]|root:x:0:0/.test(r.text) ? 'a file from outside the web root was served' : undefined),
        }));
      }
    }
    for (let i = 0; i < 40; i++) {
      add('unknown-path', (rng) => {
        const path = `/${Array.from({ length: 1 + rng.int(5) }, () => rng.pick([rng.string(1 + rng.int(12)), rng.pick(PATH_VALUES.slice(3, 30))])).join('/')}`;
        return { method: rng.pick(['GET', 'POST', 'DELETE', 'PUT']), path, route: '(unknown)', headers: { ...admin }, layer: 'router', expectStatus: [400, 401, 403, 404, 405], why: 'an unknown path' };
      });
    }

    // 12. The NovaCron envelope: every registered (service, method) with hostile data; a handler's failure must not hide behind a 200.
    const envelopeOp = ops.find((o) => o.method === 'POST' && o.route === '/api/v1/process');
    if (envelopeOp) {
      const pairs: [string, string][] = [...envelopePairs, ['health', 'check'], ['MODEL_MANAGEMENT', 'GET_INFO'], ['model', 'info'], ['', ''], ['\u0000', '%ff'], ['constructor', 'constructor'], ['__proto__', 'toString']];
      const envelopeCheck = (r: RawResponse): string | undefined => {
        if (r.status !== 200) return undefined;
        if (typeof r.json?.success !== 'boolean') return 'a 200 envelope without a boolean `success`';
        if (r.json.data !== undefined && (typeof r.json.data !== 'object' || r.json.data === null || Array.isArray(r.json.data))) return '`data` is not an object';
        if (r.json.success === false && /internal error/i.test(String(r.json.error))) return `hidden internal error: HTTP 200 with success:false, error ${JSON.stringify(r.json.error)}`;
        return undefined;
      };
      // Every registered pair with every hostile string and number in the fields handlers read.
      for (const [service, method] of envelopePairs) {
        for (const v of [...HOSTILE_STRINGS, ...WEIRD_NUMBERS]) {
          add('envelope', () => {
            const data: Record<string, unknown> = {};
            for (const k of ['model_type', 'model_id', 'vm_id', 'node_id', 'service_type']) setKey(data, k, v);
            return { method: 'POST', path: '/api/v1/process', route: '/api/v1/process', headers: { ...admin, ...json }, body: toJson({ service, method, data }), layer: 'router', check: envelopeCheck };
          });
        }
      }
      for (const [service, method] of pairs) {
        for (let i = 0; i < 25; i++) {
          add('envelope', (rng) => {
            const data: Record<string, unknown> = {};
            for (const k of ['model_type', 'model_id', 'data', 'vm_id', 'node_id', 'metrics', rng.string(6)]) if (rng.chance(0.5)) setKey(data, k, hostileValue(rng));
            const body: Record<string, unknown> = { service, method, data: rng.chance(0.85) ? data : hostileValue(rng) };
            if (rng.chance(0.3)) body.metadata = rng.chance(0.5) ? { a: hostileValue(rng), b: 'x' } : hostileValue(rng);
            if (rng.chance(0.3)) body.id = rng.pick(HOSTILE_STRINGS);
            return {
              method: 'POST', path: '/api/v1/process', route: '/api/v1/process', headers: { ...admin, ...json }, body: toJson(body), layer: 'router',
              check: envelopeCheck,
            };
          });
        }
      }
    }

    // 13. Jobs of every registered type with hostile payloads.
    for (const type of jobTypes) {
      for (let i = 0; i < 15; i++) {
        add('jobs', (rng) => {
          const payload: Record<string, unknown> = {};
          for (const k of ['older_than', 'days', 'before', 'entity_id', 'limit', rng.string(5)]) if (rng.chance(0.5)) setKey(payload, k, hostileValue(rng));
          const body = rng.chance(0.8) ? { type, payload } : { type, payload: hostileValue(rng) };
          return { method: 'POST', path: '/api/v1/jobs', route: '/api/v1/jobs', headers: { ...admin, ...json }, body: toJson(body), layer: 'router' };
        });
      }
    }

    // Run: CONCURRENCY requests at a time; a connection error is retried once on a fresh connection
    // (a keep-alive socket the server closed after a previous parser error is not the server's fault).
    const send = async (c: Case, index: number): Promise<Outcome> => {
      const t0 = performance.now();
      const req = { method: c.method, path: c.path, headers: c.headers, body: c.body, chunked: c.chunked };
      try {
        return { index, c, r: await rawRequest(agent, base, req), ms: Math.round(performance.now() - t0) };
      } catch {
        try {
          return { index, c, r: await rawRequest(new http.Agent({ keepAlive: false }), base, req), ms: Math.round(performance.now() - t0) };
        } catch (err) {
          return { index, c, error: (err as Error).message, ms: Math.round(performance.now() - t0) };
        }
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < plan.length) {
        const index = next++;
        const rng = new Rng((SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
        const c = plan[index].make(rng);
        outcomes.push(await send(c, index));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // 14. Requests only a raw socket can send, all at once.
    const sockets = socketCases(t.keys.admin, new Rng(SEED + 2));
    const socketResults = await Promise.all(sockets.map((s) => socketExchange(base, s.bytes)));
    sockets.forEach((s, i) => {
      const res = socketResults[i];
      const parsed = parseRawResponse(res.data);
      const c: Case = { group: 'raw-socket', method: s.name, path: '(raw)', route: `raw: ${s.name}`, headers: {}, body: typeof s.bytes === 'string' ? s.bytes : s.bytes.toString('latin1'), layer: 'parser' };
      const index = plan.length + i;
      if (!parsed) {
        outcomes.push(s.allowNoResponse ? { index, c, r: { status: 0, headers: {}, body: Buffer.alloc(0), text: '', json: undefined }, ms: 0 } : { index, c, error: `connection ${res.closedByServer ? 'closed' : 'idle'} without a response`, ms: 0 });
        return;
      }
      const body = dechunk(parsed.body, parsed.headers);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      // A response line for a request the client framed itself is judged like any other, except HEAD-like empty bodies for 1xx.
      outcomes.push({ index, c, r: { status: parsed.status < 200 ? 0 : parsed.status, headers: parsed.headers, body: Buffer.from(body), text: body, json }, ms: 0 });
    });

    // In plan order, so that a request that breaks the engine for later ones is listed first.
    outcomes.sort((a, b) => a.index - b.index);
    for (const o of outcomes) violations.push(...judge(o));
    agent.destroy();

    const seconds = (performance.now() - started) / 1000;
    const byGroup = new Map<string, number>();
    const msByGroup = new Map<string, number>();
    const byStatus = new Map<number, number>();
    for (const o of outcomes) {
      byGroup.set(o.c.group, (byGroup.get(o.c.group) ?? 0) + 1);
      msByGroup.set(o.c.group, (msByGroup.get(o.c.group) ?? 0) + o.ms);
      if (o.r) byStatus.set(o.r.status, (byStatus.get(o.r.status) ?? 0) + 1);
    }
    if (process.env.ROBUSTNESS_SLOWEST) {
      for (const o of [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, Number(process.env.ROBUSTNESS_SLOWEST))) console.log(o.ms, describeRequest(o.index, o.c).slice(0, 300), o.r?.status);
    }
    console.log(
      `robustness (${backend}): ROBUSTNESS_SEED=${SEED}, ${outcomes.length} requests over ${ops.length} documented operations in ${seconds.toFixed(1)} s\n` +
        `  by group (count, mean ms): ${[...byGroup].map(([g, n]) => `${g} ${n} (${((msByGroup.get(g) ?? 0) / n).toFixed(0)})`).join(', ')}\n` +
        `  by status: ${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s || 'none'}: ${n}`).join(', ')}`,
    );
  }, 120_000);

  afterAll(async () => t?.close());

  it(`sends at least ${MIN_REQUESTS} requests covering every documented operation`, () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(ops.length).toBeGreaterThan(10);
    for (const op of ops) {
      const hits = outcomes.filter((o) => o.c.route === op.route && o.c.method === op.method).length;
      expect(hits, `${op.method} ${op.route}`).toBeGreaterThanOrEqual(20);
    }
  });

  it('never answers with a 5xx, never leaves a request unanswered, never hides an internal error', () => {
    const v = violations.filter((x) => x.kind === 'server');
    expect(v.length, report(v, SEED)).toBe(0);
  });

  it('answers every 4xx that reaches the router with an application/problem+json body carrying code, status and detail', () => {
    const v = violations.filter((x) => x.kind === 'problem');
    expect(v.length, report(v, SEED)).toBe(0);
  });

  it('answers requests refused by the HTTP parser with a problem too', () => {
    const v = violations.filter((x) => x.kind === 'parser-problem');
    expect(v.length, report(v, SEED)).toBe(0);
  });

  it('holds each request to its specific outcome: bad credentials 401, roles 403, oversized 413, media types 415, ingest accounting', () => {
    // Every API operation needs credentials.
    for (const op of ops.filter((o) => o.route.startsWith('/api/'))) expect(protectedRoutes.has(`${op.method} ${op.route}`), `${op.method} ${op.route} answers without credentials`).toBe(true);
    const v = violations.filter((x) => x.kind === 'expectation');
    expect(v.length, report(v, SEED)).toBe(0);
  });

  it('lets no request pollute Object.prototype in the server process', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is healthy afterwards: /health with the database up, /ready, ordinary reads, and a valid ingest read back', async () => {
    const health = await t.request('GET', '/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.body.database.status).toBe('up');
    expect((await t.request('GET', '/ready', { key: null })).status).toBe(200);
    // What the hostile requests stored must not break ordinary reads: every documented GET without path parameters.
    const broken: string[] = [];
    for (const op of ops.filter((o) => o.method === 'GET' && !o.route.includes('{'))) {
      const query = op.params.filter((p) => p.in === 'query' && p.required && p.schema?.default === undefined).map((p) => `${p.name}=${p.name === 'metric' ? 'cpu_utilization' : 'fz-1'}`);
      const r = await t.request('GET', query.length ? `${op.route}?${query.join('&')}` : op.route);
      if (r.status >= 500) broken.push(`GET ${op.route} → ${r.status} ${r.text.slice(0, 200)}`);
    }
    expect(broken).toEqual([]);
    const ts = Date.now() - 30_000;
    const ingest = await t.request('POST', '/api/v1/telemetry', { body: { samples: [{ entity_id: 'after-fuzz', metric: 'cpu_utilization', timestamp: ts, value: 0.625 }] } });
    expect(ingest.status).toBe(200);
    expect(ingest.body).toMatchObject({ accepted: 1, stored: 1, duplicates: 0, rejected_count: 0 });
    const read = await t.request('GET', `/api/v1/telemetry?entity_id=after-fuzz&metric=cpu_utilization&from=${ts - 1}&to=${ts + 1}`);
    expect(read.status).toBe(200);
    expect(read.body.points).toEqual([{ timestamp: new Date(ts).toISOString(), value: 0.625 }]);
  });
});
