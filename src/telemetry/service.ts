import type { Counter } from 'prom-client';
import { Problem } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import type { SeriesInfo } from '../platform/store/index.js';
import { resolveMetric } from './metric-catalogue.js';
import { BatchNormaliser, type ColumnarSeries, type Rejection, type RowSample } from './sample-normaliser.js';

export interface IngestInput {
  samples?: RowSample[];
  series?: ColumnarSeries[];
}

export interface IngestResult {
  accepted: number;
  stored: number;
  duplicates: number;
  rejected_count: number;
  rejected: Rejection[];
  series_count: number;
  percent_converted: number;
  custom_metrics: string[];
}

/** Samples a batch made durable, column-wise: sample i belongs to series keys[keyOf[i]]. */
export interface AcceptedSamples {
  keys: ReadonlyArray<{ entityId: string; entityType: string; metric: string }>;
  keyOf: Int32Array;
  timestamps: Float64Array;
  values: Float64Array;
  length: number;
}

/** Called after each batch is stored (e.g. streaming anomaly scoring); must not throw or block. */
export type SampleObserver = (samples: AcceptedSamples) => void;

export interface RangeQuery {
  entityId: string;
  metric: string;
  from: number;
  to: number;
  limit: number;
  latest: boolean;
}

/**
 * Telemetry ingest and reads. A batch is normalised sample by sample, its series resolved, and
 * its samples written in one transaction before the response acknowledges them, so an
 * acknowledged sample is durable. Writes in flight are tracked so shutdown can wait for them.
 */
export class TelemetryService {
  private readonly samplesTotal: Counter<'outcome'>;
  private inflight = 0;
  private drained: (() => void)[] = [];
  private readonly observers: SampleObserver[] = [];

  constructor(private readonly platform: Platform) {
    this.samplesTotal = platform.metrics.counter('novacron_telemetry_samples_total', 'Telemetry samples received, by outcome (stored, duplicate, rejected)', ['outcome']);
  }

  /** Registers a consumer of every stored batch, called in ingest order. */
  observe(observer: SampleObserver): void {
    this.observers.push(observer);
  }

  /** Counts samples before any work, so an oversized batch is refused cheaply with 413. */
  static sampleCount(input: IngestInput): number {
    let n = input.samples?.length ?? 0;
    for (const s of input.series ?? []) n += Math.max(s.timestamps.length, s.values.length);
    return n;
  }

  async ingest(input: IngestInput): Promise<IngestResult> {
    const { config, store } = this.platform;
    const count = TelemetryService.sampleCount(input);
    if (count > config.telemetryMaxBatch) {
      throw Problem.tooLarge(`The batch holds ${count} samples; the limit is ${config.telemetryMaxBatch} (NOVACRON_TELEMETRY_MAX_BATCH). Split it.`);
    }
    const normaliser = new BatchNormaliser(count, Date.now() + config.telemetryFutureToleranceMs);
    if (input.samples) normaliser.addRows(input.samples);
    if (input.series) normaliser.addSeries(input.series);
    const batch = normaliser.result();

    let stored = 0;
    if (batch.accepted > 0) {
      this.inflight++;
      try {
        const ids = await store.telemetry.resolveSeries(batch.keys);
        const seriesIds = new Float64Array(batch.accepted);
        for (let i = 0; i < batch.accepted; i++) seriesIds[i] = ids[batch.keyOf[i]];
        stored = await store.telemetry.insertSamples({ seriesIds, timestamps: batch.timestamps, values: batch.values, length: batch.accepted });
        if (this.observers.length > 0) {
          // After the acknowledgement, not before it: scoring must not add to ingest latency.
          // Counted as in flight so that drain() (shutdown) waits for it.
          const accepted: AcceptedSamples = { keys: batch.keys, keyOf: batch.keyOf, timestamps: batch.timestamps, values: batch.values, length: batch.accepted };
          this.inflight++;
          setImmediate(() => {
            this.notify(accepted);
            this.settle();
          });
        }
      } finally {
        this.settle();
      }
    }
    this.samplesTotal.inc({ outcome: 'stored' }, stored);
    this.samplesTotal.inc({ outcome: 'duplicate' }, batch.accepted - stored);
    this.samplesTotal.inc({ outcome: 'rejected' }, batch.rejectedCount);
    return {
      accepted: batch.accepted,
      stored,
      duplicates: batch.accepted - stored,
      rejected_count: batch.rejectedCount,
      rejected: batch.rejected,
      series_count: batch.keys.length,
      percent_converted: batch.percentConverted,
      custom_metrics: batch.customMetrics,
    };
  }

  private notify(accepted: AcceptedSamples): void {
    for (const observer of this.observers) {
      try {
        observer(accepted);
      } catch (err) {
        // The samples are stored; a consumer's bug must not lose the rest of the batch's work.
        this.platform.logger.error({ err }, 'telemetry observer failed');
      }
    }
  }

  private settle(): void {
    if (--this.inflight === 0) for (const done of this.drained.splice(0)) done();
  }

  /** Resolves once no write (or observer run) is in flight. */
  drain(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** A metric's canonical name as stored (aliases such as `vm.cpu.usage` are accepted on reads too). */
  canonicalMetric(metric: string): string {
    return resolveMetric(metric)?.name ?? metric;
  }

  async read(q: RangeQuery): Promise<{ series: SeriesInfo; points: { ts: number; value: number }[] } | undefined> {
    const series = await this.platform.store.telemetry.findSeries(q.entityId, this.canonicalMetric(q.metric));
    if (!series) return undefined;
    const points = await this.platform.store.telemetry.readRange(series.id, q.from, q.to, q.limit, q.latest);
    return { series, points };
  }

  listSeries(entityId: string): Promise<SeriesInfo[]> {
    return this.platform.store.telemetry.listSeries(entityId);
  }

  /** Applies the retention policy; resolves to the number of samples deleted. */
  async applyRetention(now = Date.now()): Promise<number> {
    const days = this.platform.config.telemetryRetentionDays;
    if (days <= 0) return 0;
    return this.platform.store.telemetry.prune(now - days * 86_400_000);
  }
}
