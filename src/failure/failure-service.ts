/**
 * The failure capability's service: the active model (from the model registry, hot-swapped when
 * another version is activated), predictions for one host (stored telemetry, a snapshot of metric
 * values, or the model's own features), background scoring of every reporting host with alerts,
 * and retraining.
 *
 * The model and its code (tree ensembles, TensorFlow.js) load on first use or in the background
 * after `start`, never before the server listens. At start the bundled default model
 * (models/failure-default.json.gz) is registered as a version and activated when no model is
 * active, or when the active one is an older bundled default: the first start has a model, and a
 * new engine build brings its new default along.
 */
import { readFile } from 'node:fs/promises';
import type { Counter, Gauge } from 'prom-client';
import { sha256, type ModelRegistry } from '../models/index.js';
import { Problem } from '../platform/errors.js';
import type { JobContext } from '../platform/jobs/index.js';
import type { Platform } from '../platform/platform.js';
import type { AlertFilter, AlertRecord, FailureAssessmentRecord, ModelVersionRecord } from '../platform/store/index.js';
import { FailureAlerts, ALERT_SERVICE, type AlertingAssessment, type AlertUpdate } from './failure-alerts.js';
import type * as Runtime from './failure-runtime.js';
import { HISTORY_POINTS, HistoryReader, type StoredHistory } from './history-reader.js';
import { shouldActivate, versionInput } from './model-versions.js';
import { nothingToAssess, parsePredictionInput } from './prediction-input.js';
import { resolveTrainingRequest, type TrainingRequest } from './training-config.js';
import { trainInWorker } from './training-runner.js';

type RuntimeModule = typeof Runtime;
type Assessment = Runtime.FailureAssessment;

/** Hosts featurised and scored together in a background run (one model call per member per batch). */
const SCORE_BATCH = 16;
/** The first background run waits this long after start (the model loads meanwhile). */
const FIRST_RUN_DELAY_MS = 10_000;
/** Loading the model code (~0.3 s of CPU for TensorFlow.js and the tree ensembles) waits until start-up is done. */
const BOOTSTRAP_DELAY_MS = 200;

export interface ActiveFailureModel extends Runtime.LoadedFailureModel {
  id: string;
  record: ModelVersionRecord;
  featureNameSet: ReadonlySet<string>;
}

export type PredictionBasis = 'telemetry' | 'features' | 'snapshot';

/** An assessment in wire terms (shared by predictions, risks and alerts). */
export interface AssessmentView {
  failure_probability: number;
  score: number;
  score_threshold: number;
  threshold: number;
  alarm: boolean;
  elevated: boolean;
  time_to_failure: { bucket: string; minutes: number | null; probability: number | null };
  reasons: string[];
  reason_details: Array<{ feature: string; metric: string; value: number | null; contribution: number; text: string }>;
  recommended_action: { action: 'migrate_vms' | 'schedule_maintenance' | 'watch' | 'none'; component: string; text: string };
  members: Record<string, number | null>;
  coverage: number;
}

export interface PredictionOutcome {
  modelId: string;
  view: AssessmentView;
  basis: PredictionBasis;
  nodeId: string | null;
  /** The moment assessed. */
  end: number;
  samples: number;
  ignored: string[];
  notes: string[];
  horizonMinutes: number;
  minLeadMinutes: number;
}

export interface ScoringSummary {
  scored_at: number;
  model_id: string | null;
  hosts: number;
  alarming: number;
  elevated: number;
  alerts_opened: number;
  alerts_resolved: number;
  ms: number;
  skipped?: string;
}

const finiteOrNull = (x: number | undefined | null): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

export class FailureService {
  readonly reader: HistoryReader;
  readonly alerts: FailureAlerts;
  private runtimeModule: Promise<RuntimeModule> | undefined;
  private bootstrap: Promise<void> | undefined;
  private active: ActiveFailureModel | undefined;
  private scoring: Promise<ScoringSummary> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  private trainingJobId: string | null = null;
  private readonly predictions: Counter<'basis'>;
  private readonly alarmingHosts: Gauge;
  private readonly scoredHosts: Gauge;

  constructor(
    private readonly platform: Platform,
    private readonly registry: ModelRegistry,
  ) {
    this.reader = new HistoryReader(platform.store);
    this.alerts = new FailureAlerts(platform.store.failure, platform.logger);
    this.predictions = platform.metrics.counter('novacron_failure_predictions_total', 'Failure predictions answered, by basis (telemetry, snapshot, features)', ['basis']);
    this.alarmingHosts = platform.metrics.gauge('novacron_failure_alarming_hosts', 'Hosts alarming in the latest background failure scoring run');
    this.scoredHosts = platform.metrics.gauge('novacron_failure_scored_hosts', 'Hosts scored in the latest background failure scoring run');
  }

  /** The model code, imported once on first use. */
  runtime(): Promise<RuntimeModule> {
    this.runtimeModule ??= import('./failure-runtime.js');
    return this.runtimeModule;
  }

  /** Registers the bundled default in the background and starts the scoring timer; returns at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.bootstrap = new Promise((r) => setTimeout(r, BOOTSTRAP_DELAY_MS).unref())
      .then(() => (this.started ? this.ensureDefaultModel() : undefined))
      .catch((err: unknown) => this.platform.logger.error({ err }, 'could not register the bundled failure model'));
    const interval = this.platform.config.failureScoreIntervalMs;
    if (interval > 0) {
      const tick = () => void this.runScoring(Date.now()).catch((err: unknown) => this.platform.logger.error({ err }, 'failure scoring run failed'));
      const first = setTimeout(() => {
        tick();
        const t = setInterval(tick, interval);
        t.unref();
        this.timers.push(t);
      }, Math.min(FIRST_RUN_DELAY_MS, interval));
      first.unref();
      this.timers.push(first);
    }
  }

  /** Resolves once the start-up registration of the bundled model is done (tests, benchmarks). */
  async ready(): Promise<void> {
    await this.bootstrap;
  }

  /** Stops the timer and waits for the start-up registration and a scoring run in progress. */
  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearTimeout(t);
    this.started = false;
    await this.bootstrap;
    await this.scoring?.catch(() => undefined);
  }

  private async ensureDefaultModel(): Promise<void> {
    const rt = await this.runtime();
    const file = this.platform.config.failureModelFile ?? rt.DEFAULT_FAILURE_MODEL_PATH;
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      this.platform.logger.warn({ err, path: file }, 'no bundled failure model; failure prediction waits for a trained one');
      return;
    }
    const sha = sha256(bytes);
    const versions = await this.registry.list('failure');
    const active = versions.find((v) => v.isActive);
    let bundled = versions.find((v) => v.artifactSha256 === sha);
    if (!bundled) {
      const loaded = rt.loadFailureModel(bytes);
      bundled = await this.registry.register(versionInput(rt.summarizePredictor(loaded.predictor), loaded.training, bytes, { source: 'bundled' }));
      this.platform.logger.info({ model_id: bundled.id, recall: bundled.metrics.recall, path: file }, 'bundled failure model registered');
    }
    if (!active || (active.parameters.source === 'bundled' && active.id !== bundled.id)) {
      await this.registry.activate('failure', bundled.id);
    }
  }

  /** The active model, decoded (undefined when none is active); throws when it cannot be loaded. */
  async model(): Promise<ActiveFailureModel | undefined> {
    if (this.bootstrap) await this.bootstrap;
    const rt = await this.runtime();
    const got = await this.registry.loadActive('failure', (buf) => rt.loadFailureModel(buf));
    if (!got) return undefined;
    if (this.active?.id !== got.model.id || this.active.predictor !== got.value.predictor) {
      this.active = { ...got.value, id: got.model.id, record: got.model, featureNameSet: new Set(got.value.predictor.featureNames) };
    }
    return this.active;
  }

  private async requireModel(): Promise<ActiveFailureModel> {
    let m: ActiveFailureModel | undefined;
    try {
      m = await this.model();
    } catch (err) {
      throw new Problem(503, 'service_unavailable', `The active failure model could not be loaded: ${(err as Error).message}`, [], { 'retry-after': '30' });
    }
    if (!m) throw new Problem(503, 'service_unavailable', 'No failure model is active: retrain one (POST /api/v1/failure/retrain) or activate a version', [], { 'retry-after': '30' });
    return m;
  }

  private view(a: Assessment, m: ActiveFailureModel, rt: RuntimeModule): AssessmentView {
    // time_to_failure carries the bucket and, depending on the model API, its probability and/or minutes.
    const t = a.timeToFailure as { bucket: string; probability?: number; minutes?: number | null };
    return {
      failure_probability: a.probability,
      score: a.score,
      score_threshold: a.threshold,
      threshold: m.alarmProbability,
      alarm: a.alarm,
      elevated: a.elevated,
      time_to_failure: { bucket: t.bucket, minutes: t.minutes !== undefined ? finiteOrNull(t.minutes) : rt.bucketMinutes(t.bucket), probability: finiteOrNull(t.probability) },
      reasons: a.reasons.map((r) => r.text),
      reason_details: a.reasons.map((r) => ({ feature: r.feature, metric: r.metric, value: finiteOrNull(r.value), contribution: r.contribution, text: r.text })),
      recommended_action: { ...a.recommendation },
      members: Object.fromEntries(Object.entries(a.members).map(([k, v]) => [k, finiteOrNull(v)])),
      coverage: a.coverage,
    };
  }

  /**
   * One prediction. Basis, in order: the model's own feature names sent → 'features'; otherwise
   * metric values sent → 'snapshot' (the newest sample of the node's stored history, or a flat
   * history when it has none); otherwise the node's stored telemetry → 'telemetry' (404 when the
   * node has none in the 24 h before the moment assessed).
   */
  async predict(req: { features: Record<string, unknown>; metadata?: Record<string, unknown>; timestamp?: number }, now = Date.now()): Promise<PredictionOutcome> {
    const m = await this.requireModel();
    const rt = await this.runtime();
    const input = parsePredictionInput(req.features, req.metadata, m.featureNameSet);
    const notes: string[] = [];
    const names = m.predictor.featureNames;
    let basis: PredictionBasis;
    let assessment: Assessment;
    let end = req.timestamp ?? now;
    let samples = 0;
    if (input.features.size > 0) {
      basis = 'features';
      const X = new Float64Array(names.length).fill(NaN);
      for (const [k, v] of input.features) X[m.featureIndex.get(k)!] = v;
      [assessment] = await rt.assessRows(m.predictor, [input.nodeId ?? 'request'], X, null);
      const missing = names.length - [...input.features.values()].filter((v) => v === v).length;
      if (missing > 0) notes.push(`${missing} of the model's ${names.length} features were not sent (or sent as null) and count as missing.`);
      if (m.sequences) notes.push('The LSTM member reads raw history, which a feature request does not carry: it counts as no evidence.');
    } else {
      let stored: StoredHistory | undefined;
      if (input.nodeId) {
        // A snapshot is "now" (or its timestamp); stored telemetry alone is assessed at its newest sample.
        [stored] = await this.reader.read([input.nodeId], { now, end: req.timestamp ?? (input.metrics.size > 0 ? now : undefined) });
        if (stored.samples === 0) stored = undefined;
      }
      let history: Runtime.HostHistory;
      if (input.metrics.size === 0) {
        if (!input.nodeId) throw nothingToAssess(names, input.ignored);
        if (!stored) {
          throw Problem.notFound(
            `Node "${input.nodeId}" has no telemetry of the metrics the failure model reads in the 24 h before ${new Date(end).toISOString()}; ` +
              'send metric values in features to assess a snapshot, or post its telemetry first',
          );
        }
        basis = 'telemetry';
        history = stored.history;
        end = stored.end;
        samples = stored.samples;
        if (req.timestamp === undefined && stored.newest !== null && stored.newest < end) {
          notes.push(`The newest sample is ${Math.round((end - stored.newest) / 60_000)} minutes old: the minutes since count as missing.`);
        }
      } else {
        basis = 'snapshot';
        const hostId = input.nodeId ?? 'request';
        if (stored) {
          history = stored.history;
          samples = stored.samples;
          notes.push(`The metric values sent are the newest sample of the ${samples} stored samples of "${hostId}" read.`);
        } else {
          history = { hostId, series: {}, length: HISTORY_POINTS };
          notes.push(
            (input.nodeId ? `Node "${input.nodeId}" has no stored telemetry of the model's metrics: ` : 'No node_id: ') +
              'the values sent stand for a flat 24-hour history, so the model sees no change over time (trends, shifts and counter increases read as none). Post telemetry for a real assessment.',
          );
        }
        const series = history.series as Record<string, Float64Array>;
        for (const [metric, v] of input.metrics) {
          if (stored) {
            const s = (series[metric] ??= new Float64Array(HISTORY_POINTS).fill(NaN));
            s[HISTORY_POINTS - 1] = v;
          } else {
            series[metric] = new Float64Array(HISTORY_POINTS).fill(v);
          }
        }
      }
      [assessment] = await rt.assessHistories(m.predictor, m.features, m.sequences, [history]);
    }
    if (input.ignored.length) notes.push(`Not read by the model: ${input.ignored.slice(0, 10).join(', ')}${input.ignored.length > 10 ? ', …' : ''}.`);
    this.predictions.inc({ basis });
    const lead = m.predictor.options.leadTime;
    return {
      modelId: m.id,
      view: this.view(assessment, m, rt),
      basis,
      nodeId: input.nodeId ?? null,
      end,
      samples,
      ignored: input.ignored,
      notes,
      horizonMinutes: lead.horizonMs / 60_000,
      minLeadMinutes: lead.minLeadMs / 60_000,
    };
  }

  /** Assesses every host with recent telemetry at `now` (batched); no side effects. */
  async assessAll(now: number): Promise<{ model: ActiveFailureModel; hosts: Array<{ stored: StoredHistory; assessment: Assessment; view: AssessmentView }> } | undefined> {
    const m = await this.model();
    if (!m) return undefined;
    const rt = await this.runtime();
    const hostIds = await this.reader.recentHosts(now);
    const out: Array<{ stored: StoredHistory; assessment: Assessment; view: AssessmentView }> = [];
    for (let i = 0; i < hostIds.length; i += SCORE_BATCH) {
      const stored = await this.reader.read(hostIds.slice(i, i + SCORE_BATCH), { now, entityType: 'node' });
      const assessed = await rt.assessHistories(
        m.predictor,
        m.features,
        m.sequences,
        stored.map((s) => s.history),
      );
      assessed.forEach((a, k) => out.push({ stored: stored[k], assessment: a, view: this.view(a, m, rt) }));
      // Let requests in between batches.
      await new Promise((r) => setImmediate(r));
    }
    return { model: m, hosts: out };
  }

  /**
   * One background run at `now`: assesses every reporting host, stores the latest assessment of
   * each (hosts no longer reporting are dropped) and opens, updates or resolves alerts.
   * Overlapping calls share one run.
   */
  runScoring(now = Date.now()): Promise<ScoringSummary> {
    if (this.scoring) return this.scoring;
    this.scoring = (async () => {
      const began = performance.now();
      try {
        const result = await this.assessAll(now);
        if (!result) return { scored_at: now, model_id: null, hosts: 0, alarming: 0, elevated: 0, alerts_opened: 0, alerts_resolved: 0, ms: 0, skipped: 'no active failure model' };
        const { model, hosts } = result;
        const rows: FailureAssessmentRecord[] = hosts.map(({ stored, view }) => ({
          hostId: stored.history.hostId,
          assessedAt: stored.end,
          scoredAt: now,
          modelId: model.id,
          probability: view.failure_probability,
          score: view.score,
          alarm: view.alarm,
          elevated: view.elevated,
          payload: { time_to_failure: view.time_to_failure, reasons: view.reasons, reason_details: view.reason_details, recommended_action: view.recommended_action, members: view.members, coverage: view.coverage, samples: stored.samples },
        }));
        await this.platform.store.failure.replaceAssessments(rows, now);
        const alerting: AlertingAssessment[] = hosts.map(({ stored, view }) => ({
          hostId: stored.history.hostId,
          probability: view.failure_probability,
          alarm: view.alarm,
          reasons: view.reasons,
          timeToFailure: view.time_to_failure,
          recommendation: view.recommended_action,
          modelId: model.id,
        }));
        const alerts: AlertUpdate = await this.alerts.apply(alerting, now);
        const alarming = rows.filter((r) => r.alarm).length;
        this.alarmingHosts.set(alarming);
        this.scoredHosts.set(rows.length);
        const summary: ScoringSummary = {
          scored_at: now,
          model_id: model.id,
          hosts: rows.length,
          alarming,
          elevated: rows.filter((r) => r.elevated).length,
          alerts_opened: alerts.opened.length,
          alerts_resolved: alerts.resolved.length,
          ms: Math.round(performance.now() - began),
        };
        this.platform.logger.debug(summary, 'failure scoring run');
        return summary;
      } finally {
        this.scoring = null;
      }
    })();
    return this.scoring;
  }

  /** The stored latest assessments, riskiest first. */
  async risks(q: { minProbability?: number; alarmOnly?: boolean; limit: number }) {
    const { items, total, scoredAt } = await this.platform.store.failure.listAssessments(q);
    let threshold: number | null = null;
    try {
      threshold = (await this.model())?.alarmProbability ?? null;
    } catch {
      threshold = null;
    }
    return { items, total, scoredAt, threshold };
  }

  listAlerts(f: Omit<AlertFilter, 'service'>): Promise<{ items: AlertRecord[]; total: number }> {
    return this.platform.store.failure.listAlerts({ ...f, service: ALERT_SERVICE });
  }

  /** Checks a retraining request (limits, members) against the configurations it starts from. */
  async resolveTraining(payload: unknown): Promise<TrainingRequest> {
    const rt = await this.runtime();
    return resolveTrainingRequest(payload, { standard: rt.DEFAULT_SIMULATOR_TRAINING, quick: rt.QUICK_SIMULATOR_TRAINING });
  }

  /** The training job this process queued, while it is queued or running. */
  async trainingInProgress(): Promise<string | null> {
    if (!this.trainingJobId) return null;
    const job = await this.platform.jobs.get(this.trainingJobId).catch(() => undefined);
    if (job && (job.state === 'queued' || job.state === 'running')) return job.id;
    this.trainingJobId = null;
    return null;
  }

  noteTrainingJob(id: string): void {
    this.trainingJobId = id;
  }

  /**
   * The `failure.train` job: trains on simulated fleets in a worker thread, registers the version
   * with its validation metrics, and activates it by policy (or when the request forces it).
   */
  async train(ctx: JobContext): Promise<Record<string, unknown>> {
    let request: TrainingRequest;
    try {
      request = await this.resolveTraining(ctx.payload);
    } catch (err) {
      throw new Error(`invalid training request: ${(err as Error).message}`);
    }
    const report = (fraction: number, message: string) => {
      ctx.reportProgress(fraction, message).catch((err: unknown) => this.platform.logger.debug({ err }, 'progress report failed'));
    };
    report(0, 'starting the training thread');
    const began = Date.now();
    const trained = await trainInWorker(request.config, (f, msg) => report(0.95 * f, msg), ctx.signal);
    report(0.95, 'registering the new version');
    const record = await this.registry.register(
      versionInput(trained.summary, request.config, trained.bytes, { source: 'retrain', trainingDurationS: (Date.now() - began) / 1000, trainedAt: Date.now(), jobId: ctx.id }),
    );
    const active = await this.registry.active('failure');
    const decision = request.forceActivate ? { activate: true, reason: 'activation forced by the request' } : shouldActivate(record.metrics, active);
    if (decision.activate) await this.registry.activate('failure', record.id);
    this.platform.logger.info({ model_id: record.id, activated: decision.activate, reason: decision.reason, recall: record.metrics.recall }, 'failure model trained');
    await ctx.reportProgress(1, decision.activate ? `registered and activated ${record.id}` : `registered ${record.id} (not activated: ${decision.reason})`);
    return {
      model_id: record.id,
      activated: decision.activate,
      reason: decision.reason,
      previous_model_id: active?.id ?? null,
      metrics: record.metrics,
      artifact_bytes: trained.bytes.length,
      seconds: { simulate: trained.seconds.simulate, fit: trained.seconds.fit, total: (Date.now() - began) / 1000 },
    };
  }
}
