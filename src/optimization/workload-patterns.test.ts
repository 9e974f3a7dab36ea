import { describe, expect, it } from 'vitest';
import { Random } from '../ml/core/random.js';
import { durationNs } from './workload-envelope.js';
import { selectKth } from '../ml/features/index.js';
import { computeWorkloadFeatures, resampleWorkload, type WorkloadMetric, type WorkloadSeriesInput } from './workload-features.js';
import { analyzeWorkload, InsufficientWorkloadDataError, MIN_WORKLOAD_POINTS } from './workload-patterns.js';

const T0 = Date.UTC(2024, 0, 1); // a Monday
const STEP = 300_000;
const H = 3_600_000;
const D = 86_400_000;
const clip = (x: number) => Math.max(0, Math.min(1, x));

type Kind = 'web' | 'batch' | 'stream' | 'noise' | 'db' | 'leak' | 'spikes';

/** Synthetic usage signatures on a 5-minute grid, 2024-01-01 (a Monday) onwards. */
function signature(kind: Kind, days = 14, seed = 1, offsetMinutes = 0): WorkloadSeriesInput & { metrics: Record<WorkloadMetric, Float64Array> } {
  const n = Math.round((days * D) / STEP);
  const rng = new Random(seed);
  const e = () => rng.normal();
  const timestamps = new Float64Array(n);
  const cpu = new Float64Array(n);
  const memory = new Float64Array(n);
  const io = new Float64Array(n);
  const network = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = T0 + i * STEP;
    timestamps[i] = t;
    const local = t + offsetMinutes * 60_000;
    const h = (local % D) / H;
    const dow = (Math.floor(local / D) + 4) % 7;
    const weekend = dow === 0 || dow === 6;
    const bump = h >= 7 && h <= 21 ? Math.sin((Math.PI * (h - 7)) / 14) : 0;
    switch (kind) {
      case 'web': {
        // Daytime peak around 14:00, weekends at 40 %, network-heavy.
        const k = weekend ? 0.4 : 1;
        cpu[i] = clip(0.1 + 0.45 * bump * k + 0.03 * e());
        network[i] = clip(0.1 + 0.5 * bump * k + 0.03 * e());
        memory[i] = clip(0.35 + 0.05 * bump + 0.01 * e());
        io[i] = clip(0.05 + 0.02 * bump + 0.01 * e());
        break;
      }
      case 'batch': {
        // A nightly job 01:00–03:00 at 90 % CPU; idle otherwise; little network.
        const on = h >= 1 && h < 3;
        cpu[i] = clip(on ? 0.9 + 0.03 * e() : 0.04 + 0.01 * e());
        network[i] = clip(0.02 + 0.01 * e());
        memory[i] = clip(on ? 0.6 : 0.25 + 0.01 * e());
        io[i] = clip(on ? 0.5 + 0.05 * e() : 0.02 + 0.01 * e());
        break;
      }
      case 'stream':
        cpu[i] = clip(0.6 + 0.03 * e());
        network[i] = clip(0.7 + 0.03 * e());
        memory[i] = clip(0.5 + 0.01 * e());
        io[i] = clip(0.15 + 0.02 * e());
        break;
      case 'db':
        cpu[i] = clip(0.25 + 0.1 * bump + 0.04 * e());
        network[i] = clip(0.1 + 0.03 * bump + 0.02 * e());
        memory[i] = clip(0.82 + 0.01 * e());
        io[i] = clip(0.45 + 0.1 * bump + 0.04 * e());
        break;
      case 'leak':
        // CPU climbing from 0.2 by 0.05 a day.
        cpu[i] = clip(0.2 + (0.05 * i * STEP) / D + 0.02 * e());
        network[i] = clip(0.1 + 0.02 * e());
        memory[i] = clip(0.3 + 0.01 * e());
        io[i] = clip(0.05 + 0.01 * e());
        break;
      case 'spikes':
        cpu[i] = clip(0.2 + 0.01 * e() + (i % 1000 === 500 ? 0.7 : 0));
        network[i] = clip(0.1 + 0.01 * e());
        memory[i] = clip(0.3 + 0.01 * e());
        io[i] = clip(0.05 + 0.01 * e());
        break;
      default:
        // White noise at a low level.
        cpu[i] = clip(0.1 + 0.03 * e());
        memory[i] = clip(0.3 + 0.02 * e());
        network[i] = clip(0.05 + 0.02 * e());
        io[i] = clip(0.03 + 0.01 * e());
    }
  }
  return { timestamps, metrics: { cpu, memory, io, network }, utcOffsetMinutes: offsetMinutes };
}

describe('analyzeWorkload: classification of synthetic signatures', () => {
  it('calls a daily web cycle with quieter weekends web_application, with daily seasonality and its peak hours', () => {
    const a = analyzeWorkload(signature('web'));
    expect(a.classification).toBe('web_application');
    expect(a.confidence).toBeGreaterThan(0.6);
    expect(a.scores.web_application).toBeGreaterThan(0.8);
    expect(a.seasonality.hasSeasonality).toBe(true);
    expect(a.seasonality.periodMs).toBe(D);
    expect(durationNs(a.seasonality.periodMs)).toBe(86_400_000_000_000);
    expect(a.seasonality.components).toEqual(expect.arrayContaining(['daily', 'weekly']));
    // The sine peaks at 14:00: the best 2-hour window starts at 13:00.
    const cpu = a.features.metrics.cpu!;
    expect(cpu.daily!.peak.startHour).toBe(13);
    expect(cpu.daily!.peak.ratio).toBeGreaterThan(1.8);
    // Hours nearer the 14:00 top than the mean; night hours at the floor.
    expect(cpu.daily!.peakHours).toContain(14);
    expect(cpu.daily!.peakHours.every((h) => h >= 10 && h <= 18)).toBe(true);
    expect(cpu.daily!.lowHours).toEqual(expect.arrayContaining([0, 1, 2, 3, 4, 5, 23]));
    expect(cpu.weekendRatio!).toBeGreaterThan(0.5);
    expect(cpu.weekendRatio!).toBeLessThan(0.75);
    // peak_times fall on the daily peak phase: within the 13:00–15:00 window.
    expect(a.seasonality.peakTimesMs.length).toBeGreaterThan(0);
    for (const t of a.seasonality.peakTimesMs) expect(Math.floor((t % D) / H)).toBeGreaterThanOrEqual(13);
    const daily = a.patterns.find((p) => p.type === 'periodic' && p.frequency === 'daily');
    expect(daily).toBeDefined();
    expect(daily!.intensity).toBeGreaterThan(0.7);
    expect(a.recommendations.some((r) => r.includes('13:00–15:00 UTC') && r.includes('maintenance'))).toBe(true);
    expect(a.recommendations.some((r) => r.includes('Weekend load'))).toBe(true);
  });

  it('calls a nightly on/off job batch_processing, with a daily batch pattern at 8 % duty starting at 01:00', () => {
    const a = analyzeWorkload(signature('batch'));
    expect(a.classification).toBe('batch_processing');
    expect(a.confidence).toBeGreaterThan(0.8);
    const b = a.patterns.find((p) => p.type === 'batch')!;
    expect(b).toBeDefined();
    expect(b.frequency).toBe('daily');
    expect(b.intensity).toBeCloseTo(0.9, 1);
    const d = a.features.metrics.cpu!.duty!;
    expect(d.onShare).toBeCloseTo(2 / 24, 2);
    expect(d.onRuns).toBe(14);
    expect(d.medianOnRunMs).toBe(2 * H);
    expect(d.medianStartIntervalMs).toBe(D);
    expect(d.typicalStartHour).toBe(1);
    expect(d.nightShare).toBe(1);
    // The on-phases are the job, not spikes.
    expect(a.patterns.some((p) => p.type === 'spike' || p.type === 'bursty')).toBe(false);
    expect(a.recommendations.some((r) => r.includes('8% duty') && r.includes('spot'))).toBe(true);
  });

  it('calls a steady high-throughput stream data_streaming, steady state and without seasonality', () => {
    const a = analyzeWorkload(signature('stream'));
    expect(a.classification).toBe('data_streaming');
    expect(a.confidence).toBeGreaterThan(0.8);
    expect(a.seasonality.hasSeasonality).toBe(false);
    expect(a.seasonality.periodMs).toBe(0);
    expect(a.patterns.map((p) => p.type)).toEqual(['steady_state']);
  });

  it('calls white noise at a low level general_purpose, with an irregular pattern and no invented seasonality', () => {
    const a = analyzeWorkload(signature('noise'));
    expect(a.classification).toBe('general_purpose');
    for (const c of ['web_application', 'batch_processing', 'data_streaming', 'database'] as const) expect(a.scores[c]).toBeLessThan(0.1);
    expect(a.seasonality.hasSeasonality).toBe(false);
    expect(a.seasonality.components).toEqual([]);
    expect(a.seasonality.peakTimesMs).toEqual([]);
    expect(a.patterns.length).toBeGreaterThan(0);
    expect(a.patterns[0].type).toBe('irregular');
    expect(a.recommendations[0]).toMatch(/No action/);
  });

  it('calls a memory-heavy, I/O-heavy VM with a moderate daily cycle database', () => {
    const a = analyzeWorkload(signature('db'));
    expect(a.classification).toBe('database');
    expect(a.scores.database).toBeGreaterThan(a.scores.web_application);
  });

  it('finds a rising trend and projects when it reaches 90 %', () => {
    const a = analyzeWorkload(signature('leak', 7));
    const t = a.patterns.find((p) => p.type === 'trending')!;
    expect(t).toBeDefined();
    const tr = a.features.metrics.cpu!.trend!;
    expect(tr.slopePerDay).toBeCloseTo(0.05, 2);
    expect(tr.tau).toBeGreaterThan(0.9);
    // About 0.55 at the end, 0.05 a day: 90 % in about 7 days.
    expect(a.recommendations.some((r) => /reaches 90% in about [6-8] days/.test(r))).toBe(true);
  });

  it('lists short spikes far above the median with their times', () => {
    const a = analyzeWorkload(signature('spikes', 7));
    const spikes = a.patterns.filter((p) => p.type === 'spike');
    // One every 1,000 steps from step 500: 2,016 steps hold two.
    expect(spikes.length).toBe(2);
    expect(spikes[0].startMs).toBe(T0 + 500 * STEP);
    expect(spikes[0].endMs).toBe(T0 + 501 * STEP);
    expect(spikes[0].description).toMatch(/spiked to 0\.9/);
  });
});

describe('analyzeWorkload: data handling', () => {
  it('refuses too little history with "insufficient data" rather than inventing an answer', () => {
    const short = signature('web', 1);
    const cut = (k: number) => ({ timestamps: short.timestamps.slice(0, k), metrics: { cpu: short.metrics.cpu.slice(0, k) } });
    expect(() => analyzeWorkload(cut(MIN_WORKLOAD_POINTS - 1))).toThrow(InsufficientWorkloadDataError);
    // 12 points of 5 minutes span 55 minutes: still under an hour.
    expect(() => analyzeWorkload(cut(12))).toThrow(/insufficient data: 12 observed points over 55 min/);
    expect(() => analyzeWorkload(cut(0))).toThrow(/insufficient data/);
    expect(() => analyzeWorkload({ timestamps: short.timestamps, metrics: { cpu: new Float64Array(short.timestamps.length).fill(NaN) } })).toThrow(/insufficient data/);
    const ok = analyzeWorkload(cut(13));
    // An hour of history: a low-confidence answer with no daily claims.
    expect(ok.confidence).toBeLessThan(0.6);
    expect(ok.features.metrics.cpu!.daily).toBeNull();
    expect(ok.seasonality.components).not.toContain('daily');
  });

  it('tolerates gaps (20 % missing at random and a 6-hour outage), with lower confidence', () => {
    const full = signature('web');
    const gappy = signature('web');
    const rng = new Random(7);
    for (const m of Object.values(gappy.metrics)) {
      for (let i = 0; i < m.length; i++) if (rng.float() < 0.2) m[i] = NaN;
      m.fill(NaN, 1000, 1072);
    }
    const a = analyzeWorkload(gappy);
    const b = analyzeWorkload(full);
    expect(a.classification).toBe('web_application');
    expect(a.seasonality.periodMs).toBe(D);
    expect(a.dataQuality.coverage).toBeLessThan(0.8);
    expect(a.confidence).toBeLessThan(b.confidence);
    expect(Number.isFinite(a.confidence)).toBe(true);
  });

  it('resamples irregular, unsorted, jittered timestamps onto the median spacing', () => {
    const s = signature('batch');
    const rng = new Random(3);
    const n = s.timestamps.length;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const timestamps = Float64Array.from(order, (i) => s.timestamps[i] + Math.round((rng.float() - 0.5) * 40_000));
    const metrics = { cpu: Float64Array.from(order, (i) => s.metrics.cpu[i]), network: Float64Array.from(order, (i) => s.metrics.network[i]) };
    const grid = resampleWorkload({ timestamps, metrics });
    expect(Math.abs(grid.stepMs - STEP)).toBeLessThan(30_000);
    const a = analyzeWorkload({ timestamps, metrics });
    expect(a.classification).toBe('batch_processing');
    expect(a.patterns.find((p) => p.type === 'batch')!.frequency).toBe('daily');
  });

  it('reads hours in local time when given a UTC offset', () => {
    // Same local-time web pattern, local = UTC+5:30: the peak is 13:00 local, 07:30 UTC.
    const a = analyzeWorkload(signature('web', 14, 1, 330));
    expect(a.classification).toBe('web_application');
    expect(a.features.metrics.cpu!.daily!.peak.startHour).toBe(13);
    expect(a.recommendations[0]).toContain('UTC+05:30');
  });

  it('is deterministic', () => {
    const a = analyzeWorkload(signature('web', 10, 5));
    const b = analyzeWorkload(signature('web', 10, 5));
    expect(b.classification).toBe(a.classification);
    expect(b.confidence).toBe(a.confidence);
    expect(b.scores).toEqual(a.scores);
    expect(b.patterns).toEqual(a.patterns);
    expect(b.recommendations).toEqual(a.recommendations);
    expect(b.seasonality).toEqual(a.seasonality);
  });

  it('works from any single metric (the primary falls back to the first present)', () => {
    const s = signature('stream');
    const a = analyzeWorkload({ timestamps: s.timestamps, metrics: { network: s.metrics.network } });
    expect(a.primary).toBe('network');
    expect(a.classification).toBe('data_streaming');
  });

  it('analyses 10,000 points of four metrics in milliseconds', () => {
    const s = signature('web', (10_000 * STEP) / D);
    expect(s.timestamps.length).toBe(10_000);
    analyzeWorkload(s);
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      analyzeWorkload(s);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    // Typically 2–10 ms; the bound leaves room for a loaded CI machine.
    expect(times[2]).toBeLessThan(250);
  });
});

describe('workload features', () => {
  it('selectKth finds order statistics like a sort does', () => {
    const rng = new Random(11);
    const xs = Float64Array.from({ length: 501 }, () => Math.round(rng.normal() * 10));
    const sorted = Float64Array.from(xs).sort();
    for (const k of [0, 1, 17, 250, 499, 500]) expect(selectKth(Float64Array.from(xs), xs.length, k) === sorted[k]).toBe(true);
  });

  it('measures duty cycle, burstiness and shares on a known signal', () => {
    // 25 % on at 0.8, off at 0.0; network constant 0.2.
    const n = 2000;
    const timestamps = Float64Array.from({ length: n }, (_, i) => T0 + i * STEP);
    const cpu = Float64Array.from({ length: n }, (_, i) => (i % 40 < 10 ? 0.8 : 0));
    const network = new Float64Array(n).fill(0.2);
    const f = computeWorkloadFeatures({ timestamps, metrics: { cpu, network } });
    const c = f.metrics.cpu!;
    expect(c.mean).toBeCloseTo(0.2, 10);
    expect(c.duty!.onShare).toBeCloseTo(0.25, 10);
    expect(c.duty!.twoLevelShare).toBe(1);
    expect(c.duty!.medianOnRunMs).toBe(10 * STEP);
    expect(c.duty!.medianOffRunMs).toBe(30 * STEP);
    expect(c.duty!.medianStartIntervalMs).toBe(40 * STEP);
    expect(c.duty!.startIntervalCov).toBe(0);
    expect(f.shares.cpu).toBeCloseTo(0.5, 10);
    expect(f.shares.network).toBeCloseTo(0.5, 10);
    // A constant has no duty cycle and no spread.
    expect(f.metrics.network!.duty).toBeNull();
    expect(f.metrics.network!.cov).toBeLessThan(1e-9);
  });
});
