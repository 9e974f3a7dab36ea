import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/random.js';
import type { DetectedAnomaly } from '../anomaly-pipeline.js';
import { HostModelManager, multivariateScore, type HostModelDeps } from './host-model-manager.js';
import { hostCursorKey, hostModelKey } from './host-model-checkpoint.js';

const MIN = 60_000;
const DAY_ROWS = 1440;
const T0 = 1_699_999_980_000; // a multiple of a minute
const HOST = 'host-1';
/** Rows (minutes from T0) where cpu and network act as if it were night while memory and disk do not. */
const BREAK = { from: 2880 + 720, to: 2880 + 732 };
/**
 * Training rows: two days and nine hours, so the rows held out to calibrate span the third day's
 * peak; scoring then runs through the falling half of the day, where the break sits.
 */
const TRAIN = 2880 + 540;

/**
 * Four metrics of one host driven by one daily load cycle: cpu and network rise and fall with
 * memory and disk. In BREAK cpu and network drop to their night-time level at midday load — each
 * inside its normal range, the pair against the other two.
 */
function telemetry(rows: number, seed: number): Map<string, { ts: number[]; values: number[] }> {
  const rng = new Random(seed);
  const out = new Map(['cpu_utilization', 'network_rx_bytes_per_s', 'memory_utilization', 'disk_read_iops'].map((m) => [m, { ts: [] as number[], values: [] as number[] }]));
  let ar = 0;
  for (let i = 0; i < rows; i++) {
    ar = 0.7 * ar + 0.015 * rng.normal();
    const load = 0.5 + 0.3 * Math.sin((2 * Math.PI * i) / DAY_ROWS) + ar;
    const broken = i >= BREAK.from && i < BREAK.to ? 0.2 + ar : load;
    const values = [0.15 + 0.6 * broken + 0.01 * rng.normal(), 1e6 * (0.2 + 1.5 * broken) + 2e4 * rng.normal(), 0.35 + 0.3 * load + 0.01 * rng.normal(), 200 + 400 * load + 8 * rng.normal()];
    // Scrapes a few seconds late, and one missed now and then.
    let k = 0;
    for (const s of out.values()) {
      const v = values[k++];
      if (rng.float() < 0.01) continue;
      s.ts.push(T0 + i * MIN + Math.round(3000 * rng.float()));
      s.values.push(v);
    }
  }
  return out;
}

/** In-memory stand-ins for the store, telemetry and pipeline. */
function fakes(series: Map<string, { ts: number[]; values: number[] }>, nodes: string[] = [HOST]) {
  const checkpoints = new Map<string, string>();
  const recorded: DetectedAnomaly[] = [];
  let visibleUntil = Infinity; // samples at or after this are "not ingested yet"
  const deps: Omit<HostModelDeps, 'options'> = {
    logger: pino({ level: 'silent' }),
    pipeline: {
      record: (d) => {
        recorded.push(d);
        return null;
      },
    },
    store: {
      inventory: { listNodes: async (f) => ({ items: nodes.slice(f.offset, f.offset + f.limit).map((id) => ({ id }) as never), total: nodes.length }) },
      anomalies: {
        saveCheckpoints: async (entries) => {
          for (const e of entries) checkpoints.set(e.key, e.state);
        },
        loadCheckpoints: async () => [...checkpoints].map(([key, state]) => ({ key, state, updated_at: 0 })),
        deleteCheckpoints: async (keys) => {
          for (const k of keys) checkpoints.delete(k);
        },
      },
    },
    telemetry: {
      listSeries: async (entityId) => (entityId === HOST ? [...series.keys()].sort().map((metric, id) => ({ id, entity_id: HOST, entity_type: 'node', metric, created_at: 0 })) : []),
      read: async (q) => {
        const s = q.entityId === HOST ? series.get(q.metric) : undefined;
        if (!s) return undefined;
        const points: { ts: number; value: number }[] = [];
        for (let i = 0; i < s.ts.length; i++) if (s.ts[i] >= q.from && s.ts[i] < Math.min(q.to, visibleUntil)) points.push({ ts: s.ts[i], value: s.values[i] });
        return { series: { id: 0, entity_id: HOST, entity_type: 'node', metric: q.metric, created_at: 0 }, points: q.latest ? points.slice(-q.limit) : points.slice(0, q.limit) };
      },
    },
  };
  return { deps, checkpoints, recorded, setVisibleUntil: (t: number) => (visibleUntil = t) };
}

const OPTIONS = { modelParams: { threads: 1 } };

describe('HostModelManager', () => {
  const series = telemetry(TRAIN + 260, 7);
  let f: ReturnType<typeof fakes>;
  let manager: HostModelManager;

  beforeAll(async () => {
    f = fakes(series);
    manager = new HostModelManager({ ...f.deps, options: OPTIONS });
  });

  it('fits a host on its aligned series and checkpoints the model beside its cursor', async () => {
    const now = T0 + TRAIN * MIN;
    const report = await manager.fitHost(HOST, now);
    expect(report).not.toBeNull();
    expect(report!.stepMs).toBe(MIN);
    expect(report!.metrics).toEqual(['cpu_utilization', 'disk_read_iops', 'memory_utilization', 'network_rx_bytes_per_s']);
    expect(report!.members).toEqual(['iforest', 'ocsvm', 'pca']);
    // Every row but the last, whose minute is not settled at `now`.
    expect(report!.rows).toBe(TRAIN - 1);
    expect(report!.trainedTo).toBe(T0 + (TRAIN - 2) * MIN);
    expect(report!.modelBytes).toBeGreaterThan(1000);
    expect(f.checkpoints.has(hostModelKey(HOST))).toBe(true);
    expect(JSON.parse(f.checkpoints.get(hostCursorKey(HOST))!)).toEqual({ lastScoredTs: T0 + (TRAIN - 2) * MIN, episode: null });
    expect(manager.info(HOST)!.expected[2]).toBeGreaterThan(0.35); // memory's median level
  });

  it('reports the correlation break once, at its peak, naming the two broken metrics, and nothing in the clean rows', async () => {
    // Live: one scoring run a minute, each seeing what has been ingested by then.
    for (let m = TRAIN + 1; m <= TRAIN + 250; m++) {
      const now = T0 + m * MIN;
      f.setVisibleUntil(now);
      await manager.scoreAll(now);
    }
    const inBreak = f.recorded.filter((d) => d.ts >= T0 + BREAK.from * MIN && d.ts < T0 + (BREAK.to + 5) * MIN);
    expect(inBreak).toHaveLength(1);
    const a = inBreak[0];
    expect(a).toMatchObject({ entityId: HOST, entityType: 'node', metric: null, detector: 'multivariate', value: null, expected: null });
    expect(a.persistencePoints).toBeGreaterThanOrEqual(3);
    expect(a.persistenceSeconds).toBe(a.persistencePoints * 60);
    expect(a.score).toBeGreaterThanOrEqual(0.2); // p ≤ 1 %
    expect(a.score).toBeLessThanOrEqual(1);
    expect(a.metrics.slice(0, 2).map((m) => m.name).sort()).toEqual(['cpu_utilization', 'network_rx_bytes_per_s']);
    const cpu = a.metrics.find((m) => m.name === 'cpu_utilization')!;
    expect(cpu.value).toBeLessThan(cpu.expected);
    expect(a.window!.values.length).toBeGreaterThan(10);
    // ~240 clean rows at p = 1 % alarm on a few rows at most: one short episode at most (none for seeds 1–8).
    expect(f.recorded.length - inBreak.length).toBeLessThanOrEqual(1);
    expect(manager.info(HOST)!.lastScoredTs).toBe(T0 + (TRAIN + 248) * MIN);
  });

  it('a restarted manager resumes from the checkpointed cursor and reports nothing twice', async () => {
    const restarted = new HostModelManager({ ...f.deps, options: OPTIONS });
    await restarted.load();
    expect(restarted.hosts()).toEqual([HOST]);
    expect(restarted.info(HOST)!.lastScoredTs).toBe(manager.info(HOST)!.lastScoredTs);
    const before = f.recorded.length;
    const now = T0 + (TRAIN + 250) * MIN;
    expect(await restarted.scoreAll(now)).toBe(0);
    expect(f.recorded.length).toBe(before);
    // The reloaded model scores as the fitted one did.
    expect(restarted.info(HOST)!.metrics).toEqual(manager.info(HOST)!.metrics);
  });

  it('skips a backlog beyond maxScoreRows and says so', async () => {
    const g = fakes(series);
    const m = new HostModelManager({ ...g.deps, options: { ...OPTIONS, maxScoreRows: 20 } });
    await m.fitHost(HOST, T0 + TRAIN * MIN);
    const r = await m.scoreHost(HOST, T0 + (TRAIN + 160) * MIN);
    expect(r.rows).toBe(20);
    expect(r.skipped).toBe(160 - 20);
    expect(m.info(HOST)!.lastScoredTs).toBe(T0 + (TRAIN + 158) * MIN);
  });

  it('fits nothing for a host with too little data, and fitAll refits only hosts that are due', async () => {
    const g = fakes(series, [HOST, 'empty-host']);
    const m = new HostModelManager({ ...g.deps, options: { ...OPTIONS, minRows: 500 } });
    expect(await m.fitHost(HOST, T0 + 400 * MIN)).toBeNull();
    expect(await m.fitHost('empty-host', T0 + 1440 * MIN)).toBeNull();
    const first = await m.fitAll(T0 + 1440 * MIN);
    expect(first.map((r) => r.hostId)).toEqual([HOST]);
    // Within the refit interval (and the empty host's retry hour): nothing to do.
    expect(await m.fitAll(T0 + 1470 * MIN)).toEqual([]);
    const progress: [number, number][] = [];
    const later = await m.fitAll(T0 + (2 * 1440 + 5) * MIN, (d, t) => progress.push([d, t]));
    expect(later.map((r) => r.hostId)).toEqual([HOST]);
    expect(progress).toEqual([[0, 2], [1, 2], [2, 2]]);
  });

  it('maps p onto the engine score scale', () => {
    // The streaming detector's scale: 8 decades of surprise per unit of score.
    expect(multivariateScore(2)).toBeCloseTo(0.25, 12); // p = 1 %
    expect(multivariateScore(4)).toBeCloseTo(0.5, 12); // p = 1e-4, the default alarm threshold
    expect(multivariateScore(6.4)).toBeCloseTo(0.8, 12);
    expect(multivariateScore(40)).toBe(1);
    expect(multivariateScore(0)).toBe(0);
  });
});
