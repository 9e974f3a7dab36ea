import { describe, expect, it } from 'vitest';
import { Problem } from '../platform/errors.js';
import {
  availableOf,
  eventToRecord,
  eventToView,
  findDuplicateId,
  mapBatch,
  nodeToRecord,
  nodeToView,
  vcpusFromShares,
  vmToRecord,
  vmToView,
} from './inventory-mapping.js';
import type { VmBodyT } from './inventory-schemas.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const LATEST = NOW + 300_000;

/** Runs fn expecting a 400 Problem; returns its field errors. */
function fieldErrors(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Problem);
    expect((err as Problem).status).toBe(400);
    return (err as Problem).errors;
  }
  throw new Error('expected a Problem');
}

describe('vcpusFromShares (NovaCron cpuAllocationForConfig)', () => {
  it('reads up to 128 as vCPUs', () => {
    expect(vcpusFromShares(1)).toBe(1);
    expect(vcpusFromShares(2)).toBe(2);
    expect(vcpusFromShares(128)).toBe(128);
  });

  it('reads above 128 as Linux shares, 1024 to a vCPU, rounded up', () => {
    expect(vcpusFromShares(129)).toBe(1);
    expect(vcpusFromShares(1024)).toBe(1);
    expect(vcpusFromShares(1025)).toBe(2);
    expect(vcpusFromShares(2048)).toBe(2);
    expect(vcpusFromShares(4096)).toBe(4);
    expect(vcpusFromShares(262_144)).toBe(256);
  });
});

describe('nodes', () => {
  it('fills defaults and keeps what was sent', () => {
    const r = nodeToRecord({ id: 'n1', capacity: { cpu_cores: 32, memory_mb: 131_072 } }, NOW);
    expect(r).toMatchObject({
      id: 'n1', name: null, status: 'available', datacenter: null, security_level: null,
      cpu_cores: 32, memory_mb: 131_072, storage_gb: 0, network_mbps: 0, gpu_count: 0,
      cpu_allocated: 0, memory_allocated_mb: 0, storage_allocated_gb: 0, network_allocated_mbps: 0, gpu_allocated: 0,
      cost_per_hour: null, labels: {}, created_at: NOW, updated_at: NOW,
    });
  });

  it('derives available as capacity − allocated, floored at 0 and free of float dust', () => {
    const r = nodeToRecord(
      {
        id: 'n1',
        capacity: { cpu_cores: 4, memory_mb: 8192, storage_gb: 100, network_mbps: 1000, gpu_count: 2 },
        allocated: { cpu_cores: 3.7, memory_mb: 10_000, storage_gb: 40, gpu_count: 2 },
      },
      NOW,
    );
    expect(availableOf(r)).toEqual({ cpu_cores: 0.3, memory_mb: 0, storage_gb: 60, network_mbps: 1000, gpu_count: 0 });
  });

  it('round-trips to a view without nulls and with RFC 3339 times', () => {
    const r = nodeToRecord({ id: 'n1', name: 'h1', zone: 'z1', capacity: { cpu_cores: 8, memory_mb: 1024 }, labels: { ssd: 'true' } }, NOW);
    const v = nodeToView(r);
    expect(v).toEqual({
      id: 'n1', name: 'h1', status: 'available', zone: 'z1',
      capacity: { cpu_cores: 8, memory_mb: 1024, storage_gb: 0, network_mbps: 0, gpu_count: 0 },
      allocated: { cpu_cores: 0, memory_mb: 0, storage_gb: 0, network_mbps: 0, gpu_count: 0 },
      available: { cpu_cores: 8, memory_mb: 1024, storage_gb: 0, network_mbps: 0, gpu_count: 0 },
      labels: { ssd: 'true' },
      created_at: '2026-03-01T12:00:00.000Z',
      updated_at: '2026-03-01T12:00:00.000Z',
    });
    expect('datacenter' in v).toBe(false);
  });

  it('copies labels so the record does not alias the request', () => {
    const labels = { a: '1' };
    const r = nodeToRecord({ id: 'n1', capacity: { cpu_cores: 1, memory_mb: 1 }, labels }, NOW);
    labels.a = '2';
    expect(r.labels).toEqual({ a: '1' });
  });

  it('rejects idle power above peak power', () => {
    const errors = fieldErrors(() => nodeToRecord({ id: 'n1', capacity: { cpu_cores: 1, memory_mb: 1 }, power_idle_watts: 300, power_max_watts: 200 }, NOW, '/body/nodes/4'));
    expect(errors).toEqual([{ path: '/body/nodes/4/power_idle_watts', message: 'must not exceed power_max_watts' }]);
  });
});

describe('VMs', () => {
  it('takes cpu and memory from resources', () => {
    const r = vmToRecord({ id: 'v1', resources: { cpu_cores: 2, memory_mb: 4096, gpu_count: 1 }, priority: 2 }, NOW);
    expect(r).toMatchObject({ id: 'v1', state: 'running', cpu_cores: 2, memory_mb: 4096, storage_gb: 0, network_mbps: 0, gpu_count: 1, priority: 2, labels: {} });
  });

  it('accepts NovaCron VMConfig: cpu_shares as vCPUs, disk_size_gb, tags as labels, type as a label', () => {
    const config: VmBodyT = { id: 'v1', name: 'web-1', type: 'kvm', cpu_shares: 2, memory_mb: 4096, disk_size_gb: 40, tags: { app: 'web' } };
    const r = vmToRecord(config, NOW);
    expect(r).toMatchObject({ cpu_cores: 2, memory_mb: 4096, storage_gb: 40, labels: { app: 'web', vm_type: 'kvm' } });
    expect(r.workload_type).toBeNull();
  });

  it('reads cpu_shares above 128 as Linux shares', () => {
    expect(vmToRecord({ id: 'v1', cpu_shares: 3000, memory_mb: 512 }, NOW).cpu_cores).toBe(3);
  });

  it('lets an explicit vm_type label win over type', () => {
    expect(vmToRecord({ id: 'v1', cpu_shares: 1, memory_mb: 1, type: 'kvm', tags: { vm_type: 'container' } }, NOW).labels).toEqual({ vm_type: 'container' });
  });

  it('says what to send when the size is missing', () => {
    expect(fieldErrors(() => vmToRecord({ id: 'v1' }, NOW))).toEqual([
      { path: '/body/resources', message: 'VM size is missing: send resources {cpu_cores, memory_mb} or NovaCron\'s cpu_shares and memory_mb' },
    ]);
    expect(fieldErrors(() => vmToRecord({ id: 'v1', cpu_shares: 2 }, NOW))[0].path).toBe('/body/memory_mb');
    expect(fieldErrors(() => vmToRecord({ id: 'v1', memory_mb: 512, disk_size_gb: 10 }, NOW))[0].path).toBe('/body/cpu_shares');
  });

  it('refuses both spellings at once', () => {
    const errors = fieldErrors(() => vmToRecord({ id: 'v1', resources: { cpu_cores: 1, memory_mb: 1 }, memory_mb: 2 }, NOW, '/body/vms/0'));
    expect(errors[0].path).toBe('/body/vms/0/memory_mb');
    expect(errors[0].message).toMatch(/not both/);
    expect(fieldErrors(() => vmToRecord({ id: 'v1', cpu_shares: 1, memory_mb: 1, labels: {}, tags: {} }, NOW))[0].path).toBe('/body/tags');
  });

  it('views with the five resource amounts and no nulls', () => {
    const v = vmToView(vmToRecord({ id: 'v1', node_id: 'n1', cpu_shares: 4, memory_mb: 1024 }, NOW));
    expect(v).toEqual({
      id: 'v1', node_id: 'n1', state: 'running',
      resources: { cpu_cores: 4, memory_mb: 1024, storage_gb: 0, network_mbps: 0, gpu_count: 0 },
      labels: {}, created_at: '2026-03-01T12:00:00.000Z', updated_at: '2026-03-01T12:00:00.000Z',
    });
  });
});

describe('events', () => {
  const base = { entity_id: 'n1', kind: 'failure' as const };

  it('parses RFC 3339 and epoch ms, defaults entity_type, generates an id when absent', () => {
    const r = eventToRecord({ ...base, started_at: '2026-03-01T11:00:00Z', ended_at: NOW - 1000 }, NOW, LATEST, '/body', () => 'gen-1');
    expect(r).toMatchObject({ id: 'gen-1', entity_type: 'node', started_at: NOW - 3_600_000, ended_at: NOW - 1000, severity: null, attributes: {}, created_at: NOW });
    expect(eventToRecord({ ...base, id: 'mine', started_at: NOW }, NOW, LATEST).id).toBe('mine');
    expect(eventToRecord({ ...base, started_at: NOW }, NOW, LATEST).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts a start inside the future tolerance and rejects one beyond it', () => {
    expect(eventToRecord({ ...base, started_at: LATEST }, NOW, LATEST).started_at).toBe(LATEST);
    expect(fieldErrors(() => eventToRecord({ ...base, started_at: LATEST + 1 }, NOW, LATEST))).toEqual([
      { path: '/body/started_at', message: 'timestamp is in the future' },
    ]);
  });

  it('rejects an end before the start, an end in the future, and unparseable times', () => {
    expect(fieldErrors(() => eventToRecord({ ...base, started_at: NOW, ended_at: NOW - 1 }, NOW, LATEST))).toEqual([
      { path: '/body/ended_at', message: 'must not be before started_at' },
    ]);
    expect(eventToRecord({ ...base, started_at: NOW, ended_at: NOW }, NOW, LATEST).ended_at).toBe(NOW);
    expect(fieldErrors(() => eventToRecord({ ...base, started_at: NOW, ended_at: LATEST + 1 }, NOW, LATEST))[0].message).toMatch(/omit ended_at until the event is over/);
    expect(fieldErrors(() => eventToRecord({ ...base, started_at: '2026-03-01 noon' }, NOW, LATEST))[0].path).toBe('/body/started_at');
    expect(fieldErrors(() => eventToRecord({ ...base, started_at: '1999-12-31T23:59:59Z' }, NOW, LATEST))[0].message).toBe('timestamp is before 2000-01-01');
  });

  it('limits attributes to 16 KiB of JSON', () => {
    expect(eventToRecord({ ...base, started_at: NOW, attributes: { s: 'x'.repeat(16_000) } }, NOW, LATEST).attributes.s).toHaveLength(16_000);
    expect(fieldErrors(() => eventToRecord({ ...base, started_at: NOW, attributes: { s: 'x'.repeat(16_400) } }, NOW, LATEST))[0].path).toBe('/body/attributes');
  });

  it('views times in RFC 3339 and leaves out what is absent', () => {
    const v = eventToView(eventToRecord({ ...base, id: 'e1', severity: 'critical', started_at: NOW - 60_000 }, NOW, LATEST));
    expect(v).toEqual({
      id: 'e1', entity_id: 'n1', entity_type: 'node', kind: 'failure', severity: 'critical',
      started_at: '2026-03-01T11:59:00.000Z', attributes: {}, created_at: '2026-03-01T12:00:00.000Z',
    });
  });
});

describe('batches', () => {
  it('finds the first repeated id and where it was first seen', () => {
    expect(findDuplicateId(['a', 'b', 'c'])).toBeUndefined();
    expect(findDuplicateId(['a', 'b', 'a', 'b'])).toEqual({ index: 2, first: 0 });
    expect(findDuplicateId([undefined, 'x', undefined, 'x'])).toEqual({ index: 3, first: 1 });
  });

  it('reports every bad item of a batch in one Problem', () => {
    const vms: VmBodyT[] = [{ id: 'ok', cpu_shares: 1, memory_mb: 1 }, { id: 'bad1' }, { id: 'bad2', cpu_shares: 1 }];
    const err = (() => {
      try {
        mapBatch(vms, (v, i) => vmToRecord(v, NOW, `/body/vms/${i}`));
      } catch (e) {
        return e as Problem;
      }
      throw new Error('expected a Problem');
    })();
    expect(err.errors.map((e) => e.path)).toEqual(['/body/vms/1/resources', '/body/vms/2/memory_mb']);
    expect(err.message).toMatch(/^\/body\/vms\/1\/resources: .*\(and 1 more\)$/);
    expect(mapBatch(vms.slice(0, 1), (v) => vmToRecord(v, NOW)).map((r) => r.id)).toEqual(['ok']);
  });

  it('lets errors that are not Problems through', () => {
    expect(() => mapBatch([1], () => { throw new TypeError('bug'); })).toThrow(TypeError);
  });
});
