/**
 * Shared plumbing for the HTTP benchmarks: a compiled build of the engine, child servers on free
 * ports with their own data directories, readiness checks, peak-RSS and CPU sampling from /proc,
 * and cleanup of every child (and every registered resource) on exit, error, SIGINT or SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// ---------------------------------------------------------------------------------------------
// Cleanup registry
// ---------------------------------------------------------------------------------------------

type Cleanup = () => Promise<void> | void;
const cleanups: { name: string; fn: Cleanup }[] = [];
const liveChildren = new Set<ChildProcess>();
let cleaning: Promise<void> | undefined;

/** Registers an async cleanup; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(name: string, fn: Cleanup): () => Promise<void> {
  const entry = { name, fn };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i < 0) return;
    cleanups.splice(i, 1);
    await fn();
  };
}

/** Runs every registered cleanup, newest first. Safe to call more than once. */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const { name, fn } = cleanups.pop()!;
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup "${name}" failed: ${(err as Error).message}`);
      }
    }
  })();
  return cleaning;
}

let handlersInstalled = false;
/** SIGINT/SIGTERM/uncaught errors clean up and exit; a plain exit kills any child left alive. */
export function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const bail = (code: number, why: string) => {
    console.error(`\n${why}: stopping child processes and cleaning up…`);
    const hard = setTimeout(() => {
      for (const c of liveChildren) c.kill('SIGKILL');
      process.exit(code);
    }, 30_000);
    hard.unref();
    void cleanupAll().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => bail(130, 'SIGINT'));
  process.on('SIGTERM', () => bail(143, 'SIGTERM'));
  process.on('uncaughtException', (err) => {
    console.error(err);
    bail(1, 'uncaught exception');
  });
  process.on('unhandledRejection', (err) => {
    console.error(err);
    bail(1, 'unhandled rejection');
  });
  process.on('exit', () => {
    for (const c of liveChildren) c.kill('SIGKILL');
  });
}

// ---------------------------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------------------------

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSourceMtime(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function fresh(entry: string, newest: number): boolean {
  return fs.existsSync(entry) && fs.statSync(entry).mtimeMs >= newest;
}

/**
 * The compiled CLI entry to benchmark. `dist/` is used when it is newer than every source file;
 * otherwise the sources are compiled into `bench/.cache/build/dist` (git-ignored), so a benchmark
 * never rewrites the shared `dist/` under someone else's feet. Type errors in work in progress
 * are reported but do not stop the run as long as tsc emitted the entry point.
 */
export function compiledEntry(): { entry: string; note: string } {
  const newest = Math.max(newestSourceMtime(path.join(ROOT, 'src')), fs.statSync(path.join(ROOT, 'package.json')).mtimeMs);
  const dist = path.join(ROOT, 'dist/cli/main.js');
  if (fresh(dist, newest)) return { entry: dist, note: 'dist/ (up to date)' };
  const buildRoot = path.join(ROOT, 'bench/.cache/build');
  const entry = path.join(buildRoot, 'dist/cli/main.js');
  if (fresh(entry, newest)) return { entry, note: 'bench/.cache/build (up to date)' };
  fs.mkdirSync(buildRoot, { recursive: true });
  // src/version.ts reads ../package.json relative to the compiled file.
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(buildRoot, 'package.json'));
  console.error('dist/ is older than src/: compiling into bench/.cache/build (tsc, ~30 s)…');
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT, '--outDir', path.join(buildRoot, 'dist')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (!fs.existsSync(entry)) throw new Error(`tsc produced no ${entry}:\n${tsc.stdout}${tsc.stderr}`);
  if (tsc.status !== 0) {
    const lines = `${tsc.stdout}${tsc.stderr}`.trim().split('\n');
    console.error(`warning: tsc reported ${lines.filter((l) => l.includes('error TS')).length} type error(s) (work in progress?); benchmarking what it emitted:`);
    console.error(lines.slice(0, 10).map((l) => `  ${l}`).join('\n'));
  }
  const now = new Date();
  fs.utimesSync(entry, now, now);
  return { entry, note: 'bench/.cache/build (compiled now)' };
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onCleanup(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  name: string;
  /** The last lines the child wrote (stdout and stderr), for error messages. */
  tail(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(name: string, command: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Child {
  const proc = spawn(command, args, { env: opts.env, cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  liveChildren.add(proc);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(l);
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code, signal) => {
      liveChildren.delete(proc);
      resolve(code ?? (signal ? -1 : null));
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 20_000) => {
    stopping ??= (async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    })();
    return stopping;
  };
  const unregister = onCleanup(`stop ${name}`, () => stop());
  void exited.then(() => unregister());
  return { proc, pid: proc.pid, name, tail: () => lines.join('\n'), exited, stop };
}

/** GET until it answers `okStatus`; fails early when the child exits. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 60_000, okStatus = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  let last = '';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited before it was ready:\n${child.tail()}`);
    try {
      const res = await httpRequest('GET', url);
      if (res.status === okStatus) return;
      last = `HTTP ${res.status} ${res.body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${child.name} not ready at ${url} after ${timeoutMs} ms (${last}):\n${child.tail()}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A one-off request (no keep-alive); for probes and correctness checks, not for load. */
export function httpRequest(method: string, url: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// The engine as a child process
// ---------------------------------------------------------------------------------------------

export interface Engine extends Child {
  url: string;
  key: string;
  dataDir: string;
}

/** Environment for a child engine: the parent's, minus every engine setting, plus `settings`. */
export function engineEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('NOVACRON_') || k === 'DATABASE_URL' || k === 'REDIS_URL' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, NODE_ENV: 'production', ...settings };
}

export async function startEngine(opts: { entry: string; name: string; settings?: Record<string, string>; nodeArgs?: string[] }): Promise<Engine> {
  const port = await freePort();
  const dataDir = tempDir('novacron-bench-');
  const env = engineEnv({
    NOVACRON_HOST: '127.0.0.1',
    NOVACRON_PORT: String(port),
    NOVACRON_DATA_DIR: dataDir,
    NOVACRON_LOG_LEVEL: 'warn',
    NOVACRON_RATE_LIMIT_MAX: '0',
    ...opts.settings,
  });
  const child = startChild(opts.name, process.execPath, [...(opts.nodeArgs ?? []), opts.entry, 'serve'], { env });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${url}/ready`, 120_000);
  const keyFile = path.join(dataDir, 'admin.key');
  const deadline = Date.now() + 10_000;
  while (!fs.existsSync(keyFile) && Date.now() < deadline) await sleep(50);
  if (!fs.existsSync(keyFile)) throw new Error(`${opts.name}: no admin key at ${keyFile}:\n${child.tail()}`);
  const key = fs.readFileSync(keyFile, 'utf8').trim();
  return { ...child, url, key, dataDir };
}

// ---------------------------------------------------------------------------------------------
// /proc sampling
// ---------------------------------------------------------------------------------------------

const CLK_TCK = 100;

/** Resident set now and the high-water mark, in MiB; undefined once the process is gone. */
export function readRss(pid: number): { rssMb: number; hwmMb: number } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(s)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds the process has used so far. */
export function readCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by every live process whose command name is `comm` (e.g. all PostgreSQL backends). */
export function readCommCpuSeconds(comm: string): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== comm) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    } catch {
      /* the process ended meanwhile */
    }
  }
  return total;
}

/** Busy and total jiffies of the whole machine, for "how busy were both cores". */
export function readHostCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Polls VmRSS/VmHWM every `everyMs`; `stop()` returns the peak seen (including the kernel's high-water mark). */
export function watchRss(pid: number, everyMs = 50): { stop(): number } {
  let peak = 0;
  const poll = () => {
    const r = readRss(pid);
    if (r) peak = Math.max(peak, r.rssMb, r.hwmMb);
  };
  poll();
  const t = setInterval(poll, everyMs);
  return {
    stop() {
      clearInterval(t);
      poll();
      return peak;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers and tables
// ---------------------------------------------------------------------------------------------

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}
