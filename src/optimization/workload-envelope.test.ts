import { describe, expect, it } from 'vitest';
import { Random } from '../ml/core/random.js';
import { EnvelopeError, EnvelopeRegistry, type EnvelopeRequest } from '../platform/envelope.js';
import { MAX_WORKLOAD_POINTS, metricFromName, parseWorkloadRequest, registerWorkloadEnvelope, scaleToFractions } from './workload-envelope.js';

const T0 = Date.UTC(2024, 0, 1); // a Monday
const STEP = 300_000;
const H = 3_600_000;
const D = 86_400_000;

/** NovaCron ResourceDataPoints of a web-like VM: CPU in percent as `value`, memory and network in metadata. */
function webPoints(days = 14, seed = 2) {
  const rng = new Random(seed);
  const out: { timestamp: string; value: number; metadata: Record<string, unknown> }[] = [];
  for (let i = 0; i < (days * D) / STEP; i++) {
    const t = T0 + i * STEP;
    const h = (t % D) / H;
    const dow = (Math.floor(t / D) + 4) % 7;
    const k = dow === 0 || dow === 6 ? 0.4 : 1;
    const bump = h >= 7 && h <= 21 ? Math.sin((Math.PI * (h - 7)) / 14) : 0;
    // Go's RFC3339Nano: nanosecond digits, Z.
    const ts = new Date(t).toISOString().replace('.000Z', `.${String(123456789 + i).slice(-9)}Z`);
    out.push({
      timestamp: ts,
      value: Math.max(0, 100 * (0.1 + 0.45 * bump * k + 0.03 * rng.normal())),
      metadata: { memory_usage: 0.35 + 0.01 * rng.normal(), network: Math.max(0, 0.1 + 0.5 * bump * k + 0.03 * rng.normal()), host: 'node-7' },
    });
  }
  return out;
}

function request(data: Record<string, unknown>, service = 'workload_pattern_recognition', method = 'analyze_patterns'): EnvelopeRequest {
  return { id: 'req-1', service, method, data, metadata: {} };
}

function registry() {
  const envelope = new EnvelopeRegistry();
  registerWorkloadEnvelope(envelope);
  return envelope;
}

async function call(data: Record<string, unknown>, service?: string, method?: string) {
  const target = registry().resolve(service ?? 'workload_pattern_recognition', method ?? 'analyze_patterns');
  if (!target) throw new Error('pair not registered');
  return target.handler(request(data, service, method));
}

const goRequest = (points: unknown) => ({
  workload_id: 'vm-42',
  time_range: { start: new Date(T0).toISOString(), end: new Date(T0 + 14 * D).toISOString() },
  metric_types: ['cpu', 'memory', 'network'],
  data_points: points,
});

describe('workload_pattern_recognition/analyze_patterns', () => {
  it('is registered with its alias and listed as supported', () => {
    const envelope = registry();
    expect(envelope.resolve(' Workload ', 'ANALYZE')?.service).toBe('workload_pattern_recognition');
    expect(envelope.resolve('workload_pattern_recognition', 'analyze_patterns')?.role).toBe('operator');
    expect(envelope.supported()).toEqual({ workload_pattern_recognition: ['analyze_patterns'] });
  });

  it('answers a §2A request with Go-safe types: integer-nanosecond period, RFC 3339 Z times, no null arrays', async () => {
    const r = await call(goRequest(webPoints()));
    const d = JSON.parse(JSON.stringify(r.data));
    expect(d.classification).toBe('web_application');
    expect(d.confidence).toBeGreaterThan(0.5);
    expect(r.confidence).toBe(d.confidence);
    expect(r.modelVersion).toMatch(/^workload-pattern-rules-/);
    expect(d.workload_id).toBe('vm-42');

    // seasonality: time.Duration as integer nanoseconds.
    expect(d.seasonality.has_seasonality).toBe(true);
    expect(Number.isInteger(d.seasonality.period)).toBe(true);
    expect(d.seasonality.period).toBe(86_400_000_000_000);
    expect(JSON.stringify(r.data)).toContain('"period":86400000000000');
    expect(d.seasonality.components).toEqual(expect.arrayContaining(['daily']));
    expect(d.seasonality.strength).toBeGreaterThan(0.5);
    for (const t of [...d.seasonality.peak_times, ...d.seasonality.low_times]) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(d.seasonality.peak_times.length).toBeGreaterThan(0);

    // patterns: non-empty, each with every field typed as Go expects.
    expect(d.patterns.length).toBeGreaterThan(0);
    for (const p of d.patterns) {
      expect(typeof p.type).toBe('string');
      expect(p.start_time).toMatch(/Z$/);
      expect(p.end_time).toMatch(/Z$/);
      expect(Date.parse(p.end_time)).toBeGreaterThanOrEqual(Date.parse(p.start_time));
      expect(typeof p.intensity).toBe('number');
      expect(p.intensity).toBeGreaterThanOrEqual(0);
      expect(p.intensity).toBeLessThanOrEqual(1);
      expect(typeof p.frequency).toBe('string');
      expect(typeof p.confidence).toBe('number');
      expect(p.description.length).toBeGreaterThan(10);
    }
    expect(d.patterns.some((p: { type: string; frequency: string }) => p.type === 'periodic' && p.frequency === 'daily')).toBe(true);
    expect(Array.isArray(d.recommendations) && d.recommendations.length > 0).toBe(true);
    // Percent CPU (values above 1) was recognised; metadata in both spellings was read.
    expect(d.notes).toContain('cpu read as percent (values above 1)');
    expect(d.characteristics.memory_mean).toBeCloseTo(0.35, 2);
    expect(d.characteristics.network_mean).toBeGreaterThan(0.1);
    expect(d.characteristics.cpu_mean).toBeLessThan(1);
    expect(d.data_quality.points).toBe(4032);
  });

  it('finds a batch pattern for a nightly job sent through the alias, value = the first metric_types entry', async () => {
    const points = [];
    for (let i = 0; i < (7 * D) / STEP; i++) {
      const t = T0 + i * STEP;
      const h = (t % D) / H;
      points.push({ timestamp: new Date(t).toISOString(), value: h >= 2 && h < 4 ? 0.85 : 0.03, metadata: { cpu_usage: 0.5 } });
    }
    const r = await call({ workload_id: 'job', metric_types: ['cpu_usage'], data_points: points }, 'workload', 'analyze');
    expect(r.data.classification).toBe('batch_processing');
    const batch = (r.data.patterns as { type: string; frequency: string }[]).find((p) => p.type === 'batch');
    expect(batch?.frequency).toBe('daily');
  });

  it('refuses too little history with success:false and "insufficient data" (never invented numbers)', async () => {
    await expect(call(goRequest([]))).rejects.toThrow(EnvelopeError);
    await expect(call(goRequest(null))).rejects.toThrow(/insufficient data/);
    await expect(call(goRequest(webPoints().slice(0, 8)))).rejects.toThrow(/insufficient data: 8 observed points/);
    await expect(call({ workload_id: 'x' })).rejects.toThrow(/insufficient data/);
  });

  it('answers malformed input with an EnvelopeError that says what to fix', async () => {
    const pts = webPoints(1);
    const bad = async (data: Record<string, unknown>, msg: RegExp) => {
      const p = call(data);
      await expect(p).rejects.toThrow(EnvelopeError);
      await expect(p).rejects.toThrow(msg);
    };
    await bad(goRequest({}), /data_points must be an array/);
    await bad(goRequest([...pts.slice(0, 20), 'x']), /data_points\[20\] must be an object/);
    await bad(goRequest([{ timestamp: 'yesterday', value: 1 }]), /data_points\[0\]\.timestamp/);
    await bad(goRequest([{ timestamp: '2024-01-01T00:00:00Z', value: '50' }]), /data_points\[0\]\.value must be a finite number/);
    await bad(goRequest([{ timestamp: '2024-01-01T00:00:00Z', value: 1, metadata: [1] }]), /metadata must be an object/);
    await bad({ ...goRequest(pts), metric_types: ['gpu_temperature'] }, /metric_types\[0\] "gpu_temperature" is not a known metric/);
    await bad({ ...goRequest(pts), metric_types: 'cpu' }, /metric_types must be an array/);
    await bad({ ...goRequest(pts), workload_id: 7 }, /workload_id must be a string/);
    await bad({ ...goRequest(pts), utc_offset_minutes: 10_000 }, /utc_offset_minutes/);
    await bad(goRequest(pts.map((p, i) => ({ ...p, value: i === 3 ? -5 : p.value }))), /negative value/);
    await bad(goRequest(pts.map((p, i) => ({ ...p, value: i === 3 ? 250 : p.value }))), /above 100/);
    const many = Array.from({ length: MAX_WORKLOAD_POINTS + 1 }, () => ({ timestamp: 0, value: 0 }));
    await bad(goRequest(many), new RegExp(`limit is ${MAX_WORKLOAD_POINTS}`));
  });

  it('leaves out an unusable secondary metric with a note instead of failing', () => {
    const pts = webPoints(1).map((p) => ({ ...p, metadata: { network: 1500 } }));
    const parsed = parseWorkloadRequest(goRequest(pts));
    expect(parsed.metrics.network).toBeUndefined();
    expect(parsed.notes.some((n) => n.includes('network') && n.includes('left out'))).toBe(true);
  });
});

describe('wire helpers', () => {
  it('maps metric names in either spelling', () => {
    expect(metricFromName('CPU_USAGE')).toBe('cpu');
    expect(metricFromName(' memory ')).toBe('memory');
    expect(metricFromName('disk')).toBe('io');
    expect(metricFromName('network_utilization')).toBe('network');
    expect(metricFromName('temperature')).toBeUndefined();
  });

  it('reads a series as fractions when all values are in [0, 1], else as percent', () => {
    const a = Float64Array.from([0.2, NaN, 1]);
    expect(scaleToFractions(a)).toEqual({ ok: true, percent: false });
    expect([...a]).toEqual([0.2, NaN, 1]);
    const b = Float64Array.from([20, 1, 100]);
    expect(scaleToFractions(b)).toEqual({ ok: true, percent: true });
    expect([...b]).toEqual([0.2, 0.01, 1]);
    expect(scaleToFractions(Float64Array.from([101])).ok).toBe(false);
  });
});
