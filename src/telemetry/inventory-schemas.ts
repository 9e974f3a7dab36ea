import { Type, type Static } from 'typebox';

export const NODE_STATUSES = ['available', 'maintenance', 'draining', 'offline', 'failed'] as const;
/** NovaCron's VM states (backend/core/vm), so its VMs can be mirrored without translation. */
export const VM_STATES = [
  'unknown', 'created', 'creating', 'provisioning', 'running', 'stopped', 'paused',
  'pausing', 'resuming', 'restarting', 'deleting', 'migrating', 'failed',
] as const;
export const EVENT_KINDS = ['failure', 'maintenance', 'migration', 'reboot', 'recovery', 'other'] as const;
export const EVENT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export const ENTITY_TYPES = ['node', 'vm'] as const;

/** Largest serialised `attributes` of one event; bigger blobs belong in telemetry or logs, not labels. */
export const MAX_EVENT_ATTRIBUTES_BYTES = 16 * 1024;
/**
 * Static ceiling of every batch array. The effective limit is NOVACRON_INVENTORY_MAX_BATCH, which
 * is configuration and so is enforced by the handler (413), not by the schema.
 */
const BATCH_MAX_ITEMS = 100_000;

const Id = Type.String({ minLength: 1, maxLength: 256 });
const Name = Type.String({ maxLength: 256 });
const Topology = (description: string) => Type.String({ maxLength: 128, description });
const Rfc3339 = Type.String({ format: 'date-time' });
const Timestamp = Type.Union([Type.Number(), Type.String({ maxLength: 64 })], {
  description: 'RFC 3339 with a zone, or epoch milliseconds (numbers below 1e11 are epoch seconds)',
});

/** Go's map[string]string (NovaCron labels and tags), bounded so a label set cannot grow without limit. */
const Labels = Type.Record(Type.String(), Type.String({ maxLength: 512 }), {
  maxProperties: 100,
  propertyNames: { minLength: 1, maxLength: 128 },
  description: 'At most 100 entries; keys 1–128 characters, values up to 512',
});

const Resources = Type.Object({
  cpu_cores: Type.Number(),
  memory_mb: Type.Number(),
  storage_gb: Type.Number(),
  network_mbps: Type.Number(),
  gpu_count: Type.Number(),
});

// ---------------------------------------------------------------- nodes

export const NodeCapacity = Type.Object(
  {
    cpu_cores: Type.Number({ exclusiveMinimum: 0, description: 'Cores the host offers to VMs' }),
    memory_mb: Type.Number({ exclusiveMinimum: 0 }),
    storage_gb: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
    network_mbps: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
    gpu_count: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const NodeAllocated = Type.Object(
  {
    cpu_cores: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
    memory_mb: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
    storage_gb: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
    network_mbps: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
    gpu_count: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false, description: 'Resources promised to VMs (may exceed capacity when the host is overcommitted)' },
);

const nodeFields = {
  name: Type.Optional(Name),
  status: Type.Optional(Type.Enum(NODE_STATUSES, { default: 'available', description: 'Only available hosts take new VMs' })),
  datacenter: Type.Optional(Topology('Data centre')),
  zone: Type.Optional(Topology('Availability zone')),
  rack: Type.Optional(Topology('Rack')),
  failure_domain: Type.Optional(Topology('Hosts sharing a failure domain fail together (power, switch)')),
  security_level: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  hardware_generation: Type.Optional(Type.String({ maxLength: 128 })),
  capacity: NodeCapacity,
  allocated: Type.Optional(NodeAllocated),
  cost_per_hour: Type.Optional(Type.Number({ minimum: 0 })),
  power_idle_watts: Type.Optional(Type.Number({ minimum: 0 })),
  power_max_watts: Type.Optional(Type.Number({ minimum: 0 })),
  labels: Type.Optional(Labels),
};

// Unknown top-level fields are ignored, not rejected, so that a GET result can be PUT back and
// inventory exported from elsewhere can be sent as it is; nested objects stay strict.
const INVENTORY_NOTE = 'Fields not listed here are ignored.';

export const NodeBody = Type.Object({ id: Id, ...nodeFields }, { description: `A host. ${INVENTORY_NOTE}` });
export type NodeBodyT = Static<typeof NodeBody>;

export const NodePutBody = Type.Object(
  { id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Must equal the path id when sent' })), ...nodeFields },
  { description: `A host; its id comes from the path. ${INVENTORY_NOTE}` },
);

export const NodeView = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  status: Type.String(),
  datacenter: Type.Optional(Type.String()),
  zone: Type.Optional(Type.String()),
  rack: Type.Optional(Type.String()),
  failure_domain: Type.Optional(Type.String()),
  security_level: Type.Optional(Type.Integer()),
  hardware_generation: Type.Optional(Type.String()),
  capacity: Resources,
  allocated: Resources,
  available: Type.Object(Resources.properties, { description: 'capacity − allocated, never below 0' }),
  cost_per_hour: Type.Optional(Type.Number()),
  power_idle_watts: Type.Optional(Type.Number()),
  power_max_watts: Type.Optional(Type.Number()),
  labels: Type.Record(Type.String(), Type.String()),
  created_at: Rfc3339,
  updated_at: Rfc3339,
});
export type NodeViewT = Static<typeof NodeView>;

export const NodeBulkBody = Type.Object(
  { nodes: Type.Array(NodeBody, { maxItems: BATCH_MAX_ITEMS, description: 'At most NOVACRON_INVENTORY_MAX_BATCH nodes (default 5,000); ids must be unique' }) },
  { additionalProperties: false },
);

export const NodeListQuery = Type.Object({
  datacenter: Type.Optional(Type.String({ maxLength: 128 })),
  zone: Type.Optional(Type.String({ maxLength: 128 })),
  rack: Type.Optional(Type.String({ maxLength: 128 })),
  status: Type.Optional(Type.Enum(NODE_STATUSES)),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
});

export const NodeList = Type.Object({ items: Type.Array(NodeView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

// ---------------------------------------------------------------- VMs

export const VmResources = Type.Object(
  {
    cpu_cores: Type.Number({ exclusiveMinimum: 0, description: 'vCPUs' }),
    memory_mb: Type.Number({ exclusiveMinimum: 0 }),
    storage_gb: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
    network_mbps: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
    gpu_count: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

const vmFields = {
  name: Type.Optional(Name),
  node_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'The host it runs on' })),
  state: Type.Optional(Type.Enum(VM_STATES, { default: 'running' })),
  resources: Type.Optional(VmResources),
  workload_type: Type.Optional(Type.String({ maxLength: 64, description: 'e.g. web_server, database, ml_training' })),
  sla_class: Type.Optional(Type.String({ maxLength: 64 })),
  priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
  labels: Type.Optional(Labels),
  // NovaCron's VMConfig spelling (backend/core/vm/vm.go), accepted when `resources` is absent.
  cpu_shares: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 262_144, description: 'NovaCron VMConfig: up to 128 it is vCPUs; above, Linux CPU shares with 1024 ≈ 1 vCPU (rounded up)' }),
  ),
  memory_mb: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'NovaCron VMConfig: memory in MiB' })),
  disk_size_gb: Type.Optional(Type.Number({ minimum: 0, description: 'NovaCron VMConfig: disk in GB' })),
  tags: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 512 }), {
    maxProperties: 100,
    propertyNames: { minLength: 1, maxLength: 128 },
    description: 'NovaCron VMConfig: stored as labels',
  })),
  type: Type.Optional(Type.String({ maxLength: 64, description: 'NovaCron VMConfig VM type (kvm, container, …): stored as the label vm_type' })),
};

const VM_NOTE =
  'Give cpu and memory either as `resources` or in NovaCron\'s VMConfig spelling (`cpu_shares`, `memory_mb`, optional `disk_size_gb`), not both. ' +
  'Other VMConfig fields (image, network_id, placement, …) and fields not listed here are ignored.';

export const VmBody = Type.Object({ id: Id, ...vmFields }, { description: `A VM. ${VM_NOTE}` });
export type VmBodyT = Static<typeof VmBody>;

export const VmPutBody = Type.Object(
  { id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Must equal the path id when sent' })), ...vmFields },
  { description: `A VM; its id comes from the path. ${VM_NOTE}` },
);

export const VmView = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  node_id: Type.Optional(Type.String()),
  state: Type.String(),
  resources: Resources,
  workload_type: Type.Optional(Type.String()),
  sla_class: Type.Optional(Type.String()),
  priority: Type.Optional(Type.Integer()),
  labels: Type.Record(Type.String(), Type.String()),
  created_at: Rfc3339,
  updated_at: Rfc3339,
});
export type VmViewT = Static<typeof VmView>;

export const VmBulkBody = Type.Object(
  { vms: Type.Array(VmBody, { maxItems: BATCH_MAX_ITEMS, description: 'At most NOVACRON_INVENTORY_MAX_BATCH VMs (default 5,000); ids must be unique' }) },
  { additionalProperties: false },
);

export const VmListQuery = Type.Object({
  node_id: Type.Optional(Type.String({ maxLength: 256 })),
  state: Type.Optional(Type.Enum(VM_STATES)),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
});

export const VmList = Type.Object({ items: Type.Array(VmView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

// ---------------------------------------------------------------- shared

export const IdParams = Type.Object({ id: Id });
export const BulkResponse = Type.Object({ upserted: Type.Integer({ description: 'Records created or replaced' }) });
export const Deleted = Type.Null({ description: 'Deleted' });

// ---------------------------------------------------------------- events

export const EventBody = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Client id: sending it again updates the event (e.g. to add ended_at); generated when absent' })),
    entity_id: Id,
    entity_type: Type.Optional(Type.Enum(ENTITY_TYPES, { default: 'node' })),
    kind: Type.Enum(EVENT_KINDS),
    severity: Type.Optional(Type.Enum(EVENT_SEVERITIES)),
    started_at: Timestamp,
    ended_at: Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 64 })], { description: 'Not before started_at and not in the future; omit while the event lasts' })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    source: Type.Optional(Type.String({ maxLength: 200 })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: `Free-form; at most ${MAX_EVENT_ATTRIBUTES_BYTES} bytes as JSON` })),
  },
  { additionalProperties: false, description: 'An operational event: the labels failure prediction learns from' },
);
export type EventBodyT = Static<typeof EventBody>;

export const EventBatch = Type.Object(
  { events: Type.Array(EventBody, { maxItems: BATCH_MAX_ITEMS, description: 'At most NOVACRON_INVENTORY_MAX_BATCH events (default 5,000); ids must be unique' }) },
  { additionalProperties: false },
);

/** One event, or `{events: [...]}`. Keep this order: the route reads errors by anyOf branch. */
export const EventIngestBody = Type.Union([EventBody, EventBatch]);

export const EventIngestResponse = Type.Object({
  stored: Type.Integer({ description: 'Events created or updated' }),
  ids: Type.Array(Type.String(), { description: 'Their ids, in the order sent (generated ones included)' }),
});

export const EventView = Type.Object({
  id: Type.String(),
  entity_id: Type.String(),
  entity_type: Type.String(),
  kind: Type.String(),
  severity: Type.Optional(Type.String()),
  started_at: Rfc3339,
  ended_at: Type.Optional(Rfc3339),
  description: Type.Optional(Type.String()),
  source: Type.Optional(Type.String()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  created_at: Rfc3339,
});
export type EventViewT = Static<typeof EventView>;

export const EventListQuery = Type.Object({
  entity_id: Type.Optional(Type.String({ maxLength: 256 })),
  kind: Type.Optional(Type.Enum(EVENT_KINDS)),
  from: Type.Optional(Type.String({ maxLength: 64, description: 'Started at or after: RFC 3339 or epoch ms' })),
  to: Type.Optional(Type.String({ maxLength: 64, description: 'Started before: RFC 3339 or epoch ms' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
});

export const EventList = Type.Object({
  items: Type.Array(EventView, { description: 'Newest first' }),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
