import { resolveMetric, type TelemetryService } from '../telemetry/index.js';
import type { AnomalyPipeline } from './anomaly-pipeline.js';
import { classifyAnomalyType, severityFromScore, type AnomalyClassification, type AnomalyType, type Severity } from './classification/index.js';
import type { LiveAnomalyScorer } from './live-scorer.js';
import { MIN_HISTORY_POINTS, scoreAgainstHistory, scoreSeries, type DetectionMethod } from './request-detection.js';
import { alarmThreshold } from './sensitivity.js';

const DAY = 86_400_000;
/** History read from stored telemetry for one metric of a snapshot or series request. */
const STORED_HISTORY_POINTS = 2_000;
/** Series read when a request names no stored metric of the resource. */
const MAX_STORED_SERIES = 16;
/** Values remembered per (resource, metric) from earlier snapshot requests, and resources tracked. */
const REQUEST_HISTORY_POINTS = 256;
const REQUEST_HISTORY_RESOURCES = 10_000;
/** Anomalies listed in one series answer (the highest-scoring, then in time order). */
const MAX_LISTED_ANOMALIES = 100;

export interface MetricFinding {
  metric: string;
  value: number;
  expected: number;
  score: number;
  confidence: number;
  method: DetectionMethod | 'live_state';
}

export interface SnapshotVerdict {
  isAnomaly: boolean;
  score: number;
  confidence: number;
  threshold: number;
  findings: MetricFinding[];
  classification: AnomalyClassification | null;
  /** No metric had enough history: nothing is claimed. */
  insufficientHistory: boolean;
  notes: string[];
}

export interface SeriesAnomaly {
  ts: number;
  metric: string;
  score: number;
  value: number;
  expected: number;
  points: number;
  classification: AnomalyClassification;
}

export interface SeriesVerdictSet {
  anomalies: SeriesAnomaly[];
  overallScore: number;
  baseline: Record<string, number>;
  confidence: number;
  threshold: number;
  insufficientHistory: boolean;
  notes: string[];
  source: 'request' | 'stored_telemetry';
}

export interface BatchSampleVerdict {
  index: number;
  ts: number;
  isAnomaly: boolean;
  score: number;
  severity: Severity;
  types: AnomalyType[];
  confidence: number;
}

/** A metric name as stored, and the factor from the sent unit (percent aliases) to it. */
function canonical(name: string): { name: string; scale: number } {
  const r = resolveMetric(name);
  return r ? { name: r.name, scale: r.scale } : { name, scale: 1 };
}

function numericEntries(row: Record<string, unknown>): Array<[string, number]> {
  return Object.entries(row).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]));
}

/**
 * Detection over what an API call sends: a snapshot of metrics (scored against the live
 * detector state, the history sent along, stored telemetry, or earlier calls for the same
 * resource, in that order), a series of points, or a batch of samples.
 */
export class RequestDetector {
  private readonly requestHistory = new Map<string, Map<string, number[]>>();

  constructor(
    private readonly deps: { scorer: LiveAnomalyScorer; pipeline: AnomalyPipeline; telemetry: TelemetryService; baseThreshold: number },
  ) {}

  threshold(sensitivity?: number): number {
    return alarmThreshold(this.deps.baseThreshold, sensitivity);
  }

  async snapshot(input: {
    entityId?: string;
    entityType?: string;
    metrics: Record<string, number>;
    ts: number;
    sensitivity?: number;
    history?: Array<Record<string, unknown>>;
    record?: boolean;
  }): Promise<SnapshotVerdict> {
    const threshold = this.threshold(input.sensitivity);
    const entries = Object.entries(input.metrics).filter(([, v]) => Number.isFinite(v));
    const findings: MetricFinding[] = [];
    const notes: string[] = [];
    const remembered = input.entityId !== undefined ? this.rememberedFor(input.entityId) : undefined;
    for (const [sent, raw] of entries) {
      const { name, scale } = canonical(sent);
      const value = raw * scale;
      const finding = await this.scoreMetric(input, name, sent, value, remembered);
      findings.push(finding);
      if (finding.method === 'insufficient_history') notes.push(`insufficient data: fewer than ${MIN_HISTORY_POINTS} earlier values of ${name}${input.entityId ? ` for ${input.entityId}` : ''}; no alarm can be raised on it yet`);
    }
    if (remembered) for (const [sent, raw] of entries) this.remember(remembered, canonical(sent).name, raw * canonical(sent).scale);

    const scored = findings.filter((f) => f.method !== 'insufficient_history');
    const insufficientHistory = scored.length === 0;
    const score = scored.reduce((m, f) => Math.max(m, f.score), 0);
    const confidence = insufficientHistory ? findings.reduce((m, f) => Math.max(m, f.confidence), 0) * 0.5 : Math.min(...scored.map((f) => f.confidence));
    const isAnomaly = !insufficientHistory && score >= threshold;
    let classification: AnomalyClassification | null = null;
    if (isAnomaly) {
      const detected = {
        entityId: input.entityId ?? 'unknown',
        entityType: input.entityType ?? 'node',
        metric: null,
        detector: 'request',
        ts: input.ts,
        score,
        value: null,
        expected: null,
        metrics: scored.filter((f) => f.score >= threshold).map((f) => ({ name: f.metric, value: f.value, expected: f.expected, contribution: f.score })),
        persistencePoints: 0,
      };
      const top = [...detected.metrics].sort((a, b) => b.contribution - a.contribution)[0];
      Object.assign(detected, { value: top.value, expected: top.expected, metric: top.name });
      if (input.record && input.entityId) {
        const record = this.deps.pipeline.record(detected);
        if (record) classification = this.deps.pipeline.classify(detected);
      }
      classification ??= this.deps.pipeline.classify(detected);
    }
    return { isAnomaly, score, confidence, threshold, findings, classification, insufficientHistory, notes };
  }

  private async scoreMetric(
    input: { entityId?: string; ts: number; history?: Array<Record<string, unknown>> },
    name: string,
    sent: string,
    value: number,
    remembered: Map<string, number[]> | undefined,
  ): Promise<MetricFinding> {
    if (input.entityId) {
      const live = this.deps.scorer.peek(input.entityId, name, input.ts, value);
      // The raw score: the refractory damping after an alarm de-duplicates live alerts, but a
      // question about this value deserves the plain answer.
      if (live && !live.warmingUp) return { metric: name, value, expected: live.expected, score: live.rawScore, confidence: live.confidence, method: 'live_state' };
    }
    let history: number[] = [];
    if (input.history?.length) {
      for (const row of input.history) {
        const v = row[sent] ?? row[name];
        if (typeof v === 'number' && Number.isFinite(v)) history.push(v * canonical(sent).scale);
      }
    }
    if (history.length < MIN_HISTORY_POINTS && input.entityId) {
      const stored = await this.deps.telemetry.read({ entityId: input.entityId, metric: name, from: input.ts - 7 * DAY, to: input.ts, limit: STORED_HISTORY_POINTS, latest: true });
      if (stored && stored.points.length > history.length) history = stored.points.map((p) => p.value);
    }
    if (history.length < MIN_HISTORY_POINTS && remembered) history = remembered.get(name) ?? history;
    const r = scoreAgainstHistory(value, history);
    return { metric: name, value, expected: r.expected, score: r.score, confidence: r.confidence, method: r.method };
  }

  private rememberedFor(entityId: string): Map<string, number[]> {
    let m = this.requestHistory.get(entityId);
    if (!m) {
      if (this.requestHistory.size >= REQUEST_HISTORY_RESOURCES) this.requestHistory.delete(this.requestHistory.keys().next().value!);
      m = new Map();
      this.requestHistory.set(entityId, m);
    }
    return m;
  }

  private remember(m: Map<string, number[]>, metric: string, value: number): void {
    let values = m.get(metric);
    if (!values) m.set(metric, (values = []));
    values.push(value);
    if (values.length > REQUEST_HISTORY_POINTS) values.shift();
  }

  /** Anomalies in a series of points (NovaCron's anomaly_detection/detect), or in stored telemetry when none are sent. */
  async series(input: {
    entityId: string;
    metricType: string;
    points: Array<{ ts: number; value: number; metadata?: Record<string, unknown> }>;
    sensitivity?: number;
    now: number;
  }): Promise<SeriesVerdictSet> {
    const threshold = this.threshold(input.sensitivity);
    const columns = new Map<string, { ts: number[]; values: number[] }>();
    const column = (name: string) => {
      let c = columns.get(name);
      if (!c) columns.set(name, (c = { ts: [], values: [] }));
      return c;
    };
    let source: SeriesVerdictSet['source'] = 'request';
    const main = canonical(input.metricType);
    for (const p of [...input.points].sort((a, b) => a.ts - b.ts)) {
      if (Number.isFinite(p.value)) {
        const c = column(main.name);
        c.ts.push(p.ts);
        c.values.push(p.value * main.scale);
      }
      for (const [k, v] of numericEntries(p.metadata ?? {})) {
        const m = canonical(k);
        const c = column(m.name);
        c.ts.push(p.ts);
        c.values.push(v * m.scale);
      }
    }
    if (input.points.length === 0) {
      source = 'stored_telemetry';
      await this.loadStored(input.entityId, main.name, input.now, column);
    }
    const notes: string[] = [];
    const anomalies: SeriesAnomaly[] = [];
    const baseline: Record<string, number> = {};
    let overallScore = 0;
    let confidence = 0;
    let scoredColumns = 0;
    for (const [metric, c] of columns) {
      const verdict = scoreSeries(c.ts, c.values);
      baseline[metric] = verdict.baseline;
      if (verdict.method === 'insufficient_history') {
        notes.push(`insufficient data: ${c.values.length} points of ${metric} (at least ${MIN_HISTORY_POINTS} needed); no alarm raised on it`);
        continue;
      }
      scoredColumns++;
      confidence = Math.max(confidence, verdict.confidence);
      // A run of consecutive anomalous points is one anomaly, reported at its peak.
      let i = 0;
      while (i < c.values.length) {
        if (verdict.scores[i] < threshold) {
          i++;
          continue;
        }
        let peak = i;
        let j = i;
        while (j < c.values.length && verdict.scores[j] >= threshold) {
          if (verdict.scores[j] > verdict.scores[peak]) peak = j;
          j++;
        }
        const from = Math.max(0, peak - 63);
        const detected = {
          entityId: input.entityId,
          entityType: 'node',
          metric,
          detector: 'request',
          ts: c.ts[peak],
          score: verdict.scores[peak],
          value: c.values[peak],
          expected: verdict.expected[peak],
          metrics: [{ name: metric, value: c.values[peak], expected: verdict.expected[peak], contribution: verdict.scores[peak] }],
          window: { timestamps: c.ts.slice(from, peak + 1), values: c.values.slice(from, peak + 1) },
          persistencePoints: j - i,
          persistenceSeconds: (c.ts[j - 1] - c.ts[i]) / 1000,
        };
        anomalies.push({ ts: c.ts[peak], metric, score: verdict.scores[peak], value: c.values[peak], expected: verdict.expected[peak], points: j - i, classification: this.deps.pipeline.classify(detected) });
        overallScore = Math.max(overallScore, verdict.scores[peak]);
        i = j;
      }
    }
    if (columns.size === 0) notes.push(`insufficient data: no points sent and no stored telemetry for ${input.entityId}; no alarm raised`);
    const listed = anomalies.sort((a, b) => b.score - a.score).slice(0, MAX_LISTED_ANOMALIES).sort((a, b) => a.ts - b.ts);
    const insufficientHistory = scoredColumns === 0;
    return { anomalies: listed, overallScore, baseline, confidence: insufficientHistory ? 0.2 : confidence, threshold, insufficientHistory, notes, source };
  }

  private async loadStored(entityId: string, metric: string, now: number, column: (name: string) => { ts: number[]; values: number[] }): Promise<void> {
    const read = async (name: string) => {
      const found = await this.deps.telemetry.read({ entityId, metric: name, from: now - 7 * DAY, to: now + 1, limit: STORED_HISTORY_POINTS, latest: true });
      if (!found) return;
      const c = column(found.series.metric);
      for (const p of [...found.points].sort((a, b) => a.ts - b.ts)) {
        c.ts.push(p.ts);
        c.values.push(p.value);
      }
    };
    const named = await this.deps.telemetry.read({ entityId, metric, from: now - 7 * DAY, to: now + 1, limit: 1, latest: true });
    if (named) return read(metric);
    // Not a stored metric (NovaCron sends e.g. "system_performance"): every stored metric of the resource.
    const series = await this.deps.telemetry.listSeries(entityId);
    for (const s of series.slice(0, MAX_STORED_SERIES)) await read(s.metric);
  }

  /** A batch of samples in order (the ai-engine's raw-array batch endpoint): each sample's verdict. */
  batch(rows: Array<Record<string, unknown>>, timestamps: number[], sensitivity?: number): BatchSampleVerdict[] {
    const threshold = this.threshold(sensitivity);
    const n = rows.length;
    const best = new Float64Array(n);
    const confidence = new Float64Array(n).fill(0);
    const perSample: Array<Array<{ name: string; value: number; expected: number; contribution: number }>> = rows.map(() => []);
    const keys = new Set<string>();
    for (const row of rows) for (const [k] of numericEntries(row)) if (k !== 'timestamp') keys.add(k);
    let scored = false;
    for (const key of keys) {
      const { name, scale } = canonical(key);
      const idx: number[] = [];
      const vals: number[] = [];
      const ts: number[] = [];
      rows.forEach((row, i) => {
        const v = row[key];
        if (typeof v === 'number' && Number.isFinite(v)) {
          idx.push(i);
          vals.push(v * scale);
          ts.push(timestamps[i]);
        }
      });
      const verdict = scoreSeries(ts, vals);
      if (verdict.method === 'insufficient_history') continue;
      scored = true;
      idx.forEach((i, k) => {
        confidence[i] = Math.max(confidence[i], verdict.confidence);
        if (verdict.scores[k] > best[i]) best[i] = verdict.scores[k];
        if (verdict.scores[k] >= threshold) perSample[i].push({ name, value: vals[k], expected: verdict.expected[k], contribution: verdict.scores[k] });
      });
    }
    return rows.map((_, i) => {
      const isAnomaly = scored && best[i] >= threshold;
      const types = isAnomaly ? classifyAnomalyType(perSample[i]).types : [];
      return {
        index: i,
        ts: timestamps[i],
        isAnomaly,
        score: best[i],
        severity: isAnomaly ? severityFromScore(best[i]) : 'normal',
        types,
        confidence: scored ? confidence[i] : (0.4 * n) / MIN_HISTORY_POINTS < 0.4 ? (0.4 * n) / MIN_HISTORY_POINTS : 0.4,
      };
    });
  }
}

