/**
 * Which part of the registered fleet a request's `cluster_id` names.
 *
 * A node belongs to the cluster in its label `cluster` (or `cluster_id`); a node without either
 * belongs to `default`. Rules:
 * - no node carries a cluster label: the inventory is one cluster and every `cluster_id` means
 *   all of it (NovaCron sends "default" or "distributed_supercompute" with one fleet), said in a
 *   note;
 * - otherwise only the named cluster's nodes and the VMs on them are planned over, and a name no
 *   node carries gives no fleet (null) with a note naming the clusters that exist — never another
 *   cluster's hosts.
 * VMs are planned with their hosts, so a scoped fleet never moves a VM across clusters.
 */
import { clusterFromSpecs, DEFAULT_CLUSTER, type LoadedCluster } from './cluster-inventory.js';

export interface ScopedCluster {
  cluster: LoadedCluster | null;
  note: string;
}

/** The part of `loaded` in cluster `clusterId` (see the module comment). */
export function scopeToCluster(loaded: LoadedCluster, clusterId: string): ScopedCluster {
  const named = new Map<string, number>();
  for (const h of loaded.hosts) {
    const c = h.cluster ?? DEFAULT_CLUSTER;
    named.set(c, (named.get(c) ?? 0) + 1);
  }
  if (named.size === 1 && named.has(DEFAULT_CLUSTER)) {
    return { cluster: loaded, note: `no node carries a cluster label: the whole registered fleet is cluster "${clusterId}"` };
  }
  const known = [...named.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} (${n})`);
  const count = named.get(clusterId);
  if (!count) {
    return { cluster: null, note: `no registered node is in cluster "${clusterId}" (label cluster); clusters with nodes: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}` };
  }
  if (count === loaded.hosts.length) return { cluster: loaded, note: `all ${count} registered node(s) are in cluster "${clusterId}"` };
  const hostIds = new Set(loaded.hosts.filter((h) => (h.cluster ?? DEFAULT_CLUSTER) === clusterId).map((h) => h.id));
  const hosts = loaded.hosts.filter((h) => hostIds.has(h.id));
  const keep: number[] = [];
  loaded.vms.forEach((v, i) => {
    if (hostIds.has(v.host)) keep.push(i);
  });
  const scoped = clusterFromSpecs(
    hosts,
    keep.map((i) => loaded.vms[i]),
    keep.map((i) => loaded.usageSource[i]),
    { policy: loaded.state.policy, source: loaded.source, notes: loaded.notes, now: loaded.loadedAt },
  );
  scoped.costHints = loaded.costHints;
  return { cluster: scoped, note: `cluster "${clusterId}": ${hosts.length} of ${loaded.hosts.length} registered node(s) and the ${keep.length} VM(s) on them` };
}
