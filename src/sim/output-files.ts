import fs from 'node:fs';
import path from 'node:path';
import type { EventBodyT } from '../telemetry/inventory-schemas.js';
import { truthToJson, type GroundTruth } from './ground-truth.js';
import type { SimInventory } from './inventory.js';
import type { SimIngestBody } from './telemetry-stream.js';

export const OUTPUT_FILES = {
  telemetry: 'telemetry.ndjson',
  inventory: 'inventory.json',
  events: 'events.ndjson',
  truth: 'truth.json',
} as const;

/**
 * Writes a run into a directory: telemetry.ndjson (one ingest body per line, appended as it is
 * generated), inventory.json ({nodes, vms}), events.ndjson (one event body per line in send
 * order) and truth.json. Synchronous writes: simple, and the generator waits for the disk.
 */
export class SimulationWriter {
  private telemetryFd: number | undefined;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  writeInventory(inventory: SimInventory): void {
    fs.writeFileSync(path.join(this.dir, OUTPUT_FILES.inventory), JSON.stringify(inventory) + '\n');
  }

  appendTelemetry(body: SimIngestBody): void {
    this.telemetryFd ??= fs.openSync(path.join(this.dir, OUTPUT_FILES.telemetry), 'w');
    fs.writeSync(this.telemetryFd, JSON.stringify(body) + '\n');
  }

  writeEvents(events: readonly EventBodyT[]): void {
    fs.writeFileSync(path.join(this.dir, OUTPUT_FILES.events), events.map((e) => JSON.stringify(e) + '\n').join(''));
  }

  writeTruth(truth: GroundTruth): void {
    fs.writeFileSync(path.join(this.dir, OUTPUT_FILES.truth), JSON.stringify(truthToJson(truth), null, 2) + '\n');
  }

  close(): void {
    // A run without telemetry still leaves an (empty) telemetry.ndjson behind.
    this.telemetryFd ??= fs.openSync(path.join(this.dir, OUTPUT_FILES.telemetry), 'w');
    fs.closeSync(this.telemetryFd);
    this.telemetryFd = undefined;
  }
}
