import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetSimulator } from './fleet-simulator.js';
import { truthToJson } from './ground-truth.js';

const root = path.resolve(import.meta.dirname, '../..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'novacron-sim-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, NOVACRON_LOG_LEVEL: 'silent', NOVACRON_DATA_DIR: out },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('novacron-ai simulate', { timeout: 60_000 }, () => {
  it('writes telemetry, inventory, events and truth: the same bytes as the library', () => {
    const dir = path.join(out, 'run');
    const r = cli(['simulate', '--seed', '5', '--hosts', '3', '--days', '1', '--step', '300', '--batch', '2000', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('3 hosts');
    expect(r.stdout).toMatch(/\d+ samples in \d+ bodies/);

    const sim = new FleetSimulator({ seed: 5, hosts: 3, days: 1, stepSeconds: 300 });
    const lines = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean);
    const telemetry = lines('telemetry.ndjson');
    expect(telemetry.length).toBeGreaterThan(1);
    expect(telemetry).toEqual([...sim.ingestBodies(2000)].map((b) => JSON.stringify(b)));
    expect(lines('events.ndjson')).toEqual(sim.events().map((e) => JSON.stringify(e)));
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'inventory.json'), 'utf8'))).toEqual(sim.inventory());
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8'))).toEqual(truthToJson(sim.truth()));
  });

  it('explains what it needs with exit code 2', () => {
    const r = cli(['simulate', '--hosts', 'many', '--out', path.join(out, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--hosts must be a number');
    expect(r.stderr).toContain('novacron-ai simulate');
  });
});
