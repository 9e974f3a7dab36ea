import { EngineClient } from './engine-client.js';
import type { FleetSimulator } from './fleet-simulator.js';
import { FAILURE_MODES, type FailureMode } from './options.js';
import { SimulationWriter } from './output-files.js';
import { bodySamples } from './telemetry-stream.js';

export interface ExportOptions {
  /** Directory for telemetry.ndjson, inventory.json, events.ndjson and truth.json. */
  outDir?: string;
  /** A running engine to POST everything to (inventory, then telemetry in time order, then events). */
  post?: { url: string; apiKey?: string; client?: EngineClient };
  /** Most samples per ingest body: the engine's NOVACRON_TELEMETRY_MAX_BATCH (default 50,000). */
  maxSamples: number;
  /** Most nodes, VMs or events per bulk request: NOVACRON_INVENTORY_MAX_BATCH (default 5,000). */
  maxInventoryBatch: number;
}

export interface ExportSummary {
  hosts: number;
  vms: number;
  bodies: number;
  samples: number;
  events: number;
  failures: Record<FailureMode, number>;
  suddenFailures: number;
  benign: number;
  /** Present when posted: what the engine said. */
  posted?: { nodes: number; vms: number; accepted: number; stored: number; duplicates: number; rejected: number; events: number; retriedRequests: number };
}

interface IngestAnswer {
  accepted: number;
  stored: number;
  duplicates: number;
  rejected_count: number;
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Writes and/or posts one run in a single pass over its telemetry. */
export async function exportSimulation(sim: FleetSimulator, o: ExportOptions): Promise<ExportSummary> {
  const writer = o.outDir === undefined ? undefined : new SimulationWriter(o.outDir);
  const client = o.post ? (o.post.client ?? new EngineClient(o.post.url, o.post.apiKey)) : undefined;
  const inventory = sim.inventory();
  const truth = sim.truth();
  const failures = Object.fromEntries(FAILURE_MODES.map((m) => [m, 0])) as Record<FailureMode, number>;
  for (const f of truth.failures) if (f.observed) failures[f.mode]++;
  const summary: ExportSummary = {
    hosts: inventory.nodes.length,
    vms: inventory.vms.length,
    bodies: 0,
    samples: 0,
    events: 0,
    failures,
    suddenFailures: truth.failures.filter((f) => f.observed && !f.has_precursor).length,
    benign: truth.benign.length,
  };
  const posted = { nodes: 0, vms: 0, accepted: 0, stored: 0, duplicates: 0, rejected: 0, events: 0, retriedRequests: 0 };

  writer?.writeInventory(inventory);
  if (client) {
    for (const nodes of chunks(inventory.nodes, o.maxInventoryBatch)) posted.nodes += (await client.post<{ upserted: number }>('/api/v1/nodes/bulk', { nodes })).upserted;
    for (const vms of chunks(inventory.vms, o.maxInventoryBatch)) posted.vms += (await client.post<{ upserted: number }>('/api/v1/vms/bulk', { vms })).upserted;
  }
  try {
    for (const body of sim.ingestBodies(o.maxSamples)) {
      summary.bodies++;
      summary.samples += bodySamples(body);
      writer?.appendTelemetry(body);
      if (client) {
        const r = await client.post<IngestAnswer>('/api/v1/telemetry', body);
        posted.accepted += r.accepted;
        posted.stored += r.stored;
        posted.duplicates += r.duplicates;
        posted.rejected += r.rejected_count;
      }
    }
  } finally {
    writer?.close();
  }
  const events = sim.events();
  summary.events = events.length;
  writer?.writeEvents(events);
  writer?.writeTruth(truth);
  if (client) {
    // A batch must name each id once: send each event's final version.
    for (const batch of chunks(sim.latestEvents(), o.maxInventoryBatch)) posted.events += (await client.post<{ stored: number }>('/api/v1/events', { events: batch })).stored;
    posted.retriedRequests = client.retries;
    summary.posted = posted;
  }
  return summary;
}
