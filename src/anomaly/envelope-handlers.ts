import { EnvelopeError, type EnvelopeRegistry } from '../platform/envelope.js';
import { parseTimestamp } from '../telemetry/index.js';
import { anomalyModelInfo, MODEL_ID } from './model-info.js';
import type { RequestDetector } from './request-detector.js';
import { MAX_SERIES_POINTS } from './schemas.js';

type Point = { ts: number; value: number; metadata?: Record<string, unknown> };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** data_points as NovaCron's ResourceDataPoint list: {timestamp (RFC 3339), value, metadata?}. */
function parsePoints(raw: unknown): Point[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new EnvelopeError('data.data_points must be an array of {timestamp, value, metadata?} or null');
  if (raw.length > MAX_SERIES_POINTS) throw new EnvelopeError(`data.data_points holds ${raw.length} points; the limit is ${MAX_SERIES_POINTS}`);
  const now = Date.now();
  return raw.map((p, i) => {
    if (!isObject(p)) throw new EnvelopeError(`data.data_points[${i}] must be an object`);
    const ts = parseTimestamp(p.timestamp, now + 86_400_000);
    if (typeof ts === 'string') throw new EnvelopeError(`data.data_points[${i}].timestamp: ${ts}`);
    const value = typeof p.value === 'number' ? p.value : NaN;
    if (p.value !== undefined && p.value !== null && !Number.isFinite(value)) throw new EnvelopeError(`data.data_points[${i}].value must be a finite number`);
    if (p.metadata !== undefined && p.metadata !== null && !isObject(p.metadata)) throw new EnvelopeError(`data.data_points[${i}].metadata must be an object`);
    return { ts, value, metadata: isObject(p.metadata) ? p.metadata : undefined };
  });
}

/** NovaCron's `anomaly_detection/detect` (§2A): anomalies in the points sent, or in stored telemetry when none are. */
export function registerAnomalyEnvelope(envelope: EnvelopeRegistry, detector: RequestDetector): void {
  envelope.register(
    'anomaly_detection',
    'detect',
    async (req) => {
      const d = req.data;
      if (typeof d.resource_id !== 'string' || d.resource_id === '') throw new EnvelopeError('data.resource_id must be a non-empty string');
      if (d.metric_type !== undefined && typeof d.metric_type !== 'string') throw new EnvelopeError('data.metric_type must be a string');
      if (d.sensitivity !== undefined && d.sensitivity !== null && (typeof d.sensitivity !== 'number' || !(d.sensitivity >= 0 && d.sensitivity <= 1))) {
        throw new EnvelopeError('data.sensitivity must be a number between 0 and 1');
      }
      const now = Date.now();
      const v = await detector.series({
        entityId: d.resource_id,
        metricType: (d.metric_type as string | undefined) || 'value',
        points: parsePoints(d.data_points),
        sensitivity: typeof d.sensitivity === 'number' ? d.sensitivity : undefined,
        now,
      });
      return {
        data: {
          anomalies: v.anomalies.map((a) => ({
            timestamp: new Date(a.ts).toISOString(),
            anomaly_type: a.classification.primaryType,
            severity: a.classification.severity,
            score: a.score,
            description: a.classification.description,
            affected_metrics: a.classification.affectedMetrics,
            recommendations: a.classification.recommendations,
            context: { metric: a.metric, value: a.value, expected: a.expected, pattern: a.classification.pattern, points: a.points },
          })),
          overall_score: v.overallScore,
          baseline: v.baseline,
          model_info: anomalyModelInfo(now),
          threshold: v.threshold,
          source: v.source,
          insufficient_history: v.insufficientHistory,
          notes: v.notes,
        },
        confidence: v.confidence,
        modelVersion: MODEL_ID,
      };
    },
    { role: 'operator', aliases: [['anomaly', 'detect']] },
  );
}
