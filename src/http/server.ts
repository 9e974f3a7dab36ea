import { AnomalyService, anomalyRoutes, registerAnomalyEnvelope, registerAnomalyJobs, RequestDetector } from '../anomaly/index.js';
import { FailureService, failureRoutes, registerFailureJobs } from '../failure/index.js';
import { registerModelEnvelope, ModelRegistry, modelRoutes } from '../models/index.js';
import {
  clusterDepsFor,
  clusterRoutes,
  OptimizationService,
  optimizationRoutes,
  registerClusterEnvelope,
  registerOptimizationEnvelope,
  registerOptimizationJobs,
  registerWorkloadEnvelope,
  workloadRoutes,
  type ClusterDeps,
} from '../optimization/index.js';
import { PlacementService, placementRoutes } from '../placement/index.js';
import type { Platform } from '../platform/platform.js';
import { inventoryRoutes, telemetryRoutes, TelemetryService, registerTelemetryJobs } from '../telemetry/index.js';
import { buildApp } from './app.js';
import type { App } from './fastify-types.js';
import { healthReport } from './health.js';
import { jobRoutes } from './job-routes.js';
import { keyRoutes } from './key-routes.js';
import { processRoute } from './novacron/process-route.js';
import { registerTrainingEnvelope } from './novacron/training-envelope.js';
import { serviceRoutes } from './service-routes.js';

export interface Engine {
  app: App;
  platform: Platform;
  registry: ModelRegistry;
  telemetry: TelemetryService;
  anomaly: AnomalyService;
  failure: FailureService;
  placement: PlacementService;
  optimization: OptimizationService;
  /** Starts background work that needs the migrated database (live anomaly state, timers). */
  start(): Promise<void>;
  /** Stops it, writing queued records and checkpoints; call after in-flight requests finished. */
  stop(): Promise<void>;
}

export interface Capabilities {
  registry: ModelRegistry;
  telemetry: TelemetryService;
  anomaly: AnomalyService;
  detector: RequestDetector;
  failure: FailureService;
  placement: PlacementService;
  optimization: OptimizationService;
  cluster: ClusterDeps;
}

/**
 * Creates every capability's services and registers their jobs and envelope handlers. The API
 * server and `novacron-ai worker` both call this, so both know the same job types.
 */
export function registerCapabilities(platform: Platform): Capabilities {
  const registry = new ModelRegistry(platform.store, platform.logger);
  const telemetry = new TelemetryService(platform);
  const anomaly = new AnomalyService(platform, telemetry);
  const detector = new RequestDetector({ scorer: anomaly.scorer, pipeline: anomaly.pipeline, telemetry, baseThreshold: platform.config.anomalyThreshold });
  const failure = new FailureService(platform, registry);
  const placement = new PlacementService(platform);
  const optimization = new OptimizationService(platform, telemetry);
  registerTelemetryJobs(platform, telemetry);
  registerAnomalyJobs(platform, anomaly);
  registerFailureJobs(platform, failure);
  registerModelEnvelope(platform.envelope, registry);
  registerAnomalyEnvelope(platform.envelope, detector);
  registerOptimizationEnvelope(platform.envelope, optimization);
  registerWorkloadEnvelope(platform.envelope);
  const cluster = clusterDepsFor(platform, optimization.costModel);
  registerClusterEnvelope(platform.envelope, cluster);
  registerOptimizationJobs(platform, registry, optimization);
  registerTrainingEnvelope(platform, { registry, failure, optimization });
  platform.envelope.register('health', 'check', async () => ({ data: { ...(await healthReport(platform, registry)) } }), { role: 'viewer' });
  return { registry, telemetry, anomaly, detector, failure, placement, optimization, cluster };
}

/** Wires every capability into one Fastify app over an opened platform. */
export async function createEngine(platform: Platform): Promise<Engine> {
  const { registry, telemetry, anomaly, detector, failure, placement, optimization, cluster } = registerCapabilities(platform);

  const app = await buildApp(platform, [
    serviceRoutes(platform, registry),
    telemetryRoutes(platform, telemetry),
    inventoryRoutes(platform),
    modelRoutes(platform, registry),
    jobRoutes(platform),
    keyRoutes(platform),
    anomalyRoutes(platform, anomaly, detector),
    failureRoutes(platform, failure),
    placementRoutes(platform, placement),
    optimizationRoutes(platform, optimization),
    workloadRoutes(platform),
    clusterRoutes(platform, cluster),
    processRoute(platform),
  ]);
  return {
    app,
    platform,
    registry,
    telemetry,
    anomaly,
    failure,
    placement,
    optimization,
    start: async () => {
      await anomaly.start();
      // The failure and interference models load in the background: start-up does not wait for them.
      failure.start();
      placement.start();
    },
    stop: async () => {
      await failure.stop();
      await anomaly.stop();
    },
  };
}
