/**
 * What a prediction request's `features` say, key by key: the host it names, the model's own
 * feature values, metric values the model reads (canonical names or aliases, converted to
 * canonical units as ingest does), and keys the model does not read. Anything that cannot be
 * used as sent is a 400 naming the key.
 */
import { Problem, type FieldError } from '../platform/errors.js';
import { resolveMetric } from '../telemetry/index.js';
import { FAILURE_METRICS } from './host-feature-spec.js';

/** Keys that name the host (in `features`, else in `metadata`). */
export const HOST_KEYS = ['node_id', 'host_id'] as const;

const MODEL_METRICS = new Set(FAILURE_METRICS);

export interface PredictionInput {
  nodeId: string | undefined;
  /** Model feature name → value (NaN for a null sent as "missing"). */
  features: Map<string, number>;
  /** Canonical model metric → value in canonical units. */
  metrics: Map<string, number>;
  /** Keys the model does not read. */
  ignored: string[];
}

function bad(path: string, message: string): Problem {
  return Problem.badRequest(`${path} ${message}`, [{ path, message }]);
}

function hostOf(source: Record<string, unknown> | undefined, where: string): string | undefined {
  if (!source) return undefined;
  for (const k of HOST_KEYS) {
    if (!Object.hasOwn(source, k)) continue;
    const v = source[k];
    if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw bad(`/body/${where}/${k}`, 'must be a host id: a string of 1 to 256 characters');
    return v;
  }
  return undefined;
}

/** A metric value in canonical units, as ingest converts it: alias scale, percent read as a fraction, the catalogue's range. */
function canonicalValue(raw: number, scale: number, spec: { unit: string; min: number; max: number; name: string }): number | string {
  let v = raw * scale;
  if (spec.unit === 'fraction' && scale === 1 && v > 1 && v <= 100) v /= 100;
  if (v < spec.min || v > spec.max) return `value ${raw} is outside the range of ${spec.name} [${spec.min}, ${spec.max}] (${spec.unit})`;
  return v;
}

/** Reads `features` (and the host id in `metadata`); throws a 400 Problem for anything unusable. */
export function parsePredictionInput(features: Record<string, unknown>, metadata: Record<string, unknown> | undefined, featureNames: ReadonlySet<string>): PredictionInput {
  const nodeId = hostOf(features, 'features') ?? hostOf(metadata, 'metadata');
  const out: PredictionInput = { nodeId, features: new Map(), metrics: new Map(), ignored: [] };
  const sentAs = new Map<string, string>();
  const errors: FieldError[] = [];
  for (const key of Object.keys(features)) {
    if ((HOST_KEYS as readonly string[]).includes(key)) continue;
    const v = features[key];
    const path = `/body/features/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (featureNames.has(key)) {
      if (v === null) out.features.set(key, NaN);
      else if (typeof v === 'number' && Number.isFinite(v)) out.features.set(key, v);
      else errors.push({ path, message: 'must be a finite number (or null for a value you do not have)' });
      continue;
    }
    const metric = resolveMetric(key);
    if (!metric?.spec) {
      out.ignored.push(key);
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      errors.push({ path, message: `must be a finite number (${metric.spec.name}, ${metric.spec.unit})` });
      continue;
    }
    const canonical = metric.name;
    if (!MODEL_METRICS.has(canonical)) {
      out.ignored.push(key);
      continue;
    }
    const value = canonicalValue(v, metric.scale, metric.spec);
    if (typeof value === 'string') {
      errors.push({ path, message: value });
      continue;
    }
    const earlier = sentAs.get(canonical);
    if (earlier !== undefined) {
      errors.push({ path, message: `is ${canonical} again (already sent as "${earlier}")` });
      continue;
    }
    sentAs.set(canonical, key);
    out.metrics.set(canonical, value);
  }
  if (errors.length) throw Problem.badRequest(`${errors[0].path} ${errors[0].message}`, errors.slice(0, 50));
  if (out.features.size > 0 && out.metrics.size > 0) {
    throw Problem.badRequest(
      `features mixes the model's feature names (${[...out.features.keys()][0]}, …) with metric values (${[...sentAs.values()][0]}, …): send one or the other`,
      [{ path: '/body/features', message: 'send either model feature names or metric values, not both' }],
    );
  }
  return out;
}

/** The 400 for a request that names no host and sends nothing the model reads. */
export function nothingToAssess(featureNames: readonly string[], ignored: readonly string[]): Problem {
  const examples = [...featureNames.filter((n) => /\.inc_30m$/.test(n)).slice(0, 2), ...featureNames.filter((n) => /\.shift_30m_vs_6h$/.test(n)).slice(0, 2)];
  const metrics = ['cpu_utilization', 'memory_utilization', 'cpu_temperature', 'fan_speed_rpm', 'smart_5_raw', 'ecc_correctable_errors', 'network_link_flaps'].filter((m) => FAILURE_METRICS.includes(m));
  const detail =
    `features holds nothing the failure model can assess: send node_id (a host with stored telemetry), metric values it reads ` +
    `(${metrics.join(', ')}, … ${FAILURE_METRICS.length} in all), or its own feature names (e.g. ${examples.join(', ')}; ` +
    `GET /api/v1/failure/models lists all ${featureNames.length})` +
    (ignored.length ? `. Not read by the model: ${ignored.slice(0, 8).join(', ')}` : '');
  return Problem.badRequest(detail, [{ path: '/body/features', message: 'needs node_id, model metrics or model feature names' }]);
}
