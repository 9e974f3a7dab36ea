import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSimulation, FleetSimulator } from '../src/sim/index.js';
import { backend, startEngine } from './helpers/engine.js';

type Engine = Awaited<ReturnType<typeof startEngine>>;
const MINUTE = 60_000;

describe(`simulated fleet through the HTTP API (${backend})`, () => {
  let t: Engine;

  beforeAll(async () => {
    t = await startEngine();
  }, 60_000);
  afterAll(async () => t?.close());

  it('ingests a small simulated fleet: inventory, every sample and the events are stored', async () => {
    // Six hours ending a minute ago: within retention, nothing in the future.
    const end = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    const sim = new FleetSimulator({ seed: 3, hosts: 3, days: 0.25, start: end - 6 * 60 * MINUTE, failuresPerHostDay: 2, maintenancePerHostDay: 1 });
    const summary = await exportSimulation(sim, { post: { url: t.url, apiKey: t.keys.operator }, maxSamples: 20_000, maxInventoryBatch: 5_000 });
    await t.engine.telemetry.drain();

    expect(summary.posted).toMatchObject({ nodes: 3, vms: summary.vms, accepted: summary.samples, stored: summary.samples, rejected: 0 });
    expect(summary.bodies).toBeGreaterThan(1);

    const nodes = await t.request('GET', '/api/v1/nodes?limit=10', { key: t.keys.viewer });
    expect(nodes.body.total).toBe(3);
    const vms = await t.request('GET', `/api/v1/vms?node_id=${sim.fleet.hosts[0].id}`, { key: t.keys.viewer });
    expect(vms.body.total).toBe(sim.fleet.vmsByHost[0].length);

    // Every sample of one host's series is there, at the simulator's timestamps and values.
    const host = sim.fleet.hosts[1].id;
    const expected = [...sim.hostBlocks(1, 1000)].flatMap((b) => b.series).filter((s) => s.metric === 'smart_5_raw' || s.metric === 'cpu_utilization');
    for (const metric of ['cpu_utilization', 'smart_5_raw']) {
      const want = expected.filter((s) => s.metric === metric && s.entity_id === host);
      const timestamps = want.flatMap((s) => s.timestamps);
      const values = want.flatMap((s) => s.values);
      const got = await t.request('GET', `/api/v1/telemetry?entity_id=${host}&metric=${metric}&from=${sim.options.start}&to=${sim.end}&limit=100000`, { key: t.keys.viewer });
      expect(got.status, got.text).toBe(200);
      expect(got.body.count).toBe(timestamps.length);
      expect(got.body.points.map((p: { timestamp: string }) => Date.parse(p.timestamp))).toEqual(timestamps);
      expect(got.body.points.map((p: { value: number }) => p.value)).toEqual(values);
    }

    const events = await t.request('GET', '/api/v1/events?limit=1000', { key: t.keys.viewer });
    expect(sim.latestEvents().length).toBeGreaterThan(0);
    expect(events.body.total).toBe(sim.latestEvents().length);
    expect(summary.posted!.events).toBe(sim.latestEvents().length);
  }, 30_000);
});
