/**
 * `npm run bench:http` — one validated POST route of ours against the same route in FastAPI.
 *
 * The route is NovaCron's `POST /api/v1/process` with an unknown (service, method) pair: body
 * validation of the envelope, API-key authentication, and the HTTP 200 `success:false` answer
 * listing `supported_services`. Ours is the compiled engine (SQLite, log level warn, no rate
 * limit); the baseline is bench/baselines/fastapi_app.py under uvicorn (1 worker, no access log),
 * given our key and our `supported_services` so both answer the same bytes. Both are checked for
 * correct answers first, then loaded by autocannon in this process with the same body, headers
 * and connection count: a warm-up, then the timed run, one server at a time.
 *
 *   npm run bench:http -- [--connections 32] [--seconds 10] [--warmup 2] [--cpu-prof]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
// autocannon ships no types; its programmatic API returns a promise of the result when no callback is given.
// @ts-ignore -- untyped module
import autocannonUntyped from 'autocannon';
import { newestProfile, summariseProfile } from './lib/cpuprofile.js';
import {
  cleanupAll,
  compiledEntry,
  engineEnv,
  fmtInt,
  freePort,
  httpRequest,
  installExitHandlers,
  readCpuSeconds,
  readHostCpu,
  round,
  ROOT,
  startChild,
  startEngine,
  table,
  tempDir,
  waitForHttp,
  watchRss,
} from './lib/harness.js';

/** The part of autocannon's result this benchmark reads. */
interface LoadResult {
  duration: number;
  requests: { total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = autocannonUntyped as (opts: Record<string, unknown>) => Promise<LoadResult>;

/** The interpreter the baseline runs on (BENCH_PYTHON overrides it, e.g. to check the "baseline unavailable" path). */
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const ROUTE = '/api/v1/process';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const connections = Number(args.connections);
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);

const ENVELOPE = {
  id: 'bench-0001',
  service: 'Capacity',
  method: 'Forecast',
  data: { vm_id: 'vm-0042', node_id: 'host-007', horizon_minutes: 60, metrics: ['cpu_utilization', 'memory_utilization'], current: { cpu: 0.73, memory: 0.41 } },
  metadata: { source: 'novacron-go', region: 'eu-west-1', attempt: 1 },
};
const BODY = JSON.stringify(ENVELOPE);
const EXPECTED_ERROR = `Unknown service '${ENVELOPE.service.trim().toLowerCase()}' or method '${ENVELOPE.method.trim().toLowerCase()}'`;

interface Server {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
  tail(): string;
}

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  serverCores: number;
  clientCores: number;
  hostBusyPct: number;
  /** Cores used by neither this server nor the load generator: other work on the machine. */
  otherCores: number;
  /** Requests per CPU-second of the server: less sensitive than req/s to other load on the machine. */
  perCpuS: number;
  peakRssMb: number;
}

function baselineAvailable(): { ok: boolean; why?: string; versions?: string; loop: string; http: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, pydantic; print(fastapi.__version__, uvicorn.__version__, pydantic.VERSION)'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return { ok: false, why: (probe.error?.message ?? probe.stderr.trim().split('\n').pop()) || 'import failed', loop: '', http: '' };
  }
  const has = (mod: string) => spawnSync(PYTHON, ['-c', `import ${mod}`]).status === 0;
  const [fastapi, uvicorn, pydantic] = probe.stdout.trim().split(' ');
  return { ok: true, versions: `fastapi ${fastapi}, uvicorn ${uvicorn}, pydantic ${pydantic}`, loop: has('uvloop') ? 'uvloop' : 'asyncio', http: has('httptools') ? 'httptools' : 'h11' };
}

async function startFastapi(key: string, servicesFile: string, loop: string, httpImpl: string): Promise<Server> {
  const port = await freePort();
  const env = { ...engineEnv({}), BENCH_API_KEY: key, BENCH_SUPPORTED_SERVICES: servicesFile, PYTHONDONTWRITEBYTECODE: '1' };
  const child = startChild(
    'fastapi (uvicorn)',
    PYTHON,
    ['-m', 'uvicorn', 'fastapi_app:app', '--app-dir', path.join(ROOT, 'bench/baselines'), '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--no-access-log', '--log-level', 'warning', '--loop', loop, '--http', httpImpl],
    { env },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${url}/ready`, 60_000);
  return { name: 'fastapi', url, pid: child.pid, stop: () => child.stop(), tail: child.tail };
}

/** Sends `n` envelopes with distinct ids and checks every answer; also checks that auth and validation are live. */
async function verify(server: Server, key: string, reference: Record<string, string[]>, n = 20): Promise<string[]> {
  const problems: string[] = [];
  const headers = { authorization: `Bearer ${key}` };
  for (let i = 0; i < n; i++) {
    const id = `verify-${i}`;
    const res = await httpRequest('POST', `${server.url}${ROUTE}`, JSON.stringify({ ...ENVELOPE, id }), headers);
    let b: Record<string, unknown> = {};
    try {
      b = JSON.parse(res.body) as Record<string, unknown>;
    } catch {
      problems.push(`response ${i} is not JSON: ${res.body.slice(0, 120)}`);
      continue;
    }
    const bad = [
      res.status !== 200 && `status ${res.status}`,
      b.success !== false && `success=${String(b.success)}`,
      b.id !== id && `id=${String(b.id)}`,
      b.model_version !== 'unknown' && `model_version=${String(b.model_version)}`,
      b.error !== EXPECTED_ERROR && `error=${String(b.error)}`,
      typeof b.process_time !== 'number' && 'process_time missing',
      !isDeepStrictEqual(b.supported_services, reference) && 'supported_services differ',
    ].filter(Boolean);
    if (bad.length) problems.push(`response ${i}: ${bad.join(', ')}`);
  }
  const noAuth = await httpRequest('POST', `${server.url}${ROUTE}`, BODY);
  if (noAuth.status !== 401) problems.push(`without a key: status ${noAuth.status}, expected 401`);
  const wrongKey = await httpRequest('POST', `${server.url}${ROUTE}`, BODY, { authorization: `Bearer ${key.slice(0, -4)}AAAA` });
  if (wrongKey.status !== 401) problems.push(`with a wrong key: status ${wrongKey.status}, expected 401`);
  for (const [what, body] of [
    ['empty service', { ...ENVELOPE, service: '' }],
    ['numeric method', { ...ENVELOPE, method: 7 }],
    ['id over 200 chars', { ...ENVELOPE, id: 'x'.repeat(201) }],
    ['data not an object', { ...ENVELOPE, data: 'text' }],
  ] as const) {
    const res = await httpRequest('POST', `${server.url}${ROUTE}`, JSON.stringify(body), headers);
    if (res.status !== 400 && res.status !== 422) problems.push(`${what}: status ${res.status}, expected 400/422`);
  }
  return problems;
}

async function load(server: Server, durationS: number): Promise<LoadResult> {
  return autocannon({
    url: `${server.url}${ROUTE}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${currentKey}` },
    body: BODY,
    connections,
    pipelining: 1,
    duration: durationS,
  });
}

let currentKey = '';

async function measure(server: Server): Promise<Measured> {
  console.error(`[${server.name}] warm-up ${warmupSeconds} s…`);
  await load(server, warmupSeconds);
  console.error(`[${server.name}] timing ${seconds} s with ${connections} connections…`);
  const rss = watchRss(server.pid);
  const cpu0 = readCpuSeconds(server.pid);
  const host0 = readHostCpu();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await load(server, seconds);
  const elapsed = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const host1 = readHostCpu();
  const cpu1 = readCpuSeconds(server.pid);
  const serverCores = (cpu1 - cpu0) / elapsed;
  const clientCores = (client.user + client.system) / 1e6 / elapsed;
  const hostBusyPct = (100 * (host1.busy - host0.busy)) / Math.max(1, host1.total - host0.total);
  return {
    name: server.name,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    serverCores,
    clientCores,
    hostBusyPct,
    otherCores: Math.max(0, (hostBusyPct / 100) * os.cpus().length - serverCores - clientCores),
    perCpuS: r.requests.total / Math.max(1e-9, cpu1 - cpu0),
    peakRssMb: rss.stop(),
  };
}

async function main(): Promise<void> {
  installExitHandlers();
  const { entry, note } = compiledEntry();
  console.error(`engine: ${path.relative(process.cwd(), entry)} (${note})`);

  const profDir = args['cpu-prof'] ? tempDir('novacron-prof-http-') : undefined;
  const engine = await startEngine({ entry, name: 'engine (ours)', nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [] });
  currentKey = engine.key;
  const ours: Server = { name: 'ours', url: engine.url, pid: engine.pid, stop: () => engine.stop(), tail: engine.tail };

  // The reference answer: our supported_services, handed to the baseline so both send the same map.
  const probe = await httpRequest('POST', `${engine.url}${ROUTE}`, BODY, { authorization: `Bearer ${engine.key}` });
  if (probe.status !== 200) throw new Error(`ours answered ${probe.status} to the probe: ${probe.body.slice(0, 300)}`);
  const reference = (JSON.parse(probe.body) as { supported_services?: Record<string, string[]> }).supported_services;
  if (!reference) throw new Error(`ours sent no supported_services: ${probe.body.slice(0, 300)}`);
  const servicesFile = path.join(tempDir('novacron-bench-http-'), 'supported_services.json');
  fs.writeFileSync(servicesFile, JSON.stringify(reference));

  const base = baselineAvailable();
  let fastapi: Server | undefined;
  if (!base.ok) {
    console.error(
      `baseline unavailable: ${PYTHON} cannot import fastapi and uvicorn (${base.why}). ` +
        'Install them with `apt-get install -y python3-fastapi python3-uvicorn`. Reporting our figure only.',
    );
  } else {
    fastapi = await startFastapi(engine.key, servicesFile, base.loop, base.http);
  }

  const servers = [ours, ...(fastapi ? [fastapi] : [])];
  for (const s of servers) {
    const problems = await verify(s, engine.key, reference);
    if (problems.length) throw new Error(`${s.name} answered incorrectly, so its throughput means nothing:\n  ${problems.join('\n  ')}`);
    console.error(`[${s.name}] verified: 20 envelopes answered 200/success:false/supported_services; 401 without or with a wrong key; 4xx for 4 invalid envelopes`);
  }

  const results: Measured[] = [];
  for (const s of servers) results.push(await measure(s));
  await engine.stop();
  const profile = profDir ? newestProfile(profDir) : undefined;

  const our = results[0];
  const theirs = results[1];
  const ratio = theirs ? our.rps / theirs.rps : null;
  console.log('');
  console.log(
    `${ROUTE} (unknown pair → 200 success:false with supported_services; envelope validation + API-key auth), ` +
      `${Buffer.byteLength(BODY)}-byte body, autocannon ${connections} connections, ${seconds} s timed after ${warmupSeconds} s warm-up`,
  );
  console.log(
    `note: autocannon (client) and the server share this machine's ${os.cpus().length} cores; ` +
      `ours: ${path.relative(ROOT, entry)} on Node ${process.versions.node}` +
      (fastapi ? `; baseline: ${base.versions}, 1 worker, --loop ${base.loop} --http ${base.http}` : ''),
  );
  console.log('');
  console.log(
    table(
      ['server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx', 'errors', 'server CPU', 'client CPU', 'other CPU', 'req/CPU-s', 'peak RSS MiB'],
      results.map((r) => [
        r.name,
        fmtInt(r.rps),
        round(r.p50, 1),
        round(r.p99, 1),
        round(r.max, 1),
        fmtInt(r.total),
        r.non2xx,
        r.errors + r.timeouts,
        round(r.serverCores, 2),
        round(r.clientCores, 2),
        round(r.otherCores, 2),
        fmtInt(r.perCpuS),
        round(r.peakRssMb, 0),
      ]),
    ),
  );
  if (!fastapi) console.log('fastapi   baseline unavailable (python3 cannot import fastapi, uvicorn): ratio not measured');
  console.log('');
  console.log('CPU columns: cores busy during the timed window (server process; autocannon in this process; anything else on the machine)');
  if (ratio !== null) {
    console.log(`throughput ratio ours / fastapi = ${round(ratio, 2)}×   (per server CPU-second: ${round(our.perCpuS / theirs!.perCpuS, 2)}×)`);
  }
  const busiest = Math.max(...results.map((r) => r.otherCores));
  if (busiest > 0.2) {
    console.log(
      `warning: other processes used up to ${round(busiest, 2)} cores while timing; req/s are depressed and the ratio is noisy — ` +
        'req/CPU-s is the steadier comparison; rerun on a quiet machine for headline numbers',
    );
  }
  for (const r of results) if (r.non2xx || r.errors || r.timeouts) console.log(`${r.name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts during timing`);
  if (profile) console.log(`\n[ours] ${summariseProfile(profile)}\n(profiling slows the server: use the figures above from a run without --cpu-prof)`);

  const json = {
    bench: 'http',
    route: `POST ${ROUTE}`,
    ours_rps: Math.round(our.rps),
    fastapi_rps: theirs ? Math.round(theirs.rps) : null,
    ratio: ratio === null ? null : round(ratio, 2),
    ours_p99_ms: round(our.p99, 1),
    fastapi_p99_ms: theirs ? round(theirs.p99, 1) : null,
    ours_req_per_cpu_s: Math.round(our.perCpuS),
    fastapi_req_per_cpu_s: theirs ? Math.round(theirs.perCpuS) : null,
    cpu_efficiency_ratio: theirs ? round(our.perCpuS / theirs.perCpuS, 2) : null,
    max_other_cores: round(busiest, 2),
    connections,
    seconds,
    ...(fastapi ? {} : { baseline: 'unavailable' }),
    ...(profile ? { cpu_prof: true } : {}),
  };
  await cleanupAll();
  console.log(JSON.stringify(json));
  process.exitCode = results.some((r) => r.non2xx || r.errors || r.timeouts) ? 1 : 0;
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await cleanupAll();
  process.exit(1);
});
