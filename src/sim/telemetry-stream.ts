import type { HostModel } from './host-model.js';
import { HOST_METRICS, HOST_ROUNDING, VM_METRICS, VM_ROUNDING } from './metric-set.js';

// Module-local copies for the per-sample loop: imported bindings can cost a getter per access under tsx.
const HOST_COUNT = HOST_METRICS.length;
const HOST_SCALE = Float64Array.from(HOST_ROUNDING);
const VM_SCALE = VM_ROUNDING;

/**
 * Telemetry in the engine's columnar ingest form (`ColumnarSeries` in src/telemetry/schemas.ts),
 * produced a block of steps at a time so that no run needs to sit in memory whole.
 */

/** One columnar series. Timestamps are epoch ms; a block's series of one host share their timestamps array: treat it as read-only. */
export interface SimSeries {
  entity_id: string;
  entity_type: 'node' | 'vm';
  metric: string;
  timestamps: number[];
  values: number[];
}

/** A body for `POST /api/v1/telemetry` (valid against `IngestBody`). */
export interface SimIngestBody {
  series: SimSeries[];
}

/** Every series of a span of steps [from, to), for all hosts or one. */
export interface TelemetryBlock {
  from: number;
  to: number;
  series: SimSeries[];
  samples: number;
}

/** The sampling grid: `steps` samples from `start`, `stepMs` apart. */
export interface TimeGrid {
  start: number;
  stepMs: number;
  steps: number;
}

/** One host's samples over a block, column by column; a host that is down adds nothing. */
class HostBlockBuffer {
  private timestamps: number[] = [];
  private hostColumns: number[][];
  private vmColumns: number[][];

  constructor(
    private readonly model: HostModel,
    private readonly vmIds: readonly string[],
    private readonly vmMetrics: boolean,
  ) {
    this.hostColumns = HOST_METRICS.map(() => []);
    this.vmColumns = vmMetrics ? vmIds.flatMap(() => VM_METRICS.map(() => [])) : [];
  }

  step(t: number): void {
    if (!this.model.step(t)) return;
    this.timestamps.push(t);
    const hv = this.model.hostValues;
    const columns = this.hostColumns;
    for (let m = 0; m < HOST_COUNT; m++) columns[m].push(Math.round(hv[m] * HOST_SCALE[m]) / HOST_SCALE[m]);
    if (this.vmMetrics) {
      const vv = this.model.vmValues;
      const vmColumns = this.vmColumns;
      for (let i = 0; i < vv.length; i++) vmColumns[i].push(Math.round(vv[i] * VM_SCALE) / VM_SCALE);
    }
  }

  /** Moves the buffered samples into `out` as series; returns how many samples that was. */
  flush(out: SimSeries[]): number {
    const timestamps = this.timestamps;
    if (timestamps.length === 0) return 0;
    const hostId = this.model.host.id;
    for (let m = 0; m < HOST_METRICS.length; m++) {
      out.push({ entity_id: hostId, entity_type: 'node', metric: HOST_METRICS[m], timestamps, values: this.hostColumns[m] });
    }
    for (let i = 0; i < this.vmColumns.length; i++) {
      const vm = Math.floor(i / VM_METRICS.length);
      out.push({ entity_id: this.vmIds[vm], entity_type: 'vm', metric: VM_METRICS[i % VM_METRICS.length], timestamps, values: this.vmColumns[i] });
    }
    const samples = timestamps.length * (this.hostColumns.length + this.vmColumns.length);
    this.timestamps = [];
    this.hostColumns = this.hostColumns.map(() => []);
    this.vmColumns = this.vmColumns.map(() => []);
    return samples;
  }
}

export interface HostStream {
  model: HostModel;
  vmIds: readonly string[];
}

/** Time-major: every host advances through one block of steps, then the block is handed out. */
export function* fleetBlocks(hosts: readonly HostStream[], grid: TimeGrid, stepsPerBlock: number, vmMetrics: boolean): Generator<TelemetryBlock> {
  const buffers = hosts.map((h) => new HostBlockBuffer(h.model, h.vmIds, vmMetrics));
  for (let k0 = 0; k0 < grid.steps; k0 += stepsPerBlock) {
    const k1 = Math.min(grid.steps, k0 + stepsPerBlock);
    const series: SimSeries[] = [];
    let samples = 0;
    for (const buffer of buffers) {
      for (let k = k0; k < k1; k++) buffer.step(grid.start + k * grid.stepMs);
      samples += buffer.flush(series);
    }
    yield { from: grid.start + k0 * grid.stepMs, to: grid.start + k1 * grid.stepMs, series, samples };
  }
}

/** Host-major: one host through the whole run, a block at a time. */
export function* hostBlocks(host: HostStream, grid: TimeGrid, stepsPerBlock: number, vmMetrics: boolean): Generator<TelemetryBlock> {
  const buffer = new HostBlockBuffer(host.model, host.vmIds, vmMetrics);
  for (let k0 = 0; k0 < grid.steps; k0 += stepsPerBlock) {
    const k1 = Math.min(grid.steps, k0 + stepsPerBlock);
    for (let k = k0; k < k1; k++) buffer.step(grid.start + k * grid.stepMs);
    const series: SimSeries[] = [];
    const samples = buffer.flush(series);
    yield { from: grid.start + k0 * grid.stepMs, to: grid.start + k1 * grid.stepMs, series, samples };
  }
}

/**
 * Packs series into ingest bodies of at most `maxSamples` samples (the engine's
 * NOVACRON_TELEMETRY_MAX_BATCH), splitting a series that alone is larger.
 */
export function* packIngestBodies(blocks: Iterable<TelemetryBlock>, maxSamples: number): Generator<SimIngestBody> {
  if (!(Number.isInteger(maxSamples) && maxSamples >= 1)) throw new RangeError(`maxSamples must be a positive integer (got ${maxSamples})`);
  let body: SimSeries[] = [];
  let size = 0;
  for (const block of blocks) {
    for (const s of block.series) {
      let offset = 0;
      while (offset < s.values.length) {
        if (size === maxSamples) {
          yield { series: body };
          body = [];
          size = 0;
        }
        const take = Math.min(s.values.length - offset, maxSamples - size);
        body.push(
          offset === 0 && take === s.values.length
            ? s
            : { ...s, timestamps: s.timestamps.slice(offset, offset + take), values: s.values.slice(offset, offset + take) },
        );
        size += take;
        offset += take;
      }
    }
  }
  if (size > 0) yield { series: body };
}

/** Samples in a body. */
export function bodySamples(body: SimIngestBody): number {
  let n = 0;
  for (const s of body.series) n += s.values.length;
  return n;
}
