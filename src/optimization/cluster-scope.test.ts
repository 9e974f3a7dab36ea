import { describe, expect, it } from 'vitest';
import { clusterFromSpecs, clusterOfLabels } from './cluster-inventory.js';
import { scopeToCluster } from './cluster-scope.js';
import type { HostSpec, VmSpec } from './cluster-state.js';

const host = (id: string, cluster?: string): HostSpec => ({ id, cores: 16, memoryGiB: 64, ...(cluster ? { cluster } : {}) });
const vm = (id: string, on: string): VmSpec => ({ id, host: on, cores: 2, memoryGiB: 4, usage: { cores: 1, memoryGiB: 2 } });

describe('a node\'s cluster', () => {
  it('comes from the label cluster, then cluster_id, else default', () => {
    expect(clusterOfLabels({ cluster: ' gpu-a ' })).toBe('gpu-a');
    expect(clusterOfLabels({ cluster_id: 'b' })).toBe('b');
    expect(clusterOfLabels({ cluster: '', cluster_id: 'b' })).toBe('default');
    expect(clusterOfLabels({})).toBe('default');
  });
});

describe('scopeToCluster', () => {
  it('takes the whole fleet when no node is labelled, whatever the cluster_id', () => {
    const fleet = clusterFromSpecs([host('h1'), host('h2')], [vm('v1', 'h1')]);
    const s = scopeToCluster(fleet, 'distributed_supercompute');
    expect(s.cluster).toBe(fleet);
    expect(s.note).toContain('no node carries a cluster label');
  });

  it('keeps only the named cluster\'s hosts and the VMs on them, with their usage sources', () => {
    const fleet = clusterFromSpecs(
      [host('a1', 'a'), host('b1', 'b'), host('a2', 'a'), host('d1')],
      [vm('v1', 'a1'), vm('v2', 'b1'), vm('v3', 'a2'), vm('v4', 'd1')],
      ['telemetry', 'allocation', 'partial', 'telemetry'],
    );
    const a = scopeToCluster(fleet, 'a').cluster!;
    expect(a.hosts.map((h) => h.id)).toEqual(['a1', 'a2']);
    expect(a.vms.map((v) => v.id)).toEqual(['v1', 'v3']);
    expect(a.usageSource).toEqual(['telemetry', 'partial']);
    expect(a.state.hosts.length).toBe(2);
    expect(a.state.vms.length).toBe(2);
    expect(a.state.policy).toEqual(fleet.state.policy);
    expect(a.coverage.vms).toBe(2);
    // Unlabelled nodes form the cluster "default".
    expect(scopeToCluster(fleet, 'default').cluster!.hosts.map((h) => h.id)).toEqual(['d1']);
  });

  it('gives no fleet for a cluster no node is in, and names those that exist', () => {
    const fleet = clusterFromSpecs([host('a1', 'a'), host('a2', 'a'), host('b1', 'b')], []);
    const s = scopeToCluster(fleet, 'nope');
    expect(s.cluster).toBeNull();
    expect(s.note).toContain('a (2), b (1)');
  });
});
