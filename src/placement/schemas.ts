/**
 * Wire schemas of the placement API: the seed ai-engine shapes (§1A: workload_request /
 * available_nodes → candidates, recommendation), extended with our richer fields, NovaCron's VM
 * spec and node shapes (§5), and the unified scheduler's PlacementPrediction (§2E). Nodes and
 * workloads accept fields beyond those listed (the seed sends free-form dicts): on a node, any
 * catalogue fact name (or documented alias) becomes a fact; anything else is ignored and named in
 * the response's `notes`. Ranges the schema cannot say clearly (utilisation fractions, timestamps,
 * custom weights) are checked by wire-mapping.ts with the same JSON paths.
 */
import { Type, type Static } from 'typebox';
import { OBJECTIVES } from './factor.js';
import { TOPOLOGY_KEYS } from './problem.js';

/** Most nodes one request may send (`available_nodes`, `nodes`). */
export const MAX_NODES = 10_000;
/**
 * Most workloads one batch may place. A batch runs on the event loop: 1,000 workloads onto 10,000
 * nodes took about 5 s here, so larger batches belong in several requests (or, later, a job).
 */
export const MAX_BATCH_WORKLOADS = 2_000;
/** Static ceilings of the arrays above: beyond MAX_* (up to these) the handler answers 413 with the limit. */
export const NODES_CEILING = 100_000;
export const BATCH_CEILING = 100_000;
/** Most candidates one answer lists (`max_candidates`). */
export const MAX_CANDIDATES = 1_000;
export const DEFAULT_CANDIDATES = 10;
/** Refused hosts listed in one answer (`refused_total` counts them all). */
export const MAX_REFUSED_LISTED = 100;
/** Most ids in one node-id list (affinity, exclusions, preferences, candidate_node_ids). */
export const MAX_ID_LIST = 10_000;
/** Most alternatives one prediction lists. */
export const MAX_ALTERNATIVES = 100;
export const DEFAULT_ALTERNATIVES = 4;

const Id = Type.String({ minLength: 1, maxLength: 256 });
const Text = (description: string, maxLength = 256) => Type.String({ maxLength, description });
const IdList = (description: string) => Type.Array(Id, { maxItems: MAX_ID_LIST, description });
const StringList = (description: string, maxItems = 100) => Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems, description });
const Amount = (description: string) => Type.Number({ minimum: 0, description });
const Fraction = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const Timestamp = Type.Unknown({ description: 'RFC 3339 with a zone, or epoch milliseconds (numbers below 1e11 are epoch seconds)' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const ObjectiveNames = [...OBJECTIVES, 'custom'] as const;
export const ObjectiveSchema = Type.Enum(ObjectiveNames, {
  description:
    'performance, cost, efficiency or sustainability weigh the factors serving that goal fully and the others at a tenth; balanced (default) gives each of the five factor categories a fifth; custom uses `custom_weights`.',
});

export const CustomWeightsSchema = Type.Object(
  {
    categories: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Number({ minimum: 0 }), { maxProperties: 10, description: 'Weight per category (resource, performance, infrastructure, network, operational), shared within it by the factors\' own weights' }),
    ),
    factors: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.Number({ minimum: 0 }), { maxProperties: 200, description: 'Weight per factor name (GET /api/v1/placement/factors); replaces what its category would give it' })),
  },
  { additionalProperties: false, description: 'Required with objective custom (and implies it when `objective` is absent). Weights ≥ 0, at least one above 0; they are normalised to sum to 1.' },
);

const Selector = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 128 }),
    values: Type.Optional(Type.Array(Type.String({ maxLength: 512 }), { maxItems: 100, description: 'The label must take one of these; absent or empty: the key must exist' })),
  },
  { additionalProperties: false },
);
const WeightedSelector = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 128 }),
    values: Type.Optional(Type.Array(Type.String({ maxLength: 512 }), { maxItems: 100 })),
    weight: Type.Number({ minimum: 0, maximum: 100, description: 'Relative weight among the preferences' }),
  },
  { additionalProperties: false },
);
const VmRefs = (description: string) =>
  Type.Object(
    {
      vms: Type.Optional(IdList('VM ids')),
      groups: Type.Optional(StringList('VM groups (a VM joins groups by the inventory label `group`/`groups` or a request\'s `groups`)')),
    },
    { additionalProperties: false, description },
  );

const Window = Type.Object({ start: Timestamp, end: Timestamp }, { additionalProperties: false });

const PLACEMENT_POLICIES = ['', 'balanced', 'consolidated', 'efficiency', 'performance', 'network-aware', 'custom'] as const;

/**
 * A workload (VM) to place: the seed's workload dict, our fields, or NovaCron's VMConfig. Sizes:
 * cpu from `cpu_cores` or NovaCron's `cpu_shares` (not both); memory from `memory_gb` (seed, GiB)
 * or `memory_mb` (not both); disk from `storage_gb` or `disk_size_gb` (not both).
 */
export const WorkloadSchema = Type.Object(
  {
    workload_id: Type.Optional(Id),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'NovaCron VMConfig id: the workload id when workload_id is absent' })),
    name: Type.Optional(Text('NovaCron VMConfig name (informational)')),
    cpu_cores: Type.Optional(Amount('vCPUs')),
    cpu_shares: Type.Optional(Type.Integer({ minimum: 1, maximum: 262_144, description: 'NovaCron VMConfig: up to 128 it is vCPUs; above, Linux CPU shares with 1024 ≈ 1 vCPU (rounded up)' })),
    memory_gb: Type.Optional(Amount('Memory in GiB (seed)')),
    memory_mb: Type.Optional(Amount('Memory in MiB (ours and NovaCron)')),
    storage_gb: Type.Optional(Amount('Disk in GB')),
    disk_size_gb: Type.Optional(Amount('NovaCron VMConfig disk in GB')),
    network_mbps: Type.Optional(Amount('Network bandwidth reserved, Mbit/s')),
    gpu_count: Type.Optional(Type.Integer({ minimum: 0, maximum: 1024 })),
    workload_type: Type.Optional(Text('web_server, database, ml_training, batch … (co-location factors)', 64)),
    workload_priority: Type.Optional(Type.Number({ minimum: 1, maximum: 5, description: '1 (lowest) – 5 (highest)' })),
    sla_requirements: Type.Optional(Fraction('Availability the SLA promises, e.g. 0.95 or 0.999')),
    latency_sensitivity: Type.Optional(Fraction('0 – 1')),
    throughput_requirements: Type.Optional(Amount('Requests per second the workload must serve')),
    expected_cpu_utilization: Type.Optional(Fraction('Expected CPU use as a share of the requested cores (default 0.5)')),
    burstability: Type.Optional(Fraction('How far above its typical use the workload bursts, 0 – 1')),
    node_affinity: Type.Optional(IdList('Seed: hard — only these node ids may take the workload')),
    node_anti_affinity: Type.Optional(IdList('Seed: hard — these node ids may not')),
    excluded_nodes: Type.Optional(IdList('NovaCron: hard — these node ids may not')),
    preferred_nodes: Type.Optional(IdList('NovaCron: soft — these node ids score higher')),
    datacenter_constraint: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 100 })], { description: 'Hard: the data centre (or any of these)' }),
    ),
    security_level: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Hard: hosts below this level are refused (0 or absent: no rule)' })),
    groups: Type.Optional(StringList('Groups the workload joins (other workloads\' vm affinity and spread rules name them)')),
    compliance_tags: Type.Optional(StringList('Hard: the host must carry all of these')),
    node_selector: Type.Optional(Type.Array(Selector, { maxItems: 50, description: 'Hard label rules: every one must match the host\'s labels' })),
    node_anti_selector: Type.Optional(Type.Array(Selector, { maxItems: 50, description: 'Hard label rules: none may match' })),
    vm_affinity: Type.Optional(VmRefs('Hard: the host must already run each of these VMs and a member of each group (a group with no member anywhere pins nothing)')),
    vm_anti_affinity: Type.Optional(VmRefs('Hard: the host may run none of these VMs or group members')),
    soft_vm_affinity: Type.Optional(VmRefs('Soft: prefer hosts near (same host, rack, zone, data centre) these VMs or groups')),
    soft_vm_anti_affinity: Type.Optional(VmRefs('Soft: prefer hosts without these VMs or group members')),
    spread: Type.Optional(
      Type.Array(
        Type.Object(
          {
            over: Type.Enum(TOPOLOGY_KEYS, { description: 'Topology level the group is counted over' }),
            group: Type.String({ minLength: 1, maxLength: 256 }),
            max_skew: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Largest allowed difference between the fullest and the emptiest domain after placement (≥ 1)' }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 10, description: 'Hard topology spread (Kubernetes DoNotSchedule semantics); the workload counts as a member of the group' },
      ),
    ),
    preferred_node_selector: Type.Optional(Type.Array(WeightedSelector, { maxItems: 50, description: 'Soft label preferences with weights' })),
    source_node: Type.Optional(Text('The node the VM runs on now (a migration): moving far costs')),
    image: Type.Optional(Text('Image id: hosts with it cached score higher', 1024)),
    data_location: Type.Optional(Text('Zone or data centre where the workload\'s data lives', 128)),
    hardware_features: Type.Optional(StringList('Wanted hardware features (avx512, sriov, nvme …), soft')),
    hypervisor: Type.Optional(Text('Wanted hypervisor (kvm, xen …), soft', 64)),
    load_balancer_pool: Type.Optional(Text('Load-balancer pool the workload joins, soft', 128)),
    run_window: Type.Optional(Type.Object({ start: Timestamp, end: Timestamp }, { additionalProperties: false, description: 'When the workload must run; hosts with maintenance overlapping it are refused. Default now → now + 1 h' })),
    placement: Type.Optional(
      Type.Object(
        {
          policy: Type.Optional(Type.Enum(PLACEMENT_POLICIES, { description: 'NovaCron policy → objective: balanced/"" → balanced, consolidated/efficiency → efficiency, performance/network-aware → performance, custom → custom (needs custom_weights). An explicit `objective` wins.' })),
          preferred_nodes: Type.Optional(IdList('Soft')),
          excluded_nodes: Type.Optional(IdList('Hard')),
        },
        { additionalProperties: true },
      ),
    ),
  },
  {
    additionalProperties: true,
    description:
      'A workload: the seed ai-engine dict, our fields, or NovaCron\'s VMConfig (cpu_shares, memory_mb, disk_size_gb, placement{policy, preferred_nodes, excluded_nodes}; its other fields such as tags, type and network attachments are ignored). ' +
      'It must ask for some cpu or memory. Other fields are ignored and named in `notes`.',
  },
);
export type WorkloadWire = Static<typeof WorkloadSchema>;

const ResourceObject = (description: string) =>
  Type.Object(
    {
      cpu_cores: Type.Optional(Amount('cores')),
      memory_mb: Type.Optional(Amount('MiB')),
      storage_gb: Type.Optional(Amount('GB')),
      network_mbps: Type.Optional(Amount('Mbit/s')),
      gpu_count: Type.Optional(Type.Number({ minimum: 0 })),
    },
    { additionalProperties: false, description },
  );

const FactValue = Type.Union([Type.Number(), Type.String({ maxLength: 1024 }), Type.Boolean()]);

/**
 * A node (host): the seed's node dict (available amounts and measured facts), NovaCron's
 * NodeResourceInfo (totals and used amounts, percentages), or ours (capacity/allocated objects).
 */
export const NodeSchema = Type.Object(
  {
    node_id: Type.Optional(Id),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Alias of node_id' })),
    status: Type.Optional(Type.String({ maxLength: 64, description: 'Only "available" (the default) takes new VMs' })),
    schedulable: Type.Optional(Type.Boolean({ description: 'NovaCron REST: false makes the node refuse new VMs' })),
    // seed: what is available now
    cpu_cores_available: Type.Optional(Amount('Seed: free cores (capacity when no total is given)')),
    memory_available: Type.Optional(Amount('Seed: free memory in GiB')),
    storage_available: Type.Optional(Amount('Seed: free disk in GB')),
    network_bandwidth: Type.Optional(Amount('Seed: network bandwidth in Mbit/s (taken as the network capacity)')),
    gpu_available: Type.Optional(Amount('Seed: free GPUs')),
    // NovaCron NodeResourceInfo
    total_cpu: Type.Optional(Amount('NovaCron: total cores')),
    used_cpu: Type.Optional(Amount('NovaCron: allocated cores')),
    total_memory_mb: Type.Optional(Amount('NovaCron: total MiB')),
    used_memory_mb: Type.Optional(Amount('NovaCron: allocated MiB')),
    total_disk_gb: Type.Optional(Amount('NovaCron: total GB')),
    used_disk_gb: Type.Optional(Amount('NovaCron: allocated GB')),
    cpu_usage_percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'NovaCron: allocated share of the total in percent (NovaCron computes it from allocations); used when used_cpu is absent' })),
    memory_usage_percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'NovaCron: as cpu_usage_percent, for memory' })),
    disk_usage_percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'NovaCron: as cpu_usage_percent, for disk' })),
    vm_count: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'NovaCron: VMs on the node (used when `vms` is absent)' })),
    // ours
    capacity: Type.Optional(ResourceObject('Totals the node offers (wins over total_* and *_available)')),
    allocated: Type.Optional(ResourceObject('Promised to VMs (wins over used_* and percentages); may exceed capacity when overcommitted')),
    datacenter: Type.Optional(Text('Data centre', 128)),
    datacenter_location: Type.Optional(Text('Seed alias of datacenter', 128)),
    zone: Type.Optional(Text('Availability zone', 128)),
    availability_zone: Type.Optional(Text('Seed alias of zone', 128)),
    rack: Type.Optional(Text('Rack', 128)),
    rack_position: Type.Optional(Text('Seed alias of rack', 128)),
    failure_domain: Type.Optional(Text('Hosts sharing it fail together', 128)),
    security_level: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Highest security level of workload the node may run' })),
    compliance_tags: Type.Optional(StringList('Compliance certifications the node carries')),
    labels: Type.Optional(
      Type.Record(Type.String(), Type.String({ maxLength: 512 }), { maxProperties: 100, propertyNames: { minLength: 1, maxLength: 128 }, description: 'Labels for selectors; a label named like a catalogue fact is also that fact' }),
    ),
    maintenance: Type.Optional(Type.Array(Window, { maxItems: 100, description: 'Maintenance windows; a workload whose run window overlaps one is refused' })),
    vms: Type.Optional(IdList('Ids of the VMs running on the node')),
    groups: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: 1_000_000 }), { maxProperties: 1_000, description: 'VMs on the node per group' })),
    workload_mix: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: 1_000_000 }), { maxProperties: 100, description: 'VMs on the node per workload type' })),
    facts: Type.Optional(Type.Record(Type.String(), FactValue, { maxProperties: 500, description: 'Facts by catalogue name (GET /api/v1/placement/factors, `inputs`); top-level fact fields win' })),
    // the seed's measured facts (any other catalogue fact name or alias is read the same way)
    cpu_utilization: Type.Optional(Type.Number({ description: 'Measured, fraction 0–1' })),
    memory_utilization: Type.Optional(Type.Number({ description: 'Measured, fraction 0–1' })),
    storage_utilization: Type.Optional(Type.Number({ description: 'Measured, fraction 0–1 (fact disk_utilization)' })),
    network_utilization: Type.Optional(Type.Number({ description: 'Measured, fraction 0–1' })),
    network_latency: Type.Optional(Type.Number({ minimum: 0, description: 'ms (fact network_latency_ms)' })),
    temperature: Type.Optional(Type.Number({ description: '°C' })),
    failure_history: Type.Optional(Type.Number({ minimum: 0, description: 'Read as failures per year (fact failures_per_year): an assumption, the seed never defined its unit' })),
    failure_probability: Type.Optional(Type.Number({ description: 'Probability the node fails within the failure horizon, 0–1' })),
    hardware_generation: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Number()])),
    cost_per_hour: Type.Optional(Amount('$ per hour for the whole node')),
    power_idle_watts: Type.Optional(Amount('W')),
    power_max_watts: Type.Optional(Amount('W')),
  },
  {
    additionalProperties: true,
    description:
      'A node. Capacity per resource: `capacity` (ours), else NovaCron\'s total_*, else the seed\'s *_available (then nothing counts as allocated). A resource the node states nowhere has capacity 0: a workload asking for it is refused there. ' +
      'Utilisations are fractions 0–1 (400 above 1); only NovaCron\'s *_usage_percent fields take percent. Aliases: network_latency → network_latency_ms, storage_utilization → disk_utilization, failure_history → failures_per_year, ' +
      'cpu_frequency → cpu_frequency_mhz, memory_bandwidth (MB/s) → memory_bandwidth_gbps (÷1000), hardware_age → hardware_age_years, mtbf_rating → mtbf_hours, humidity → humidity_pct, network_distance → network_distance_km, ' +
      'operational_cost → cost_per_hour, packet_loss_rate → packet_loss, power_usage_effectiveness → pue, gpu_memory → gpu_memory_gb, dns_resolution_time → dns_resolution_ms. Other fields are ignored and named in `notes`.',
  },
);
export type NodeWire = Static<typeof NodeSchema>;

const NodesArray = Type.Array(NodeSchema, { maxItems: NODES_CEILING, description: `At most ${MAX_NODES} nodes (413 above); node ids must be unique. Absent or empty: the inventory (GET /api/v1/nodes) with its VMs, live telemetry and failure risk.` });

const commonOptions = {
  objective: Type.Optional(ObjectiveSchema),
  custom_weights: Type.Optional(CustomWeightsSchema),
};

export const ObjectiveQuery = Type.Object({
  objective: Type.Optional(ObjectiveSchema),
});

export const FactorsQuery = Type.Object({
  objective: Type.Optional(Type.Enum(OBJECTIVES, { description: 'Show the weights under this objective (default balanced); custom weights are sent with POST /api/v1/placement/optimize' })),
});

export const OptimizeBody = Type.Object(
  {
    workload_request: WorkloadSchema,
    available_nodes: Type.Optional(NodesArray),
    ...commonOptions,
    pareto: Type.Optional(Type.Boolean({ description: 'Also return the Pareto set over the four objective scores (performance, cost, efficiency, sustainability)' })),
    max_candidates: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CANDIDATES, description: `Candidates (and Pareto members) listed, best first; default ${DEFAULT_CANDIDATES}` })),
  },
  { additionalProperties: false },
);
export type OptimizeBodyT = Static<typeof OptimizeBody>;

export const BatchBody = Type.Object(
  {
    workload_requests: Type.Array(WorkloadSchema, { minItems: 1, maxItems: BATCH_CEILING, description: `At most ${MAX_BATCH_WORKLOADS} workloads (413 above); workload ids must be unique (absent ids become workload_<index>)` }),
    available_nodes: Type.Optional(NodesArray),
    goal: Type.Optional(Type.Enum(['minimize_hosts', 'balance'] as const, { description: 'minimize_hosts (default): pack onto the fewest hosts; balance: lowest maximum, then spread, of post-placement utilisation' })),
    ...commonOptions,
  },
  { additionalProperties: false },
);
export type BatchBodyT = Static<typeof BatchBody>;

export const PredictBody = Type.Object(
  {
    vm: WorkloadSchema,
    nodes: Type.Optional(NodesArray),
    candidate_node_ids: Type.Optional(IdList('The scheduler\'s filtered candidates: only these may be recommended (hard). Empty list: none may.')),
    ...commonOptions,
    max_alternatives: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ALTERNATIVES, description: `Alternatives listed after the recommended node; default ${DEFAULT_ALTERNATIVES}` })),
  },
  { additionalProperties: false },
);
export type PredictBodyT = Static<typeof PredictBody>;

// ---------------------------------------------------------------- responses

const Reason = Type.Object({ code: Type.String(), message: Type.String() });

const Shares = Type.Object({
  cpu: Type.Number(),
  memory: Type.Number(),
  storage: Type.Number(),
  network: Type.Number(),
});

export const CandidateSchema = Type.Object({
  node_id: Type.String(),
  rank: Type.Integer({ description: '1 = best among the allowed nodes' }),
  score: Type.Number({ description: 'Weighted factor score in [0, 1] under the objective (factors without data left out, weights renormalised)' }),
  resource_utilization: Type.Object(Shares.properties, { description: 'Allocated share of each resource after placement (0 where the node offers none)' }),
  estimated_performance: Type.Object(
    {
      estimated_throughput: Nullable(Type.Number({ description: 'throughput_requirements × (1 − the interference model\'s predicted slowdown on this node); null unless both are known' })),
      estimated_latency: Nullable(Type.Number({ description: 'The node\'s network latency in ms (fact network_latency_ms, live from telemetry for inventory nodes); null when unknown' })),
      estimated_reliability: Nullable(Type.Number({ description: '1 − the node\'s failure probability (from the failure capability for inventory nodes); null when unknown' })),
    },
    { description: 'Derived from known facts only; no value is invented' },
  ),
  constraints_satisfied: Type.Boolean({ description: 'Always true: a node that breaks a hard rule is never a candidate (it is listed under `refused`)' }),
  reasoning: Type.Array(Type.String()),
  objective_scores: Type.Object({ performance: Type.Number(), cost: Type.Number(), efficiency: Type.Number(), sustainability: Type.Number() }, { description: 'Score under each named objective' }),
  top_factors: Type.Array(
    Type.Object({
      name: Type.String(),
      category: Type.String(),
      score: Type.Number(),
      weight: Type.Number({ description: 'Weight under the objective (weights sum to 1)' }),
      edge: Type.Number({ description: '(score − mean over the allowed nodes) × weight: how much it lifted or sank this node against the others' }),
    }),
  ),
  coverage: Type.Number({ description: 'Share of the objective\'s weight whose factors had data for this node' }),
  utilisation_after: Type.Object({
    allocated: Type.Object({ cpu: Nullable(Type.Number()), memory: Nullable(Type.Number()), storage: Nullable(Type.Number()), network: Nullable(Type.Number()), gpu: Nullable(Type.Number()) }, { description: 'Allocated share after placement; null where the node offers none' }),
    measured: Type.Object({ cpu: Nullable(Type.Number()), memory: Nullable(Type.Number()), storage: Nullable(Type.Number()), network: Nullable(Type.Number()) }, { description: 'Measured use after placement (live use + the workload\'s expected use); null without telemetry' }),
  }),
});

const Refused = Type.Object({ node_id: Type.String(), reasons: Type.Array(Reason) });

const Source = Type.Enum(['request', 'inventory'] as const, { description: 'request: the nodes sent; inventory: the registered nodes with live telemetry (cached for a few seconds)' });

export const OptimizeResponse = Type.Object({
  workload_id: Type.String({ description: 'The workload id, or "unknown" when none was sent' }),
  candidates: Type.Array(CandidateSchema, { description: 'Allowed nodes, best first (at most max_candidates); empty when none is allowed' }),
  recommendation: Nullable(CandidateSchema),
  objective: Type.String(),
  refused: Type.Array(Refused, { description: `Nodes refused by hard rules with every reason (the first ${MAX_REFUSED_LISTED})` }),
  refused_total: Type.Integer(),
  pareto: Type.Optional(Type.Array(CandidateSchema, { description: 'Non-dominated candidates over the four objective scores (with pareto: true)' })),
  evaluated_nodes: Type.Integer(),
  allowed_nodes: Type.Integer(),
  source: Source,
  notes: Type.Array(Type.String(), { description: 'Ignored fields, missing capacities and other things worth knowing' }),
});

export const BatchResponse = Type.Object({
  results: Type.Record(Type.String(), Type.Array(CandidateSchema), {
    description: 'Per workload id (or workload_<index>): the chosen node\'s candidate, scored on the final fleet with the workload itself taken out; an empty list when it could not be placed',
  }),
  assignments: Type.Array(
    Type.Object({
      workload_id: Type.String(),
      node_id: Nullable(Type.String()),
      reasons: Type.Array(Type.Object({ code: Type.String(), hosts: Type.Integer({ description: 'Nodes this reason applied to' }), message: Type.String() }), { description: 'Why it was not placed (empty when placed)' }),
    }),
  ),
  summary: Type.Object({
    goal: Type.String(),
    placed: Type.Integer(),
    unplaced: Type.Integer(),
    hosts_used: Type.Integer({ description: 'Nodes running VMs after the batch' }),
    hosts_used_before: Type.Integer(),
    hosts_opened: Type.Integer({ description: 'Nodes the batch started using' }),
    max_utilisation: Type.Number({ description: 'Fullest used node\'s fullest requested dimension after the batch' }),
    mean_utilisation: Type.Number(),
    elapsed_ms: Type.Number(),
  }),
  objective: Type.String(),
  evaluated_nodes: Type.Integer(),
  source: Source,
  notes: Type.Array(Type.String()),
});

export const PredictResponse = Type.Object({
  recommended_node_id: Type.String({ description: 'Empty when no node is allowed (NovaCron then falls back to its policy)' }),
  confidence: Type.Number({ description: 'The recommended node\'s coverage: the share of the objective\'s weight that had data. NovaCron\'s unified scheduler uses the pick only at ≥ 0.7 (AIConfidenceThreshold); 0 when none is allowed.' }),
  reasoning: Type.Array(Type.String()),
  alternative_nodes: Type.Array(Type.Object({ node_id: Type.String(), score: Type.Number(), confidence: Type.Number(), reason: Type.String() })),
  predicted_metrics: Type.Object({
    expected_cpu_utilization: Type.Number({ description: 'Fraction 0–1 on the recommended node after placement: measured use plus the workload\'s expected use when telemetry exists, else the allocated share' }),
    expected_memory_utilization: Type.Number({ description: 'As expected_cpu_utilization, for memory' }),
    predicted_latency_ms: Nullable(Type.Number({ description: 'The node\'s network latency (fact network_latency_ms); null when unknown' })),
    cost_estimate: Nullable(Type.Number({ description: '$ per hour: node cost_per_hour × requested cores / node cores; null when unknown' })),
  }),
  objective: Type.String(),
  evaluated_nodes: Type.Integer(),
  allowed_nodes: Type.Integer(),
  refused: Type.Array(Refused, { description: `The first ${MAX_REFUSED_LISTED} refused nodes with reasons` }),
  refused_total: Type.Integer(),
  source: Source,
  notes: Type.Array(Type.String()),
});

const FactorEntry = Type.Object({
  name: Type.String(),
  category: Type.String(),
  definition: Type.String(),
  inputs: Type.Array(Type.String()),
  direction: Type.String(),
  type: Type.String({ description: 'continuous, categorical, ordinal or temporal' }),
  weight: Type.Number({ description: 'Weight under the objective asked (default balanced); the weights sum to 1' }),
  catalogue_weight: Type.Number({ description: 'The factor\'s own importance within its category' }),
  serves: Type.Array(Type.String()),
});

export const FactorsResponse = Type.Object({
  placement_factors: Type.Record(Type.String(), Type.Object({ weight: Type.Number(), type: Type.String() }), { description: 'Seed shape: name → weight under the objective and type' }),
  total_factors: Type.Integer(),
  objective: Type.String(),
  categories: Type.Record(Type.String(), Type.Integer(), { description: 'Factors per category' }),
  factors: Type.Array(FactorEntry),
});
