import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/http/app.js';
import { clusterFromSpecs } from '../src/optimization/cluster-inventory.js';
import { clusterRoutes } from '../src/optimization/cluster-routes.js';
import { backend, startEngine, type TestEngine, type TestResponse } from './helpers/engine.js';

const NOVACRON_GOALS = ['optimize_throughput', 'minimize_latency', 'balance_load', 'reduce_energy_consumption'];
const NOVACRON_CONSTRAINTS = { max_cpu_threshold: 0.85, max_memory_threshold: 0.8, min_availability: 0.99 };
/** What distributed_ai_service sends as cluster_data (contract §2B). */
const CLUSTER_DATA = {
  performance_metrics: { cpu_utilization: 0.5, memory_utilization: 0.4, network_utilization: 0.2, average_latency: 12.5, throughput: 1200, active_jobs: 3, queued_jobs: 0, energy_consumption: 5400 },
  active_jobs: [{ job_id: 'j1', job_type: 'training', priority: 1, resources: {}, runtime: 10, cluster_id: 'c1' }],
  cluster_utilization: { cpu: 0.5, memory: 0.4, network: 0.2 },
};
const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe(`cluster optimisation over HTTP (${backend})`, () => {
  let t: TestEngine;
  /** Requests go to the engine, which mounts the cluster routes and envelope pairs. */
  const call = (method: string, path: string, body?: unknown, key?: string): Promise<TestResponse> => t.request(method, path, { body, key: key ?? t.keys.operator });

  beforeAll(async () => {
    t = await startEngine({ NOVACRON_FAILURE_SCORE_INTERVAL_S: '0', NOVACRON_ANOMALY_LIVE: 'false' });

    // n1 runs four 8-core VMs busy at ~95 %; n2 and n3 one small idle VM each; n4 one VM without telemetry.
    const GiB = 1024;
    for (const id of ['n1', 'n2', 'n3', 'n4']) {
      const r = await t.request('POST', '/api/v1/nodes', { body: { id, capacity: { cpu_cores: 32, memory_mb: 128 * GiB }, power_idle_watts: 180, power_max_watts: 450 } });
      expect(r.status, r.text).toBe(201);
    }
    const vms = [
      ...['a1', 'a2', 'a3', 'a4'].map((id) => ({ id, node_id: 'n1', resources: { cpu_cores: 8, memory_mb: 16 * GiB } })),
      { id: 'b1', node_id: 'n2', resources: { cpu_cores: 4, memory_mb: 16 * GiB } },
      { id: 'c1', node_id: 'n3', resources: { cpu_cores: 4, memory_mb: 16 * GiB } },
      { id: 'd1', node_id: 'n4', resources: { cpu_cores: 4, memory_mb: 16 * GiB } },
    ];
    for (const vm of vms) {
      const r = await t.request('POST', '/api/v1/vms', { body: vm });
      expect(r.status, r.text).toBe(201);
    }
    // A day of 5-minute samples (288 per series).
    const now = Date.now();
    const timestamps = Array.from({ length: 288 }, (_, i) => new Date(now - (288 - i) * 300_000).toISOString());
    const series = (entity_id: string, metric: string, level: number) => ({ entity_id, entity_type: 'vm', metric, timestamps, values: timestamps.map((_, i) => level + 0.02 * Math.sin(i / 10)) });
    const ingest = await t.request('POST', '/api/v1/telemetry', {
      body: {
        series: [
          ...['a1', 'a2', 'a3', 'a4'].flatMap((id) => [series(id, 'cpu_utilization', 0.93), series(id, 'memory_utilization', 0.5)]),
          ...['b1', 'c1'].flatMap((id) => [series(id, 'cpu_utilization', 0.2), series(id, 'memory_utilization', 0.3)]),
        ],
      },
    });
    expect(ingest.status, ingest.text).toBe(200);
    expect(ingest.body.stored).toBe(12 * 288);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('POST /optimize/performance plans from the inventory and its telemetry, Go-safe', async () => {
    const started = performance.now();
    const r = await call('POST', '/optimize/performance', { cluster_id: 'default', performance_data: [CLUSTER_DATA], optimization_goals: NOVACRON_GOALS });
    const elapsed = performance.now() - started;
    expect(r.status, r.text).toBe(200);
    expect(elapsed).toBeLessThan(5_000); // the scheduler's hard timeout
    const b = r.body;
    expect(b).toMatchObject({ cluster_id: 'default', basis: 'fleet', source: 'inventory', insufficient_data: false });
    expect(b.data_coverage).toMatchObject({ hosts: 4, vms: 7, vms_measured: 6, vms_allocation_only: 1 });
    expect(b.timestamp).toMatch(RFC3339_Z);
    expect(Array.isArray(b.optimizations)).toBe(true);
    expect(b.implementation_priority).toEqual(b.optimizations.map((o: { type: string; target: string }) => `${o.type}:${o.target}`));
    for (const o of b.optimizations) {
      expect(Number.isInteger(o.priority)).toBe(true);
      expect(['low', 'medium', 'high', 'critical']).toContain(o.impact);
      expect(o.params).toBeTypeOf('object');
      expect(Array.isArray(o.reasons)).toBe(true);
    }
    // n1 is hot (four VMs at the p95 of ~0.95 × 8 cores): relieved to at most 85 %.
    const lb = b.optimizations.find((o: { type: string }) => o.type === 'load_balancing');
    expect(lb.target).toBe('n1');
    expect(lb.params.cpu_before).toBeGreaterThan(0.85);
    expect(lb.params.cpu_after).toBeLessThanOrEqual(0.85);
    const moves = b.optimizations.filter((o: { type: string }) => o.type === 'migration');
    expect(moves.length).toBeGreaterThanOrEqual(1);
    expect(moves[0].params).toMatchObject({ from: 'n1' });
    // The idle hosts are consolidated; energy priced at the nodes' stated 180 W idle.
    expect(b.expected_improvements.hosts_freed).toBeGreaterThanOrEqual(1);
    expect(b.expected_improvements.overloaded_hosts_before).toBe(1);
    expect(b.expected_improvements.overloaded_hosts_after).toBe(0);
    expect(b.notes.join(' ')).toContain('180 W idle');
    // The relieved host takes none of the consolidated VMs.
    for (const e of b.optimizations.filter((o: { type: string }) => o.type === 'energy_optimization')) for (const m of e.params.moves) expect(m.to).not.toBe('n1');
    expect(b.plan.verified).toBe(true);
    expect(b.plan.dropped).toEqual([]);
    expect(b.risk_assessment.overall_risk).toBeGreaterThanOrEqual(0);
    expect(b.risk_assessment.overall_risk).toBeLessThanOrEqual(1);
    expect(b.confidence).toBeGreaterThan(0.6);
  });

  it('POST /predict/migration ranks the targets and prices the move', async () => {
    const r = await call('POST', '/predict/migration', { vm_id: 'a1', source_host: 'n1', target_hosts: ['n2', 'n3', 'n4', 'elsewhere'], vm_metrics: { cpu_usage: 0.95, memory_usage: 0.5 } });
    expect(r.status, r.text).toBe(200);
    const b = r.body;
    expect(['n2', 'n3', 'n4']).toContain(b.recommended_host);
    expect(b.target_host).toBe(b.recommended_host);
    expect(b.prediction_time).toBeGreaterThan(0);
    expect(b.estimated_downtime).toBeGreaterThan(0);
    expect(b.migration_score).toBeGreaterThan(0.5);
    expect(b.network_impact).toMatchObject({ bandwidth_utilization: 0, latency_increase_ms: 0, packet_loss_rate: 0 });
    expect(Object.values(b.cost_analysis).every((x) => typeof x === 'number')).toBe(true);
    expect(b.reasons.length).toBeGreaterThan(0);
    expect(b.candidates.find((c: { host: string }) => c.host === 'elsewhere')).toMatchObject({ known: false });
    expect(b.timestamp).toMatch(RFC3339_Z);
  });

  it('answers performance_optimization/optimize_cluster in /api/v1/process with the §2A data', async () => {
    const r = await call('POST', '/api/v1/process', {
      id: 'req-1',
      service: 'performance_optimization',
      method: 'optimize_cluster',
      data: { cluster_id: 'distributed_supercompute', cluster_data: CLUSTER_DATA, goals: NOVACRON_GOALS, constraints: NOVACRON_CONSTRAINTS },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ id: 'req-1', success: true, model_version: 'cluster-optimizer-1.0.0' });
    const d = r.body.data;
    expect(r.body.confidence).toBe(d.confidence);
    expect(Array.isArray(d.recommendations)).toBe(true);
    expect(d.recommendations.length).toBeGreaterThan(0);
    for (const rec of d.recommendations) {
      expect(Object.keys(rec)).toEqual(expect.arrayContaining(['type', 'target', 'action', 'parameters', 'priority', 'impact', 'confidence']));
      expect(Number.isInteger(rec.priority)).toBe(true);
      expect(['load_balancing', 'resource_allocation', 'migration', 'energy_optimization', 'scaling']).toContain(rec.type);
    }
    expect(Object.values(d.expected_gains).every((x) => typeof x === 'number' && Number.isFinite(x))).toBe(true);
    expect(Object.values(d.expected_gains).some((x) => x !== 0)).toBe(true);
    expect(d.risk_assessment).toEqual({ overall_risk: expect.any(Number), risk_factors: expect.any(Array), mitigations: expect.any(Array), risk_breakdown: expect.any(Object) });
    expect(d.timestamp).toMatch(RFC3339_Z);

    // The v2 aliases.
    const alias = await call('POST', '/api/v1/process', { service: ' Performance ', method: 'optimize', data: { cluster_id: 'x', cluster_data: { hosts: [{ id: 'h', cpu_cores: 8, memory_gb: 32 }], vms: [] }, goals: ['balance_load'] } });
    expect(alias.body).toMatchObject({ success: true, data: { source: 'request', recommendations: [] } });
    const mig = await call('POST', '/api/v1/process', { service: 'migration', method: 'predict', data: { vm_id: 'a2', source_host: 'n1', target_hosts: ['n2', 'n3'] } });
    expect(mig.body.success, mig.text).toBe(true);
    expect(['n2', 'n3']).toContain(mig.body.data.recommended_host);
    expect(mig.body.confidence).toBe(mig.body.data.confidence);
  });

  it('refuses bad input with 4xx problem+json, and the envelope with success:false', async () => {
    const missing = await call('POST', '/optimize/performance', { performance_data: [] });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');

    const badHost = await call('POST', '/optimize/performance', { cluster_id: 'c', performance_data: [{ hosts: [{ id: 'h1', cpu_cores: 4 }] }] });
    expect(badHost.status).toBe(400);
    expect(badHost.headers.get('content-type')).toContain('application/problem+json');
    expect(badHost.body.errors[0].path).toBe('/body/performance_data/0/hosts/0');

    const badThreshold = await call('POST', '/optimize/performance', { cluster_id: 'c', performance_data: [], constraints: { max_cpu_threshold: 'high' } });
    expect(badThreshold.status).toBe(400);
    expect(badThreshold.body.errors[0].path).toBe('/body/constraints/max_cpu_threshold');

    const unknownVm = await call('POST', '/predict/migration', { vm_id: 'ghost', source_host: 'n1', target_hosts: ['n2'] });
    expect(unknownVm.status).toBe(422);
    expect(unknownVm.body.detail).toContain('memory_gb');

    const notList = await call('POST', '/predict/migration', { vm_id: 'a1', source_host: 'n1', target_hosts: 'n2' });
    expect(notList.status).toBe(400);

    const env = await call('POST', '/api/v1/process', { service: 'performance_optimization', method: 'optimize_cluster', data: { cluster_id: 'c', cluster_data: 'everything' } });
    expect(env.status).toBe(200);
    expect(env.body).toMatchObject({ success: false, confidence: 0 });
    expect(env.body.error).toContain('/data/cluster_data must be an object');

    const viewer = await call('POST', '/optimize/performance', { cluster_id: 'c', performance_data: [] }, t.keys.viewer);
    expect(viewer.status).toBe(403);
  });

  it('answers too little data with confidence 0, never invented numbers', async () => {
    // With hosts registered, an empty request still gets the registered fleet's plan.
    const r = await call('POST', '/optimize/performance', { cluster_id: 'c', performance_data: [{ hosts: [], active_jobs: [] }], optimization_goals: [] });
    expect(r.status, r.text).toBe(200);
    expect(r.body.source).toBe('inventory');
    // Without an inventory and without usable numbers: nothing recommended, confidence 0.
    const platform = t.engine.platform;
    const bare = await buildApp(platform, [clusterRoutes(platform, { loadCluster: async () => null })]);
    try {
      const res = await bare.inject({ method: 'POST', url: '/optimize/performance', headers: { authorization: `Bearer ${t.keys.operator}` }, payload: { cluster_id: 'c', performance_data: [{ active_jobs: [] }], optimization_goals: NOVACRON_GOALS } });
      expect(res.statusCode, res.body).toBe(200);
      const b = res.json();
      expect(b).toMatchObject({ optimizations: [], implementation_priority: [], expected_improvements: {}, confidence: 0, insufficient_data: true, basis: 'none' });
      expect(b.notes.join(' ')).toContain('insufficient data');
      // Aggregates only: recommendations from the averages, confidence capped at 0.65.
      const agg = await bare.inject({ method: 'POST', url: '/optimize/performance', headers: { authorization: `Bearer ${t.keys.operator}` }, payload: { cluster_id: 'c', performance_data: [{ performance_metrics: { cpu_utilization: 0.93, memory_utilization: 0.5 } }], optimization_goals: NOVACRON_GOALS } });
      const a = agg.json();
      expect(a.basis).toBe('aggregates');
      expect(a.optimizations.map((o: { type: string }) => o.type)).toEqual(['scaling']);
      expect(a.confidence).toBeLessThanOrEqual(0.65);
    } finally {
      await bare.close();
    }
  });

  it('plans only over the cluster the request names when nodes carry cluster labels', async () => {
    const platform = t.engine.platform;
    const hot = (id: string, on: string) => ({ id, host: on, cores: 8, memoryGiB: 16, usage: { cores: 7.8, memoryGiB: 8 } });
    const fleet = clusterFromSpecs(
      [
        { id: 'a1', cores: 16, memoryGiB: 64, cluster: 'alpha' },
        { id: 'a2', cores: 16, memoryGiB: 64, cluster: 'alpha' },
        { id: 'b1', cores: 16, memoryGiB: 64, cluster: 'beta' },
      ],
      [hot('x1', 'a1'), hot('x2', 'a1'), { id: 'y1', host: 'b1', cores: 2, memoryGiB: 4, usage: { cores: 0.2, memoryGiB: 1 } }],
    );
    const app = await buildApp(platform, [clusterRoutes(platform, { loadCluster: async () => fleet })]);
    try {
      const ask = async (cluster_id: string) => {
        const res = await app.inject({ method: 'POST', url: '/optimize/performance', headers: { authorization: `Bearer ${t.keys.operator}` }, payload: { cluster_id, performance_data: [], optimization_goals: NOVACRON_GOALS } });
        expect(res.statusCode, res.body).toBe(200);
        return res.json();
      };
      const alpha = await ask('alpha');
      expect(alpha.data_coverage).toMatchObject({ hosts: 2, vms: 2 });
      expect(alpha.notes.join(' ')).toContain('cluster "alpha": 2 of 3 registered node(s)');
      // a1 is hot; its VMs may only go to a2, never to beta's b1.
      const targets = alpha.optimizations.flatMap((o: { params: { to?: string; moves?: { to: string }[] } }) => [o.params.to, ...(o.params.moves ?? []).map((m) => m.to)]).filter(Boolean);
      expect(targets.length).toBeGreaterThan(0);
      for (const to of targets) expect(to).toBe('a2');
      const unknown = await ask('gamma');
      expect(unknown).toMatchObject({ insufficient_data: true, optimizations: [] });
      expect(unknown.notes.join(' ')).toContain('no registered node is in cluster "gamma"');
    } finally {
      await app.close();
    }
  });

  it('leaves the migration orchestrator\'s paths it does not implement at 404', async () => {
    for (const path of ['/predict/migration_time', '/optimize/migration_strategy', '/predict/failure_risk']) {
      const r = await call('POST', path, {});
      expect(r.status, path).toBe(404);
    }
  });
});
