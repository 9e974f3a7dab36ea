/**
 * `npm run bench:ingest` — HTTP ingest throughput of the real server.
 *
 * Starts the compiled engine as a child process (temp data dir, log level warn, no rate limit)
 * once on SQLite and once on PostgreSQL (a fresh schema, dropped afterwards; skipped with a
 * message when PostgreSQL cannot be reached), and drives `POST /api/v1/telemetry` from N
 * keep-alive clients (default 8), each sending 5,000-sample row-form batches back to back.
 * Every batch is unique (200 hosts × 5 metrics × its own timestamps) and pre-generated before
 * timing so the load generator does little but write bytes. Reports samples/s from the `stored`
 * counts the server acknowledged, p50/p99 request latency and the server's peak RSS, then prints
 * one JSON line.
 *
 *   npm run bench:ingest -- [--seconds 15] [--warmup 3] [--clients 8] [--batch 5000]
 *                           [--backend both|sqlite|postgres] [--pg-url URL] [--cpu-prof]
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { newestProfile, summariseProfile } from './lib/cpuprofile.js';
import {
  cleanupAll,
  compiledEntry,
  fmtInt,
  installExitHandlers,
  onCleanup,
  percentile,
  readCommCpuSeconds,
  readCpuSeconds,
  readHostCpu,
  round,
  startEngine,
  table,
  tempDir,
  watchRss,
  type Engine,
} from './lib/harness.js';

const TARGET = 100_000;
const FLOOR = 50_000;
const HOSTS = 200;
const METRICS: { name: string; gen: (r: number) => string }[] = [
  { name: 'cpu_utilization', gen: (r) => (0.05 + 0.9 * r).toFixed(4) },
  { name: 'memory_utilization', gen: (r) => (0.2 + 0.75 * r).toFixed(4) },
  { name: 'disk_read_iops', gen: (r) => String(Math.round(3000 * r)) },
  { name: 'network_rx_bytes_per_s', gen: (r) => String(Math.round(1.25e8 * r)) },
  { name: 'cpu_load_1m', gen: (r) => (32 * r).toFixed(2) },
];
const SERIES = HOSTS * METRICS.length;
const STEP_MS = 10_000;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    clients: { type: 'string', default: '8' },
    batch: { type: 'string', default: '5000' },
    backend: { type: 'string', default: 'both' },
    'pg-url': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const clients = Number(args.clients);
const batchSize = Number(args.batch);
const pgUrl = args['pg-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
for (const [k, v] of Object.entries({ seconds, warmup: warmupSeconds, clients, batch: batchSize })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number`);
}
if (!['both', 'sqlite', 'postgres'].includes(args.backend!)) throw new Error('--backend must be both, sqlite or postgres');

// ---------------------------------------------------------------------------------------------
// Request bodies: batch b holds timestamps [b*tsPerBatch, (b+1)*tsPerBatch) for every series, so
// no (entity, metric, timestamp) repeats across batches; a fresh database per backend lets both
// backends replay the same bodies.
// ---------------------------------------------------------------------------------------------

const tsPerBatch = Math.ceil(batchSize / SERIES);
const baseMs = Math.floor((Date.now() - 7 * 86_400_000) / 1000) * 1000; // inside retention, never in the future
const hostIds = Array.from({ length: HOSTS }, (_, h) => `host-${String(h + 1).padStart(3, '0')}`);
const rowPrefix = hostIds.map((h) => METRICS.map((m) => `{"entity_id":"${h}","entity_type":"node","metric":"${m.name}","timestamp":"`));

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeBody(b: number): Buffer {
  const rnd = mulberry32(b * 2654435761 + 1);
  const parts: string[] = [];
  for (let r = 0; r < batchSize; r++) {
    const s = r % SERIES;
    const tIndex = b * tsPerBatch + Math.floor(r / SERIES);
    const ms = baseMs + tIndex * STEP_MS;
    if (ms > Date.now()) throw new Error('ran out of past timestamps: lower --seconds or --batch');
    const h = Math.floor(s / METRICS.length);
    const m = s % METRICS.length;
    parts.push(`${rowPrefix[h][m]}${new Date(ms).toISOString()}","value":${METRICS[m].gen(rnd())}}`);
  }
  return Buffer.from(`{"samples":[${parts.join(',')}]}`);
}

const bodies: Buffer[] = [];
function ensureBodies(n: number): void {
  while (bodies.length < n) bodies.push(makeBody(bodies.length));
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

interface PhaseResult {
  requests: number;
  stored: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  bad: number;
  firstError?: string;
  latencies: Float64Array;
  elapsedMs: number;
  generatedDuringRun: number;
}

function post(agent: http.Agent, url: URL, key: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: '/api/v1/telemetry',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${key}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error('request timed out after 120 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** `clients` loops send the next unused body until `durationMs` has passed, then drain. */
async function runPhase(engine: Engine, cursor: { next: number }, durationMs: number): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const url = new URL(engine.url);
  const lat: number[] = [];
  const r: PhaseResult = { requests: 0, stored: 0, accepted: 0, duplicates: 0, rejected: 0, bad: 0, latencies: new Float64Array(), elapsedMs: 0, generatedDuringRun: 0 };
  const start = performance.now();
  const deadline = start + durationMs;
  let lastDone = start;
  const worker = async () => {
    while (performance.now() < deadline) {
      const i = cursor.next++;
      if (i >= bodies.length) {
        ensureBodies(i + 1);
        r.generatedDuringRun++;
      }
      const t0 = performance.now();
      let status = 0;
      let text = '';
      try {
        ({ status, text } = await post(agent, url, engine.key, bodies[i]));
      } catch (err) {
        text = (err as Error).message;
      }
      const t1 = performance.now();
      lastDone = Math.max(lastDone, t1);
      r.requests++;
      lat.push(t1 - t0);
      let ok = status === 200;
      if (ok) {
        const res = JSON.parse(text) as { stored: number; accepted: number; duplicates: number; rejected_count: number };
        r.stored += res.stored;
        r.accepted += res.accepted;
        r.duplicates += res.duplicates;
        r.rejected += res.rejected_count;
        ok = res.rejected_count === 0 && res.duplicates === 0 && res.stored === batchSize;
      }
      if (!ok) {
        r.bad++;
        r.firstError ??= `HTTP ${status}: ${text.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  agent.destroy();
  r.elapsedMs = lastDone - start;
  r.latencies = Float64Array.from(lat).sort();
  return r;
}

interface BackendResult {
  backend: string;
  samplesPerS: number;
  requestsPerS: number;
  p50: number;
  p99: number;
  max: number;
  peakRssMb: number;
  serverCores: number;
  clientCores: number;
  hostBusyPct: number;
  /** PostgreSQL backends' CPU (all `postgres` processes on this machine). */
  dbCores: number;
  otherCores: number;
  samplesPerCpuS: number;
  requests: number;
  stored: number;
  bad: number;
  firstError?: string;
  generatedDuringRun: number;
  profile?: string;
}

async function benchBackend(backend: 'sqlite' | 'postgres', entry: string, settings: Record<string, string>): Promise<BackendResult> {
  const profDir = args['cpu-prof'] ? tempDir(`novacron-prof-${backend}-`) : undefined;
  console.error(`[${backend}] starting the server…`);
  const engine = await startEngine({
    entry,
    name: `engine (${backend})`,
    settings,
    nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
  });
  const rss = watchRss(engine.pid);
  const cursor = { next: 0 };

  // Warm-up: JIT, series creation, database caches. Its rate sizes the pre-generated pool.
  ensureBodies(clients * 4);
  console.error(`[${backend}] warm-up ${warmupSeconds} s…`);
  const warm = await runPhase(engine, cursor, warmupSeconds * 1000);
  if (warm.bad) throw new Error(`[${backend}] warm-up requests failed (${warm.bad}/${warm.requests}): ${warm.firstError}`);
  const warmRate = warm.stored / (warm.elapsedMs / 1000);
  const needed = cursor.next + Math.ceil((Math.max(warmRate, 20_000) * 2 * seconds) / batchSize) + clients * 2;
  console.error(`[${backend}] warm-up: ${fmtInt(warmRate)} samples/s; pre-generating ${needed - Math.min(bodies.length, needed)} more bodies (${needed} in all)…`);
  ensureBodies(needed);

  console.error(`[${backend}] timing ${seconds} s with ${clients} clients × ${batchSize}-sample batches…`);
  const cpu0 = readCpuSeconds(engine.pid);
  const host0 = readHostCpu();
  const client0 = process.cpuUsage();
  const pg0 = backend === 'postgres' ? readCommCpuSeconds('postgres') : 0;
  const run = await runPhase(engine, cursor, seconds * 1000);
  const clientDelta = process.cpuUsage(client0);
  const host1 = readHostCpu();
  const cpu1 = readCpuSeconds(engine.pid);
  const pgCores = backend === 'postgres' ? (readCommCpuSeconds('postgres') - pg0) / (run.elapsedMs / 1000) : 0;
  const peakRssMb = rss.stop();
  const elapsedS = run.elapsedMs / 1000;

  await engine.stop();
  let profile: string | undefined;
  if (profDir) {
    const f = newestProfile(profDir);
    profile = f ? summariseProfile(f) : `no .cpuprofile was written in ${profDir}`;
  }
  return {
    backend,
    samplesPerS: run.stored / elapsedS,
    requestsPerS: run.requests / elapsedS,
    p50: percentile(run.latencies, 50),
    p99: percentile(run.latencies, 99),
    max: run.latencies[run.latencies.length - 1],
    peakRssMb,
    serverCores: (cpu1 - cpu0) / elapsedS,
    clientCores: (clientDelta.user + clientDelta.system) / 1e6 / elapsedS,
    hostBusyPct: (100 * (host1.busy - host0.busy)) / Math.max(1, host1.total - host0.total),
    dbCores: pgCores,
    otherCores: Math.max(
      0,
      ((host1.busy - host0.busy) / Math.max(1, host1.total - host0.total)) * os.cpus().length -
        (cpu1 - cpu0) / elapsedS -
        (clientDelta.user + clientDelta.system) / 1e6 / elapsedS -
        pgCores,
    ),
    samplesPerCpuS: run.stored / Math.max(1e-9, cpu1 - cpu0),
    requests: run.requests,
    stored: run.stored,
    bad: run.bad,
    firstError: run.firstError,
    generatedDuringRun: run.generatedDuringRun,
    profile,
  };
}

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  installExitHandlers();
  const { entry, note } = compiledEntry();
  console.error(`engine: ${path.relative(process.cwd(), entry)} (${note})`);

  const results: BackendResult[] = [];
  let pgSkipped: string | undefined;

  if (args.backend !== 'postgres') results.push(await benchBackend('sqlite', entry, {}));

  if (args.backend !== 'sqlite') {
    const why = await postgresReachable();
    if (why) {
      pgSkipped = `PostgreSQL unreachable at ${pgUrl.replace(/\/\/[^@]*@/, '//…@')}: ${why}`;
      console.error(`[postgres] SKIPPED: ${pgSkipped}`);
    } else {
      const schema = `bench_ingest_${Date.now().toString(36)}_${process.pid}`;
      // Registered before the server starts, so it runs after the server has stopped.
      const drop = onCleanup(`drop schema ${schema}`, async () => {
        const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 5000 });
        await c.connect();
        try {
          await c.query(`drop schema if exists ${schema} cascade`);
        } finally {
          await c.end();
        }
      });
      results.push(await benchBackend('postgres', entry, { DATABASE_URL: pgUrl, NOVACRON_DATABASE_SCHEMA: schema }));
      await drop();
    }
  }

  // -------------------------------------------------------------------------------------------
  const sample = bodies[0];
  console.log('');
  console.log(
    `POST /api/v1/telemetry — ${clients} keep-alive clients, ${fmtInt(batchSize)}-sample row-form batches ` +
      `(${(sample.length / 1024).toFixed(0)} KiB JSON each), ${seconds} s timed after ${warmupSeconds} s warm-up, ` +
      `${HOSTS} hosts × ${METRICS.length} metrics, every sample new`,
  );
  console.log(
    `client and server share this machine's ${os.cpus().length} cores; CPU columns are cores busy over the timed window ` +
      '(server process; load generator; PostgreSQL backends; everything else on the machine)',
  );
  console.log('');
  console.log(
    table(
      ['backend', 'samples/s', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'peak RSS MiB', 'server CPU', 'client CPU', 'PG CPU', 'other CPU', 'samples/CPU-s', 'requests', 'bad'],
      results.map((r) => [
        r.backend,
        fmtInt(r.samplesPerS),
        round(r.requestsPerS, 1),
        round(r.p50, 1),
        round(r.p99, 1),
        round(r.max, 1),
        round(r.peakRssMb, 0),
        round(r.serverCores, 2),
        round(r.clientCores, 2),
        r.backend === 'postgres' ? round(r.dbCores, 2) : '-',
        round(r.otherCores, 2),
        fmtInt(r.samplesPerCpuS),
        r.requests,
        r.bad,
      ]),
    ),
  );
  if (pgSkipped) console.log(`postgres  skipped: ${pgSkipped}`);
  console.log('');
  for (const r of results) {
    const vs = r.samplesPerS / TARGET;
    console.log(
      `${r.backend}: ${fmtInt(r.samplesPerS)} samples/s = ${round(vs * 100, 0)}% of the ${fmtInt(TARGET)} target; ` +
        `${r.samplesPerS >= FLOOR ? 'above' : 'BELOW'} the ${fmtInt(FLOOR)} floor`,
    );
    if (r.bad) console.log(`${r.backend}: ${r.bad} of ${r.requests} responses were not 200 with rejected_count 0 and every sample stored — first: ${r.firstError}`);
    if (r.generatedDuringRun) console.log(`${r.backend}: the pre-generated pool ran out; ${r.generatedDuringRun} bodies were built during timing (client CPU inflated)`);
  }
  const noisy = results.filter((r) => r.otherCores > 0.2);
  if (noisy.length) {
    console.log(
      `warning: other processes kept ${noisy.map((r) => `${round(r.otherCores, 2)} cores (${r.backend})`).join(', ')} busy while timing;` +
        ' samples/s are depressed — samples per server CPU-second is the steadier figure; rerun on a quiet machine for headline numbers',
    );
  }
  for (const r of results) if (r.profile) console.log(`\n[${r.backend}] ${r.profile}\n(profiling slows the server: use the figures above from a run without --cpu-prof)`);

  const fig = (r: BackendResult | undefined) =>
    r && {
      samples_per_s: Math.round(r.samplesPerS),
      p50_ms: round(r.p50, 1),
      p99_ms: round(r.p99, 1),
      peak_rss_mb: round(r.peakRssMb, 0),
      ratio_to_target: round(r.samplesPerS / TARGET, 3),
      samples_per_server_cpu_s: Math.round(r.samplesPerCpuS),
      other_cores: round(r.otherCores, 2),
      errors: r.bad,
    };
  const sqlite = results.find((r) => r.backend === 'sqlite');
  const postgres = results.find((r) => r.backend === 'postgres');
  const json: Record<string, unknown> = {
    bench: 'ingest',
    sqlite: fig(sqlite) ?? null,
    postgres: fig(postgres) ?? null,
    target_samples_per_s: TARGET,
    floor_samples_per_s: FLOOR,
    clients,
    batch: batchSize,
    seconds,
  };
  if (pgSkipped) json.postgres_skipped = pgSkipped;
  if (args['cpu-prof']) json.cpu_prof = true;
  await cleanupAll();
  console.log(JSON.stringify(json));
  process.exitCode = results.some((r) => r.bad) ? 1 : 0;
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await cleanupAll();
  process.exit(1);
});
