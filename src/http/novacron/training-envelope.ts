/**
 * NovaCron's `model_training/train` envelope pair (alias `model/train`; contract §1B
 * `POST /train/model`, §2A `TrainModel`, which reads only `success`). Request `data`:
 * `{"model_type": str, "training_data": <any>, …}`. A real dispatcher: every accepted type either
 * trains now (training_status "completed", with its backtest metrics and the registered version)
 * or queues a job (training_status "queued", with job_id and status_url); nothing answers
 * "completed" without having trained, and a type with nothing to train answers success:false
 * saying why.
 *
 *  - failure_prediction (failure): the `failure.train` job, exactly as POST /api/v1/failure/retrain
 *    with `{"quick": true}`. An object `training_data` holds retrain settings over that quick base
 *    (`"quick": false` starts from the standard configuration); `activate: true` is refused here
 *    (admin only, and the envelope carries no principal to check). A list `training_data` is not
 *    used: the failure model learns from simulated fleets with labelled failures. One training at
 *    a time: while this process's training job is queued or running the answer is success:false
 *    "already running: job …".
 *  - anomaly_detection (anomaly): the host-model fit job (per-host multivariate models on the
 *    stored telemetry of inventory hosts that have none or one older than the refit interval).
 *    The streaming per-series detectors learn online from every ingested point. While a fit this
 *    process queued is queued or running, the same job is answered (success:true) rather than a
 *    second one.
 *  - resource_prediction (resource, resource_optimization): the demand forecaster's method is
 *    chosen by rolling-origin backtest on `training_data` (≥ 288 ResourceDataPoints
 *    {timestamp, value, metadata?}) or, when that is absent or empty, on the stored telemetry of
 *    `data.node_id` (`data.resource_type`, default cpu, last 7 days), and registered as a
 *    `resource` version (optimization/demand-training.ts). Inline: the grid is capped at 10,080
 *    steps and the backtest takes well under a second, so the answer is "completed" with the
 *    metrics — unless `data.background` is true, which queues OPTIMIZATION_TRAIN_DEMAND_JOB.
 *  - workload_placement, workload_prediction, workload_classification, migration_prediction,
 *    performance_optimization and unknown types: success:false with the reason and the accepted types.
 */
import { FAILURE_TRAIN_JOB, type FailureService } from '../../failure/index.js';
import { HOST_MODEL_FIT_JOB } from '../../anomaly/index.js';
import type { ModelRegistry } from '../../models/index.js';
import {
  demandSeriesPayload,
  demandTrainingSummary,
  InsufficientTrainingDataError,
  MAX_DEMAND_POINTS,
  metricOfResource,
  MIN_TRAINING_POINTS,
  OPTIMIZATION_TRAIN_DEMAND_JOB,
  registerDemandModel,
  selectDemandModel,
  TRAINING_HORIZONS_MINUTES,
  type DemandPoint,
  type OptimizationService,
} from '../../optimization/index.js';
import { audit } from '../../platform/audit.js';
import { EnvelopeError, type EnvelopeResult } from '../../platform/envelope.js';
import { JobQueueUnavailableError, type JobView } from '../../platform/jobs/index.js';
import type { Platform } from '../../platform/platform.js';
import { parseTimestamp } from '../../telemetry/index.js';

export interface TrainingEnvelopeDeps {
  registry: ModelRegistry;
  failure: FailureService;
  optimization: OptimizationService;
}

type TrainableType = 'failure_prediction' | 'anomaly_detection' | 'resource_prediction';

/** Accepted spellings (lower-cased, trimmed) of the trainable model types. */
const TRAINABLE: Record<string, TrainableType> = {
  failure: 'failure_prediction',
  failure_prediction: 'failure_prediction',
  anomaly: 'anomaly_detection',
  anomaly_detection: 'anomaly_detection',
  resource: 'resource_prediction',
  resource_prediction: 'resource_prediction',
  resource_optimization: 'resource_prediction',
};

const ACCEPTED = 'failure_prediction (failure), anomaly_detection (anomaly), resource_prediction (resource, resource_optimization)';

/** Model types NovaCron names that have nothing to train here, and why. */
const NOT_TRAINABLE: Record<string, string> = {
  workload_placement:
    'workload_placement is not trained through model_training/train: placement scores hard constraints and documented factors, and its interference model is trained offline on simulated co-location (npm run train:interference-default writes models/interference-default.json.gz, loaded at start)',
  placement:
    'placement is not trained through model_training/train: placement scores hard constraints and documented factors, and its interference model is trained offline on simulated co-location (npm run train:interference-default writes models/interference-default.json.gz, loaded at start)',
  workload_classification:
    'workload_classification is rule-based with documented thresholds (src/optimization/workload-patterns.ts): there is no model to train',
  workload_prediction:
    'workload_prediction has no trained model here: workload analysis is rule-based with documented thresholds, and workload demand is forecast by the demand forecaster — train resource_prediction instead',
  migration_prediction:
    'migration_prediction is an analytic pre-copy model (memory size, dirty rate and bandwidth; Clark et al. 2005) with no fitted parameters: there is nothing to train',
  performance_optimization:
    'performance_optimization is rules over the cluster state sent with each request: there is no model to train',
};

const RESOURCE_TYPES = ['cpu', 'memory', 'storage', 'network', 'disk'];
const DAY_MS = 86_400_000;
const FAILURE_SETTINGS = 'quick, seed, train, validation, members, boosting_rounds, forest_trees, lstm_epochs, alert_budget_per_host_day';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const nowIso = () => new Date().toISOString();

/** Enqueues, turning an unreachable queue into the caller's answer. */
async function enqueue(platform: Platform, type: string, payload: Record<string, unknown>): Promise<JobView> {
  try {
    return await platform.jobs.enqueue(type, payload);
  } catch (err) {
    if (err instanceof JobQueueUnavailableError) throw new EnvelopeError('the job queue (Redis) is unreachable; retry later');
    throw err;
  }
}

function queued(modelType: TrainableType, job: JobView, message: string, extra: Record<string, unknown> = {}): EnvelopeResult {
  return {
    data: { model_type: modelType, training_status: job.state === 'running' ? 'running' : 'queued', job_id: job.id, status_url: `/api/v1/jobs/${job.id}`, message, timestamp: nowIso(), ...extra },
    modelVersion: 'queued',
  };
}

/** ResourceDataPoint list → points (the same rules as predict_demand's historical_data). */
function trainingPoints(raw: unknown[], now: number): DemandPoint[] {
  if (raw.length > MAX_DEMAND_POINTS) throw new EnvelopeError(`data.training_data holds ${raw.length} points; the limit is ${MAX_DEMAND_POINTS}`);
  return raw.map((p, i) => {
    if (!isObject(p)) throw new EnvelopeError(`data.training_data[${i}] must be an object {timestamp, value, metadata?}`);
    const ts = parseTimestamp(p.timestamp, now + DAY_MS);
    if (typeof ts === 'string') throw new EnvelopeError(`data.training_data[${i}].timestamp: ${ts}`);
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) throw new EnvelopeError(`data.training_data[${i}].value must be a finite number`);
    return { ts, value: p.value };
  });
}

/** Registers `model_training/train`. */
export function registerTrainingEnvelope(platform: Platform, deps: TrainingEnvelopeDeps): void {
  let anomalyJobId: string | null = null;

  async function trainFailure(data: Record<string, unknown>, requestId: string): Promise<EnvelopeResult> {
    const td = data.training_data;
    const notes: string[] = [];
    let body: Record<string, unknown>;
    if (td === undefined || td === null) body = { quick: true };
    else if (Array.isArray(td)) {
      body = { quick: true };
      if (td.length) notes.push(`the ${td.length} training_data items were not used: the failure model learns from simulated fleets with labelled failures`);
    } else if (isObject(td)) {
      if (td.activate === true) throw new EnvelopeError('data.training_data.activate: true needs the admin role; use POST /api/v1/failure/retrain with an admin key (here a new version is activated only when it validates at least as well as the active one)');
      body = { quick: true, ...td };
    } else {
      throw new EnvelopeError(`data.training_data for failure_prediction must be an object of retrain settings (${FAILURE_SETTINGS}), a list (not used) or absent`);
    }
    let request;
    try {
      request = await deps.failure.resolveTraining(body);
    } catch (err) {
      if ((err as Error).name === 'TrainingRequestError') {
        const e = err as Error & { path: string };
        const where = e.path.replace(/^\/body/, 'data.training_data').replace(/\//g, '.');
        throw new EnvelopeError(`${where}: ${e.message.slice(e.path.length + 2)}`);
      }
      throw err;
    }
    const running = await deps.failure.trainingInProgress();
    if (running) throw new EnvelopeError(`already running: job ${running} (one failure training at a time); follow it at /api/v1/jobs/${running}`);
    const job = await enqueue(platform, FAILURE_TRAIN_JOB, body);
    deps.failure.noteTrainingJob(job.id);
    await audit(platform.store, platform.logger, { requestId }, 'failure.retrain', job.id, { quick: body.quick === true, via: 'envelope model_training/train' });
    const c = request.config;
    const fleet = (f: { hosts: number; days: number }) => `${f.hosts} hosts × ${f.days} days`;
    const message =
      `training a failure model on simulated fleets (${body.quick === true ? 'quick' : 'standard'} configuration: train ${fleet(c.train)}, validation ${fleet(c.validation)}, members ${c.members.join(', ')}); ` +
      'the new version is registered with its validation metrics and activated when its validation event recall is not worse than the active version\'s' +
      (notes.length ? `; ${notes.join('; ')}` : '');
    return queued('failure_prediction', job, message, { config: c as unknown as Record<string, unknown> });
  }

  async function trainAnomaly(data: Record<string, unknown>, requestId: string): Promise<EnvelopeResult> {
    const td = data.training_data;
    const unused = (Array.isArray(td) && td.length > 0) || (isObject(td) && Object.keys(td).length > 0);
    const message =
      'fitting the per-host multivariate models (inventory hosts whose model is missing or older than the refit interval) on their stored telemetry; ' +
      'the streaming per-series detectors learn online from every ingested point and need no training' +
      (unused ? '; training_data was not used: the host models read stored telemetry (ingest it with POST /api/v1/telemetry)' : '');
    if (anomalyJobId) {
      const job = await platform.jobs.get(anomalyJobId).catch(() => undefined);
      if (job && (job.state === 'queued' || job.state === 'running')) return queued('anomaly_detection', job, `a host-model fit is already ${job.state}; this request joins it: ${message}`);
    }
    const job = await enqueue(platform, HOST_MODEL_FIT_JOB, {});
    anomalyJobId = job.id;
    await audit(platform.store, platform.logger, { requestId }, 'anomaly.fit-host-models', job.id, { via: 'envelope model_training/train' });
    return queued('anomaly_detection', job, message);
  }

  async function trainResource(data: Record<string, unknown>, requestId: string): Promise<EnvelopeResult> {
    const now = Date.now();
    const td = data.training_data;
    const nodeId = str(data.node_id);
    const rt = data.resource_type;
    if (rt !== undefined && rt !== null && (typeof rt !== 'string' || !RESOURCE_TYPES.includes(rt))) throw new EnvelopeError(`data.resource_type must be one of ${RESOURCE_TYPES.join(', ')}`);
    const resourceType = typeof rt === 'string' ? rt : null;
    const background = data.background === true;
    let points: DemandPoint[] | null = null;
    let metric: string | null = null;
    if (Array.isArray(td) && td.length > 0) points = trainingPoints(td, now);
    else if (td === undefined || td === null || (Array.isArray(td) && td.length === 0)) {
      if (!nodeId) {
        throw new EnvelopeError(
          `insufficient data: training_data is empty and data.node_id is absent; send at least ${MIN_TRAINING_POINTS} ResourceDataPoints {timestamp, value} (a day of 5-minute samples) or name a node with stored telemetry`,
        );
      }
      metric = metricOfResource(resourceType ?? 'cpu').metric;
    } else {
      throw new EnvelopeError('data.training_data for resource_prediction must be a list of {timestamp, value, metadata?}, or absent/empty with data.node_id (and data.resource_type) to train on stored telemetry');
    }
    const source = points ? 'training_data' : 'stored telemetry';

    if (background) {
      const payload = points ? demandSeriesPayload(points, { source, nodeId, resourceType }) : { node_id: nodeId, resource_type: resourceType ?? 'cpu', metric };
      const job = await enqueue(platform, OPTIMIZATION_TRAIN_DEMAND_JOB, payload);
      await audit(platform.store, platform.logger, { requestId }, 'optimization.train-demand', job.id, { via: 'envelope model_training/train', source });
      return queued('resource_prediction', job, `choosing the demand forecasting method by rolling-origin backtest on ${points ? `${points.length} points sent` : `the stored ${metric} of ${nodeId}`} in a job; follow it at /api/v1/jobs/${job.id}`);
    }

    if (!points) {
      points = await deps.optimization.storedPoints(nodeId!, metric!, now);
      if (!points.length) throw new EnvelopeError(`insufficient data: no training_data sent and no stored ${metric} telemetry for ${nodeId} in the last 7 days`);
    }
    const began = performance.now();
    let selection;
    try {
      selection = selectDemandModel(points);
    } catch (err) {
      if (err instanceof InsufficientTrainingDataError) throw new EnvelopeError(err.message);
      throw err;
    }
    const outcome = await registerDemandModel(deps.registry, selection, { source, nodeId, resourceType, metric, trainingDurationS: (performance.now() - began) / 1000 });
    const seconds = (performance.now() - began) / 1000;
    await audit(platform.store, platform.logger, { requestId }, 'optimization.train-demand', outcome.record.id, { via: 'envelope model_training/train', source, activated: outcome.activated });
    const s = outcome.selection;
    const periods = s.periods.length ? ` with period${s.periods.length > 1 ? 's' : ''} ${s.periods.map((p) => `${(p * s.stepMs) / 3_600_000} h`).join(', ')}` : '';
    const message =
      `chose ${s.method}${periods} by rolling-origin backtest at ${s.horizons.map((h) => `${h.horizonMinutes / 60} h`).join(' and ')} ahead ` +
      `(of ${TRAINING_HORIZONS_MINUTES.map((m) => `${m / 60} h`).join(', ')}): accuracy ${s.accuracy.toFixed(3)} (1 − WAPE), MASE ${Number.isFinite(s.mase) ? s.mase.toFixed(3) : 'n/a'}; ` +
      `registered ${outcome.record.id}, ${outcome.activated ? 'activated' : 'not activated'} (${outcome.reason}). predict_demand fits the candidates on each request's own history; this version records the backtested choice and its accuracy`;
    return {
      data: {
        model_type: 'resource_prediction',
        training_status: 'completed',
        model_version: String(outcome.record.version),
        model_id: outcome.record.id,
        performance_metrics: demandTrainingSummary(outcome),
        training_time: seconds,
        timestamp: nowIso(),
        message,
      },
      confidence: Math.max(0, Math.min(1, s.accuracy)),
      modelVersion: String(outcome.record.version),
    };
  }

  platform.envelope.register(
    'model_training',
    'train',
    async (req) => {
      const raw = req.data.model_type;
      if (typeof raw !== 'string' || raw.trim() === '') throw new EnvelopeError(`data.model_type must be a non-empty string; accepted: ${ACCEPTED}`);
      const key = raw.trim().toLowerCase();
      const type = Object.hasOwn(TRAINABLE, key) ? TRAINABLE[key] : undefined;
      if (!type) {
        const why = Object.hasOwn(NOT_TRAINABLE, key) ? NOT_TRAINABLE[key] : `Unknown model type "${raw.trim()}"`;
        throw new EnvelopeError(`${why}; model types this engine trains: ${ACCEPTED}`);
      }
      if (type === 'failure_prediction') return trainFailure(req.data, req.id);
      if (type === 'anomaly_detection') return trainAnomaly(req.data, req.id);
      return trainResource(req.data, req.id);
    },
    { role: 'operator', aliases: [['model', 'train']] },
  );
}
