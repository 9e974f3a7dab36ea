import { describe, expect, it } from 'vitest';
import { ALLOCATION_PACKING, ClusterState, USAGE_PACKING, type HostSpec, type VmSpec } from './cluster-state.js';

const hosts: HostSpec[] = [
  { id: 'a', cores: 16, memoryGiB: 64 },
  { id: 'b', cores: 16, memoryGiB: 64 },
  { id: 'm', cores: 16, memoryGiB: 64, maintenance: true },
];
const vms: VmSpec[] = [
  { id: 'x', host: 'a', cores: 8, memoryGiB: 32, usage: { cores: 2, memoryGiB: 8 }, antiAffinity: ['web'] },
  { id: 'y', host: 'a', cores: 6, memoryGiB: 16, usage: { cores: 3, memoryGiB: 4 } },
  { id: 'z', host: 'b', cores: 4, memoryGiB: 8, antiAffinity: ['web'] },
];

describe('ClusterState', () => {
  it('packs by allocation at 100 %, or by usage against the stated targets', () => {
    const alloc = ClusterState.from(hosts, vms, ALLOCATION_PACKING);
    expect([alloc.loadCores[0], alloc.loadMem[0]]).toEqual([14, 48]);
    expect([alloc.limCores[0], alloc.limMem[0]]).toEqual([16, 64]);
    const usage = ClusterState.from(hosts, vms, USAGE_PACKING);
    expect([usage.loadCores[0], usage.loadMem[0]]).toEqual([5, 12]);
    expect(usage.limCores[0]).toBeCloseTo(12.8, 12);
    expect(usage.limMem[0]).toBeCloseTo(57.6, 12);
    // A VM without a usage profile packs by its allocation.
    expect([usage.demCores[2], usage.demMem[2]]).toEqual([4, 8]);
    // Allocation is tracked under either basis.
    expect(usage.loadAllocCores[0]).toBe(14);
  });

  it('checks capacity, anti-affinity and maintenance, and says why a move is refused', () => {
    const s = ClusterState.from(hosts, vms, ALLOCATION_PACKING);
    const [x, y, z] = [0, 1, 2];
    const [a, b, m] = [0, 1, 2];
    // y (6 cores) onto b (4 of 16 used): fits.
    expect(s.canHost(y, b)).toBe(true);
    // x is in group web, so is z on b.
    expect(s.canHost(x, b)).toBe(false);
    expect(s.rejection(x, b)).toMatch(/anti-affinity group web/);
    // z onto a: 14 + 4 > 16 cores.
    expect(s.canHost(z, a)).toBe(false);
    expect(s.rejection(z, a)).toMatch(/cores/);
    expect(s.canHost(y, m)).toBe(false);
    expect(s.rejection(y, m)).toMatch(/maintenance/);
    expect(s.canHost(y, a)).toBe(false);
  });

  it('moves keep loads, VM lists and group counts exact; a clone is independent', () => {
    const s = ClusterState.from(hosts, vms, ALLOCATION_PACKING);
    const c = s.clone();
    c.move(1, 1);
    expect([...c.vmsOn(0)]).toEqual([0]);
    expect([...c.vmsOn(1)].sort()).toEqual([1, 2]);
    expect([c.loadCores[0], c.loadCores[1]]).toEqual([8, 10]);
    expect(c.assignment().get('y')).toBe('b');
    // The original is untouched.
    expect(s.assignment().get('y')).toBe('a');
    expect(s.loadCores[1]).toBe(4);
    // Emptying a host leaves it at exactly zero.
    c.move(0, 1);
    expect(c.vmsOn(0).length).toBe(0);
    expect(c.loadCores[0]).toBe(0);
    expect(c.activeHosts()).toBe(1);
    // …and that broke anti-affinity (x and z both in web on b): violations() reports it.
    expect(c.violations().map((v) => v.kind)).toContain('anti-affinity');
    expect(s.violations()).toEqual([]);
  });

  it('caps allocation overcommit when the usage policy asks for it', () => {
    const s = ClusterState.from(hosts, vms, { ...USAGE_PACKING, maxAllocationRatio: { cpu: 1, memory: 1 } });
    // By usage z (4 cores, 8 GiB) fits a (5 of 12.8 cores), but allocations would reach 18 of 16 cores.
    expect(s.fitsCapacity(2, 0)).toBe(false);
    expect(s.rejection(2, 0)).toMatch(/allocation cap on cores/);
    const loose = ClusterState.from(hosts, vms, USAGE_PACKING);
    expect(loose.fitsCapacity(2, 0)).toBe(true);
  });

  it('refuses unknown hosts, duplicate ids and bad targets', () => {
    expect(() => ClusterState.from(hosts, [{ id: 'q', host: 'nope', cores: 1, memoryGiB: 1 }])).toThrow(/unknown host/);
    expect(() => ClusterState.from(hosts, [vms[0], vms[0]])).toThrow(/duplicate VM/);
    expect(() => ClusterState.from(hosts, vms, { basis: 'usage', cpuTarget: 1.2, memoryTarget: 0.9 })).toThrow(RangeError);
    expect(() => ClusterState.from(hosts, [{ id: 'q', host: 'a', cores: NaN, memoryGiB: 1 }])).toThrow(/finite/);
  });
});
