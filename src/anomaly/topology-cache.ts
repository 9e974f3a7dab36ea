import type { Store } from '../platform/store/index.js';
import type { MaintenanceWindow } from './incidents/index.js';

export interface Placement {
  hostId?: string;
  rack?: string;
  service?: string;
}

const PAGE = 5000;
const HOUR = 3_600_000;
/** Maintenance events that started this long ago are still read (they may be running). */
const MAINTENANCE_LOOKBACK_MS = 7 * 24 * HOUR;
/** A maintenance event without an end is assumed over after this long. */
const OPEN_MAINTENANCE_MS = 24 * HOUR;
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
  /** Maintenance windows from inventory events of kind `maintenance` (a host's covers its VMs). */
  maintenance: MaintenanceWindow[] = [];

  constructor(private readonly store: Store) {}

  async refresh(now = Date.now()): Promise<void> {
    await this.refreshPlacement();
    await this.refreshMaintenance(now);
  }

  private async refreshMaintenance(now: number): Promise<void> {
    const windows: MaintenanceWindow[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const { items } = await this.store.events.list({ kind: 'maintenance', from: now - MAINTENANCE_LOOKBACK_MS, limit: PAGE, offset });
      for (const e of items) {
        const scope = e.entity_type === 'vm' ? { resourceIds: [e.entity_id] } : { hostIds: [e.entity_id] };
        windows.push({ id: e.id, startMs: e.started_at, endMs: e.ended_at ?? e.started_at + OPEN_MAINTENANCE_MS, reason: e.description ?? 'maintenance', ...scope });
      }
      if (items.length < PAGE) break;
    }
    this.maintenance = windows;
  }

  private async refreshPlacement(): Promise<void> {
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
