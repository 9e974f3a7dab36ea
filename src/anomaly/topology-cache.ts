import type { Store } from '../platform/store/index.js';

export interface Placement {
  hostId?: string;
  rack?: string;
  service?: string;
}

const PAGE = 5000;
/** Label keys that name the service a VM or host belongs to, in order of preference. */
const SERVICE_LABELS = ['service', 'app', 'application', 'app.kubernetes.io/name'];

function serviceOf(labels: Record<string, string>): string | undefined {
  for (const k of SERVICE_LABELS) if (labels[k]) return labels[k];
  return undefined;
}

/**
 * Where each resource sits (its host, the host's rack, its service label), read from the
 * inventory and refreshed on a timer, so the synchronous scoring path can group anomalies by
 * topology without a database round trip per anomaly.
 */
export class TopologyCache {
  private hosts = new Map<string, { rack?: string; service?: string }>();
  private vms = new Map<string, { hostId?: string; service?: string }>();

  constructor(private readonly store: Store) {}

  async refresh(): Promise<void> {
    const hosts = new Map<string, { rack?: string; service?: string }>();
    for (let offset = 0; ; offset += PAGE) {
      const { items } = await this.store.inventory.listNodes({ limit: PAGE, offset });
      for (const n of items) hosts.set(n.id, { rack: n.rack ?? undefined, service: serviceOf(n.labels) });
      if (items.length < PAGE) break;
    }
    const vms = new Map<string, { hostId?: string; service?: string }>();
    for (let offset = 0; ; offset += PAGE) {
      const { items } = await this.store.inventory.listVms({ limit: PAGE, offset });
      for (const v of items) vms.set(v.id, { hostId: v.node_id ?? undefined, service: serviceOf(v.labels) });
      if (items.length < PAGE) break;
    }
    this.hosts = hosts;
    this.vms = vms;
  }

  placementOf(entityId: string, entityType: string): Placement {
    if (entityType === 'vm') {
      const vm = this.vms.get(entityId);
      const hostId = vm?.hostId;
      return { hostId, rack: hostId ? this.hosts.get(hostId)?.rack : undefined, service: vm?.service };
    }
    const host = this.hosts.get(entityId);
    return { hostId: entityId, rack: host?.rack, service: host?.service };
  }
}
