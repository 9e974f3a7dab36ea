import type { AcceptedSamples } from '../telemetry/index.js';
import { SeriesAnomalyDetector, type SeriesDetectorState, type SeriesScore } from './streaming/index.js';

/** Recent points kept per series for classifying an anomaly's pattern. */
export const PATTERN_WINDOW = 64;

/** An alarm raised by a series' streaming detector on ingested telemetry. */
export interface LiveAlarm {
  entityId: string;
  entityType: string;
  metric: string;
  ts: number;
  value: number;
  expected: number;
  score: number;
  confidence: number;
  components: Record<string, number>;
  /** Alarms in this series' current episode, this one included. */
  persistencePoints: number;
  persistenceSeconds: number;
  window: { timestamps: Float64Array; values: Float64Array };
}

interface SeriesCheckpoint {
  entityId: string;
  entityType: string;
  metric: string;
  detector: SeriesDetectorState;
  recent: { ts: number[]; values: number[] };
  episode: { start: number; lastAlarm: number; alarms: number } | null;
}

class LiveSeries {
  readonly recentTs = new Float64Array(PATTERN_WINDOW);
  readonly recentValues = new Float64Array(PATTERN_WINDOW);
  recentCount = 0;
  episodeStart = NaN;
  lastAlarm = NaN;
  alarms = 0;
  dirty = false;
  touched = 0;

  constructor(
    readonly entityId: string,
    readonly entityType: string,
    readonly metric: string,
    readonly detector: SeriesAnomalyDetector,
  ) {}

  remember(ts: number, value: number): void {
    const i = this.recentCount % PATTERN_WINDOW;
    this.recentTs[i] = ts;
    this.recentValues[i] = value;
    this.recentCount++;
  }

  /** The remembered points, oldest first. */
  window(): { timestamps: Float64Array; values: Float64Array } {
    const n = Math.min(this.recentCount, PATTERN_WINDOW);
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    const start = this.recentCount - n;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % PATTERN_WINDOW;
      timestamps[k] = this.recentTs[i];
      values[k] = this.recentValues[i];
    }
    return { timestamps, values };
  }

  toCheckpoint(): SeriesCheckpoint {
    const w = this.window();
    return {
      entityId: this.entityId,
      entityType: this.entityType,
      metric: this.metric,
      detector: this.detector.toState(),
      recent: { ts: Array.from(w.timestamps), values: Array.from(w.values) },
      episode: Number.isNaN(this.episodeStart) ? null : { start: this.episodeStart, lastAlarm: this.lastAlarm, alarms: this.alarms },
    };
  }

  static fromCheckpoint(c: SeriesCheckpoint): LiveSeries {
    const s = new LiveSeries(c.entityId, c.entityType, c.metric, SeriesAnomalyDetector.fromState(c.detector));
    for (let i = 0; i < c.recent.ts.length; i++) s.remember(c.recent.ts[i], c.recent.values[i]);
    if (c.episode) {
      s.episodeStart = c.episode.start;
      s.lastAlarm = c.episode.lastAlarm;
      s.alarms = c.episode.alarms;
    }
    return s;
  }
}

export interface LiveScorerOptions {
  /** Score at or above which a point is an alarm. */
  threshold: number;
  /** Most series held in memory; the least recently updated are handed back for checkpointing. */
  maxSeries: number;
  /** Alarms of one series closer than this (data time) belong to one episode. */
  episodeGapMs: number;
}

export const CHECKPOINT_PREFIX = 'series:';

/** The checkpoint key of a series: unambiguous for any entity id and metric. */
export function seriesCheckpointKey(entityId: string, metric: string): string {
  return CHECKPOINT_PREFIX + JSON.stringify([entityId, metric]);
}

/**
 * The streaming anomaly state of every live series: each stored sample updates its series'
 * detector (O(1)); points scoring at or above the threshold, once the detector is past its
 * warm-up, are reported as alarms. State round-trips through checkpoints so a restart resumes
 * exactly where it stopped; checkpoints not yet needed stay as unparsed text until their series
 * next receives data.
 */
export class LiveAnomalyScorer {
  private readonly series = new Map<string, LiveSeries>();
  private readonly pending = new Map<string, string>();
  private readonly score: SeriesScore;
  private clock = 0;

  constructor(private readonly options: LiveScorerOptions) {
    this.score = new SeriesAnomalyDetector().update(NaN, NaN);
  }

  get size(): number {
    return this.series.size;
  }

  /** Hands over stored checkpoints (key → JSON text), parsed lazily on each series' next sample. */
  restore(checkpoints: Iterable<{ key: string; state: string }>): void {
    for (const c of checkpoints) if (c.key.startsWith(CHECKPOINT_PREFIX)) this.pending.set(c.key, c.state);
  }

  observe(samples: AcceptedSamples, onAlarm: (alarm: LiveAlarm) => void): void {
    const { keys, keyOf, timestamps, values, length } = samples;
    // Indices per series, in time order (a batch may list a series' samples in any order).
    const byKey: number[][] = keys.map(() => []);
    for (let i = 0; i < length; i++) byKey[keyOf[i]].push(i);
    const tick = ++this.clock;
    for (let k = 0; k < keys.length; k++) {
      const idx = byKey[k];
      if (idx.length === 0) continue;
      for (let j = 1; j < idx.length; j++) {
        if (timestamps[idx[j]] < timestamps[idx[j - 1]]) {
          idx.sort((a, b) => timestamps[a] - timestamps[b]);
          break;
        }
      }
      const key = keys[k];
      const s = this.seriesFor(key.entityId, key.entityType, key.metric);
      s.touched = tick;
      s.dirty = true;
      for (const i of idx) this.step(s, timestamps[i], values[i], onAlarm);
    }
  }

  private step(s: LiveSeries, ts: number, value: number, onAlarm: (alarm: LiveAlarm) => void): void {
    const r = s.detector.update(ts, value, this.score);
    if (!r.accepted) return;
    s.remember(ts, value);
    if (r.warmingUp || r.score < this.options.threshold) return;
    if (Number.isNaN(s.lastAlarm) || ts - s.lastAlarm > this.options.episodeGapMs) {
      s.episodeStart = ts;
      s.alarms = 0;
    }
    s.alarms++;
    s.lastAlarm = ts;
    onAlarm({
      entityId: s.entityId,
      entityType: s.entityType,
      metric: s.metric,
      ts,
      value,
      expected: r.expected,
      score: r.score,
      confidence: r.confidence,
      components: { ...r.components },
      persistencePoints: s.alarms,
      persistenceSeconds: (ts - s.episodeStart) / 1000,
      window: s.window(),
    });
  }

  private seriesFor(entityId: string, entityType: string, metric: string): LiveSeries {
    const key = seriesCheckpointKey(entityId, metric);
    let s = this.series.get(key);
    if (s) return s;
    const saved = this.pending.get(key);
    if (saved !== undefined) {
      this.pending.delete(key);
      try {
        s = LiveSeries.fromCheckpoint(JSON.parse(saved) as SeriesCheckpoint);
      } catch {
        s = undefined; // an unreadable checkpoint (older format, corruption): start afresh
      }
    }
    s ??= new LiveSeries(entityId, entityType, metric, new SeriesAnomalyDetector());
    this.series.set(key, s);
    return s;
  }

  /**
   * What the series' detector would say about one more point, without learning it (snapshot
   * requests must not move live state). Undefined when the series has no live state.
   */
  peek(entityId: string, metric: string, ts: number, value: number): (SeriesScore & { points: number }) | undefined {
    const key = seriesCheckpointKey(entityId, metric);
    const live = this.series.get(key);
    let state: SeriesDetectorState | undefined = live?.detector.toState();
    if (!state && this.pending.has(key)) {
      try {
        state = (JSON.parse(this.pending.get(key)!) as SeriesCheckpoint).detector;
      } catch {
        state = undefined;
      }
    }
    if (!state) return undefined;
    const copy = SeriesAnomalyDetector.fromState(state);
    const points = copy.count;
    return { ...copy.update(ts, value), points };
  }

  /** Checkpoints of series changed since the last call (they are marked clean). */
  takeDirty(): Array<{ key: string; state: string }> {
    const out: Array<{ key: string; state: string }> = [];
    for (const [key, s] of this.series) {
      if (!s.dirty) continue;
      s.dirty = false;
      out.push({ key, state: JSON.stringify(s.toCheckpoint()) });
    }
    return out;
  }

  /**
   * Parks the least recently updated series beyond `maxSeries` as checkpoint text (a fraction of
   * a live detector's memory, parsed again on the series' next sample), returning those to save.
   */
  evict(): Array<{ key: string; state: string }> {
    const excess = this.series.size - this.options.maxSeries;
    if (excess <= 0) return [];
    const byAge = [...this.series.entries()].sort((a, b) => a[1].touched - b[1].touched).slice(0, excess);
    const out: Array<{ key: string; state: string }> = [];
    for (const [key, s] of byAge) {
      this.series.delete(key);
      const state = JSON.stringify(s.toCheckpoint());
      this.pending.set(key, state);
      if (s.dirty) out.push({ key, state });
    }
    return out;
  }
}
