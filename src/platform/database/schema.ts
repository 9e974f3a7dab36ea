import type { Generated } from 'kysely';

/**
 * Row types of every table, shared by both dialects. Times are epoch milliseconds (BIGINT);
 * JSON columns are TEXT holding JSON so SQLite and PostgreSQL store them the same way;
 * booleans are 0/1 integers for the same reason.
 */
export interface NodeTable {
  id: string;
  name: string | null;
  status: string;
  datacenter: string | null;
  zone: string | null;
  rack: string | null;
  failure_domain: string | null;
  security_level: number | null;
  hardware_generation: string | null;
  cpu_cores: number;
  memory_mb: number;
  storage_gb: number;
  network_mbps: number;
  gpu_count: number;
  cpu_allocated: number;
  memory_allocated_mb: number;
  storage_allocated_gb: number;
  network_allocated_mbps: number;
  gpu_allocated: number;
  cost_per_hour: number | null;
  power_idle_watts: number | null;
  power_max_watts: number | null;
  labels: string;
  created_at: number;
  updated_at: number;
}

export interface VmTable {
  id: string;
  name: string | null;
  node_id: string | null;
  state: string;
  cpu_cores: number;
  memory_mb: number;
  storage_gb: number;
  network_mbps: number;
  gpu_count: number;
  workload_type: string | null;
  sla_class: string | null;
  priority: number | null;
  labels: string;
  created_at: number;
  updated_at: number;
}

export interface TelemetrySeriesTable {
  id: Generated<number>;
  entity_id: string;
  entity_type: string;
  metric: string;
  created_at: number;
}

export interface TelemetrySampleTable {
  series_id: number;
  ts: number;
  value: number;
}

export interface EventTable {
  id: string;
  entity_id: string;
  entity_type: string;
  kind: string;
  severity: string | null;
  started_at: number;
  ended_at: number | null;
  description: string | null;
  source: string | null;
  attributes: string;
  created_at: number;
}

export interface ModelVersionTable {
  id: string;
  service: string;
  version: number;
  algorithm: string;
  training_status: string;
  is_active: number;
  parameters: string;
  metrics: string;
  feature_schema: string;
  target_names: string;
  data_fingerprint: string | null;
  training_samples: number | null;
  validation_samples: number | null;
  training_duration_s: number | null;
  artifact_sha256: string | null;
  artifact_bytes: number | null;
  description: string | null;
  created_at: number;
  trained_at: number | null;
  activated_at: number | null;
}

export interface ModelArtifactTable {
  model_id: string;
  sha256: string;
  content: Buffer;
}

export interface PredictionTable {
  id: string;
  service: string;
  model_id: string | null;
  entity_id: string | null;
  score: number | null;
  label: string | null;
  payload: string;
  created_at: number;
}

export interface AlertTable {
  id: string;
  service: string;
  entity_id: string | null;
  severity: string;
  status: string;
  title: string;
  reasons: string;
  correlation_id: string | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  /** JSON (0003): what the alert's service records beside the reasons. */
  details: string | null;
}

/** The latest failure assessment of each host (0003). */
export interface FailureAssessmentTable {
  host_id: string;
  /** End of the history the assessment read (the moment it describes). */
  assessed_at: number;
  /** When the scoring run that wrote it ran. */
  scored_at: number;
  model_id: string;
  probability: number;
  score: number;
  alarm: number;
  elevated: number;
  /** JSON: time to failure, reasons, recommended action, members, coverage. */
  payload: string;
}

/** Resource recommendations made (0004). */
export interface ResourceRecommendationTable {
  id: string;
  created_at: number;
  workload_id: string;
  action: string;
  priority: number;
  confidence: number;
  objective: string;
  cost_change: number;
  monthly_saving: number;
  /** JSON: the recommendation as answered. */
  payload: string;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  request_id: string | null;
  outcome: string;
  details: string;
}

export interface JobTable {
  id: string;
  type: string;
  state: string;
  progress: number;
  payload: string;
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface AnomalyTable {
  id: string;
  entity_id: string;
  entity_type: string;
  metric: string | null;
  /** 'streaming' (live per-series state), 'multivariate' (per host) or 'request' (an API call's data). */
  detector: string;
  ts: number;
  score: number;
  severity: string;
  anomaly_type: string;
  types: string;
  pattern: string | null;
  value: number | null;
  expected: number | null;
  affected_metrics: string;
  description: string;
  recommendations: string;
  incident_id: string | null;
  created_at: number;
}

export interface IncidentTable {
  /** The correlation id every anomaly of the incident carries. */
  id: string;
  status: string;
  severity: string;
  peak_score: number;
  title: string;
  resources: string;
  metrics: string;
  types: string;
  anomaly_count: number;
  /** JSON: hosts, racks, services and the rest of the correlator's view. */
  details: string;
  opened_at: number;
  updated_at: number;
  resolved_at: number | null;
}

export interface IncidentResourceTable {
  incident_id: string;
  resource_id: string;
}

export interface DetectorCheckpointTable {
  key: string;
  state: string;
  updated_at: number;
}

export interface Schema {
  nodes: NodeTable;
  vms: VmTable;
  telemetry_series: TelemetrySeriesTable;
  telemetry_samples: TelemetrySampleTable;
  events: EventTable;
  model_versions: ModelVersionTable;
  model_artifacts: ModelArtifactTable;
  predictions: PredictionTable;
  alerts: AlertTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  jobs: JobTable;
  anomalies: AnomalyTable;
  incidents: IncidentTable;
  incident_resources: IncidentResourceTable;
  detector_checkpoints: DetectorCheckpointTable;
  failure_assessments: FailureAssessmentTable;
  resource_recommendations: ResourceRecommendationTable;
}
