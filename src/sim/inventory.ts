import type { NodeBodyT, VmBodyT } from '../telemetry/inventory-schemas.js';
import type { Fleet } from './fleet-layout.js';

/** The fleet as the engine's inventory API takes it: `POST /api/v1/nodes/bulk` and `/api/v1/vms/bulk`. */
export interface SimInventory {
  nodes: NodeBodyT[];
  vms: VmBodyT[];
}

export function fleetInventory(fleet: Fleet, seed: number): SimInventory {
  const nodes: NodeBodyT[] = [];
  const vms: VmBodyT[] = [];
  for (const host of fleet.hosts) {
    const g = host.generation;
    const hostVms = fleet.vmsByHost[host.index];
    let cpu = 0;
    let memory = 0;
    let storage = 0;
    for (const vm of hostVms) {
      cpu += vm.vcpus;
      memory += vm.memoryMb;
      storage += vm.storageGb;
    }
    nodes.push({
      id: host.id,
      name: host.id,
      status: 'available',
      datacenter: host.datacenter,
      zone: host.zone,
      rack: host.rack,
      // Hosts of a rack share its power feed and top-of-rack switch.
      failure_domain: host.rack,
      hardware_generation: g.name,
      capacity: { cpu_cores: g.cores, memory_mb: g.memoryMb, storage_gb: g.storageGb, network_mbps: g.networkMbps, gpu_count: 0 },
      allocated: { cpu_cores: cpu, memory_mb: memory, storage_gb: storage, network_mbps: 0, gpu_count: 0 },
      cost_per_hour: g.costPerHour,
      power_idle_watts: g.idleWatts,
      power_max_watts: g.maxWatts,
      labels: { simulated: 'true', sim_seed: String(seed), utc_offset_hours: String(host.utcOffsetHours) },
    });
    for (const vm of hostVms) {
      vms.push({
        id: vm.id,
        name: vm.id,
        node_id: host.id,
        state: 'running',
        resources: { cpu_cores: vm.vcpus, memory_mb: vm.memoryMb, storage_gb: vm.storageGb, network_mbps: 0, gpu_count: 0 },
        workload_type: vm.workload.kind,
        sla_class: vm.slaClass,
        priority: vm.priority,
        labels: { simulated: 'true' },
      });
    }
  }
  return { nodes, vms };
}
