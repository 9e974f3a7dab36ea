import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostModelManager, hostCursorKey, hostModelKey, type HostModelDeps } from '../src/anomaly/host-models/index.js';
import { backend, startEngine } from './helpers/engine.js';
import { Rng } from './helpers/prng.js';

type Engine = Awaited<ReturnType<typeof startEngine>>;
type Anomaly = { timestamp: string; detector: string; metric: string | null; affected_metrics: string[]; severity: string; description: string; anomaly_score: number };

const MIN = 60_000;
const DAY = 1440;
const HOST = 'mv-host-1';
const METRICS = ['cpu_utilization', 'network_rx_bytes_per_s', 'memory_utilization', 'disk_read_iops'];
const BROKEN = ['cpu_utilization', 'network_rx_bytes_per_s'];
/** Rows (minutes from the first sample). Training: two days and nine hours, ending where scoring starts. */
const TRAIN = 2 * DAY + 540;
/** Clean rows scored before the break. */
const CONTROL = { from: TRAIN, to: 2 * DAY + 690 };
/** cpu and network slide to their night-time level and back while memory and disk stay at midday load. */
const BREAK = { from: 2 * DAY + 690, to: 2 * DAY + 750 };
const ROWS = 2 * DAY + 800;
const SEED = 11;

/** Smooth 0 → 1 → 0 over the break: 20 minutes in, 20 held, 20 out, so no series jumps. */
function bump(i: number): number {
  if (i < BREAK.from || i >= BREAK.to) return 0;
  const k = i - BREAK.from;
  const ramp = (x: number) => Math.sin((Math.PI / 2) * Math.min(1, x / 20)) ** 2;
  return Math.min(ramp(k), ramp(BREAK.to - 1 - k));
}

/**
 * One host's four metrics at one-minute steps, driven by a shared daily load cycle plus
 * short-lived noise (seeded). In BREAK cpu and network drop by 0.25 of load: every value stays
 * inside its own daily range, only the pair's relation to memory and disk breaks.
 */
function hostTelemetry(start: number, seed: number): { timestamps: number[]; values: number[] }[] {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const out = METRICS.map(() => ({ timestamps: [] as number[], values: [] as number[] }));
  let ar = 0;
  for (let i = 0; i < ROWS; i++) {
    ar = 0.7 * ar + 0.015 * normal();
    const load = 0.5 + 0.3 * Math.sin((2 * Math.PI * i) / DAY) + ar;
    const pair = load - 0.25 * bump(i);
    const values = [0.15 + 0.6 * pair + 0.01 * normal(), 1e6 * (0.2 + 1.5 * pair) + 2e4 * normal(), 0.35 + 0.3 * load + 0.01 * normal(), 200 + 400 * load + 8 * normal()];
    values.forEach((v, k) => {
      // Scrapes land a few seconds into their minute; about one in a hundred is missed.
      if (rng.chance(0.01)) return;
      out[k].timestamps.push(start + i * MIN + rng.int(3000));
      out[k].values.push(v);
    });
  }
  return out;
}

describe(`per-host multivariate models on stored telemetry (${backend})`, () => {
  let t: Engine;
  let deps: HostModelDeps;
  let series: { timestamps: number[]; values: number[] }[];
  const start = Math.floor((Date.now() - (ROWS + 30) * MIN) / MIN) * MIN;
  const at = (row: number) => start + row * MIN;

  async function multivariate(): Promise<Anomaly[]> {
    await t.engine.anomaly.pipeline.flush();
    const r = await t.request('GET', `/api/v1/anomalies?entity_id=${HOST}&limit=500`, { key: t.keys.viewer });
    expect(r.status).toBe(200);
    return (r.body.items as Anomaly[]).filter((a) => a.detector === 'multivariate');
  }

  beforeAll(async () => {
    t = await startEngine();
    const node = await t.request('POST', '/api/v1/nodes', { body: { id: HOST, rack: 'r1', capacity: { cpu_cores: 32, memory_mb: 131072 } } });
    expect(node.status).toBe(201);
    await t.engine.anomaly.topology.refresh();
    series = hostTelemetry(start, SEED);
    for (let i = 0; i < ROWS; i += 2000) {
      const body = { series: series.map((s, k) => ({ entity_id: HOST, entity_type: 'node', metric: METRICS[k], timestamps: s.timestamps.filter((ts) => ts >= at(i) && ts < at(i + 2000)), values: s.values.filter((_, j) => s.timestamps[j] >= at(i) && s.timestamps[j] < at(i + 2000)) })) };
      const r = await t.request('POST', '/api/v1/telemetry', { body });
      expect(r.status).toBe(200);
    }
    const { store } = t.engine.platform;
    deps = { store, telemetry: t.engine.telemetry, pipeline: () => t.engine.anomaly.pipeline, logger: t.engine.platform.logger };
  }, 60_000);
  afterAll(async () => t?.close());

  it('finds a correlation break inside each metric\'s normal range, names the broken pair, stays quiet on clean rows, and does not re-report after a restart', async () => {
    const manager = new HostModelManager(deps);
    const fitted = await manager.fitAll(at(TRAIN));
    expect(fitted).toHaveLength(1);
    const fit = fitted[0];
    expect(fit).toMatchObject({ hostId: HOST, stepMs: MIN, metrics: [...METRICS].sort(), members: ['iforest', 'ocsvm', 'pca'] });
    expect(fit.rows).toBeGreaterThan(TRAIN - 5);
    expect(fit.modelBytes).toBeLessThan(1_000_000);
    const saved = new Set((await t.engine.platform.store.anomalies.loadCheckpoints()).map((c) => c.key));
    expect(saved.has(hostModelKey(HOST)) && saved.has(hostCursorKey(HOST))).toBe(true);

    // Live: a scoring run every ten minutes of data time, and a restart half-way through the break:
    // the new manager takes the model and the cursor (with the open episode) from the checkpoints.
    const restartAt = BREAK.from + 30;
    for (let row = TRAIN + 10; row <= restartAt; row += 10) await manager.scoreAll(at(row));
    const restarted = new HostModelManager(deps);
    await restarted.load();
    expect(restarted.hosts()).toEqual([HOST]);
    expect(restarted.info(HOST)!.lastScoredTs).toBe(manager.info(HOST)!.lastScoredTs);
    for (let row = restartAt + 10; row <= ROWS + 10; row += 10) await restarted.scoreAll(at(row));
    expect(await restarted.scoreAll(at(ROWS + 20))).toBe(0);

    const found = await multivariate();
    const inBreak = found.filter((a) => Date.parse(a.timestamp) >= at(BREAK.from) && Date.parse(a.timestamp) < at(BREAK.to + 5));
    expect(inBreak, JSON.stringify(found)).toHaveLength(1);
    const a = inBreak[0];
    expect(a.metric).toBeNull();
    expect([...a.affected_metrics.slice(0, 2)].sort()).toEqual([...BROKEN].sort());
    expect(['low', 'medium', 'high', 'critical']).toContain(a.severity);
    expect(a.anomaly_score).toBeGreaterThanOrEqual(0.2);
    expect(a.description.length).toBeGreaterThan(0);
    const control = found.filter((x) => Date.parse(x.timestamp) >= at(CONTROL.from) && Date.parse(x.timestamp) < at(CONTROL.to));
    expect(control.length, JSON.stringify(control)).toBeLessThanOrEqual(1);
    // Each broken value stayed inside its own training range: only the relation was abnormal.
    for (const metric of BROKEN) {
      const s = series[METRICS.indexOf(metric)];
      const train = s.values.filter((_, j) => s.timestamps[j] < at(TRAIN));
      const broken = s.values.filter((_, j) => s.timestamps[j] >= at(BREAK.from) && s.timestamps[j] < at(BREAK.to));
      expect(Math.min(...broken)).toBeGreaterThan(Math.min(...train));
      expect(Math.max(...broken)).toBeLessThan(Math.max(...train));
    }
  });
});
