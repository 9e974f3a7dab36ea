import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_WORKLOADS, MAX_NODES } from '../src/placement/schemas.js';
import { backend, startEngine, type TestEngine } from './helpers/engine.js';

const MINUTE = 60_000;
const OBJECTIVES = ['performance', 'cost', 'efficiency', 'sustainability'] as const;

/** A seed-shaped node with enough of everything, overridable. */
const seedNode = (node_id: string, over: Record<string, unknown> = {}) => ({
  node_id,
  cpu_cores_available: 32,
  memory_available: 128,
  storage_available: 1000,
  cpu_utilization: 0.3,
  memory_utilization: 0.4,
  network_latency: 5,
  datacenter: 'dc1',
  temperature: 40,
  failure_history: 0,
  security_level: 3,
  ...over,
});

const workload = (over: Record<string, unknown> = {}) => ({ workload_id: 'w1', cpu_cores: 4, memory_gb: 8, ...over });

type Candidate = { node_id: string; score: number; objective_scores: Record<(typeof OBJECTIVES)[number], number>; constraints_satisfied: boolean; [k: string]: any };

const dominates = (a: Candidate, b: Candidate) => OBJECTIVES.every((o) => a.objective_scores[o] >= b.objective_scores[o]) && OBJECTIVES.some((o) => a.objective_scores[o] > b.objective_scores[o]);

describe(`placement over HTTP (${backend})`, () => {
  let t: TestEngine;
  const optimize = (body: unknown, query = '', key?: string) => t.request('POST', `/api/v1/placement/optimize${query}`, { body, key: key ?? t.keys.operator });

  beforeAll(async () => {
    t = await startEngine({ NOVACRON_FAILURE_SCORE_INTERVAL_S: '0', NOVACRON_ANOMALY_LIVE: 'false' });
  });
  afterAll(async () => t?.close());

  it('answers 422 when no nodes are sent and the inventory has none', async () => {
    const r = await optimize({ workload_request: workload() });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.detail).toContain('POST /api/v1/nodes');
    expect(r.body.errors[0].path).toBe('/body/available_nodes');
  });

  it('answers the seed\'s own optimize test body (a node stating only cpu has no memory for the workload)', async () => {
    const r = await optimize({ workload_request: { workload_id: 'test_workload', cpu_cores: 2, memory_gb: 4 }, available_nodes: [{ node_id: 'node-001', cpu_cores_available: 8 }] });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toHaveProperty('candidates');
    expect(r.body).toHaveProperty('recommendation');
    expect(r.body.workload_id).toBe('test_workload');
    // The seed recommended this node although it fails its own memory rule (quirk Q5); we refuse it and say why.
    expect(r.body.recommendation).toBeNull();
    expect(r.body.refused).toEqual([{ node_id: 'node-001', reasons: [expect.objectContaining({ code: 'insufficient_resources' })] }]);
    expect(r.body.notes.join(' ')).toContain('No node states a memory_mb capacity');
  });

  it('recommends the best allowed node in the seed\'s Candidate shape, extended', async () => {
    const r = await optimize({
      workload_request: workload({ throughput_requirements: 800 }),
      available_nodes: [seedNode('cool', { temperature: 30, failure_probability: 0.02 }), seedNode('hot', { temperature: 80, cpu_utilization: 0.9, network_latency: 40 })],
      objective: 'performance',
    });
    expect(r.status, r.text).toBe(200);
    const b = r.body;
    expect(b).toMatchObject({ workload_id: 'w1', objective: 'performance', evaluated_nodes: 2, allowed_nodes: 2, refused: [], refused_total: 0, source: 'request' });
    expect(b.candidates.map((c: Candidate) => c.node_id)).toEqual(['cool', 'hot']);
    expect(b.recommendation).toEqual(b.candidates[0]);
    const c = b.recommendation;
    expect(c.constraints_satisfied).toBe(true);
    expect(c.rank).toBe(1);
    expect(c.score).toBeGreaterThan(b.candidates[1].score);
    // 4 of 32 cores and 8 of 128 GiB after placement (nothing allocated before: seed nodes state what is free).
    expect(c.resource_utilization).toEqual({ cpu: 0.125, memory: 0.0625, storage: 0, network: 0 });
    expect(c.utilisation_after.allocated).toMatchObject({ cpu: 0.125, memory: 0.0625, network: null, gpu: null });
    // Measured CPU after: 0.3 live + 4 cores × 0.5 expected / 32.
    expect(c.utilisation_after.measured.cpu).toBeCloseTo(0.3 + 2 / 32, 6);
    // Throughput: the requested 800 rps derated by the shipped interference model's predicted slowdown (loaded at start).
    expect(c.estimated_performance).toEqual({ estimated_throughput: expect.any(Number), estimated_latency: 5, estimated_reliability: 0.98 });
    expect(b.candidates[1].estimated_performance).toEqual({ estimated_throughput: expect.any(Number), estimated_latency: 40, estimated_reliability: null });
    expect(c.estimated_performance.estimated_throughput).toBeLessThanOrEqual(800);
    expect(c.estimated_performance.estimated_throughput).toBeGreaterThan(b.candidates[1].estimated_performance.estimated_throughput);
    for (const o of OBJECTIVES) expect(c.objective_scores[o]).toBeGreaterThan(0);
    expect(c.coverage).toBeGreaterThan(0);
    expect(c.coverage).toBeLessThanOrEqual(1);
    expect(c.top_factors.length).toBeGreaterThan(0);
    expect(c.top_factors[0]).toEqual({ name: expect.any(String), category: expect.any(String), score: expect.any(Number), weight: expect.any(Number), edge: expect.any(Number) });
    expect(c.reasoning[0]).toContain('Rank 1 of 2');
    expect(c.reasoning).toContain('Ample CPU resources available');
    expect(c.reasoning).toContain('Low network latency to this node');
    expect(c.reasoning).toContain('Node has excellent reliability history');
  });

  it('never recommends a node that breaks a hard rule, however good it looks', async () => {
    // Every violator is cooler, closer and emptier than the one compliant node.
    const better = { temperature: 25, network_latency: 1, cpu_utilization: 0.05, memory_utilization: 0.05 };
    const r = await optimize({
      workload_request: workload({ cpu_cores: 8, node_anti_affinity: ['banned'], datacenter_constraint: 'dc1', security_level: 3, excluded_nodes: ['novacron-excluded'] }),
      available_nodes: [
        seedNode('ok', { temperature: 70, network_latency: 30, cpu_utilization: 0.8 }),
        seedNode('small', { ...better, cpu_cores_available: 4 }),
        seedNode('banned', better),
        seedNode('elsewhere', { ...better, datacenter: 'dc2' }),
        seedNode('insecure', { ...better, security_level: 1 }),
        seedNode('novacron-excluded', better),
        seedNode('down', { ...better, status: 'maintenance' }),
      ],
      objective: 'performance',
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.candidates.map((c: Candidate) => c.node_id)).toEqual(['ok']);
    expect(r.body.recommendation.node_id).toBe('ok');
    const codes = Object.fromEntries(r.body.refused.map((x: { node_id: string; reasons: { code: string }[] }) => [x.node_id, x.reasons.map((y) => y.code)]));
    expect(codes).toEqual({
      small: ['insufficient_resources'],
      banned: ['excluded'],
      elsewhere: ['datacenter'],
      insecure: ['security_level'],
      'novacron-excluded': ['excluded'],
      down: ['not_available'],
    });
    expect(r.body.refused_total).toBe(6);

    // Seed node_affinity is hard: only the listed node may take it.
    const only = await optimize({ workload_request: workload({ node_affinity: ['b', 'ghost'] }), available_nodes: [seedNode('a', better), seedNode('b')] });
    expect(only.body.candidates.map((c: Candidate) => c.node_id)).toEqual(['b']);
    expect(only.body.notes.join(' ')).toContain('nodes not in the fleet: ghost');
    expect(only.body.refused[0]).toMatchObject({ node_id: 'a', reasons: [{ code: 'node_affinity' }] });
  });

  it('answers 200 with no recommendation when no node is allowed, saying why', async () => {
    const r = await optimize({ workload_request: workload({ cpu_cores: 64 }), available_nodes: [seedNode('a'), seedNode('b')] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ candidates: [], recommendation: null, allowed_nodes: 0, refused_total: 2 });
    expect(r.body.refused[0].reasons[0].message).toContain('cpu_cores: needs 64, 32 free');
    expect(r.body.notes.join(' ')).toContain('insufficient_resources on 2');
  });

  it('custom weights decide between a cheap hot node and a cool dear one', async () => {
    const nodes = [seedNode('cheap-hot', { temperature: 80, cost_per_hour: 1 }), seedNode('dear-cool', { temperature: 30, cost_per_hour: 9 })];
    const cost = await optimize({ workload_request: workload(), available_nodes: nodes, objective: 'custom', custom_weights: { factors: { hourly_cost_per_core: 1 } } });
    expect(cost.status, cost.text).toBe(200);
    expect(cost.body.objective).toBe('custom');
    expect(cost.body.recommendation.node_id).toBe('cheap-hot');
    expect(cost.body.recommendation.top_factors.map((f: { name: string }) => f.name)).toEqual(['hourly_cost_per_core']);
    const heat = await optimize({ workload_request: workload(), available_nodes: nodes, custom_weights: { factors: { temperature: 1 } } });
    expect(heat.body.objective).toBe('custom');
    expect(heat.body.recommendation.node_id).toBe('dear-cool');
    const cat = await optimize({ workload_request: workload(), available_nodes: nodes, objective: 'custom', custom_weights: { categories: { infrastructure: 1 } } });
    expect(cat.body.recommendation.top_factors.every((f: { category: string }) => f.category === 'infrastructure')).toBe(true);
  });

  it('returns the Pareto set over the four objective scores', async () => {
    const nodes = [
      seedNode('cheap-hot', { temperature: 80, cost_per_hour: 1, power_idle_watts: 200, power_max_watts: 600 }),
      seedNode('dear-cool', { temperature: 25, cost_per_hour: 9, power_idle_watts: 100, power_max_watts: 300 }),
      seedNode('mid', { temperature: 50, cost_per_hour: 5, power_idle_watts: 150, power_max_watts: 450 }),
      seedNode('worst', { temperature: 85, cost_per_hour: 10, power_idle_watts: 250, power_max_watts: 800, cpu_utilization: 0.95, network_latency: 45, failure_history: 3 }),
    ];
    const r = await optimize({ workload_request: workload(), available_nodes: nodes, pareto: true });
    expect(r.status, r.text).toBe(200);
    const all: Candidate[] = r.body.candidates;
    const front: Candidate[] = r.body.pareto;
    expect(front.length).toBeGreaterThan(0);
    const inFront = new Set(front.map((c) => c.node_id));
    for (const c of front) expect(all.some((o) => dominates(o, c)), `${c.node_id} is dominated`).toBe(false);
    for (const c of all.filter((x) => !inFront.has(x.node_id))) expect(front.some((f) => dominates(f, c) || OBJECTIVES.every((o) => f.objective_scores[o] === c.objective_scores[o])), `${c.node_id} should be in the front`).toBe(true);
    expect(inFront.has('worst')).toBe(false);
    expect(inFront.has('cheap-hot') || inFront.has('dear-cool')).toBe(true);
    // Without pareto: no such field.
    expect((await optimize({ workload_request: workload(), available_nodes: nodes })).body.pareto).toBeUndefined();
  });

  it('derates throughput by the interference model\'s predicted slowdown when one is wired', async () => {
    const nodes = [seedNode('quiet', { cpu_utilization: 0.1 }), seedNode('busy', { cpu_utilization: 0.8 })];
    const body = { workload_request: workload({ throughput_requirements: 1000 }), available_nodes: nodes, objective: 'performance' };
    // A stand-in model: slowdown = half the host's CPU utilisation.
    t.engine.placement.setInterferencePredictor((hosts) => Float64Array.from(hosts, (h) => 0.5 * Number(h.facts?.cpu_utilization)));
    try {
      const r = await optimize(body);
      expect(r.status, r.text).toBe(200);
      const byId = Object.fromEntries(r.body.candidates.map((c: Candidate) => [c.node_id, c]));
      expect(byId.quiet.estimated_performance.estimated_throughput).toBeCloseTo(1000 * (1 - 0.05), 6);
      expect(byId.busy.estimated_performance.estimated_throughput).toBeCloseTo(1000 * (1 - 0.4), 6);
      expect(r.body.recommendation.node_id).toBe('quiet');
      const custom = await optimize({ ...body, objective: 'custom', custom_weights: { factors: { interference: 1 } } });
      expect(custom.body.recommendation.top_factors[0]).toMatchObject({ name: 'interference', score: expect.closeTo(1 - 0.05 / 0.5, 6) });
    } finally {
      t.engine.placement.setInterferencePredictor(undefined);
    }
    const without = await optimize(body);
    expect(without.body.recommendation.estimated_performance.estimated_throughput).toBeNull();
  });

  it('limits candidates to max_candidates, best first', async () => {
    const nodes = Array.from({ length: 30 }, (_, i) => seedNode(`n${i}`, { temperature: 30 + i }));
    const r = await optimize({ workload_request: workload(), available_nodes: nodes, max_candidates: 3, objective: 'performance' });
    expect(r.body.candidates.map((c: Candidate) => c.node_id)).toEqual(['n0', 'n1', 'n2']);
    expect(r.body.allowed_nodes).toBe(30);
    expect((await optimize({ workload_request: workload(), available_nodes: nodes })).body.candidates).toHaveLength(10);
  });

  it('accepts the objective as a query parameter (as the seed did)', async () => {
    const nodes = [seedNode('cheap-hot', { temperature: 80, cost_per_hour: 1 }), seedNode('dear-cool', { temperature: 30, cost_per_hour: 9 })];
    const r = await optimize({ workload_request: workload(), available_nodes: nodes }, '?objective=cost');
    expect(r.status, r.text).toBe(200);
    expect(r.body.objective).toBe('cost');
    expect(r.body.recommendation.node_id).toBe('cheap-hot');
  });

  describe('bad input is a 400 problem naming the field', () => {
    const cases: [string, () => { body: unknown; query?: string }, string][] = [
      ['negative resources', () => ({ body: { workload_request: workload({ cpu_cores: -1 }), available_nodes: [seedNode('a')] } }), '/body/workload_request/cpu_cores'],
      ['no cpu and no memory', () => ({ body: { workload_request: { workload_id: 'x', cpu_cores: 0, memory_gb: 0 }, available_nodes: [seedNode('a')] } }), '/body/workload_request/cpu_cores'],
      ['negative node amounts', () => ({ body: { workload_request: workload(), available_nodes: [seedNode('a', { memory_available: -4 })] } }), '/body/available_nodes/0/memory_available'],
      ['unknown objective', () => ({ body: { workload_request: workload(), available_nodes: [seedNode('a')], objective: 'fastest' } }), '/body/objective'],
      ['unknown objective in the query', () => ({ body: { workload_request: workload(), available_nodes: [seedNode('a')] }, query: '?objective=fastest' }), '/querystring/objective'],
      ['custom without weights', () => ({ body: { workload_request: workload(), available_nodes: [seedNode('a')], objective: 'custom' } }), '/body/custom_weights'],
      ['unknown factor in custom weights', () => ({ body: { workload_request: workload(), available_nodes: [seedNode('a')], objective: 'custom', custom_weights: { factors: { warp_drive: 1 } } } }), '/body/custom_weights'],
      ['utilisation above 1', () => ({ body: { workload_request: workload(), available_nodes: [seedNode('a', { cpu_utilization: 85 })] } }), '/body/available_nodes/0/cpu_utilization'],
      ['duplicate node ids', () => ({ body: { workload_request: workload(), available_nodes: [seedNode('a'), seedNode('b'), seedNode('a')] } }), '/body/available_nodes/2/node_id'],
      ['max_skew below 1', () => ({ body: { workload_request: workload({ spread: [{ over: 'zone', group: 'g', max_skew: 0 }] }), available_nodes: [seedNode('a')] } }), '/body/workload_request/spread/0/max_skew'],
      ['run window ending before it starts', () => ({ body: { workload_request: workload({ run_window: { start: '2030-01-02T00:00:00Z', end: '2030-01-01T00:00:00Z' } }), available_nodes: [seedNode('a')] } }), '/body/workload_request/run_window/end'],
      ['sla above 1', () => ({ body: { workload_request: workload({ sla_requirements: 99.9 }), available_nodes: [seedNode('a')] } }), '/body/workload_request/sla_requirements'],
      ['a string for a number', () => ({ body: { workload_request: workload({ cpu_cores: '4' }), available_nodes: [seedNode('a')] } }), '/body/workload_request/cpu_cores'],
      ['an unknown top-level field', () => ({ body: { workload_request: workload(), available_nodes: [seedNode('a')], objectve: 'cost' } }), '/body/objectve'],
    ];
    for (const [name, make, path] of cases) {
      it(name, async () => {
        const { body, query } = make();
        const r = await optimize(body, query ?? '');
        expect(r.status, r.text).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      });
    }
  });

  it('never answers 500, whatever the body', async () => {
    const bodies: unknown[] = [
      null, [], 'text', 42, {}, { workload_request: null }, { workload_request: [] }, { workload_request: {}, available_nodes: {} },
      { workload_request: workload(), available_nodes: [null] }, { workload_request: workload(), available_nodes: [{}] }, { workload_request: workload(), available_nodes: [{ node_id: '' }] },
      { workload_request: workload(), available_nodes: [seedNode('a', { facts: { temperature: 'hot' } })] }, { workload_request: workload(), available_nodes: [seedNode('a', { maintenance: [{ start: 'x', end: 'y' }] })] },
      { workload_request: workload({ node_selector: { ssd: 'true' } }), available_nodes: [seedNode('a')] }, { workload_request: workload({ spread: [{ over: 'planet', group: 'g', max_skew: 1 }] }) },
      { workload_request: workload({ cpu_cores: 1e308, memory_gb: 1e308 }), available_nodes: [seedNode('a', { cpu_cores_available: 1e308 })] },
      { workload_request: workload(), available_nodes: [seedNode('a', { labels: { cpu_utilization: 'high' } })] },
      { workload_request: workload(), available_nodes: [seedNode('a', { schedulable: false, status: 'AVAILABLE' })] },
      { workload_request: workload({ placement: { policy: 'random' } }), available_nodes: [seedNode('a')] },
      { workload_request: workload({ placement: { policy: 'custom' } }), available_nodes: [seedNode('a')] },
    ];
    for (const body of bodies) {
      const r = await optimize(body);
      expect(r.status, `${JSON.stringify(body)} → ${r.text}`).toBeLessThan(500);
      expect([200, 400, 422]).toContain(r.status);
    }
    const predict = await t.request('POST', '/api/v1/placement/predict', { body: { vm: { cpu_shares: 2, memory_mb: 512 }, nodes: [{ node_id: 'a', total_cpu: 'x' }] } });
    expect(predict.status).toBe(400);
    const batch = await t.request('POST', '/api/v1/placement/batch', { body: { workload_requests: [] } });
    expect(batch.status).toBe(400);
  });

  it('needs the operator role to place and the viewer role to read factors', async () => {
    expect((await optimize({ workload_request: workload(), available_nodes: [seedNode('a')] }, '', t.keys.viewer)).status).toBe(403);
    expect((await t.request('POST', '/api/v1/placement/optimize', { body: {}, key: null })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/placement/factors', { key: t.keys.viewer })).status).toBe(200);
  });

  it('lists the factors in the seed shape, with the weights of an objective', async () => {
    const r = await t.request('GET', '/api/v1/placement/factors', { key: t.keys.viewer });
    expect(r.status).toBe(200);
    expect(r.body.total_factors).toBeGreaterThanOrEqual(100);
    expect(Object.keys(r.body.placement_factors)).toHaveLength(r.body.total_factors);
    expect(r.body.placement_factors.temperature).toEqual({ weight: expect.any(Number), type: 'continuous' });
    expect(Object.keys(r.body.categories).sort()).toEqual(['infrastructure', 'network', 'operational', 'performance', 'resource']);
    expect(r.body.factors).toHaveLength(r.body.total_factors);
    expect(r.body.factors[0]).toEqual({
      name: expect.any(String), category: expect.any(String), definition: expect.any(String), inputs: expect.any(Array), direction: expect.any(String),
      type: expect.any(String), weight: expect.any(Number), catalogue_weight: expect.any(Number), serves: expect.any(Array),
    });
    const sum = r.body.factors.reduce((a: number, f: { weight: number }) => a + f.weight, 0);
    expect(sum).toBeCloseTo(1, 3);
    const perf = await t.request('GET', '/api/v1/placement/factors?objective=performance');
    expect(perf.body.objective).toBe('performance');
    expect(perf.body.placement_factors.temperature.weight).toBeGreaterThan(r.body.placement_factors.temperature.weight);
    expect(perf.body.placement_factors.hourly_cost_per_core.weight).toBeLessThan(r.body.placement_factors.hourly_cost_per_core.weight);
    expect((await t.request('GET', '/api/v1/placement/factors?objective=fastest')).status).toBe(400);
  });

  it('reports workload placement as served at GET /', async () => {
    const r = await t.request('GET', '/', { key: null });
    expect(r.body.services.workload_placement).toBe(true);
    expect(r.body.endpoints.workload_placement).toBe('/api/v1/placement');
  });

  describe('batch', () => {
    const batch = (body: unknown) => t.request('POST', '/api/v1/placement/batch', { body, key: t.keys.operator });

    it('answers the seed\'s batch shape: results per workload id (or workload_<index>)', async () => {
      const r = await batch({ workload_requests: [{ workload_id: 'a', cpu_cores: 2, memory_gb: 4 }, { cpu_cores: 2, memory_gb: 4 }], available_nodes: [seedNode('n1'), seedNode('n2')] });
      expect(r.status, r.text).toBe(200);
      expect(Object.keys(r.body.results).sort()).toEqual(['a', 'workload_1']);
      for (const list of Object.values(r.body.results) as Candidate[][]) {
        expect(list).toHaveLength(1);
        expect(list[0].constraints_satisfied).toBe(true);
      }
      // minimize_hosts (default) packs both onto one node.
      expect(r.body.summary).toMatchObject({ goal: 'minimize_hosts', placed: 2, unplaced: 0, hosts_used: 1, hosts_used_before: 0 });
      expect(r.body.results.a[0].node_id).toBe(r.body.results.workload_1[0].node_id);
      expect(r.body.assignments).toEqual([
        { workload_id: 'a', node_id: r.body.results.a[0].node_id, reasons: [] },
        { workload_id: 'workload_1', node_id: r.body.results.a[0].node_id, reasons: [] },
      ]);
      // The chosen node's candidate sees the other workload's allocation (2 + 2 of 32 cores, itself included).
      expect(r.body.results.a[0].resource_utilization.cpu).toBeCloseTo(4 / 32, 9);
      expect(r.body.results.a[0].reasoning[0]).toContain('Placed by the batch');
    });

    it('honours anti-affinity between batch members, and balance spreads', async () => {
      const members = ['w0', 'w1', 'w2'].map((id) => ({ workload_id: id, cpu_cores: 2, memory_gb: 4, groups: ['web'], vm_anti_affinity: { groups: ['web'] } }));
      const nodes = [seedNode('n1'), seedNode('n2'), seedNode('n3'), seedNode('n4')];
      const r = await batch({ workload_requests: members, available_nodes: nodes });
      expect(r.status, r.text).toBe(200);
      const hosts = r.body.assignments.map((a: { node_id: string }) => a.node_id);
      expect(new Set(hosts).size).toBe(3);
      expect(r.body.summary.hosts_used).toBe(3);
      // Without the rule the same batch packs onto one node.
      const plain = await batch({ workload_requests: members.map(({ vm_anti_affinity: _, ...w }) => w), available_nodes: nodes });
      expect(plain.body.summary.hosts_used).toBe(1);
      const balanced = await batch({ workload_requests: members.map(({ vm_anti_affinity: _, ...w }) => w), available_nodes: nodes, goal: 'balance' });
      expect(balanced.body.summary).toMatchObject({ goal: 'balance', hosts_used: 3 });
      // A fourth member with only three nodes cannot be placed: an empty list and the reasons.
      const four = await batch({ workload_requests: [...members, { ...members[0], workload_id: 'w3' }], available_nodes: nodes.slice(0, 3) });
      expect(four.body.results.w3 ?? four.body.results[Object.keys(four.body.results).find((k) => four.body.results[k].length === 0)!]).toEqual([]);
      expect(four.body.summary).toMatchObject({ placed: 3, unplaced: 1 });
      const unplaced = four.body.assignments.find((a: { node_id: string | null }) => a.node_id === null);
      expect(unplaced.reasons.map((x: { code: string }) => x.code)).toContain('vm_anti_affinity');
    });

    it('refuses duplicate workload ids, and batches over the limit with 413', async () => {
      const dup = await batch({ workload_requests: [workload(), workload()], available_nodes: [seedNode('a')] });
      expect(dup.status).toBe(400);
      expect(dup.body.errors[0].path).toBe('/body/workload_requests/1/workload_id');
      const big = await batch({ workload_requests: Array.from({ length: MAX_BATCH_WORKLOADS + 1 }, () => ({ cpu_cores: 1 })), available_nodes: [seedNode('a')] });
      expect(big.status).toBe(413);
      expect(big.body.detail).toContain(String(MAX_BATCH_WORKLOADS));
      const many = await optimize({ workload_request: workload(), available_nodes: Array.from({ length: MAX_NODES + 1 }, (_, i) => ({ node_id: `n${i}` })) });
      expect(many.status).toBe(413);
      expect(many.body.detail).toContain(String(MAX_NODES));
    });
  });

  describe('predict (NovaCron unified scheduler)', () => {
    const predict = (body: unknown) => t.request('POST', '/api/v1/placement/predict', { body, key: t.keys.operator });
    const novaNode = (node_id: string, over: Record<string, unknown> = {}) => ({ node_id, total_cpu: 16, used_cpu: 4, total_memory_mb: 65536, used_memory_mb: 16384, total_disk_gb: 500, used_disk_gb: 100, status: 'available', vm_count: 2, labels: {}, ...over });

    it('answers a PlacementPrediction restricted to the candidate node ids', async () => {
      const r = await predict({
        vm: { id: 'vm-1', name: 'web-1', type: 'kvm', cpu_shares: 2, memory_mb: 4096, disk_size_gb: 40, placement: { policy: 'performance', excluded_nodes: ['n3'] } },
        nodes: [novaNode('n1', { network_latency: 3, cost_per_hour: 1.6 }), novaNode('n2', { used_cpu: 14 }), novaNode('n3'), novaNode('n4', { used_cpu: 0 })],
        candidate_node_ids: ['n1', 'n2', 'n3'],
      });
      expect(r.status, r.text).toBe(200);
      const b = r.body;
      expect(b.objective).toBe('performance');
      expect(['n1', 'n2']).toContain(b.recommended_node_id);
      expect(b.recommended_node_id).toBe('n1');
      expect(b.confidence).toBeGreaterThan(0);
      expect(b.confidence).toBeLessThanOrEqual(1);
      expect(b.reasoning.length).toBeGreaterThan(0);
      expect(b.alternative_nodes).toEqual([{ node_id: 'n2', score: expect.any(Number), confidence: expect.any(Number), reason: expect.any(String) }]);
      expect(b.alternative_nodes[0].score).toBeLessThan(1);
      // n1: (4 + 2) / 16 cores, (16384 + 4096) / 65536 memory; $1.6/h × 2 / 16 cores.
      expect(b.predicted_metrics).toEqual({ expected_cpu_utilization: 0.375, expected_memory_utilization: 0.3125, predicted_latency_ms: 3, cost_estimate: 0.2 });
      const refused = Object.fromEntries(b.refused.map((x: { node_id: string; reasons: { code: string }[] }) => [x.node_id, x.reasons.map((y) => y.code)]));
      expect(refused).toEqual({ n3: ['excluded'], n4: ['node_affinity'] });
    });

    it('says "" with confidence 0 when no candidate is allowed, so NovaCron falls back', async () => {
      const r = await predict({ vm: { cpu_shares: 64, memory_mb: 4096 }, nodes: [novaNode('n1'), novaNode('n2')], candidate_node_ids: ['n1', 'n2'] });
      expect(r.status, r.text).toBe(200);
      expect(r.body).toMatchObject({ recommended_node_id: '', confidence: 0, alternative_nodes: [], allowed_nodes: 0 });
      expect(r.body.reasoning[0]).toContain('fall back');
      expect(r.body.predicted_metrics).toEqual({ expected_cpu_utilization: 0, expected_memory_utilization: 0, predicted_latency_ms: null, cost_estimate: null });
      const none = await predict({ vm: { cpu_shares: 1, memory_mb: 512 }, nodes: [novaNode('n1')], candidate_node_ids: [] });
      expect(none.body.recommended_node_id).toBe('');
    });
  });

  describe('from the inventory', () => {
    const MB = 1024;
    beforeAll(async () => {
      const node = (id: string, over: Record<string, unknown> = {}) => ({
        id, datacenter: 'dc1', zone: id === 'inv-warm' ? 'b' : 'a', rack: 'r1', security_level: 3, hardware_generation: 'gen10',
        capacity: { cpu_cores: 32, memory_mb: 128 * MB, storage_gb: 1000, network_mbps: 10000 }, cost_per_hour: 2, power_idle_watts: 150, power_max_watts: 450, labels: {}, ...over,
      });
      const nodes = [
        node('inv-cool', { labels: { storage_type: 'nvme' } }),
        node('inv-hot'),
        node('inv-warm', { allocated: { cpu_cores: 8, memory_mb: 16 * MB } }),
        node('inv-down', { status: 'maintenance' }),
      ];
      expect((await t.request('POST', '/api/v1/nodes/bulk', { body: { nodes } })).status).toBe(200);
      const vms = [
        { id: 'db-1', node_id: 'inv-warm', resources: { cpu_cores: 4, memory_mb: 8 * MB }, workload_type: 'database', labels: { group: 'db' } },
        { id: 'db-2', node_id: 'inv-warm', resources: { cpu_cores: 8, memory_mb: 8 * MB }, workload_type: 'database', labels: { groups: 'db, analytics' } },
        { id: 'dead', node_id: 'inv-cool', state: 'failed', resources: { cpu_cores: 30, memory_mb: 100 * MB }, labels: { group: 'db' } },
      ];
      expect((await t.request('POST', '/api/v1/vms/bulk', { body: { vms } })).status).toBe(200);
      // Ten minutes of telemetry, one sample a minute: inv-hot runs hot and busy, inv-cool cool and idle.
      const now = Date.now();
      const samples: unknown[] = [];
      const series: Record<string, Record<string, number>> = {
        'inv-cool': { cpu_utilization: 0.1, memory_utilization: 0.2, temperature: 35, network_latency_ms: 2, cpu_steal: 0.001 },
        'inv-hot': { cpu_utilization: 0.92, memory_utilization: 0.85, temperature: 82, network_latency_ms: 30, cpu_steal: 0.08 },
        'inv-warm': { cpu_utilization: 0.5, memory_utilization: 0.5, temperature: 55, network_latency_ms: 8 },
      };
      for (const [entity_id, metrics] of Object.entries(series)) {
        for (const [metric, value] of Object.entries(metrics)) {
          for (let i = 10; i >= 1; i--) samples.push({ entity_id, metric, timestamp: now - i * MINUTE, value });
        }
      }
      // An old sample (outside the live window) that must not count.
      samples.push({ entity_id: 'inv-cool', metric: 'temperature', timestamp: now - 60 * MINUTE, value: 99 });
      const ingest = await t.request('POST', '/api/v1/telemetry', { body: { samples } });
      expect(ingest.status, ingest.text).toBe(200);
      expect(ingest.body.rejected_count).toBe(0);
      await t.engine.telemetry.drain();
      await t.engine.platform.store.failure.replaceAssessments(
        [{ hostId: 'inv-hot', assessedAt: now, scoredAt: now, modelId: 'failure_v1', probability: 0.4, score: 0.9, alarm: true, elevated: false, payload: {} }],
        now,
      );
      t.engine.placement.invalidateInventory();
    });

    it('uses the inventory with its live facts when no nodes are sent: a hot host loses against a cool one', async () => {
      const r = await optimize({ workload_request: workload({ throughput_requirements: 100 }), objective: 'performance' });
      expect(r.status, r.text).toBe(200);
      const b = r.body;
      expect(b.source).toBe('inventory');
      expect(b.evaluated_nodes).toBe(4);
      expect(b.refused).toEqual([{ node_id: 'inv-down', reasons: [expect.objectContaining({ code: 'not_available' })] }]);
      const order = b.candidates.map((c: Candidate) => c.node_id);
      expect(order.indexOf('inv-cool')).toBeLessThan(order.indexOf('inv-hot'));
      expect(b.recommendation.node_id).toBe('inv-cool');
      const byId = Object.fromEntries(b.candidates.map((c: Candidate) => [c.node_id, c]));
      // Live facts: latency from telemetry, reliability from the failure assessment, measured CPU.
      expect(byId['inv-cool'].estimated_performance).toEqual({ estimated_throughput: null, estimated_latency: 2, estimated_reliability: null });
      expect(byId['inv-hot'].estimated_performance.estimated_reliability).toBeCloseTo(0.6, 9);
      expect(byId['inv-hot'].utilisation_after.measured.cpu).toBeCloseTo(0.92 + 2 / 32, 9);
      expect(byId['inv-hot'].score).toBeLessThan(byId['inv-cool'].score);
      // The failed VM holds nothing; the warm node's allocation is the larger of its reported 8 cores and its VMs' 12.
      expect(byId['inv-cool'].resource_utilization.cpu).toBeCloseTo(4 / 32, 9);
      expect(byId['inv-warm'].resource_utilization.cpu).toBeCloseTo((12 + 4) / 32, 9);
      expect(byId['inv-warm'].resource_utilization.memory).toBeCloseTo((16 + 8) / 128, 9);
      // Measured temperature 35 (the 99 °C sample an hour ago is not live).
      const cool = await optimize({ workload_request: workload(), objective: 'custom', custom_weights: { factors: { temperature: 1 } } });
      expect(cool.body.candidates.map((c: Candidate) => c.node_id)).toEqual(['inv-cool', 'inv-warm', 'inv-hot']);
      expect(cool.body.recommendation.top_factors[0]).toMatchObject({ name: 'temperature', score: expect.closeTo(1 - (35 - 25) / 60, 6) });
    });

    it('reads VM groups from labels for affinity rules, and labels as facts', async () => {
      const anti = await optimize({ workload_request: workload({ vm_anti_affinity: { groups: ['analytics'] } }) });
      expect(anti.body.refused.find((x: { node_id: string }) => x.node_id === 'inv-warm').reasons[0].code).toBe('vm_anti_affinity');
      const aff = await optimize({ workload_request: workload({ vm_affinity: { groups: ['db'] } }) });
      expect(aff.body.candidates.map((c: Candidate) => c.node_id)).toEqual(['inv-warm']);
      const nvme = await optimize({ workload_request: workload(), custom_weights: { factors: { storage_type: 1 } } });
      // Only inv-cool carries the label storage_type: nvme; the others have no data for the one weighted factor.
      expect(nvme.body.recommendation).toMatchObject({ node_id: 'inv-cool', score: 1, coverage: 1, top_factors: [{ name: 'storage_type', score: 1 }] });
      expect(nvme.body.candidates.slice(1).map((c: Candidate) => c.coverage)).toEqual([0, 0]);
    });

    it('places a batch on the inventory without changing it, and predicts for NovaCron from it', async () => {
      const r = await t.request('POST', '/api/v1/placement/batch', { body: { workload_requests: [workload({ workload_id: 'b1', cpu_cores: 16 }), workload({ workload_id: 'b2', cpu_cores: 16 })], goal: 'balance' } });
      expect(r.status, r.text).toBe(200);
      expect(r.body.source).toBe('inventory');
      expect(r.body.summary.placed).toBe(2);
      expect(r.body.summary.hosts_used_before).toBe(1);
      // The cached fleet is untouched by the batch: the next request sees the same allocations.
      const again = await optimize({ workload_request: workload() });
      const cool = again.body.candidates.find((c: Candidate) => c.node_id === 'inv-cool');
      expect(cool.resource_utilization.cpu).toBeCloseTo(4 / 32, 9);
      const p = await t.request('POST', '/api/v1/placement/predict', { body: { vm: { cpu_shares: 4, memory_mb: 8192, placement: { policy: 'performance' } }, candidate_node_ids: ['inv-hot', 'inv-cool', 'inv-down'] } });
      expect(p.status, p.text).toBe(200);
      expect(p.body.recommended_node_id).toBe('inv-cool');
      expect(p.body.alternative_nodes.map((a: { node_id: string }) => a.node_id)).toEqual(['inv-hot']);
      expect(p.body.source).toBe('inventory');
    });

    it('reuses the loaded fleet for a few seconds, and sees changes once invalidated', async () => {
      const before = await optimize({ workload_request: workload() });
      expect(before.body.evaluated_nodes).toBe(4);
      expect((await t.request('POST', '/api/v1/nodes', { body: { id: 'inv-new', capacity: { cpu_cores: 8, memory_mb: 8192 } } })).status).toBe(201);
      expect((await optimize({ workload_request: workload() })).body.evaluated_nodes).toBe(4);
      t.engine.placement.invalidateInventory();
      expect((await optimize({ workload_request: workload() })).body.evaluated_nodes).toBe(5);
    });
  });
});
