import type { Platform } from '../platform/platform.js';
import type { AnomalyCounts, AnomalyFilter, IncidentFilter } from '../platform/store/index.js';
import type { AcceptedSamples, TelemetryService } from '../telemetry/index.js';
import { AnomalyPipeline, type PipelineState } from './anomaly-pipeline.js';
import { HostModelManager } from './host-models/index.js';
import { AlertGate, IncidentCorrelator, WebhookDelivery, type SuppressionRules } from './incidents/index.js';
import { CHECKPOINT_PREFIX, LiveAnomalyScorer, type LiveAlarm } from './live-scorer.js';
import { TopologyCache } from './topology-cache.js';

const PIPELINE_KEY = 'pipeline';
const FLUSH_MS = 1_000;
const TICK_MS = 15_000;
const TOPOLOGY_MS = 60_000;
/** Host models score new rows every minute and are refitted (where due) every hour. */
const HOST_SCORE_MS = 60_000;
const HOST_FIT_MS = 3_600_000;
const WEBHOOK_CLOSE_MS = 5_000;
const DAY = 86_400_000;

/**
 * The anomaly capability's live side: every stored telemetry batch updates its series' streaming
 * detectors; alarms flow through the pipeline into anomalies and incidents. State is
 * checkpointed on a timer and at shutdown and restored at start, so a restart loses nothing.
 */
export class AnomalyService {
  readonly scorer: LiveAnomalyScorer;
  readonly topology: TopologyCache;
  readonly pipeline: AnomalyPipeline;
  /** Per-host multivariate models over the stored telemetry (the live multivariate path). */
  readonly hostModels: HostModelManager;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly webhook?: WebhookDelivery;
  private started = false;
  private checkpointing: Promise<void> | null = null;

  constructor(
    private readonly platform: Platform,
    private readonly telemetry: TelemetryService,
  ) {
    const { config } = platform;
    this.scorer = new LiveAnomalyScorer({ threshold: config.anomalyThreshold, maxSeries: config.anomalyMaxSeries, episodeGapMs: config.incidentWindowMs });
    this.topology = new TopologyCache(platform.store);
    if (config.anomalyWebhookUrl) {
      this.webhook = new WebhookDelivery({
        url: config.anomalyWebhookUrl,
        secret: config.anomalyWebhookSecret,
        logger: platform.logger,
        onDeadLetter: (d) => platform.logger.error({ reason: d.reason, delivery: d.deliveryId, attempts: d.attempts, status: d.lastStatus, error: d.lastError }, 'incident webhook gave up'),
      });
    }
    this.pipeline = this.newPipeline();
    this.hostModels = new HostModelManager({ store: platform.store, telemetry, pipeline: this.pipeline, logger: platform.logger });
    if (config.anomalyLive) telemetry.observe((samples) => this.observe(samples));
  }

  private correlatorOptions() {
    const { config } = this.platform;
    return { correlationWindowMs: config.incidentWindowMs, resolveAfterMs: config.incidentResolveMs, correlateOn: config.incidentCorrelateOn };
  }

  private newPipeline(): AnomalyPipeline {
    const correlator = new IncidentCorrelator(this.correlatorOptions());
    const gate = new AlertGate(() => this.rules());
    return new AnomalyPipeline({ repository: this.platform.store.anomalies, logger: this.platform.logger, topology: this.topology, correlator, gate, rules: () => this.rules(), webhook: this.webhook });
  }

  /** Planned maintenance (inventory events) never opens incidents nor alerts. */
  private rules(): SuppressionRules {
    return { maintenance: this.topology.maintenance };
  }

  /** Restores checkpoints and starts the timers; call once the database is migrated. */
  async start(): Promise<void> {
    if (this.started) return;
    const store = this.platform.store.anomalies;
    this.scorer.restore(await store.loadCheckpoints(CHECKPOINT_PREFIX));
    const saved = (await store.loadCheckpoints(PIPELINE_KEY)).find((c) => c.key === PIPELINE_KEY);
    if (saved) {
      try {
        // Restored in place: the request detector and host models hold this same pipeline.
        const state = JSON.parse(saved.state) as PipelineState;
        this.pipeline.restore(IncidentCorrelator.fromState(state.correlator, this.correlatorOptions()), AlertGate.fromState(state.gate, () => this.rules()));
      } catch (err) {
        this.platform.logger.warn({ err }, 'incident state checkpoint unreadable; starting with no open incidents');
      }
    }
    await this.hostModels.load();
    await this.topology.refresh().catch((err: unknown) => this.platform.logger.warn({ err }, 'topology refresh failed'));
    const every = (ms: number, f: () => unknown) => {
      const t = setInterval(() => void Promise.resolve(f()).catch((err: unknown) => this.platform.logger.error({ err }, 'anomaly timer failed')), ms);
      t.unref();
      this.timers.push(t);
    };
    every(FLUSH_MS, () => this.pipeline.flush());
    every(TICK_MS, () => this.pipeline.tick(Date.now()));
    every(TOPOLOGY_MS, () => this.topology.refresh());
    every(this.platform.config.anomalyCheckpointIntervalMs, () => this.checkpoint());
    if (this.platform.config.anomalyLive) {
      // In this process rather than on the job queue: the models live in this process's memory,
      // and one scorer per fleet never reports an anomaly twice. The jobs remain for manual runs;
      // the hourly reload picks up models fitted by a separate worker.
      every(HOST_SCORE_MS, () => this.hostModels.scoreAll(Date.now()));
      every(HOST_FIT_MS, async () => {
        await this.hostModels.load();
        await this.hostModels.fitAll(Date.now());
      });
    }
    this.started = true;
  }

  /** Scores a stored batch (the telemetry observer). */
  observe(samples: AcceptedSamples): void {
    if (!this.started) return;
    this.scorer.observe(samples, (alarm) => this.onAlarm(alarm));
  }

  private onAlarm(a: LiveAlarm): void {
    this.pipeline.record({
      entityId: a.entityId,
      entityType: a.entityType,
      metric: a.metric,
      detector: 'streaming',
      ts: a.ts,
      score: a.score,
      value: a.value,
      expected: a.expected,
      metrics: [{ name: a.metric, value: a.value, expected: a.expected, contribution: a.score }],
      window: a.window,
      persistencePoints: a.persistencePoints,
      persistenceSeconds: a.persistenceSeconds,
    });
  }

  /** Saves changed detector state and the incident state; overlapping calls share one save. */
  checkpoint(): Promise<void> {
    if (this.checkpointing) return this.checkpointing;
    this.checkpointing = (async () => {
      try {
        const entries = [...this.scorer.evict(), ...this.scorer.takeDirty(), { key: PIPELINE_KEY, state: JSON.stringify(this.pipeline.state()) }];
        await this.platform.store.anomalies.saveCheckpoints(entries, Date.now());
      } finally {
        this.checkpointing = null;
      }
    })();
    return this.checkpointing;
  }

  /** Stops the timers, writes what is queued and checkpoints everything. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.pipeline.flush();
    await this.checkpoint();
    if (this.webhook) await Promise.race([this.webhook.close(), new Promise((r) => setTimeout(r, WEBHOOK_CLOSE_MS).unref())]);
  }

  listAnomalies(f: AnomalyFilter) {
    return this.platform.store.anomalies.listAnomalies(f);
  }

  listIncidents(f: IncidentFilter) {
    return this.platform.store.anomalies.listIncidents(f);
  }

  getIncident(id: string) {
    return this.platform.store.anomalies.getIncident(id);
  }

  countAnomalies(from: number, to: number): Promise<AnomalyCounts> {
    return this.platform.store.anomalies.countAnomalies(from, to);
  }

  /** Deletes anomalies and resolved incidents past the retention period. */
  async applyRetention(now = Date.now()): Promise<{ anomalies: number; incidents: number }> {
    const days = this.platform.config.anomalyRetentionDays;
    if (days === 0) return { anomalies: 0, incidents: 0 };
    return this.platform.store.anomalies.prune(now - days * DAY);
  }

  get telemetryService(): TelemetryService {
    return this.telemetry;
  }
}
