import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { RETENTION_JOB } from '../src/telemetry/index.js';
import { backend, eventually, startEngine } from './helpers/engine.js';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'novacron-cli-'));
const schema = `cli_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
const env = {
  ...process.env,
  NOVACRON_DATA_DIR: dataDir,
  NOVACRON_DATABASE_SCHEMA: schema,
  NOVACRON_QUEUE_PREFIX: `test-${schema}`,
  NOVACRON_LOG_LEVEL: 'silent',
};

function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (process.env.DATABASE_URL) {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  }
});

describe(`novacron-ai command line (${backend})`, { timeout: 120_000 }, () => {
  it('migrates, then reports the database up to date', () => {
    const first = cli(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied: 0001-initial|up to date/);
    expect(cli(['migrate']).stdout).toBe('database is up to date');
  });

  it('creates, lists and revokes keys', () => {
    const created = cli(['keys', 'create', '--name', 'ops', '--role', 'operator']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^nck_[a-z0-9]{12}_[A-Za-z0-9_-]{32}$/);
    const id = created.stdout.split('_')[1];
    const list = cli(['keys', 'list']);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('operator');
    expect(list.stdout).not.toContain(created.stdout);
    expect(cli(['keys', 'revoke', id]).code).toBe(0);
    expect(cli(['keys', 'list']).stdout).toMatch(new RegExp(`${id}.*revoked`));
    expect(cli(['keys', 'revoke', id]).code).toBe(2);
  });

  it('explains usage errors and bad configuration with exit code 2', () => {
    expect(cli(['keys', 'create', '--name', 'x', '--role', 'root']).code).toBe(2);
    expect(cli(['frobnicate']).code).toBe(2);
    const bad = cli(['migrate'], { NOVACRON_PORT: 'eighty' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('NOVACRON_PORT');
    expect(cli(['--help']).stdout).toContain('novacron-ai serve');
  });

  it.skipIf(!process.env.REDIS_URL)('runs jobs in a separate `worker` process on Redis', async () => {
    const t = await startEngine({ NOVACRON_RUN_WORKER: 'false', NOVACRON_QUEUE_PREFIX: `test-${schema}` });
    const worker = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], { cwd: root, env: { ...env, NOVACRON_QUEUE_PREFIX: `test-${schema}` }, stdio: 'ignore' });
    try {
      const job = await t.request('POST', '/api/v1/jobs', { body: { type: RETENTION_JOB } });
      expect(job.status).toBe(202);
      expect(job.body.backend).toBe('bullmq');
      const done = await eventually(async () => {
        const j = await t.request('GET', `/api/v1/jobs/${job.body.id}`);
        return j.body.state === 'completed' ? j.body : undefined;
      }, 30_000);
      expect(done.result).toMatchObject({ retention_days: 30 });
    } finally {
      worker.kill('SIGTERM');
      await t.close();
    }
  });
});
