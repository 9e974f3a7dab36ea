/**
 * `npm run bench:optimization-api` — how fast the engine answers NovaCron's prediction and
 * optimisation calls: the scheduler's verb paths (§2C) and the `/api/v1/process` pairs (§2A),
 * against the "well under a second".
 *
 * The compiled engine (SQLite, log level warn, no rate limit) is started with a registered fleet
 * of 200 hosts and 2,000 VMs, each VM with a day of 5-minute CPU and memory utilisation (a daily
 * cycle with noise and bursts), so the cluster calls plan over the inventory and its telemetry as
 * in production. Request bodies carry what NovaCron sends: 7 days of 5-minute history for the
 * forecasts and the workload analysis, 2 days for predictive scaling.
 *
 * Each call is checked for a correct answer first, then:
 * - sequential: one client, `--requests` calls after a warm-up; p50 / p99 / max;
 * - concurrent: autocannon with `--connections` connections for `--seconds`; requests a second
 *   and p50 / p99.
 * Baseline in the same run: the envelope with an unknown (service, method) pair — validation,
 * authentication and the 200 `success:false` answer, i.e. the HTTP floor of the same server — so
 * the ratio says what the call's own work adds. Single engine process.
 *
 *   npm run bench:optimization-api -- [--requests 200] [--connections 8] [--seconds 5]
 */
import { parseArgs } from 'node:util';
// autocannon ships no types; its programmatic API returns a promise of the result when no callback is given.
// @ts-ignore -- untyped module
import autocannonUntyped from 'autocannon';
import { Random } from '../src/ml/core/index.js';
import { cleanupAll, compiledEntry, httpRequest, installExitHandlers, percentile, round, startEngine, table } from './lib/harness.js';

interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
const autocannon = autocannonUntyped as (opts: Record<string, unknown>) => Promise<LoadResult>;

const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '200' }, connections: { type: 'string', default: '8' }, seconds: { type: 'string', default: '5' }, hosts: { type: 'string', default: '200' }, 'vms-per-host': { type: 'string', default: '10' } },
});
const REQUESTS = Number(args.requests);
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);
const HOSTS = Number(args.hosts);
const VMS_PER_HOST = Number(args['vms-per-host']);
const TARGET_MS = 1000;
const STEP_MS = 300_000;
const DAY = 288;

installExitHandlers();
const rng = new Random(11);
const now = Date.now();
const stamp = (i: number, n: number) => new Date(now - (n - i) * STEP_MS).toISOString();
/** A utilisation series in [0, 1]: daily cycle, noise and occasional bursts. */
function utilisation(n: number, level: number, swing: number): number[] {
  const phase = rng.float() * 2 * Math.PI;
  return Array.from({ length: n }, (_, i) => {
    const daily = Math.sin((2 * Math.PI * i) / DAY + phase);
    const burst = rng.float() < 0.01 ? 0.3 * rng.float() : 0;
    return Math.min(1, Math.max(0, level + swing * daily + 0.03 * rng.normal() + burst));
  });
}

const { entry, note } = compiledEntry();
console.log(`Engine: ${note}`);
const engine = await startEngine({ entry, name: 'engine' });
const auth = { authorization: `Bearer ${engine.key}`, 'content-type': 'application/json' };
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await httpRequest(method, `${engine.url}${path}`, body === undefined ? undefined : JSON.stringify(body), auth);
  let json: unknown = null;
  try {
    json = JSON.parse(r.body);
  } catch {
    /* not JSON */
  }
  return { status: r.status, json };
}

// ---- the fleet -----------------------------------------------------------------------------
let t = performance.now();
const nodes = Array.from({ length: HOSTS }, (_, h) => ({ id: `host-${h}`, capacity: { cpu_cores: 64, memory_mb: 256 * 1024 }, power_idle_watts: 180, power_max_watts: 450 }));
const r1 = await call('POST', '/api/v1/nodes/bulk', { nodes });
if (r1.status >= 300) throw new Error(`nodes: ${r1.status} ${JSON.stringify(r1.json)}`);
const vmIds: string[] = [];
const vms = nodes.flatMap((n, h) =>
  Array.from({ length: VMS_PER_HOST }, (_, k) => {
    const id = `vm-${h}-${k}`;
    vmIds.push(id);
    return { id, node_id: n.id, resources: { cpu_cores: [2, 4, 8][k % 3], memory_mb: [4, 8, 16][k % 3] * 1024 } };
  }),
);
for (let i = 0; i < vms.length; i += 5000) {
  const r = await call('POST', '/api/v1/vms/bulk', { vms: vms.slice(i, i + 5000) });
  if (r.status >= 300) throw new Error(`vms: ${r.status} ${JSON.stringify(r.json)}`);
}
const timestamps = Array.from({ length: DAY }, (_, i) => stamp(i, DAY));
let batch: unknown[] = [];
let samples = 0;
const flush = async () => {
  if (!batch.length) return;
  const r = await call('POST', '/api/v1/telemetry', { series: batch });
  if (r.status >= 300) throw new Error(`telemetry: ${r.status} ${JSON.stringify(r.json)}`);
  batch = [];
  samples = 0;
};
for (const id of vmIds) {
  for (const [metric, level] of [['cpu_utilization', 0.15 + 0.4 * rng.float()], ['memory_utilization', 0.3 + 0.4 * rng.float()]] as const) {
    batch.push({ entity_id: id, entity_type: 'vm', metric, timestamps, values: utilisation(DAY, level, 0.1) });
    samples += DAY;
  }
  if (samples + 2 * DAY > 48_000) await flush();
}
await flush();
console.log(`Fleet: ${HOSTS} hosts, ${vmIds.length} VMs, ${vmIds.length * 2 * DAY} samples of utilisation; registered in ${round((performance.now() - t) / 1000, 1)} s`);

// ---- the calls -----------------------------------------------------------------------------
const WEEK = 7 * DAY;
const cpuWeek = utilisation(WEEK, 0.45, 0.2);
const memWeek = utilisation(WEEK, 0.55, 0.05);
const twoDays = utilisation(2 * DAY, 0.8, 0.08);
const goals = ['optimize_throughput', 'minimize_latency', 'balance_load', 'reduce_energy_consumption'];
const constraints = { max_cpu_threshold: 0.85, max_memory_threshold: 0.8, min_availability: 0.99 };
const clusterData = {
  performance_metrics: { cpu_utilization: 0.5, memory_utilization: 0.4, network_utilization: 0.2, average_latency: 12.5, throughput: 1200, active_jobs: 3, queued_jobs: 0, energy_consumption: 5400 },
  active_jobs: [{ job_id: 'j1', job_type: 'training', priority: 1, resources: {}, runtime: 10, cluster_id: 'c1' }],
  cluster_utilization: { cpu: 0.5, memory: 0.4, network: 0.2 },
};
const envelope = (service: string, method: string, data: unknown) => ({ id: `bench-${service}`, service, method, data, timestamp: new Date().toISOString() });

interface Case {
  name: string;
  path: string;
  body: unknown;
  ok: (r: { status: number; json: any }) => boolean;
  baseline?: boolean;
}
const okEnvelope = (r: { status: number; json: any }) => r.status === 200 && r.json?.success === true;
const cases: Case[] = [
  { name: 'floor: /api/v1/process unknown pair', path: '/api/v1/process', body: envelope('no_such_service', 'nothing', {}), ok: (r) => r.status === 200 && r.json?.success === false, baseline: true },
  {
    name: 'POST /predict/resources (7 d history)',
    path: '/predict/resources',
    body: { resource_id: 'host-1', metrics: { cpu_usage: 45 }, history: cpuWeek.map((v, i) => ({ timestamp: stamp(i, WEEK), cpu_usage: 100 * v })), prediction_horizon: 60 },
    ok: (r) => r.status === 200 && Array.isArray(r.json?.prediction),
  },
  {
    name: 'POST /optimize/scaling (2 d history)',
    path: '/optimize/scaling',
    body: { vm_id: 'vm-0-0', current_resources: { cpu_usage: 0.8, memory_usage: 0.4, cpu_cores: 4, memory_gb: 16 }, historical_data: twoDays.map((v, i) => ({ timestamp: stamp(i, 2 * DAY), cpu_usage: v, memory_usage: 0.4 })), scaling_policy: 'predictive', cost_optimization: true },
    ok: (r) => r.status === 200 && Array.isArray(r.json?.decisions),
  },
  {
    name: 'POST /analyze/workload (7 d rows)',
    path: '/analyze/workload',
    body: { vm_id: 'vm-0-1', workload_data: cpuWeek.map((v, i) => ({ timestamp: stamp(i, WEEK), cpu_usage: 100 * v, memory_usage: 100 * memWeek[i], io_usage: 5, network_usage: 3 })), analysis_window: 3600 },
    ok: (r) => r.status === 200 && typeof r.json?.workload_type === 'string',
  },
  {
    name: 'POST /predict/migration (inventory)',
    path: '/predict/migration',
    body: { vm_id: 'vm-0-2', source_host: 'host-0', target_hosts: ['host-1', 'host-2', 'host-3', 'host-4'], vm_metrics: { cpu_usage: 0.6, memory_usage: 0.5 } },
    ok: (r) => r.status === 200 && typeof r.json?.recommended_host === 'string',
  },
  {
    name: `POST /optimize/performance (inventory)`,
    path: '/optimize/performance',
    body: { cluster_id: 'default', performance_data: [clusterData], optimization_goals: goals, constraints },
    ok: (r) => r.status === 200 && r.json?.source === 'inventory',
  },
  {
    name: 'resource_prediction/predict_demand (7 d)',
    path: '/api/v1/process',
    body: envelope('resource_prediction', 'predict_demand', { node_id: 'host-1', resource_type: 'cpu', horizon_minutes: 120, historical_data: cpuWeek.map((v, i) => ({ timestamp: stamp(i, WEEK), value: 100 * v })) }),
    ok: okEnvelope,
  },
  {
    name: 'predictive_scaling/predict_scaling',
    path: '/api/v1/process',
    body: envelope('predictive_scaling', 'predict_scaling', { current_capacity: { cpu_capacity: 64, memory_capacity: 256 }, current_load: { cpu_load: 60, memory_load: 40 }, job_queue_length: 3, historical_usage: { cpu: twoDays.slice(-48) } }),
    ok: okEnvelope,
  },
  {
    name: 'workload_pattern_recognition/analyze_patterns (7 d)',
    path: '/api/v1/process',
    body: envelope('workload_pattern_recognition', 'analyze_patterns', { workload_id: 'vm-0-3', metric_types: ['cpu'], data_points: cpuWeek.map((v, i) => ({ timestamp: stamp(i, WEEK), value: v })) }),
    ok: okEnvelope,
  },
  {
    name: 'performance_optimization/optimize_cluster (inventory)',
    path: '/api/v1/process',
    body: envelope('performance_optimization', 'optimize_cluster', { cluster_id: 'distributed_supercompute', cluster_data: clusterData, goals, constraints }),
    ok: okEnvelope,
  },
];

for (const c of cases) {
  const r = await call('POST', c.path, c.body);
  if (!c.ok(r)) throw new Error(`${c.name}: unexpected answer ${r.status} ${JSON.stringify(r.json).slice(0, 400)}`);
}
console.log(`All ${cases.length} calls answered correctly.\n`);

interface Row {
  name: string;
  bytes: number;
  p50: number;
  p99: number;
  max: number;
  rps: number;
  cp50: number;
  cp99: number;
}
const rows: Row[] = [];
for (const c of cases) {
  const payload = JSON.stringify(c.body);
  for (let i = 0; i < Math.min(20, REQUESTS); i++) await httpRequest('POST', `${engine.url}${c.path}`, payload, auth);
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const s = performance.now();
    const r = await httpRequest('POST', `${engine.url}${c.path}`, payload, auth);
    ms.push(performance.now() - s);
    if (r.status !== 200) throw new Error(`${c.name}: status ${r.status} under the sequential run`);
  }
  ms.sort((a, b) => a - b);
  const load = await autocannon({ url: `${engine.url}${c.path}`, method: 'POST', body: payload, headers: auth, connections: CONNECTIONS, duration: SECONDS });
  if (load.non2xx || load.errors) throw new Error(`${c.name}: ${load.non2xx} non-2xx and ${load.errors} errors under load`);
  rows.push({ name: c.name, bytes: payload.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms[ms.length - 1], rps: load.requests.average, cp50: load.latency.p50, cp99: load.latency.p99 });
}
await cleanupAll();

const floor = rows[0];
console.log(`Sequential: ${REQUESTS} calls each, one client; concurrent: autocannon, ${CONNECTIONS} connections, ${SECONDS} s each.`);
console.log(
  table(
    ['call', 'body KB', 'p50 ms', 'p99 ms', 'max ms', 'p50 / floor', `req/s @${CONNECTIONS}`, 'p50 ms', 'p99 ms'],
    rows.map((r) => [r.name, round(r.bytes / 1024, 1), round(r.p50, 2), round(r.p99, 2), round(r.max, 1), round(r.p50 / floor.p50, 1), round(r.rps, 0), r.cp50, r.cp99]),
  ),
);
const worst = rows.slice(1).reduce((a, r) => (r.p99 > a.p99 ? r : a));
const worstLoaded = rows.slice(1).reduce((a, r) => (r.cp99 > a.cp99 ? r : a));
console.log(`\nOne call at a time (how NovaCron's loops call): slowest p99 ${worst.name} ${round(worst.p99, 1)} ms → ${worst.p99 < TARGET_MS ? 'met' : 'NOT met'} (well under ${TARGET_MS} ms).`);
console.log(`${CONNECTIONS} connections at once: slowest p99 ${worstLoaded.name} ${worstLoaded.cp99} ms (${worstLoaded.cp99 < TARGET_MS ? 'under' : 'OVER'} ${TARGET_MS} ms): CPU-bound calls queue on the engine's one thread.`);
console.log(JSON.stringify({ bench: 'optimization-api', hosts: HOSTS, vms: vmIds.length, connections: CONNECTIONS, rows: rows.map((r) => ({ ...r, p50: round(r.p50, 2), p99: round(r.p99, 2), max: round(r.max, 1), rps: round(r.rps, 0) })) }));
process.exit(0);
