import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startEngine, type TestEngine } from './helpers/engine.js';

const node = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  name: id,
  datacenter: 'dc1',
  zone: 'a',
  rack: 'r1',
  failure_domain: 'pdu-1',
  security_level: 3,
  hardware_generation: 'gen10',
  capacity: { cpu_cores: 64, memory_mb: 262144, storage_gb: 4000, network_mbps: 25000, gpu_count: 0 },
  allocated: { cpu_cores: 16, memory_mb: 65536 },
  cost_per_hour: 2.5,
  power_idle_watts: 180,
  power_max_watts: 650,
  labels: { team: 'infra' },
  ...over,
});

describe(`inventory and events over HTTP (${backend})`, () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startEngine({ NOVACRON_INVENTORY_MAX_BATCH: '50' });
  });
  afterAll(async () => t?.close());

  it('creates (201), replaces (200), reads, lists with filters and deletes nodes', async () => {
    const c = await t.request('POST', '/api/v1/nodes', { key: t.keys.operator, body: node('n1') });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ id: 'n1', status: 'available', datacenter: 'dc1', available: { cpu_cores: 48, memory_mb: 196608 }, labels: { team: 'infra' } });
    const u = await t.request('PUT', '/api/v1/nodes/n1', { key: t.keys.operator, body: { ...node('n1'), zone: 'b' } });
    expect(u.status).toBe(200);
    expect(u.body.created_at).toBe(c.body.created_at);
    await t.request('POST', '/api/v1/nodes', { body: node('n2', { datacenter: 'dc2' }) });
    const list = await t.request('GET', '/api/v1/nodes?datacenter=dc1', { key: t.keys.viewer });
    expect(list.body).toMatchObject({ total: 1, items: [{ id: 'n1', zone: 'b' }] });
    expect((await t.request('GET', '/api/v1/nodes/n2', { key: t.keys.viewer })).body.datacenter).toBe('dc2');
    expect((await t.request('DELETE', '/api/v1/nodes/n2', { key: t.keys.operator })).status).toBe(204);
    expect((await t.request('GET', '/api/v1/nodes/n2')).status).toBe(404);
    expect((await t.request('DELETE', '/api/v1/nodes/n2')).status).toBe(404);
    expect((await t.request('POST', '/api/v1/nodes', { key: t.keys.viewer, body: node('n3') })).status).toBe(403);
  });

  it('bulk-upserts nodes, refuses duplicate ids and batches over the limit', async () => {
    const ok = await t.request('POST', '/api/v1/nodes/bulk', { body: { nodes: Array.from({ length: 20 }, (_, i) => node(`b${i}`)) } });
    expect(ok.body).toEqual({ upserted: 20 });
    expect((await t.request('GET', '/api/v1/nodes?limit=5&offset=0')).body.total).toBe(21);
    const dup = await t.request('POST', '/api/v1/nodes/bulk', { body: { nodes: [node('x'), node('x')] } });
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0].path).toBe('/body/nodes/1/id');
    const big = await t.request('POST', '/api/v1/nodes/bulk', { body: { nodes: Array.from({ length: 51 }, (_, i) => node(`big${i}`)) } });
    expect(big.status).toBe(413);
    expect(big.body.detail).toContain('NOVACRON_INVENTORY_MAX_BATCH');
  });

  it('validates node bodies with field-level errors', async () => {
    const r = await t.request('POST', '/api/v1/nodes', { body: node('bad', { capacity: { cpu_cores: -1, memory_mb: 1 } }) });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('/body/capacity/cpu_cores');
    expect((await t.request('POST', '/api/v1/nodes', { body: node('bad', { security_level: 'high' }) })).status).toBe(400);
    expect((await t.request('PUT', '/api/v1/nodes/other', { body: node('bad') })).status).toBe(400);
  });

  it('accepts VMs in the engine\'s shape and in NovaCron\'s VMConfig spelling', async () => {
    const a = await t.request('POST', '/api/v1/vms', { body: { id: 'vm-a', node_id: 'n1', resources: { cpu_cores: 4, memory_mb: 8192, storage_gb: 80 }, workload_type: 'web', priority: 2 } });
    expect(a.status).toBe(201);
    const b = await t.request('POST', '/api/v1/vms', { body: { id: 'vm-b', name: 'web-1', type: 'kvm', cpu_shares: 2048, memory_mb: 4096, disk_size_gb: 40, tags: { tier: 'web' }, image: 'ubuntu' } });
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ resources: { cpu_cores: 2, memory_mb: 4096, storage_gb: 40 }, labels: { tier: 'web' } });
    const list = await t.request('GET', '/api/v1/vms?node_id=n1', { key: t.keys.viewer });
    expect(list.body.items.map((v: { id: string }) => v.id)).toEqual(['vm-a']);
    const none = await t.request('POST', '/api/v1/vms', { body: { id: 'vm-c' } });
    expect(none.status).toBe(400);
  });

  it('stores events one at a time or in batches and filters them', async () => {
    const one = await t.request('POST', '/api/v1/events', { key: t.keys.operator, body: { id: 'ev-1', entity_id: 'n1', kind: 'failure', severity: 'critical', started_at: '2026-11-01T10:00:00Z', description: 'PSU failed' } });
    expect(one.status).toBe(201);
    expect(one.body).toEqual({ stored: 1, ids: ['ev-1'] });
    const batch = await t.request('POST', '/api/v1/events', { body: { events: [{ entity_id: 'n1', kind: 'maintenance', started_at: Date.UTC(2026, 10, 2) }, { entity_id: 'vm-a', entity_type: 'vm', kind: 'migration', started_at: Date.UTC(2026, 10, 3) }] } });
    expect(batch.body.stored).toBe(2);
    // Re-sending with the same id updates it (a failure's end arrives later).
    await t.request('POST', '/api/v1/events', { body: { id: 'ev-1', entity_id: 'n1', kind: 'failure', started_at: '2026-11-01T10:00:00Z', ended_at: '2026-11-01T12:00:00Z' } });
    const failures = await t.request('GET', '/api/v1/events?entity_id=n1&kind=failure', { key: t.keys.viewer });
    expect(failures.body.total).toBe(1);
    expect(failures.body.items[0]).toMatchObject({ id: 'ev-1', started_at: '2026-11-01T10:00:00.000Z', ended_at: '2026-11-01T12:00:00.000Z' });
    const ranged = await t.request('GET', `/api/v1/events?from=${Date.UTC(2026, 10, 2)}&to=2026-11-04T00:00:00Z`);
    expect(ranged.body.total).toBe(2);
    const bad = await t.request('POST', '/api/v1/events', { body: { entity_id: 'n1', kind: 'explosion', started_at: '2026-11-01T10:00:00Z' } });
    expect(bad.status).toBe(400);
    const ends = await t.request('POST', '/api/v1/events', { body: { entity_id: 'n1', kind: 'failure', started_at: '2026-11-01T10:00:00Z', ended_at: '2026-10-01T10:00:00Z' } });
    expect(ends.status).toBe(400);
  });

  it('audits inventory changes', async () => {
    const r = await t.request('GET', '/api/v1/audit?action=node.delete');
    expect(r.body.entries[0]).toMatchObject({ action: 'node.delete', target: 'n2', outcome: 'success' });
  });
});
