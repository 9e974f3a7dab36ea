/**
 * From TreeSHAP contributions to words an operator acts on: the features that pushed a host's
 * risk up the most become plain reasons ("correctable ECC errors: +312 in the last 30 min, 41×
 * their 6-hour rate"), the metrics behind them name the component at fault, and the risk, the
 * time to failure and the component choose the recommended action.
 */
import { METRICS } from '../telemetry/metric-catalogue.js';

/** How an operator should respond, most urgent first. */
export type RecommendedAction = 'migrate_vms' | 'schedule_maintenance' | 'watch' | 'none';

export type Component = 'disk' | 'memory' | 'thermal' | 'power' | 'network' | 'host';

export interface Reason {
  /** The feature (`metric.summary`). */
  feature: string;
  metric: string;
  /** Its value in this window. */
  value: number;
  /** Contribution to the primary model's log-odds (positive: towards failure). */
  contribution: number;
  text: string;
}

export interface Recommendation {
  action: RecommendedAction;
  component: Component;
  text: string;
}

const LABELS: Readonly<Record<string, string>> = {
  cpu_utilization: 'CPU utilisation',
  memory_utilization: 'memory utilisation',
  disk_read_iops: 'disk read IOPS',
  disk_write_iops: 'disk write IOPS',
  disk_read_latency_ms: 'disk read latency',
  network_rx_bytes_per_s: 'network receive throughput',
  network_tx_bytes_per_s: 'network transmit throughput',
  cpu_temperature: 'CPU temperature',
  inlet_temperature: 'inlet temperature',
  fan_speed_rpm: 'fan speed',
  power_watts: 'power draw',
  psu_voltage: 'PSU 12 V rail',
  smart_5_raw: 'reallocated sectors (SMART 5)',
  smart_187_raw: 'uncorrectable disk errors (SMART 187)',
  smart_197_raw: 'pending sectors (SMART 197)',
  ecc_correctable_errors: 'correctable ECC errors',
  ecc_uncorrectable_errors: 'uncorrectable ECC errors',
  network_rx_errors: 'network receive errors',
  network_rx_dropped: 'dropped packets',
  network_link_flaps: 'link flaps',
  oom_kills: 'OOM kills',
  uptime_seconds: 'uptime',
  cpu_temperature_above_inlet: 'CPU temperature above inlet',
  fan_rpm_per_degree: 'fan speed per degree of heat',
  watts_per_cpu_utilization: 'power per unit of CPU load',
};

const COMPONENT_OF: Readonly<Record<string, Component>> = {
  disk_read_iops: 'disk',
  disk_write_iops: 'disk',
  disk_read_latency_ms: 'disk',
  smart_5_raw: 'disk',
  smart_187_raw: 'disk',
  smart_197_raw: 'disk',
  ecc_correctable_errors: 'memory',
  ecc_uncorrectable_errors: 'memory',
  memory_utilization: 'memory',
  oom_kills: 'memory',
  cpu_temperature: 'thermal',
  fan_speed_rpm: 'thermal',
  cpu_temperature_above_inlet: 'thermal',
  fan_rpm_per_degree: 'thermal',
  inlet_temperature: 'thermal',
  psu_voltage: 'power',
  power_watts: 'power',
  watts_per_cpu_utilization: 'power',
  network_rx_errors: 'network',
  network_rx_dropped: 'network',
  network_link_flaps: 'network',
  network_rx_bytes_per_s: 'network',
  network_tx_bytes_per_s: 'network',
};

const UNIT_OF = new Map(METRICS.map((m) => [m.name, m.unit]));
const SUFFIX: Readonly<Record<string, string>> = { celsius: ' °C', milliseconds: ' ms', rpm: ' rpm', watts: ' W', volts: ' V', bytes_per_second: ' B/s', per_second: '/s', seconds: ' s' };
const SPAN_WORDS: Readonly<Record<string, string>> = { '5m': '5 min', '30m': '30 min', '2h': '2 h', '6h': '6 h', '24h': '24 h' };

export function metricLabel(metric: string): string {
  return LABELS[metric] ?? metric.replace(/_/g, ' ');
}

function formatValue(metric: string, v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const unit = UNIT_OF.get(metric);
  if (unit === 'fraction') return `${(100 * v).toFixed(1)} %`;
  const abs = Math.abs(v);
  const text = abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : abs >= 1 ? v.toFixed(2) : v.toPrecision(2);
  return `${text}${unit ? (SUFFIX[unit] ?? '') : metric === 'psu_voltage' ? ' V' : ''}`;
}

const times = (r: number) => (r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(1)}×`);

/** One feature of one window in words; `values` reads any other feature of the same window by name. */
export function describeFeature(feature: string, values: (name: string) => number): string {
  const dot = feature.lastIndexOf('.');
  const metric = feature.slice(0, dot);
  const kind = feature.slice(dot + 1);
  const label = metricLabel(metric);
  const v = values(feature);
  const get = (k: string) => values(`${metric}.${k}`);
  const inc = /^inc_(\w+)$/.exec(kind);
  if (inc) {
    const rate = get('rate_30m_vs_6h');
    const extra = kind === 'inc_30m' && rate >= 2 ? `, ${times(rate)} its 6-hour rate` : '';
    return v > 0 ? `${label}: +${formatValue(metric, v)} in the last ${SPAN_WORDS[inc[1]] ?? inc[1]}${extra}` : `${label}: no increase in the last ${SPAN_WORDS[inc[1]] ?? inc[1]}`;
  }
  switch (kind) {
    case 'rate_30m_vs_6h': {
      const inc30 = get('inc_30m');
      return `${label} rising ${times(v)} faster than over the last 6 h${Number.isFinite(inc30) ? ` (+${formatValue(metric, inc30)} in 30 min)` : ''}`;
    }
    case 'minutes_since_increase':
      return v >= 1440 ? `${label}: no increase for a day or more` : `${label} last increased ${v.toFixed(0)} min ago`;
    case 'shift_5m_vs_6h':
    case 'shift_30m_vs_6h': {
      const span = kind === 'shift_5m_vs_6h' ? '5' : '30';
      const now = get(`mean_${span}m`);
      return `${label} ${v >= 0 ? 'up' : 'down'} ${Math.abs(v).toFixed(1)} σ against its 6-hour level (${formatValue(metric, now)} over ${span} min vs ${formatValue(metric, get('mean_6h'))})`;
    }
    case 'spread_30m_vs_6h':
      return `${label} fluctuating ${times(v)} as much as usual (σ ${formatValue(metric, get('std_30m'))} over 30 min vs ${formatValue(metric, get('std_6h'))} over 6 h)`;
    case 'slope_30m':
    case 'slope_6h':
      return `${label} ${v >= 0 ? 'rising' : 'falling'} by ${formatValue(metric, Math.abs(v))} per hour over the last ${kind === 'slope_30m' ? '30 min' : '6 h'}`;
    case 'std_30m':
    case 'std_6h':
      return `${label} varying by σ ${formatValue(metric, v)} over the last ${kind === 'std_30m' ? '30 min' : '6 h'}`;
    case 'min_30m':
      return `${label} down to ${formatValue(metric, v)} in the last 30 min`;
    case 'max_30m':
      return `${label} up to ${formatValue(metric, v)} in the last 30 min`;
    case 'mean_6h':
      return `${label} averaging ${formatValue(metric, v)} over 6 h`;
    default:
      return `${label} at ${formatValue(metric, v)}`;
  }
}

/** The top `k` features pushing towards failure, in words. `contributions` is one SHAP row (features, then bias). */
export function topReasons(names: readonly string[], row: ArrayLike<number>, contributions: ArrayLike<number>, k = 3): Reason[] {
  const index = new Map(names.map((n, i) => [n, i]));
  const values = (name: string) => {
    const i = index.get(name);
    return i === undefined ? NaN : row[i];
  };
  const order = names.map((_, i) => i).filter((i) => contributions[i] > 0).sort((a, b) => contributions[b] - contributions[a]);
  const out: Reason[] = [];
  const metricsUsed = new Set<string>();
  for (const i of order) {
    if (out.length >= k) break;
    const feature = names[i];
    // A missing value can move a tree's output (missing-value branches) but is no reason an operator can act on.
    if (!Number.isFinite(row[i])) continue;
    const metric = feature.slice(0, feature.lastIndexOf('.'));
    // One reason per metric: a second feature of the same metric repeats the story.
    if (metricsUsed.has(metric)) continue;
    metricsUsed.add(metric);
    out.push({ feature, metric, value: row[i], contribution: contributions[i], text: describeFeature(feature, values) });
  }
  return out;
}

/** The component the reasons point at: the one with the largest total contribution. */
export function suspectedComponent(reasons: readonly Reason[]): Component {
  const total = new Map<Component, number>();
  for (const r of reasons) {
    const c = COMPONENT_OF[r.metric] ?? 'host';
    total.set(c, (total.get(c) ?? 0) + r.contribution);
  }
  let best: Component = 'host';
  let max = 0;
  for (const [c, v] of total) if (v > max) [best, max] = [c, v];
  return best;
}

const REPAIR: Readonly<Record<Component, string>> = {
  disk: 'replace the failing disk',
  memory: 'replace the DIMM reporting errors, or restart the process exhausting memory',
  thermal: 'check the fans and airflow',
  power: 'replace the power supply',
  network: 'replace the NIC or its cable',
  host: 'inspect the host',
};

export interface RecommendationInput {
  hostId: string;
  alarm: boolean;
  /** The risk is elevated but under the alarm threshold. */
  elevated: boolean;
  /** Upper edge (minutes) of the estimated time-to-failure bucket, and its label. */
  ttfMaxMinutes: number;
  ttfLabel: string;
  component: Component;
}

/**
 * Alarm with failure likely within two hours: move the VMs now. Alarm further out: plan the
 * repair, draining the host first. Elevated but under the alarm threshold: watch. Else nothing.
 */
export function recommend(i: RecommendationInput): Recommendation {
  const { component } = i;
  if (i.alarm && i.ttfMaxMinutes <= 120) {
    return { action: 'migrate_vms', component, text: `Migrate VMs off ${i.hostId} now: a ${component} failure is likely within ${i.ttfLabel}; then ${REPAIR[component]}.` };
  }
  if (i.alarm) {
    return { action: 'schedule_maintenance', component, text: `Schedule maintenance on ${i.hostId} within ${i.ttfLabel}: drain its VMs and ${REPAIR[component]}.` };
  }
  if (i.elevated) {
    return { action: 'watch', component, text: `Watch ${i.hostId}: ${component} risk is elevated but under the alarm threshold.` };
  }
  return { action: 'none', component, text: `No action: ${i.hostId} looks healthy.` };
}
