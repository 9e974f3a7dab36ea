import type { Database } from '../database/connection.js';
import { AnomalyRepository } from './anomaly-repository.js';
import { ApiKeyRepository } from './api-key-repository.js';
import { AuditRepository } from './audit-repository.js';
import { EventRepository } from './event-repository.js';
import { FailureRepository } from './failure-repository.js';
import { InventoryRepository } from './inventory-repository.js';
import { JobRepository } from './job-repository.js';
import { ModelRepository } from './model-repository.js';
import { OptimizationRepository } from './optimization-repository.js';
import { TelemetryRepository } from './telemetry-repository.js';

/** The one repository layer: every capability reads and writes through these. */
export class Store {
  readonly telemetry: TelemetryRepository;
  readonly inventory: InventoryRepository;
  readonly events: EventRepository;
  readonly models: ModelRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly audit: AuditRepository;
  readonly jobs: JobRepository;
  readonly anomalies: AnomalyRepository;
  readonly failure: FailureRepository;
  readonly optimization: OptimizationRepository;

  constructor(readonly database: Database) {
    this.telemetry = new TelemetryRepository(database);
    this.inventory = new InventoryRepository(database);
    this.events = new EventRepository(database);
    this.models = new ModelRepository(database);
    this.apiKeys = new ApiKeyRepository(database);
    this.audit = new AuditRepository(database);
    this.jobs = new JobRepository(database);
    this.anomalies = new AnomalyRepository(database);
    this.failure = new FailureRepository(database);
    this.optimization = new OptimizationRepository(database);
  }
}

export * from './telemetry-repository.js';
export * from './inventory-repository.js';
export * from './event-repository.js';
export * from './model-repository.js';
export * from './api-key-repository.js';
export * from './audit-repository.js';
export * from './job-repository.js';
export * from './anomaly-repository.js';
export * from './failure-repository.js';
export * from './optimization-repository.js';
