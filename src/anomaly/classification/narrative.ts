/**
 * Plain-words description and recommendations for a classified anomaly. Deterministic: the same
 * input gives the same text, word for word (no clocks, no randomness, stable ordering), so texts
 * can be asserted in tests and compared across runs.
 *
 * Description: `<metric> on <resource> <verb> <value> (expected ≈ <expected>) — a <pattern>
 * lasting <duration>.`, then up to three other affected metrics. Utilisations are shown as
 * percentages whether they arrive as fractions (0.97) or percent (97); latencies in ms, sizes in
 * KiB/MiB/GiB, temperatures in °C.
 *
 * Recommendations: at most five, in this order — urgency for critical/high, what to do about the
 * primary metric's family (adjusted for pattern and severity), one line for each other type, and
 * for low severity a reminder that nothing is needed yet.
 */
import type { AnomalyType } from './anomaly-type.js';
import { displayUnit, metricFamily, normaliseMetricName, type MetricFamily } from './metric-family.js';
import type { AnomalyPattern, PatternDirection } from './pattern.js';
import { severityRank, type Severity } from './severity.js';

export type ResourceKind = 'host' | 'vm' | 'disk' | 'nic' | 'container' | 'service' | 'cluster' | 'rack';

export interface ResourceRef {
  kind: ResourceKind;
  id: string;
  /** A human name, shown beside the id. */
  name?: string;
  /** The host the resource runs on, when known (used for "migrate VMs off host …"). */
  hostId?: string;
}

export interface NarrativeMetric {
  name: string;
  value: number;
  expected: number;
  /** This metric's own type (see `anomaly-type.ts`); defaults to the anomaly's primary type. */
  type?: AnomalyType;
}

export interface NarrativeInput {
  resource: ResourceRef;
  /** Affected metrics, most important first; the first one is described in full. */
  metrics: readonly NarrativeMetric[];
  pattern: { pattern: AnomalyPattern; direction: PatternDirection; durationMs?: number; startedBeforeWindow?: boolean };
  severity: Severity;
  primaryType: AnomalyType;
  types: readonly AnomalyType[];
  persistenceSeconds?: number;
  persistencePoints?: number;
}

const KIND_LABEL: Record<ResourceKind, string> = {
  host: 'host',
  vm: 'VM',
  disk: 'disk',
  nic: 'NIC',
  container: 'container',
  service: 'service',
  cluster: 'cluster',
  rack: 'rack',
};

export function resourceLabel(r: ResourceRef): string {
  const kind = KIND_LABEL[r.kind] ?? r.kind;
  return r.name && r.name !== r.id ? `${kind} ${r.name} (${r.id})` : `${kind} ${r.id}`;
}

/** Up to 3 significant digits, no exponent for everyday magnitudes, no trailing zeros. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1000) return String(Math.round(x));
  if (a < 0.001) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

function formatPercent(p: number): string {
  const a = Math.abs(p);
  if (a >= 10) return `${Math.round(p)}%`;
  return `${Number(p.toPrecision(2))}%`;
}

function formatBytes(b: number, suffix = ''): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = b;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${formatNumber(v)} ${units[u]}${suffix}`;
}

/**
 * A metric's value for people. `scaleHint` is the other value of the pair (value/expected): a
 * utilisation pair whose values both lie within ±1.5 is taken as fractions, otherwise as percent.
 */
export function formatMetricValue(name: string, value: number, scaleHint?: number): string {
  if (!Number.isFinite(value)) return String(value);
  switch (displayUnit(name)) {
    case 'fraction': {
      const asFraction = Math.abs(value) <= 1.5 && (scaleHint === undefined || !Number.isFinite(scaleHint) || Math.abs(scaleHint) <= 1.5);
      return formatPercent(asFraction ? value * 100 : value);
    }
    case 'percent':
      return formatPercent(value);
    case 'celsius':
      return `${formatNumber(value)} °C`;
    case 'ms':
      return `${formatNumber(value)} ms`;
    case 'bytes':
      return formatBytes(value);
    case 'bytes_per_second':
      return formatBytes(value, '/s');
    case 'per_second':
      return `${formatNumber(value)}/s`;
    case 'rpm':
      return `${formatNumber(value)} rpm`;
    case 'watts':
      return `${formatNumber(value)} W`;
    case 'volts':
      return `${formatNumber(value)} V`;
    case 'plain':
      return formatNumber(value);
  }
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h < 48) return m === 0 ? `${h} h` : `${h} h ${m} min`;
  const d = Math.floor(h / 24);
  const hh = h % 24;
  return hh === 0 ? `${d} d` : `${d} d ${hh} h`;
}

const PATTERN_NOUN: Record<AnomalyPattern, (d: PatternDirection) => string> = {
  spike: () => 'spike',
  dip: () => 'dip',
  level_shift: () => 'level shift',
  trend: (d) => (d === 'up' ? 'rising trend' : 'falling trend'),
  variance_change: (d) => (d === 'up' ? 'jump in variability' : 'drop in variability'),
};

function verb(pattern: AnomalyPattern, patternDir: PatternDirection, value: number, expected: number): string {
  const dir = value > expected ? 'up' : value < expected ? 'down' : 'flat';
  if (pattern === 'variance_change') return patternDir === 'up' ? 'became erratic around' : 'became unusually steady around';
  if (dir === 'flat') return 'is at';
  switch (pattern) {
    case 'spike':
      return dir === 'up' ? 'spiked to' : 'dropped to';
    case 'dip':
      return dir === 'down' ? 'dropped to' : 'rose to';
    case 'level_shift':
      return dir === 'up' ? 'rose to' : 'fell to';
    case 'trend':
      return dir === 'up' ? 'climbed steadily to' : 'fell steadily to';
  }
}

function durationPhrase(input: NarrativeInput): string {
  const secs = input.persistenceSeconds;
  if (secs !== undefined && Number.isFinite(secs) && secs >= 1) return ` lasting ${formatDuration(secs * 1000)}`;
  const ms = input.pattern.durationMs;
  if (ms !== undefined && Number.isFinite(ms) && ms >= 1000) return ` lasting ${input.pattern.startedBeforeWindow ? 'at least ' : ''}${formatDuration(ms)}`;
  const pts = input.persistencePoints;
  if (pts !== undefined && Number.isFinite(pts) && pts > 1) return ` over ${Math.round(pts)} points`;
  return '';
}

/** One or two sentences: the primary metric in full, then up to three others. */
export function describeAnomaly(input: NarrativeInput): string {
  const where = resourceLabel(input.resource);
  const [primary, ...rest] = input.metrics;
  if (!primary) {
    const noun = PATTERN_NOUN[input.pattern.pattern](input.pattern.direction);
    return `${where} behaves unusually — a ${noun}${durationPhrase(input)}.`;
  }
  const value = formatMetricValue(primary.name, primary.value, primary.expected);
  const expected = formatMetricValue(primary.name, primary.expected, primary.value);
  const noun = PATTERN_NOUN[input.pattern.pattern](input.pattern.direction);
  let text = `${primary.name} on ${where} ${verb(input.pattern.pattern, input.pattern.direction, primary.value, primary.expected)} ${value} (expected ≈ ${expected}) — a ${noun}${durationPhrase(input)}.`;
  if (rest.length > 0) {
    const shown = rest.slice(0, 3).map((m) => `${m.name} at ${formatMetricValue(m.name, m.value, m.expected)} (expected ≈ ${formatMetricValue(m.name, m.expected, m.value)})`);
    const list = rest.length > 3 ? `${shown.join(', ')} and ${rest.length - 3} more` : shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
    text += ` Also affected: ${list}.`;
  }
  return text;
}

interface RecContext {
  res: string;
  id: string;
  kind: ResourceKind;
  host?: string;
  severe: boolean;
  pattern: AnomalyPattern;
  up: boolean;
  metricName: string;
}

function familyRecommendations(family: MetricFamily, type: AnomalyType, c: RecContext): string[] {
  const out: string[] = [];
  const hostRef = c.host ? `host ${c.host}` : c.res;
  switch (family) {
    case 'cpu':
      if (!c.up) return [`Check whether the workload on ${c.res} stopped, crashed or lost its traffic (service health, recent deployments).`];
      out.push(`Find the process or VM driving CPU on ${c.res} (top, virsh domstats, or the VM's own metrics).`);
      if (c.severe && c.host) out.push(`Migrate one or more VMs off host ${c.host} or rebalance load across the cluster.`);
      if (c.kind === 'vm' && (c.pattern === 'level_shift' || c.pattern === 'trend')) {
        out.push(`If the new load is expected, give VM ${c.id} more vCPUs; if not, look for a runaway process or a stuck job.`);
      }
      return out;
    case 'memory':
      if (!c.up) return [`Memory use on ${c.res} fell sharply: check whether a service restarted or was killed (OOM).`];
      if (c.pattern === 'trend') out.push(`Memory keeps climbing on ${c.res}: a leak is likely — find the growing process and plan a restart or resize before it runs out.`);
      else out.push(`Find what is using memory on ${c.res}; add memory or move a VM if it is legitimate load.`);
      if (c.severe && c.host) out.push(`Migrate VMs off host ${c.host} before it starts swapping or killing processes.`);
      return out;
    case 'swap':
      return [`${c.res} is swapping: add memory or reduce memory overcommit.`];
    case 'disk_space':
      if (!c.up) return [`Disk use on ${c.res} dropped: confirm the deletion was intended (cleanup job, not data loss).`];
      if (c.pattern === 'trend') return [`The disk of ${c.res} is filling steadily: estimate when it will be full, then free space or extend the volume.`];
      return [`Free space on ${c.res} (old logs, snapshots, temporary files) or extend the volume.`];
    case 'energy':
      return [`Power draw on ${c.res} is ${c.up ? 'above' : 'below'} normal: check for runaway workloads or failing fans.`];
    case 'cpu_contention':
      return [`${hostRef} is overcommitted (CPU steal, ready or I/O wait): migrate VMs off it or lower its vCPU overcommit.`];
    case 'disk_latency':
    case 'disk_io':
      out.push(`Check the storage behind ${c.res}: queue depth, a noisy neighbour on the same datastore, or a degraded RAID or volume.`);
      if (c.severe && c.kind === 'vm') out.push(`Move VM ${c.id} or its disk to less loaded storage.`);
      return out;
    case 'latency':
    case 'throughput':
    case 'app_errors':
      return [`Check the service on ${c.res} and what it depends on (database, downstream calls); compare with recent deployments.`];
    case 'network_errors':
      return [`Check the NIC, cable and switch port of ${c.res} for errors and link flaps; replace the cable or move to another port if errors continue.`];
    case 'network_quality':
      return [`Trace the path from ${c.res} (ping, mtr) to find where latency or loss starts; check the uplink for congestion.`];
    case 'network_traffic':
    case 'connections':
      if (type === 'security') {
        out.push(`Identify the source of the ${family === 'connections' ? 'connections' : 'outbound traffic'} on ${c.res}; block or rate-limit it if it is not expected, and review the firewall logs.`);
        if (c.severe) out.push(`Consider isolating ${c.res} from the network until the traffic is explained.`);
        return out;
      }
      if (family === 'connections') return [`Check which clients hold the connections on ${c.res} and whether a connection pool is leaking.`];
      if (!c.up) return [`Traffic on ${c.res} dropped: check the link, routing and whether clients can still reach it.`];
      return [`Find the heaviest flows on ${c.res}; rate-limit or apply QoS if one workload is crowding the link.`];
    case 'auth':
      return [`Review the authentication logs of ${c.res}: find the source of the failed or privileged logins, block it if unknown, and rotate credentials if any attempt succeeded.`];
    case 'smart':
      out.push(`Run a SMART long test on the drive of ${c.res} and plan a replacement; make sure its data is replicated or backed up.`);
      if (c.severe) out.push(`Move VMs and data off the affected drive now.`);
      return out;
    case 'thermal':
      return [`Check fans, airflow and inlet temperature of ${c.res}; sustained overheating leads to throttling and shutdown.`];
    case 'power':
      return [`Check the power supplies of ${c.res} and the rack PDU; a failing PSU often shows voltage drift first.`];
    case 'memory_errors':
      if (/uncorrectable|_ue$/.test(normaliseMetricName(c.metricName)) && c.severe) {
        return [`Uncorrectable memory errors: migrate VMs off ${hostRef} now and take it out of service for a DIMM replacement.`];
      }
      return [`Memory errors on ${c.res}: schedule a DIMM check or replacement; if uncorrectable errors appear, migrate VMs off it at once.`];
    case 'io_errors':
      return [`Check the kernel log (dmesg) of ${c.res} for failing devices or controllers.`];
    case 'processes':
    case 'inventory':
    case 'unknown':
      return [`Compare with recent changes on ${c.res} (deployments, configuration, scheduled jobs) and investigate the process responsible.`];
  }
}

const TYPE_LINE: Record<AnomalyType, (res: string) => string> = {
  hardware: (res) => `Check the hardware health of ${res} (SMART, sensors, ECC and kernel logs).`,
  security: (res) => `Review the security logs of ${res} for unexpected access or traffic.`,
  network: (res) => `Check the network path of ${res} (NIC errors, latency, saturation).`,
  resource: (res) => `Check CPU, memory and disk headroom on ${res}.`,
  performance: (res) => `Check latency and I/O of ${res} and what it depends on.`,
  behavioral: (res) => `Compare with recent changes on ${res} (deployments, configuration, scheduled jobs).`,
};

/** Deterministic recommendations in plain words, most urgent first, at most five. */
export function recommendActions(input: NarrativeInput): string[] {
  const res = resourceLabel(input.resource);
  const host = input.resource.hostId ?? (input.resource.kind === 'host' ? input.resource.id : undefined);
  const severe = severityRank(input.severity) >= severityRank('high');
  const primary = input.metrics[0];
  const out: string[] = [];
  if (input.severity === 'critical') out.push('Act now: this is critical and needs attention within minutes.');
  else if (input.severity === 'high') out.push('Look into this within the hour.');

  if (primary) {
    const family = metricFamily(primary.name);
    const up = primary.value >= primary.expected;
    out.push(
      ...familyRecommendations(family, primary.type ?? input.primaryType, {
        res,
        id: input.resource.id,
        kind: input.resource.kind,
        host,
        severe,
        pattern: input.pattern.pattern,
        up,
        metricName: primary.name,
      }),
    );
  } else {
    out.push(TYPE_LINE[input.primaryType](res));
  }

  if (input.pattern.pattern === 'variance_change' && input.pattern.direction === 'up') {
    out.push('Erratic behaviour often means contention or a flapping dependency: look for competing workloads.');
  }
  if (input.pattern.pattern === 'spike' && !severe) out.push('A single spike often clears by itself; act only if it repeats.');
  for (const t of input.types) if (t !== input.primaryType) out.push(TYPE_LINE[t](res));
  if (severityRank(input.severity) <= severityRank('low')) out.push('No action needed yet — keep watching; the severity rises if it persists.');

  const seen = new Set<string>();
  const unique = out.filter((r) => (seen.has(r) ? false : (seen.add(r), true)));
  if (unique.length <= 5) return unique;
  // Keep the low-severity reminder when present: it changes how the rest should be read.
  const tail = severityRank(input.severity) <= severityRank('low') ? [unique[unique.length - 1]] : [];
  return [...unique.slice(0, 5 - tail.length), ...tail];
}
