import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { backend } from './helpers/engine.js';
import { rawRequest } from './helpers/raw-http.js';

/**
 * Durability: the real `novacron-ai serve` process is sent SIGTERM while four clients ingest as
 * fast as they can. It must exit 0 within its shutdown timeout, and after a restart on the same
 * storage every acknowledged sample must be there exactly once with its value; samples of
 * unacknowledged batches may or may not be there, but only whole batches (one transaction each).
 */

const root = path.resolve(import.meta.dirname, '..');
const CLIENTS = 4;
const BATCH = 2_000;
const INGEST_BEFORE_SIGTERM_MS = 1_500;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const METRIC = 'cpu_utilization';
/** Every sample's timestamp lies after this, 1 ms apart within a client's series. */
const BASE_TS = Math.floor((Date.now() - 6 * 3_600_000) / 1000) * 1000;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'novacron-durability-'));
const schema = `dur_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
const queuePrefix = `test-${schema}`;
const children = new Set<ChildProcess>();

interface Server {
  child: ChildProcess;
  base: URL;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function startServer(): Promise<Server> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    NOVACRON_DATA_DIR: dataDir,
    NOVACRON_HOST: '127.0.0.1',
    NOVACRON_PORT: String(port),
    NOVACRON_LOG_LEVEL: 'warn',
    NOVACRON_RATE_LIMIT_MAX: '0',
    NOVACRON_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  };
  if (process.env.DATABASE_URL) Object.assign(env, { DATABASE_URL: process.env.DATABASE_URL, NOVACRON_DATABASE_SCHEMA: schema });
  if (process.env.REDIS_URL) Object.assign(env, { REDIS_URL: process.env.REDIS_URL, NOVACRON_QUEUE_PREFIX: queuePrefix });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const base = new URL(`http://127.0.0.1:${port}`);
  const server: Server = { child, base, exited, output: () => output.slice(-4_000) };

  // Ready once /ready answers 200 and the first admin key has been written.
  let gone = false;
  void exited.then(() => (gone = true));
  const agent = new http.Agent({ keepAlive: false });
  const deadline = Date.now() + 40_000;
  for (;;) {
    if (gone) throw new Error(`the server exited before it was ready:\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`the server was not ready within 40 s:\n${server.output()}`);
    const ready = await rawRequest(agent, base, { method: 'GET', path: '/ready' }, 2_000).catch(() => undefined);
    if (ready?.status === 200 && fs.existsSync(path.join(dataDir, 'admin.key'))) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The value of sample `i` of batch `b` of client `c`: deterministic, in [0, 1). */
function valueOf(c: number, seq: number): number {
  return ((seq * 7_919 + c * 104_729) % 1_000_003) / 1_000_003;
}

function batchBody(c: number, b: number): string {
  const samples = [];
  for (let i = 0; i < BATCH; i++) {
    const seq = b * BATCH + i;
    samples.push({ entity_id: `dur-${c}`, entity_type: 'node', metric: METRIC, timestamp: BASE_TS + seq, value: valueOf(c, seq) });
  }
  return JSON.stringify({ samples });
}

interface ClientLog {
  acked: Set<number>;
  unacked: Set<number>;
  /** How each batch ended: HTTP status or the connection error. */
  outcomes: Map<string, number>;
  /** 200s that did not accept the whole batch (a failure on their own). */
  partial: string[];
  /** Whether a request is on the wire right now. */
  inFlight: boolean;
}

async function readSeries(base: URL, key: string, c: number, to: number): Promise<{ ts: number; value: number }[]> {
  const agent = new http.Agent({ keepAlive: true });
  const points: { ts: number; value: number }[] = [];
  let from = BASE_TS;
  for (;;) {
    const r = await rawRequest(agent, base, {
      method: 'GET',
      path: `/api/v1/telemetry?entity_id=dur-${c}&metric=${METRIC}&from=${from}&to=${to}&limit=100000`,
      headers: { authorization: `Bearer ${key}` },
    });
    if (r.status === 404) break; // no series: nothing of this client's was stored
    expect(r.status, r.text).toBe(200);
    for (const p of r.json.points) points.push({ ts: Date.parse(p.timestamp), value: p.value });
    if (r.json.count < 100_000) break;
    from = points[points.length - 1].ts + 1;
  }
  agent.destroy();
  return points;
}

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (process.env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
  if (process.env.REDIS_URL) {
    const { Redis } = await import('ioredis');
    const redis = new Redis(process.env.REDIS_URL);
    const keys = await redis.keys(`${queuePrefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
});

describe(`durability across SIGTERM during ingest (${backend})`, () => {
  it('keeps every acknowledged sample exactly once, and a re-sent batch changes nothing', { timeout: 90_000 }, async () => {
    const started = performance.now();
    const first = await startServer();
    const key = fs.readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim();
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    // Four clients, each sending its own series as fast as the server acknowledges.
    let stop = false;
    const logs: ClientLog[] = Array.from({ length: CLIENTS }, () => ({ acked: new Set(), unacked: new Set(), outcomes: new Map(), partial: [], inFlight: false }));
    const client = async (c: number) => {
      const log = logs[c];
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (let b = 0; !stop; b++) {
        const body = batchBody(c, b);
        log.inFlight = true;
        let outcome: string;
        try {
          const r = await rawRequest(agent, first.base, { method: 'POST', path: '/api/v1/telemetry', headers, body }, 30_000);
          outcome = String(r.status);
          if (r.status === 200) {
            log.acked.add(b);
            if (r.json?.accepted !== BATCH || r.json?.rejected_count !== 0) log.partial.push(`client ${c} batch ${b}: ${r.text.slice(0, 300)}`);
          } else {
            log.unacked.add(b);
          }
        } catch (err) {
          outcome = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          log.unacked.add(b);
        }
        log.inFlight = false;
        log.outcomes.set(outcome, (log.outcomes.get(outcome) ?? 0) + 1);
        if (!log.acked.has(b)) await new Promise((r) => setTimeout(r, 10)); // no hot loop once the port is closed
      }
      agent.destroy();
    };
    const running = Array.from({ length: CLIENTS }, (_, c) => client(c));

    await new Promise((r) => setTimeout(r, INGEST_BEFORE_SIGTERM_MS));
    const ackedBeforeSigterm = logs.reduce((n, l) => n + l.acked.size, 0);
    const inFlightAtSigterm = logs.filter((l) => l.inFlight).length;
    const sigtermAt = performance.now();
    first.child.kill('SIGTERM');
    const exit = await Promise.race([
      first.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), SHUTDOWN_TIMEOUT_MS + 6_000)),
    ]);
    const shutdownMs = performance.now() - sigtermAt;
    stop = true;
    await Promise.all(running);

    const sent = logs.reduce((n, l) => n + l.acked.size + l.unacked.size, 0);
    const ackedTotal = logs.reduce((n, l) => n + l.acked.size, 0);
    const summary =
      `durability (${backend}): ${sent} batches of ${BATCH} sent, ${ackedBeforeSigterm} acknowledged before SIGTERM and ${ackedTotal - ackedBeforeSigterm} after it, ` +
      `${inFlightAtSigterm} in flight at SIGTERM; exit ${JSON.stringify(exit)} after ${Math.round(shutdownMs)} ms; outcomes ` +
      logs.map((l, c) => `client ${c}: ${[...l.outcomes].map(([k, n]) => `${k}×${n}`).join(' ')}`).join('; ');
    console.log(summary);

    expect(exit, `the server did not exit within ${SHUTDOWN_TIMEOUT_MS + 6_000} ms of SIGTERM:\n${first.output()}`).not.toBe('timeout');
    expect(exit, first.output()).toEqual({ code: 0, signal: null });
    expect(shutdownMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    // The test means something only if the shutdown really met load.
    for (const [c, l] of logs.entries()) expect(l.acked.size, `client ${c} got no batch acknowledged: ${summary}`).toBeGreaterThan(0);
    expect(ackedBeforeSigterm, summary).toBeGreaterThanOrEqual(CLIENTS);
    expect(inFlightAtSigterm, summary).toBeGreaterThanOrEqual(1);
    expect(logs.flatMap((l) => l.partial)).toEqual([]);

    // Restart on the same storage and read every series back.
    const second = await startServer();
    try {
      const to = BASE_TS + Math.max(...logs.map((l) => l.acked.size + l.unacked.size)) * BATCH + 1;
      let ackedSamples = 0;
      let unackedSamples = 0;
      let storedSamples = 0;
      for (let c = 0; c < CLIENTS; c++) {
        const log = logs[c];
        const points = await readSeries(second.base, key, c, to);
        storedSamples += points.length;
        ackedSamples += log.acked.size * BATCH;
        unackedSamples += log.unacked.size * BATCH;

        // No timestamp twice.
        const byTs = new Map<number, number>();
        for (const p of points) byTs.set(p.ts, p.value);
        expect(byTs.size, `client ${c}: a timestamp is stored twice`).toBe(points.length);

        // Every acknowledged sample is there with its value.
        const missing: number[] = [];
        const wrong: string[] = [];
        for (const b of log.acked) {
          for (let i = 0; i < BATCH; i++) {
            const seq = b * BATCH + i;
            const v = byTs.get(BASE_TS + seq);
            if (v === undefined) missing.push(seq);
            else if (v !== valueOf(c, seq)) wrong.push(`seq ${seq}: ${v} ≠ ${valueOf(c, seq)}`);
          }
        }
        expect(missing.length, `client ${c}: ${missing.length} acknowledged samples lost, e.g. batch ${Math.floor(missing[0] / BATCH)}`).toBe(0);
        expect(wrong.slice(0, 5), `client ${c}: stored values differ from those sent`).toEqual([]);

        // Everything stored was sent, with the value sent, and unacknowledged batches are all or nothing.
        const perBatch = new Map<number, number>();
        const strays: string[] = [];
        for (const p of points) {
          const seq = p.ts - BASE_TS;
          const b = Math.floor(seq / BATCH);
          if (!log.acked.has(b) && !log.unacked.has(b)) strays.push(`seq ${seq} was never sent`);
          else if (p.value !== valueOf(c, seq)) strays.push(`seq ${seq}: ${p.value} ≠ ${valueOf(c, seq)}`);
          perBatch.set(b, (perBatch.get(b) ?? 0) + 1);
        }
        expect(strays.slice(0, 5), `client ${c}: stored samples that were not sent like that`).toEqual([]);
        const partial = [...log.unacked].filter((b) => ![0, BATCH].includes(perBatch.get(b) ?? 0)).map((b) => `batch ${b}: ${perBatch.get(b)} of ${BATCH}`);
        expect(partial, `client ${c}: unacknowledged batches partly stored`).toEqual([]);
      }
      expect(storedSamples).toBeGreaterThanOrEqual(ackedSamples);
      expect(storedSamples).toBeLessThanOrEqual(ackedSamples + unackedSamples);
      console.log(
        `durability (${backend}): stored ${storedSamples} samples; acknowledged ${ackedSamples}, unacknowledged ${unackedSamples} ` +
          `(${storedSamples - ackedSamples} of them committed before their connection dropped); ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );

      // Idempotency: an acknowledged batch sent again stores nothing.
      const b = Math.min(...logs[0].acked);
      const agent = new http.Agent({ keepAlive: false });
      const again = await rawRequest(agent, second.base, { method: 'POST', path: '/api/v1/telemetry', headers, body: batchBody(0, b) });
      expect(again.status, again.text).toBe(200);
      expect(again.json).toMatchObject({ accepted: BATCH, stored: 0, duplicates: BATCH, rejected_count: 0 });
      const after = await readSeries(second.base, key, 0, to);
      expect(after.length).toBe(new Set(after.map((p) => p.ts)).size);
    } finally {
      second.child.kill('SIGTERM');
      const stopped = await Promise.race([second.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), SHUTDOWN_TIMEOUT_MS + 6_000))]);
      if (stopped === 'timeout') second.child.kill('SIGKILL');
    }
  });
});
