import { registerModelEnvelope, ModelRegistry, modelRoutes } from '../models/index.js';
import type { Platform } from '../platform/platform.js';
import { inventoryRoutes, telemetryRoutes, TelemetryService, registerTelemetryJobs } from '../telemetry/index.js';
import { buildApp } from './app.js';
import type { App } from './fastify-types.js';
import { healthReport } from './health.js';
import { jobRoutes } from './job-routes.js';
import { keyRoutes } from './key-routes.js';
import { processRoute } from './novacron/process-route.js';
import { serviceRoutes } from './service-routes.js';

export interface Engine {
  app: App;
  platform: Platform;
  registry: ModelRegistry;
  telemetry: TelemetryService;
}

export interface Capabilities {
  registry: ModelRegistry;
  telemetry: TelemetryService;
}

/**
 * Creates every capability's services and registers their jobs and envelope handlers. The API
 * server and `novacron-ai worker` both call this, so both know the same job types.
 */
export function registerCapabilities(platform: Platform): Capabilities {
  const registry = new ModelRegistry(platform.store, platform.logger);
  const telemetry = new TelemetryService(platform);
  registerTelemetryJobs(platform, telemetry);
  registerModelEnvelope(platform.envelope, registry);
  platform.envelope.register('health', 'check', async () => ({ data: { ...(await healthReport(platform, registry)) } }), { role: 'viewer' });
  return { registry, telemetry };
}

/** Wires every capability into one Fastify app over an opened platform. */
export async function createEngine(platform: Platform): Promise<Engine> {
  const { registry, telemetry } = registerCapabilities(platform);

  const app = await buildApp(platform, [
    serviceRoutes(platform, registry),
    telemetryRoutes(platform, telemetry),
    inventoryRoutes(platform),
    modelRoutes(platform, registry),
    jobRoutes(platform),
    keyRoutes(platform),
    processRoute(platform),
  ]);
  return { app, platform, registry, telemetry };
}
