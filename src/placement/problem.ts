/**
 * The placement problem in the engine's own terms (the wire shapes map onto these at the edge):
 * hosts with capacities, allocations and labels, and VM requests with resources and the rules an
 * operator set. Hard rules are enforced by constraints.ts; soft ones only score.
 */

/** The resource dimensions every host offers and every VM asks for. */
export const RESOURCES = ['cpu_cores', 'memory_mb', 'storage_gb', 'network_mbps', 'gpu_count'] as const;
export type ResourceName = (typeof RESOURCES)[number];
export type Resources = Record<ResourceName, number>;

/** The topology levels a spread rule can count over. */
export const TOPOLOGY_KEYS = ['datacenter', 'zone', 'rack', 'failure_domain', 'host'] as const;
export type TopologyKey = (typeof TOPOLOGY_KEYS)[number];

export interface MaintenanceWindow {
  start: number;
  end: number;
}

export interface PlacementHost {
  id: string;
  /** Only 'available' hosts take new VMs. */
  status: string;
  capacity: Resources;
  allocated: Resources;
  datacenter?: string;
  zone?: string;
  rack?: string;
  failureDomain?: string;
  /** Highest security level of workload the host may run. */
  securityLevel?: number;
  complianceTags: ReadonlySet<string>;
  labels: Readonly<Record<string, string>>;
  maintenance: readonly MaintenanceWindow[];
  /** VMs running on the host, and how many of them belong to each group. */
  vms: ReadonlySet<string>;
  groups: ReadonlyMap<string, number>;
  /**
   * What else is known of the host, by the documented fact names of the factor catalogue
   * (docs/placement.md): live utilisation (`cpu_utilization` …, fractions), failure probability,
   * cost, power, environment, hardware. Numbers, or strings for categorical facts. A missing fact
   * makes the factors that read it unavailable for this host.
   */
  facts?: Readonly<Record<string, number | string>>;
  /** Running VMs per workload type (web, database, batch …), for the co-location factors. */
  workloadMix?: ReadonlyMap<string, number>;
}

/** A label rule: the host's label `key` must (or must not) take one of `values`; no values: the key must (not) exist. */
export interface LabelSelector {
  key: string;
  values?: readonly string[];
}

export interface SpreadRule {
  /** Count the group's VMs per value of this topology key. */
  over: TopologyKey;
  /** The VM group whose members are spread (the request itself counts as a member). */
  group: string;
  /** Largest allowed difference between the fullest and the emptiest eligible domain after placement. */
  maxSkew: number;
}

export interface PlacementRequest {
  id: string;
  resources: Resources;
  /** The request joins these groups (affinity rules of other VMs may name them). */
  groups: readonly string[];
  /** Security level the workload needs: hosts below it are refused. */
  securityLevel?: number;
  /** Data centres allowed (any of). */
  datacenters?: readonly string[];
  /** Compliance tags the host must carry (all of). */
  complianceTags?: readonly string[];
  /** Hard node affinity: every selector must match. */
  nodeAffinity?: readonly LabelSelector[];
  /** Hard node anti-affinity: no selector may match. */
  nodeAntiAffinity?: readonly LabelSelector[];
  /** Hard affinity to VMs or groups: the host must already run each of them (a group with no member anywhere is satisfied by any host). */
  vmAffinity?: { vms?: readonly string[]; groups?: readonly string[] };
  /** Hard anti-affinity: the host must run none of these VMs or group members. */
  vmAntiAffinity?: { vms?: readonly string[]; groups?: readonly string[] };
  spread?: readonly SpreadRule[];
  /** Hard: only these hosts may take the VM (the seed API's node_affinity list of node ids). */
  allowedNodes?: readonly string[];
  /** NovaCron's excluded nodes (hard). */
  excludedNodes?: readonly string[];
  /** The window the VM must run in: a host with maintenance overlapping it is refused. Default: now to now + 1 h. */
  runWindow?: MaintenanceWindow;
  /** What only scores: preferences and workload traits. */
  soft?: SoftPreferences;
}

/** Soft rules and workload traits: they shape the score, never the feasibility. */
export interface SoftPreferences {
  workloadType?: string;
  /** 1 (lowest) – 5 (highest). */
  priority?: number;
  /** Availability the workload's SLA promises (0.999 …). */
  slaAvailability?: number;
  /** 0 – 1: how much the workload suffers from latency. */
  latencySensitivity?: number;
  throughputRps?: number;
  /** 0 – 1: how far above its typical use the workload bursts. */
  burstability?: number;
  /** Expected CPU use as a share of the requested cores (default 0.5). */
  expectedCpuUtilization?: number;
  /** NovaCron's preferred nodes. */
  preferredNodes?: readonly string[];
  nodeAffinity?: readonly { selector: LabelSelector; weight: number }[];
  vmAffinity?: { vms?: readonly string[]; groups?: readonly string[] };
  vmAntiAffinity?: { vms?: readonly string[]; groups?: readonly string[] };
  /** Host the VM runs on now (a migration): moving it costs. */
  sourceHost?: string;
  image?: string;
  /** Zone (or data centre) where the VM's data lives. */
  dataLocation?: string;
  /** Hardware features wanted (avx512, sriov, nvme …), compared with the host's `hardware_features` fact. */
  hardwareFeatures?: readonly string[];
  hypervisor?: string;
  loadBalancerPool?: string;
}

export const emptyResources = (): Resources => ({ cpu_cores: 0, memory_mb: 0, storage_gb: 0, network_mbps: 0, gpu_count: 0 });

/** The value of a host at a topology level ('host' is the host itself). */
export function topologyValue(host: PlacementHost, key: TopologyKey): string | undefined {
  switch (key) {
    case 'datacenter':
      return host.datacenter;
    case 'zone':
      return host.zone;
    case 'rack':
      return host.rack;
    case 'failure_domain':
      return host.failureDomain;
    case 'host':
      return host.id;
  }
}
