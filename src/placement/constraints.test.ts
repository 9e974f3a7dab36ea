import { describe, expect, it } from 'vitest';
import { Random } from '../ml/core/index.js';
import { ConstraintChecker, ruleColumns, type RejectionCode } from './constraints.js';
import { RESOURCES, type LabelSelector, type PlacementHost, type PlacementRequest, type Resources, type TopologyKey } from './problem.js';

const NOW = Date.UTC(2026, 10, 27, 12);
const pick = <T,>(rng: Random, xs: readonly T[]) => xs[Math.floor(rng.float() * xs.length)];
const some = <T,>(rng: Random, xs: readonly T[], p: number) => xs.filter(() => rng.float() < p);

function randomHost(rng: Random, i: number): PlacementHost {
  const capacity: Resources = { cpu_cores: pick(rng, [16, 32, 64]), memory_mb: pick(rng, [65536, 131072, 262144]), storage_gb: pick(rng, [500, 1000, 2000]), network_mbps: pick(rng, [10000, 25000]), gpu_count: pick(rng, [0, 0, 0, 2, 4]) };
  const allocated = Object.fromEntries(RESOURCES.map((k) => [k, Math.floor(rng.float() * capacity[k] * 1.05)])) as Resources;
  const groups = new Map<string, number>();
  for (const g of ['web', 'db', 'cache']) if (rng.float() < 0.3) groups.set(g, 1 + Math.floor(rng.float() * 3));
  return {
    id: `h${i}`,
    status: rng.float() < 0.9 ? 'available' : pick(rng, ['maintenance', 'offline']),
    capacity,
    allocated,
    datacenter: rng.float() < 0.95 ? pick(rng, ['dc1', 'dc2', 'dc3']) : undefined,
    zone: pick(rng, ['a', 'b', 'c', 'd']),
    rack: rng.float() < 0.9 ? `r${Math.floor(rng.float() * 8)}` : undefined,
    failureDomain: `fd${Math.floor(rng.float() * 5)}`,
    securityLevel: rng.float() < 0.9 ? Math.floor(rng.float() * 6) : undefined,
    complianceTags: new Set(some(rng, ['pci', 'hipaa', 'gdpr', 'sox'], 0.4)),
    labels: Object.fromEntries(some(rng, ['ssd', 'gpu', 'arch', 'tier'], 0.6).map((k) => [k, pick(rng, ['x', 'y', 'z'])])),
    maintenance: rng.float() < 0.1 ? [{ start: NOW + Math.floor((rng.float() - 0.5) * 4 * 3_600_000), end: NOW + 4 * 3_600_000 }] : [],
    vms: new Set(some(rng, ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'], 0.15)),
    groups,
  };
}

function randomRequest(rng: Random, i: number): PlacementRequest {
  const selector = (): LabelSelector => ({ key: pick(rng, ['ssd', 'gpu', 'arch', 'tier']), values: rng.float() < 0.3 ? undefined : some(rng, ['x', 'y', 'z'], 0.5) });
  const maybe = <T,>(p: number, f: () => T): T | undefined => (rng.float() < p ? f() : undefined);
  return {
    id: `req${i}`,
    resources: { cpu_cores: pick(rng, [1, 2, 4, 8, 16]), memory_mb: pick(rng, [1024, 4096, 16384, 65536]), storage_gb: pick(rng, [0, 20, 100, 400]), network_mbps: pick(rng, [0, 100, 1000]), gpu_count: pick(rng, [0, 0, 0, 0, 1]) },
    groups: some(rng, ['web', 'db'], 0.3),
    securityLevel: maybe(0.3, () => Math.floor(rng.float() * 6)),
    datacenters: maybe(0.3, () => some(rng, ['dc1', 'dc2', 'dc3'], 0.5)),
    complianceTags: maybe(0.3, () => some(rng, ['pci', 'hipaa', 'gdpr', 'sox'], 0.3)),
    nodeAffinity: maybe(0.3, () => [selector()]),
    nodeAntiAffinity: maybe(0.2, () => [selector()]),
    vmAffinity: maybe(0.15, () => ({ vms: some(rng, ['vm1', 'vm2', 'vm3'], 0.3), groups: some(rng, ['web', 'db', 'cache', 'nobody'], 0.3) })),
    vmAntiAffinity: maybe(0.2, () => ({ vms: some(rng, ['vm1', 'vm2', 'vm3'], 0.3), groups: some(rng, ['web', 'db', 'cache'], 0.3) })),
    spread: maybe(0.3, () => [{ over: pick(rng, ['zone', 'rack', 'failure_domain', 'datacenter'] as TopologyKey[]), group: pick(rng, ['web', 'db', 'cache']), maxSkew: pick(rng, [1, 1, 2]) }]),
    excludedNodes: maybe(0.2, () => [`h${Math.floor(rng.float() * 30)}`]),
    allowedNodes: maybe(0.05, () => Array.from({ length: 1 + Math.floor(rng.float() * 40) }, () => `h${Math.floor(rng.float() * 100)}`)),
  };
}

/** An independent, deliberately plain reading of every rule: the oracle the engine is held to. */
function violations(r: PlacementRequest, h: PlacementHost, fleet: readonly PlacementHost[], withSpread = true): Set<RejectionCode> {
  const v = new Set<RejectionCode>();
  if (h.status !== 'available') v.add('not_available');
  for (const k of RESOURCES) if (r.resources[k] > 0 && h.capacity[k] - h.allocated[k] < r.resources[k] - 1e-9) v.add('insufficient_resources');
  if (r.securityLevel !== undefined && (h.securityLevel === undefined || h.securityLevel < r.securityLevel)) v.add('security_level');
  if (r.datacenters?.length && !r.datacenters.some((d) => d === h.datacenter)) v.add('datacenter');
  for (const t of r.complianceTags ?? []) if (!h.complianceTags.has(t)) v.add('compliance');
  const matches = (s: LabelSelector) => s.key in h.labels && (!s.values?.length || s.values.indexOf(h.labels[s.key]) >= 0);
  for (const s of r.nodeAffinity ?? []) if (!matches(s)) v.add('node_affinity');
  for (const s of r.nodeAntiAffinity ?? []) if (matches(s)) v.add('node_anti_affinity');
  for (const vm of r.vmAffinity?.vms ?? []) if (!h.vms.has(vm)) v.add('vm_affinity');
  for (const g of r.vmAffinity?.groups ?? []) {
    const anywhere = fleet.some((x) => (x.groups.get(g) ?? 0) > 0);
    if (anywhere && !((h.groups.get(g) ?? 0) > 0)) v.add('vm_affinity');
  }
  for (const vm of r.vmAntiAffinity?.vms ?? []) if (h.vms.has(vm)) v.add('vm_anti_affinity');
  for (const g of r.vmAntiAffinity?.groups ?? []) if ((h.groups.get(g) ?? 0) > 0) v.add('vm_anti_affinity');
  if (r.excludedNodes?.includes(h.id)) v.add('excluded');
  if (r.allowedNodes?.length && r.allowedNodes.indexOf(h.id) < 0) v.add('node_affinity');
  for (const m of h.maintenance) if (m.start < NOW + 3_600_000 && m.end > NOW) v.add('maintenance');
  if (withSpread) {
    for (const s of r.spread ?? []) {
      const key = (x: PlacementHost) => (s.over === 'failure_domain' ? x.failureDomain : s.over === 'host' ? x.id : x[s.over]);
      const mine = key(h);
      if (mine === undefined) {
        v.add('spread');
        continue;
      }
      const eligible = new Set(fleet.filter((x) => violations(r, x, fleet, false).size === 0 && key(x) !== undefined).map((x) => key(x)!));
      if (!eligible.has(mine)) continue;
      const count = (d: string) => fleet.filter((x) => key(x) === d).reduce((a, x) => a + (x.groups.get(s.group) ?? 0), 0);
      const min = Math.min(...[...eligible].map(count));
      if (count(mine) + 1 - min > s.maxSkew) v.add('spread');
    }
  }
  return v;
}

describe('ConstraintChecker', () => {
  it('on 10,000 random requests under random constraints: never allows a host that breaks a hard rule, allows every host that breaks none, and names exactly the broken rules', () => {
    const rng = new Random(20261127);
    let placed = 0;
    let feasibleRequests = 0;
    let refusedHosts = 0;
    for (let fleetNo = 0; fleetNo < 100; fleetNo++) {
      const fleet = Array.from({ length: 30 }, (_, i) => randomHost(rng, i));
      const checker = new ConstraintChecker(fleet, NOW);
      const columns = ruleColumns(fleet);
      for (let k = 0; k < 100; k++) {
        const request = randomRequest(rng, fleetNo * 100 + k);
        const verdicts = checker.evaluate(request);
        const allowed = verdicts.filter((v) => v.rejections.length === 0);
        const oracleAllowed = fleet.filter((h) => violations(request, h, fleet).size === 0);
        for (const v of verdicts) {
          const expected = violations(request, v.host, fleet);
          const got = new Set(v.rejections.map((x) => x.code));
          expect([...got].sort(), `${request.id} on ${v.host.id}`).toEqual([...expected].sort());
          for (const x of v.rejections) expect(x.message.length).toBeGreaterThan(0);
          if (v.rejections.length) refusedHosts++;
        }
        // "Every feasible request placed": the engine allows a host whenever one exists.
        if (oracleAllowed.length) feasibleRequests++;
        if (allowed.length) placed++;
        expect(allowed.map((v) => v.host.id)).toEqual(oracleAllowed.map((h) => h.id));
        // The split a decision uses agrees with the verdicts, reasons included.
        for (const split of [checker.partition(request), checker.partition(request, columns)]) {
          expect(split.allowed.map((i) => fleet[i].id)).toEqual(oracleAllowed.map((h) => h.id));
          expect(split.refused.map((v) => [v.host.id, v.rejections.map((x) => x.code)])).toEqual(verdicts.filter((v) => v.rejections.length).map((v) => [v.host.id, v.rejections.map((x) => x.code)]));
        }
      }
    }
    expect(placed).toBe(feasibleRequests);
    // The generator must exercise both outcomes often, or the test proves little.
    expect(feasibleRequests).toBeGreaterThan(2_000);
    expect(feasibleRequests).toBeLessThan(9_900);
    expect(refusedHosts).toBeGreaterThan(100_000);
  }, 120_000); // 10,000 requests × 100 hosts against the oracle: about 14 s in CI, more on a loaded machine

  it('explains a refusal in words', () => {
    const rng = new Random(1);
    const host = { ...randomHost(rng, 0), status: 'available', securityLevel: 1, complianceTags: new Set<string>(), maintenance: [] };
    const checker = new ConstraintChecker([host], NOW);
    const [v] = checker.evaluate({ id: 'r', resources: { cpu_cores: 1e6, memory_mb: 1, storage_gb: 0, network_mbps: 0, gpu_count: 0 }, groups: [], securityLevel: 3, complianceTags: ['pci'] });
    expect(v.rejections.map((r) => r.code)).toEqual(['insufficient_resources', 'security_level', 'compliance']);
    expect(v.rejections[0].message).toMatch(/cpu_cores: needs 1000000, \d+ free/);
    expect(v.rejections[1].message).toBe('security level 1 below the required 3');
  });
});
