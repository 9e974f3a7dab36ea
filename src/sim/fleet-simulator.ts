import type { EventBodyT } from '../telemetry/inventory-schemas.js';
import { buildFleet, type Fleet } from './fleet-layout.js';
import type { GroundTruth } from './ground-truth.js';
import { HostModel } from './host-model.js';
import { fleetInventory, type SimInventory } from './inventory.js';
import { HOST_METRICS, VM_METRICS } from './metric-set.js';
import { latestEvents, operationalEvents, type TimedEvent } from './operational-events.js';
import { resolveOptions, type ResolvedSimulationOptions, type SimulationOptions } from './options.js';
import { buildSchedule, type HostSchedule } from './schedule.js';
import { fleetBlocks, hostBlocks, packIngestBodies, type HostStream, type SimIngestBody, type TelemetryBlock, type TimeGrid } from './telemetry-stream.js';

const DAY = 86_400_000;
/** One hour of steps per block at the default 60 s step. */
const DEFAULT_STEPS_PER_BLOCK = 60;
/** The engine's default NOVACRON_TELEMETRY_MAX_BATCH. */
export const DEFAULT_MAX_BATCH_SAMPLES = 50_000;
/** `simulateFleet` refuses runs above this many samples: stream them instead. */
export const IN_MEMORY_SAMPLE_LIMIT = 10_000_000;

/**
 * A simulated fleet. Construction lays out the fleet and draws every host's timeline (cheap:
 * the ground truth is known before any telemetry exists); telemetry is generated lazily, block
 * by block, so memory stays at one block whatever the duration.
 *
 *   const sim = new FleetSimulator({ seed: 7, hosts: 200, days: 30 });
 *   for (const body of sim.ingestBodies()) await post(body);   // ≤ 50,000 samples each
 */
export class FleetSimulator {
  readonly options: ResolvedSimulationOptions;
  readonly fleet: Fleet;
  readonly schedules: readonly HostSchedule[];
  readonly grid: TimeGrid;
  /** End of the simulated period (exclusive), epoch ms. */
  readonly end: number;

  constructor(options: SimulationOptions = {}) {
    this.options = resolveOptions(options);
    this.fleet = buildFleet(this.options);
    this.schedules = this.fleet.hosts.map((h) => buildSchedule(h, this.options));
    this.end = this.options.start + this.options.days * DAY;
    const stepMs = this.options.stepSeconds * 1000;
    this.grid = { start: this.options.start, stepMs, steps: Math.ceil((this.end - this.options.start) / stepMs) };
  }

  inventory(): SimInventory {
    return fleetInventory(this.fleet, this.options.seed);
  }

  /** Operational events in the order they would be sent, each with its send time. */
  timedEvents(): TimedEvent[] {
    return operationalEvents(this.schedules, this.end);
  }

  /** Operational events (bodies for `POST /api/v1/events`) in send order; an id repeats when an event is updated. */
  events(): EventBodyT[] {
    return this.timedEvents().map((e) => e.body);
  }

  /** The final version of each event, one per id: ready for `{events: [...]}` batches. */
  latestEvents(): EventBodyT[] {
    return latestEvents(this.timedEvents());
  }

  truth(): GroundTruth {
    const byTime = <T extends { id: string }>(key: (x: T) => number) => (a: T, b: T) => key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return {
      seed: this.options.seed,
      start: this.options.start,
      end: this.end,
      step_seconds: this.options.stepSeconds,
      failures: this.schedules.flatMap((s) => s.failures).sort(byTime((f) => f.failed_at)),
      benign: this.schedules.flatMap((s) => s.benign).sort(byTime((b) => b.started_at)),
    };
  }

  /** Samples the whole run will hold if no host ever went down (an upper bound). */
  estimatedSamples(): number {
    const vms = this.options.vmMetrics ? this.fleet.vmsByHost.reduce((n, v) => n + v.length, 0) * VM_METRICS.length : 0;
    return this.grid.steps * (this.fleet.hosts.length * HOST_METRICS.length + vms);
  }

  /** Telemetry of every host, a block of steps at a time, in time order. */
  blocks(stepsPerBlock = DEFAULT_STEPS_PER_BLOCK): Generator<TelemetryBlock> {
    return fleetBlocks(this.fleet.hosts.map((h) => this.hostStream(h.index)), this.grid, checkBlock(stepsPerBlock), this.options.vmMetrics);
  }

  /** Telemetry of one host (and its VMs) over the whole run: the same numbers `blocks` gives it. */
  hostBlocks(hostIndex: number, stepsPerBlock = DEFAULT_STEPS_PER_BLOCK): Generator<TelemetryBlock> {
    if (!(Number.isInteger(hostIndex) && hostIndex >= 0 && hostIndex < this.fleet.hosts.length)) throw new RangeError(`no host ${hostIndex}`);
    return hostBlocks(this.hostStream(hostIndex), this.grid, checkBlock(stepsPerBlock), this.options.vmMetrics);
  }

  /** Ingest bodies of at most `maxSamples` samples each, in time order. */
  ingestBodies(maxSamples = DEFAULT_MAX_BATCH_SAMPLES): Generator<SimIngestBody> {
    return packIngestBodies(this.blocks(), maxSamples);
  }

  private hostStream(index: number): HostStream {
    const vms = this.fleet.vmsByHost[index];
    return { model: new HostModel(this.schedules[index], vms, this.options), vmIds: vms.map((v) => v.id) };
  }
}

function checkBlock(steps: number): number {
  if (!(Number.isInteger(steps) && steps >= 1)) throw new RangeError(`stepsPerBlock must be a positive integer (got ${steps})`);
  return steps;
}

export interface SimulationResult {
  inventory: SimInventory;
  telemetry: SimIngestBody[];
  /** Operational events in send order. */
  events: EventBodyT[];
  truth: GroundTruth;
}

/** Everything at once, for small fleets and tests; larger runs should iterate `FleetSimulator.ingestBodies`. */
export function simulateFleet(options: SimulationOptions = {}, maxSamples = DEFAULT_MAX_BATCH_SAMPLES): SimulationResult {
  const sim = new FleetSimulator(options);
  const estimate = sim.estimatedSamples();
  if (estimate > IN_MEMORY_SAMPLE_LIMIT) {
    throw new RangeError(`about ${estimate} samples is too many to hold at once (limit ${IN_MEMORY_SAMPLE_LIMIT}): iterate FleetSimulator.ingestBodies() instead`);
  }
  return { inventory: sim.inventory(), telemetry: [...sim.ingestBodies(maxSamples)], events: sim.events(), truth: sim.truth() };
}
