/**
 * The kind of an anomaly — NovaCron's six types (contract §4B): performance, resource, network,
 * hardware, security, behavioral — from the metrics it touches and which way they moved.
 *
 * Per metric, by family (see `metric-family.ts`):
 *
 * | family                                                       | type                                   |
 * |--------------------------------------------------------------|----------------------------------------|
 * | SMART, temperature / fans, PSU, ECC / MCE, disk & kernel errors | hardware                            |
 * | logins, privilege use, firewall blocks, scans, malware        | security                               |
 * | connection counts                                            | security when they jump ≥ 3× expected or rise at an odd hour; else network |
 * | egress traffic (tx, outbound)                                | security when ≥ 2× expected at an odd hour; else network |
 * | other traffic, NIC errors / drops, latency, loss, link flaps | network                                |
 * | CPU, memory, swap, disk space, power draw                    | resource when above expected (saturation); behavioral when below (the workload stopped) |
 * | CPU steal / ready / iowait, disk latency / IOPS / queue, response time, throughput, error rate | performance |
 * | processes, threads, uptime, counts, anything unknown          | behavioral                             |
 *
 * Each metric weighs its `contribution` (when any metric has one; otherwise all weigh 1). A type's
 * weight is the sum over its metrics; `types` lists every type with weight > 0, heaviest first, and
 * `primaryType` is the first. Ties go to the more specific, more actionable type, in this order:
 * hardware, security, network, resource, performance, behavioral.
 *
 * "Odd hours" are outside 07:00–20:00 or at weekends, in UTC unless `utcOffsetMinutes` says
 * otherwise — configurable, because a fleet's business day is a property of its owner.
 */
import { isEgressMetric, metricFamily, type MetricFamily } from './metric-family.js';

export type AnomalyType = 'performance' | 'resource' | 'network' | 'hardware' | 'security' | 'behavioral';

export const ANOMALY_TYPES: readonly AnomalyType[] = ['performance', 'resource', 'network', 'hardware', 'security', 'behavioral'];

/** Tie-break order, most specific first. */
const TYPE_PRIORITY: readonly AnomalyType[] = ['hardware', 'security', 'network', 'resource', 'performance', 'behavioral'];

export interface TypedMetric {
  name: string;
  value: number;
  expected: number;
  /** Share of the anomaly score this metric explains (any non-negative scale). */
  contribution?: number;
  /** The telemetry catalogue's category, a hint for custom names. */
  category?: string;
}

export interface BusinessHours {
  /** First business hour, 0–23 (default 7). */
  startHour: number;
  /** First hour after business, 1–24 (default 20). */
  endHour: number;
  /** Local time = UTC + this many minutes (default 0). */
  utcOffsetMinutes: number;
  /** Whether Saturday and Sunday count as odd (default true). */
  weekendsOdd: boolean;
}

export const DEFAULT_BUSINESS_HOURS: Readonly<BusinessHours> = { startHour: 7, endHour: 20, utcOffsetMinutes: 0, weekendsOdd: true };

export interface TypeContext {
  /** When the anomaly happened (epoch ms); needed for the odd-hours security rules. */
  timestamp?: number;
  businessHours?: Partial<BusinessHours>;
}

export interface MetricTypeAssignment {
  name: string;
  family: MetricFamily;
  type: AnomalyType;
  direction: 'up' | 'down' | 'flat';
  weight: number;
  /** Why this type, in plain words. */
  reason: string;
}

export interface TypeResult {
  primaryType: AnomalyType;
  /** Every type with weight > 0, heaviest first. */
  types: AnomalyType[];
  /** Summed weight per type, normalised to sum to 1. */
  weights: Record<AnomalyType, number>;
  metrics: MetricTypeAssignment[];
}

/** Whether `ms` falls outside business hours (or at a weekend). */
export function isOddHour(ms: number, hours: Partial<BusinessHours> = {}): boolean {
  const h = { ...DEFAULT_BUSINESS_HOURS, ...hours };
  const local = new Date(ms + h.utcOffsetMinutes * 60_000);
  const day = local.getUTCDay();
  if (h.weekendsOdd && (day === 0 || day === 6)) return true;
  const hour = local.getUTCHours();
  return hour < h.startHour || hour >= h.endHour;
}

function directionOf(m: TypedMetric): 'up' | 'down' | 'flat' {
  if (!Number.isFinite(m.value) || !Number.isFinite(m.expected)) return 'flat';
  return m.value > m.expected ? 'up' : m.value < m.expected ? 'down' : 'flat';
}

/** The type of one metric's deviation (weight filled in by the caller). */
export function typeOfMetric(m: TypedMetric, ctx: TypeContext = {}): Omit<MetricTypeAssignment, 'weight'> {
  const family = metricFamily(m.name, m.category);
  const direction = directionOf(m);
  const odd = ctx.timestamp !== undefined && Number.isFinite(ctx.timestamp) && isOddHour(ctx.timestamp, ctx.businessHours);
  const ratio = m.expected > 0 ? m.value / m.expected : Number.POSITIVE_INFINITY;
  const out = (type: AnomalyType, reason: string) => ({ name: m.name, family, type, direction, reason });
  switch (family) {
    case 'smart':
      return out('hardware', 'a SMART attribute of the drive moved');
    case 'thermal':
      return out('hardware', 'a temperature or fan reading is off');
    case 'power':
      return out('hardware', 'the power supply reading is off');
    case 'memory_errors':
      return out('hardware', 'memory errors (ECC / machine checks) were reported');
    case 'io_errors':
      return out('hardware', 'device or kernel errors were reported');
    case 'auth':
      return out('security', 'login, privilege or firewall activity is unusual');
    case 'connections':
      if (direction === 'up' && (ratio >= 3 || odd)) {
        return out('security', odd ? 'connection count rose outside business hours' : `connection count jumped to ${ratio.toFixed(1)}× expected`);
      }
      return out('network', 'connection count is unusual');
    case 'network_traffic':
      if (direction === 'up' && odd && isEgressMetric(m.name) && ratio >= 2) {
        return out('security', 'outbound traffic surged outside business hours');
      }
      return out('network', 'network traffic is unusual');
    case 'network_errors':
      return out('network', 'the NIC or link reports errors or drops');
    case 'network_quality':
      return out('network', 'network latency or loss is up');
    case 'cpu':
    case 'memory':
    case 'swap':
    case 'disk_space':
    case 'energy':
      if (direction === 'down') return out('behavioral', `${family.replace('_', ' ')} use fell below what is normal: the workload changed or stopped`);
      return out('resource', `${family.replace('_', ' ')} use is above what is normal (saturation)`);
    case 'cpu_contention':
      return out('performance', 'vCPUs are waiting (steal, ready or I/O wait)');
    case 'disk_latency':
    case 'disk_io':
      return out('performance', 'storage latency, IOPS or queueing is unusual');
    case 'latency':
    case 'throughput':
    case 'app_errors':
      return out('performance', 'response time, throughput or error rate is unusual');
    case 'processes':
    case 'inventory':
    case 'unknown':
      return out('behavioral', 'the resource behaves differently from its history');
  }
}

/** Types of an anomaly from its metrics; see the module comment. */
export function classifyAnomalyType(metrics: readonly TypedMetric[], ctx: TypeContext = {}): TypeResult {
  const anyContribution = metrics.some((m) => m.contribution !== undefined && Number.isFinite(m.contribution) && m.contribution > 0);
  const assigned: MetricTypeAssignment[] = metrics.map((m) => {
    const c = m.contribution !== undefined && Number.isFinite(m.contribution) && m.contribution > 0 ? m.contribution : 0;
    return { ...typeOfMetric(m, ctx), weight: anyContribution ? c : 1 };
  });
  const raw: Record<AnomalyType, number> = { performance: 0, resource: 0, network: 0, hardware: 0, security: 0, behavioral: 0 };
  for (const a of assigned) raw[a.type] += a.weight;
  const total = ANOMALY_TYPES.reduce((s, t) => s + raw[t], 0);
  if (total <= 0) {
    const weights = { ...raw, behavioral: 1 };
    return { primaryType: 'behavioral', types: ['behavioral'], weights, metrics: assigned };
  }
  const weights = { ...raw };
  for (const t of ANOMALY_TYPES) weights[t] = raw[t] / total;
  const types = TYPE_PRIORITY.filter((t) => raw[t] > 0).sort((a, b) => raw[b] - raw[a] || TYPE_PRIORITY.indexOf(a) - TYPE_PRIORITY.indexOf(b));
  return { primaryType: types[0], types, weights, metrics: assigned };
}
