/**
 * The live multivariate path: one HostAnomalyModel per host (src/anomaly/multivariate), fitted
 * on the host's stored telemetry and run on its new rows, so anomalies that no single series
 * shows — two metrics that always move together parting ways, each within its own normal
 * range — become anomalies like the streaming detectors' ones.
 *
 *  - `fitHost` reads the training window of every series of the host, aligns them on one grid
 *    (grid-alignment.ts), fits the model and checkpoints it with its grid (host-model-checkpoint.ts).
 *  - `fitAll` (a job, e.g. hourly) fits inventory hosts whose model is missing or older than the
 *    refit interval.
 *  - `scoreAll` (a job, e.g. every minute) reads each modelled host's rows since its last scored
 *    row, with some context before them, aligned on the model's grid; scores them; folds rows
 *    at/above the threshold into episodes (episode-tracker.ts) and records one anomaly per
 *    episode through the pipeline, at its peak, named by the metrics the model blames. The last
 *    scored row and the open episode are checkpointed, so a restart neither re-reports nor
 *    loses an episode.
 *
 * Scores: the model says p, the share of normal rows at least as abnormal (score = 1 − p). The
 * engine's scale (severity thresholds 0.2 / 0.4 / 0.6 / 0.8) is s = min(1, −log10(p) / SCORE_DECADES), the
 * mapping the streaming detectors use, so p = 1 % is `low` and p = 10⁻⁸ is `critical`.
 *
 * Limits, on purpose: the trailing baseline inside the model is frozen at fit time (scoring reads
 * a short window, not everything since training), which the daily refit renews; only inventory
 * hosts are fitted by `fitAll` (`fitHost` takes any id).
 */
import { SCORE_DECADES } from '../request-detection.js';
import type { Logger } from '../../platform/logger.js';
import type { Store } from '../../platform/store/index.js';
import { matrix, type Matrix } from '../../ml/core/matrix.js';
import type { SerializedModel } from '../../ml/core/estimator.js';
import { resolveMetric, type TelemetryService } from '../../telemetry/index.js';
import type { AnomalyPipeline } from '../anomaly-pipeline.js';
import type { AnomalyMetricInput } from '../classification/index.js';
import { HostAnomalyModel, type HostAnomalyModelParams } from '../multivariate/index.js';
import { advanceEpisodes, type Episode, type EpisodeRow } from './episode-tracker.js';
import { alignGrid, rowHasValue, samplingStep, type DroppedMetric, type SeriesSamples } from './grid-alignment.js';
import {
  decodeCursor,
  decodeModel,
  encodeCursor,
  encodeModel,
  hostCursorKey,
  hostModelKey,
  HOST_MODEL_KEY_PREFIX,
  parseHostModelKey,
  type HostCursor,
  type PeakExplanation,
  type StoredHostModel,
} from './host-model-checkpoint.js';
import { resolveHostModelOptions, type HostModelOptions } from './host-model-options.js';

type Recorder = Pick<AnomalyPipeline, 'record'>;

export interface HostModelDeps {
  store: {
    inventory: Pick<Store['inventory'], 'listNodes'>;
    anomalies: Pick<Store['anomalies'], 'saveCheckpoints' | 'loadCheckpoints' | 'deleteCheckpoints'>;
  };
  telemetry: Pick<TelemetryService, 'listSeries' | 'read'>;
  /**
   * Where anomalies go. AnomalyService replaces its pipeline when it restores incident state at
   * start, so pass `() => service.pipeline` when the manager is built before `start()`.
   */
  pipeline: Recorder | (() => Recorder);
  logger: Logger;
  options?: Partial<HostModelOptions>;
}

export interface HostFitReport {
  hostId: string;
  /** Grid rows fitted on (rows with at least one value). */
  rows: number;
  metrics: string[];
  dropped: DroppedMetric[];
  stepMs: number;
  trainedFrom: number;
  trainedTo: number;
  fitMs: number;
  /** Size of the checkpointed model (UTF-8 bytes of its JSON). */
  modelBytes: number;
  members: string[];
}

export interface HostScoreReport {
  hostId: string;
  /** New rows scored. */
  rows: number;
  /** New rows skipped because the backlog exceeded maxScoreRows. */
  skipped: number;
  /** Anomalies recorded. */
  anomalies: number;
}

/** What the manager holds per modelled host (the stored record without the model's JSON). */
export type HostModelInfo = Omit<StoredHostModel, 'model' | 'format'>;

interface LiveModel {
  info: HostModelInfo;
  model: HostAnomalyModel;
}

const DAY = 86_400_000;
/** Hosts per inventory page. */
const PAGE = 500;
/** A host with too little data (or a failed fit) is tried again after this long. */
const RETRY_MS = 3_600_000;
/** Recent values of the primary metric handed to the pattern classifier. */
const PATTERN_WINDOW = 64;

/** The engine's anomaly score for a model surprisal −log10 p (see the module comment). */
export function multivariateScore(surprisal: number): number {
  return surprisal > 0 ? Math.min(1, surprisal / SCORE_DECADES) : 0;
}

/** Each column's median over rows [from, to) of X, ignoring NaN (NaN for a column with none). */
function columnMedians(X: Matrix, from: number, to: number): number[] {
  const out: number[] = [];
  const col = new Float64Array(Math.max(0, to - from));
  for (let j = 0; j < X.cols; j++) {
    let n = 0;
    for (let i = from; i < to; i++) {
      const v = X.data[i * X.cols + j];
      if (v === v) col[n++] = v;
    }
    const s = col.subarray(0, n).sort();
    out.push(n === 0 ? NaN : n % 2 ? s[(n - 1) >> 1] : 0.5 * (s[n / 2 - 1] + s[n / 2]));
  }
  return out;
}

/** Rows [from, to) of X as their own matrix (a view, no copy). */
function rowSlice(X: Matrix, from: number, to: number): Matrix {
  return matrix(X.data.subarray(from * X.cols, to * X.cols), to - from, X.cols);
}

export class HostModelManager {
  readonly options: HostModelOptions;
  private readonly models = new Map<string, LiveModel>();
  private readonly cursors = new Map<string, HostCursor>();
  /** Hosts whose last fit attempt found too little data, and when (retried after retryMs). */
  private readonly attempts = new Map<string, number>();
  private fitting: Promise<HostFitReport[]> | null = null;
  private scoring: Promise<number> | null = null;

  constructor(private readonly deps: HostModelDeps) {
    this.options = resolveHostModelOptions(deps.options);
  }

  private get pipeline(): Recorder {
    const p = this.deps.pipeline;
    return typeof p === 'function' ? p() : p;
  }

  /** Hosts with a model, sorted. */
  hosts(): string[] {
    return [...this.models.keys()].sort();
  }

  /** A host's model metadata and scoring cursor, or undefined when it has no model. */
  info(hostId: string): (HostModelInfo & { lastScoredTs: number; openEpisode: Episode<PeakExplanation> | null }) | undefined {
    const m = this.models.get(hostId);
    if (!m) return undefined;
    const c = this.cursors.get(hostId);
    return { ...m.info, lastScoredTs: c?.lastScoredTs ?? m.info.trainedTo, openEpisode: c?.episode ?? null };
  }

  /** Replaces what is in memory with the checkpointed models and cursors. */
  async load(): Promise<void> {
    const rows = await this.deps.store.anomalies.loadCheckpoints(HOST_MODEL_KEY_PREFIX);
    this.models.clear();
    this.cursors.clear();
    for (const row of rows) {
      const key = parseHostModelKey(row.key);
      if (!key) continue;
      try {
        if (key.kind === 'cursor') this.cursors.set(key.hostId, decodeCursor(row.state));
        else {
          const { model, format: _format, ...info } = decodeModel(row.state);
          this.models.set(key.hostId, { info, model: HostAnomalyModel.fromJSON(model as never) });
        }
      } catch (err) {
        // An unreadable model is refitted by the next fitAll; an unreadable cursor restarts at the model's training end.
        this.deps.logger.warn({ err, host: key.hostId, kind: key.kind }, 'host model checkpoint unreadable; ignoring it');
      }
    }
  }

  /** The host's node series over [from, to), as samples (the newest `maxPointsPerSeries` of each). */
  private async readSeries(hostId: string, from: number, to: number, metrics?: readonly string[]): Promise<SeriesSamples[]> {
    const names = metrics ?? (await this.deps.telemetry.listSeries(hostId)).filter((s) => s.entity_type === 'node').map((s) => s.metric);
    const out: SeriesSamples[] = [];
    for (const metric of names) {
      const r = await this.deps.telemetry.read({ entityId: hostId, metric, from, to, limit: this.options.maxPointsPerSeries, latest: true });
      const points = r?.points ?? [];
      out.push({
        metric,
        timestamps: Float64Array.from(points, (p) => p.ts),
        values: Float64Array.from(points, (p) => p.value),
        counter: resolveMetric(metric)?.spec?.kind === 'counter',
      });
    }
    return out;
  }

  /** Rows start before this: their bucket ended at least settleSteps steps before `now`. */
  private completeEnd(now: number, step: number): number {
    return Math.floor((now - this.options.settleSteps * step) / step) * step;
  }

  /**
   * Fits the host's model on its training window ending at `now` and checkpoints it; null when
   * the host has too few rows or metrics (the reason is logged).
   */
  async fitHost(hostId: string, now: number, signal?: AbortSignal): Promise<HostFitReport | null> {
    const o = this.options;
    const started = performance.now();
    const from = now - o.trainingWindowMs;
    const series = await this.readSeries(hostId, from, now);
    const step = samplingStep(series, o.grid.minStepMs);
    const grid = alignGrid(series, { ...o.grid, stepMs: step, from, to: this.completeEnd(now, step), trim: true });
    // Rows with no value at all (the host was down) carry nothing and would teach the model that
    // "every metric at its mean" is common: fit on the rows with data.
    const keep: number[] = [];
    for (let r = 0; r < grid.X.rows; r++) if (rowHasValue(grid.X, r)) keep.push(r);
    const skip = (why: string) => {
      this.attempts.set(hostId, now);
      this.deps.logger.debug({ host: hostId, dropped: grid.dropped }, `host model not fitted: ${why}`);
      return null;
    };
    if (grid.metrics.length < o.minMetrics) return skip(`${grid.metrics.length} usable metrics, fewer than ${o.minMetrics}`);
    if (keep.length < o.minRows) return skip(`${keep.length} rows with data, fewer than ${o.minRows}`);
    const cols = grid.X.cols;
    const X = matrix(new Float64Array(keep.length * cols), keep.length, cols);
    keep.forEach((r, i) => X.data.set(grid.X.data.subarray(r * cols, (r + 1) * cols), i * cols));

    // The model calibrates on its last training rows. They should span a whole day, or the hours
    // they miss (a daily peak) look rare to it and alarm every day: at least 20 %, at most half.
    const calibrationShare = o.modelParams.calibrationShare ?? Math.min(0.5, Math.max(0.2, DAY / step / keep.length));
    const params: HostAnomalyModelParams = { ...o.modelParams, calibrationShare, members: [...o.members], metricNames: grid.metrics };
    const model = await new HostAnomalyModel(params).fit(X, { seed: o.seed, signal });
    const info: HostModelInfo = {
      hostId,
      stepMs: step,
      metrics: grid.metrics,
      counters: series.filter((s) => s.counter && grid.metrics.includes(s.metric)).map((s) => s.metric),
      // The last day of training: the level the model's trailing baseline compares with.
      expected: columnMedians(X, Math.max(0, X.rows - Math.round(DAY / step)), X.rows),
      fittedAt: now,
      trainedFrom: grid.start + keep[0] * step,
      trainedTo: grid.start + keep[keep.length - 1] * step,
      rows: keep.length,
    };
    const text = encodeModel({ ...info, model: model.toJSON() as SerializedModel });
    // A refit keeps the host's cursor and open episode: rows already scored stay scored.
    const cursor = this.cursors.get(hostId) ?? { lastScoredTs: info.trainedTo, episode: null };
    await this.deps.store.anomalies.saveCheckpoints(
      [
        { key: hostModelKey(hostId), state: text },
        { key: hostCursorKey(hostId), state: encodeCursor(cursor) },
      ],
      Date.now(),
    );
    this.models.set(hostId, { info, model });
    this.cursors.set(hostId, cursor);
    this.attempts.delete(hostId);
    const report: HostFitReport = {
      hostId,
      rows: keep.length,
      metrics: grid.metrics,
      dropped: grid.dropped,
      stepMs: step,
      trainedFrom: info.trainedFrom,
      trainedTo: info.trainedTo,
      fitMs: Math.round(performance.now() - started),
      modelBytes: Buffer.byteLength(text),
      members: model.memberNames,
    };
    this.deps.logger.info({ host: hostId, rows: report.rows, metrics: cols, step_ms: step, fit_ms: report.fitMs, model_bytes: report.modelBytes }, 'host model fitted');
    return report;
  }

  /**
   * Fits every inventory host whose model is missing or older than the refit interval (a host
   * with too little data is retried after an hour); forgets models of hosts that left the
   * inventory once they are past the refit interval. Overlapping calls share one run.
   */
  fitAll(now: number, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<HostFitReport[]> {
    if (this.fitting) return this.fitting;
    this.fitting = (async () => {
      try {
        const o = this.options;
        const hosts: string[] = [];
        for (let offset = 0; ; offset += PAGE) {
          const page = await this.deps.store.inventory.listNodes({ limit: PAGE, offset });
          hosts.push(...page.items.map((n) => n.id));
          if (page.items.length < PAGE) break;
        }
        const inInventory = new Set(hosts);
        const gone = [...this.models.entries()].filter(([id, m]) => !inInventory.has(id) && now - m.info.fittedAt >= o.refitIntervalMs).map(([id]) => id);
        if (gone.length) {
          await this.deps.store.anomalies.deleteCheckpoints(gone.flatMap((id) => [hostModelKey(id), hostCursorKey(id)]));
          for (const id of gone) {
            this.models.delete(id);
            this.cursors.delete(id);
          }
        }
        const due = hosts.filter((id) => {
          const m = this.models.get(id);
          if (m) return now - m.info.fittedAt >= o.refitIntervalMs;
          const tried = this.attempts.get(id);
          return tried === undefined || now - tried >= RETRY_MS;
        });
        const reports: HostFitReport[] = [];
        onProgress?.(0, due.length);
        for (let i = 0; i < due.length; i++) {
          signal?.throwIfAborted();
          try {
            const r = await this.fitHost(due[i], now, signal);
            if (r) reports.push(r);
          } catch (err) {
            if (signal?.aborted) throw err;
            // One host's bad data must not stop the fleet's refit.
            this.attempts.set(due[i], now);
            this.deps.logger.warn({ err, host: due[i] }, 'host model fit failed');
          }
          onProgress?.(i + 1, due.length);
        }
        return reports;
      } finally {
        this.fitting = null;
      }
    })();
    return this.fitting;
  }

  /** Scores every modelled host's new rows; resolves to the anomalies recorded. Overlapping calls share one run. */
  scoreAll(now: number): Promise<number> {
    if (this.scoring) return this.scoring;
    this.scoring = (async () => {
      try {
        let anomalies = 0;
        const entries: { key: string; state: string }[] = [];
        for (const hostId of this.hosts()) {
          try {
            const r = await this.scoreOne(hostId, now);
            anomalies += r.report.anomalies;
            if (r.cursor) entries.push({ key: hostCursorKey(hostId), state: encodeCursor(r.cursor) });
          } catch (err) {
            this.deps.logger.warn({ err, host: hostId }, 'host model scoring failed');
          }
        }
        await this.deps.store.anomalies.saveCheckpoints(entries, Date.now());
        return anomalies;
      } finally {
        this.scoring = null;
      }
    })();
    return this.scoring;
  }

  /** Scores one host's new rows and checkpoints its cursor. */
  async scoreHost(hostId: string, now: number): Promise<HostScoreReport> {
    const r = await this.scoreOne(hostId, now);
    if (r.cursor) await this.deps.store.anomalies.saveCheckpoints([{ key: hostCursorKey(hostId), state: encodeCursor(r.cursor) }], Date.now());
    return r.report;
  }

  /** Scores, records and advances the cursor in memory; returns the cursor when it changed. */
  private async scoreOne(hostId: string, now: number): Promise<{ report: HostScoreReport; cursor: HostCursor | null }> {
    const live = this.models.get(hostId);
    const report: HostScoreReport = { hostId, rows: 0, skipped: 0, anomalies: 0 };
    if (!live) return { report, cursor: null };
    const o = this.options;
    const { info, model } = live;
    const step = info.stepMs;
    const before = this.cursors.get(hostId) ?? { lastScoredTs: info.trainedTo, episode: null };
    const end = this.completeEnd(now, step);
    let first = (Math.floor(before.lastScoredTs / step) + 1) * step;
    if (end - first > o.maxScoreRows * step) {
      report.skipped = (end - first - o.maxScoreRows * step) / step;
      first = end - o.maxScoreRows * step;
    }

    const rows: EpisodeRow[] = [];
    let X: Matrix | null = null;
    let xStart = 0;
    let idx0 = 0;
    if (first < end) {
      // Context rows before the first new row feed the smoothing (and an LSTM's window); the
      // fill-limit rows before those only give forward filling a previous value.
      const context = o.contextRows + model.context - 1;
      const readFrom = first - (context + o.grid.fillLimit) * step;
      const series = await this.readSeries(hostId, readFrom, end, info.metrics);
      for (const s of series) s.counter = info.counters.includes(s.metric);
      const grid = alignGrid(series, { ...o.grid, stepMs: step, from: readFrom, to: end, keepAll: true });
      const skipRows = o.grid.fillLimit;
      X = rowSlice(grid.X, skipRows, grid.X.rows);
      xStart = grid.start + skipRows * step;
      idx0 = (first - xStart) / step;
      // New rows end at the last one with data: later empty rows may still be filled by late samples.
      let newEnd = X.rows;
      while (newEnd > idx0 && !rowHasValue(X, newEnd - 1)) newEnd--;
      if (newEnd > idx0) {
        X = rowSlice(X, 0, newEnd);
        const s = model.score(X);
        for (let i = idx0; i < newEnd; i++) rows.push({ ts: xStart + i * step, surprisal: s.surprisal[i], alarm: s.score[i] >= o.threshold && rowHasValue(X, i) });
        report.rows = newEnd - idx0;
      }
    }
    if (rows.length === 0 && !before.episode) return { report, cursor: null };

    const stepped = advanceEpisodes(before.episode, rows, now, { stepMs: step, holdRows: o.holdRows });
    // Explain peaks that lie in this run's rows (older peaks were explained when they were scored).
    const explained = new Map<number, PeakExplanation>();
    const explain = (ep: Episode<PeakExplanation>) => {
      if (ep.peak || !X || rows.length === 0 || ep.peakTs < rows[0].ts || ep.peakTs > rows[rows.length - 1].ts) return;
      let e = explained.get(ep.peakTs);
      if (!e) {
        e = this.explain(live, X, (ep.peakTs - xStart) / step, xStart);
        explained.set(ep.peakTs, e);
      }
      ep.peak = e;
    };
    for (const ep of stepped.report) explain(ep);
    if (stepped.open) explain(stepped.open);

    for (const ep of stepped.report) {
      const peak = ep.peak ?? { metrics: [] };
      this.pipeline.record({
        entityId: hostId,
        entityType: 'node',
        metric: null,
        detector: 'multivariate',
        ts: ep.peakTs,
        score: multivariateScore(ep.peakSurprisal),
        value: null,
        expected: null,
        metrics: peak.metrics,
        window: peak.window,
        persistencePoints: ep.rows,
        persistenceSeconds: (ep.last - ep.start + step) / 1000,
      });
      report.anomalies++;
    }
    const cursor: HostCursor = { lastScoredTs: rows.length ? rows[rows.length - 1].ts : before.lastScoredTs, episode: stepped.open };
    this.cursors.set(hostId, cursor);
    return { report, cursor };
  }

  /** The metrics the model blames for row r of X (the rows before it are its context). */
  private explain(live: LiveModel, X: Matrix, r: number, xStart: number): PeakExplanation {
    const { info, model } = live;
    const ranked = model.attribute(rowSlice(X, 0, r + 1));
    const even = 1 / X.cols;
    // Metrics above an even share of the blame (at least the first): both sides of a broken pair.
    const chosen = ranked.filter((c, k) => c.contribution > 0 && (k === 0 || c.contribution >= even)).slice(0, this.options.maxAffectedMetrics);
    const metrics: AnomalyMetricInput[] = [];
    for (const c of chosen) {
      const value = X.data[r * X.cols + c.metric];
      if (!Number.isFinite(value)) continue;
      metrics.push({ name: c.name, value, expected: info.expected[c.metric], contribution: c.contribution });
    }
    if (metrics.length === 0) return { metrics };
    const j = info.metrics.indexOf(metrics[0].name);
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let i = Math.max(0, r - PATTERN_WINDOW + 1); i <= r; i++) {
      const v = X.data[i * X.cols + j];
      if (Number.isFinite(v)) {
        timestamps.push(xStart + i * info.stepMs);
        values.push(v);
      }
    }
    return { metrics, window: { timestamps, values } };
  }
}
