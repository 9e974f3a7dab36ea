/**
 * `npm run bench:anomaly` — streaming univariate anomaly scoring on one core.
 *
 * Generates seeded synthetic series at 5-minute steps (white noise, daily seasonal, random walk,
 * spiky counters, flat-then-step; each with injected spikes and level shifts), then:
 *
 *   1. throughput: one SeriesAnomalyDetector per series, every series advanced one point at a
 *      time in turn (as live ingest does: each batch touches many series), `update` writing into
 *      one reused result object; points/s over the whole run on this thread;
 *   2. latency: a second pass over fewer series timing every single `update` with
 *      process.hrtime.bigint() (the clock's own cost is measured and reported beside it);
 *   3. checkpoints: toState → JSON.stringify → JSON.parse → fromState for every detector halfway
 *      through, bytes and µs per series, and a check that restored detectors go on bit-identically;
 *   4. the same throughput and latency for a baseline measured in the same run: the simplest O(1)
 *      streaming detector (an exponentially weighted z-score with a Gaussian tail), so the ratio
 *      says what the ensemble costs over the cheapest possible detector on this machine;
 *   5. a memory floor: no computation at all, only reads — per point one number from each of as
 *      many cache lines as our detector touches, in a block as large as its state — so the
 *      interleaved figure can be read against what the machine's caches allow.
 *
 * Targets from the issue: ≥ 500,000 points/s and p99 ≤ 20 µs per point. Both orders are reported:
 * one series at a time keeps a detector's ~11 KiB of numbers and 4 KiB of counters in the CPU
 * caches; taking turns over thousands of series (the live case) finds them cold, and each of the
 * ~30 cache lines a point touches may be a miss, so it is slower on the same core — by how much
 * depends on how much of the shared L3 cache the machine's neighbours leave (on this VM it varies
 * twofold from run to run).
 *
 *   npx tsx bench/anomaly.ts [--series 2000] [--points 1000] [--latency-series 200] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { Random } from '../src/ml/core/index.js';
import { log10NormalTail, newScore, SeriesAnomalyDetector } from '../src/anomaly/streaming/index.js';
import { fmtInt, percentile, round, table } from './lib/harness.js';

const TARGET_POINTS_PER_S = 500_000;
const TARGET_P99_US = 20;
const STEP_MS = 300_000;
const T0 = Date.UTC(2024, 0, 1);

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '2000' },
    points: { type: 'string', default: '1000' },
    'latency-series': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
  },
});
const nSeries = Number(args.series);
const nPoints = Number(args.points);
const nLatency = Math.min(nSeries, Number(args['latency-series']));
const seed = Number(args.seed);

// ── Data ────────────────────────────────────────────────────────────────────────────────────
const KINDS = ['noise', 'seasonal', 'walk', 'spiky', 'step'] as const;

function generate(count: number, points: number, rng: Random): Float64Array {
  const v = new Float64Array(count * points);
  for (let s = 0; s < count; s++) {
    const kind = KINDS[s % KINDS.length];
    const level = 10 ** (rng.float() * 6 - 2);
    const noise = level * (0.01 + 0.2 * rng.float());
    let walk = 0;
    const o = s * points;
    for (let t = 0; t < points; t++) {
      const day = ((t * STEP_MS) % 86_400_000) / 86_400_000;
      let x = level;
      if (kind === 'seasonal') x += level * 0.5 * Math.sin(2 * Math.PI * day);
      if (kind === 'walk') x += walk += noise * 0.3 * rng.normal();
      if (kind === 'spiky' && rng.float() < 0.02) x += level * 3 * rng.float();
      if (kind === 'step' && t > points / 2) x += level * 0.5;
      v[o + t] = x + noise * rng.normal();
    }
    // Injected anomalies: a spike and a level shift at random places after the first quarter.
    const spike = o + Math.floor(points * (0.25 + 0.7 * rng.float()));
    v[spike] += 8 * noise + level;
    const shift = Math.floor(points * (0.25 + 0.6 * rng.float()));
    for (let t = shift; t < Math.min(points, shift + 50); t++) v[o + t] += 5 * noise;
  }
  return v;
}

const rng = new Random(seed);
const values = generate(nSeries, nPoints, rng);
const timestamps = new Float64Array(nPoints);
for (let t = 0; t < nPoints; t++) timestamps[t] = T0 + t * STEP_MS;

// ── Detectors under test ─────────────────────────────────────────────────────────────────────
interface Streaming {
  step(t: number, x: number): number;
}

/** The ensemble, writing into one reused result object. */
function ours(): Streaming {
  const d = new SeriesAnomalyDetector();
  const out = newScore();
  return { step: (t, x) => d.update(t, x, out).score };
}

/** Baseline: an exponentially weighted mean/variance z-score with a Gaussian tail (O(1), four numbers). */
function baseline(): Streaming {
  let n = 0;
  let mean = 0;
  let variance = 0;
  return {
    step(_t, x) {
      n++;
      const a = 1 / n > 0.01 ? 1 / n : 0.01;
      const sd = Math.sqrt(variance);
      const z = sd > 0 ? Math.abs(x - mean) / sd : 0;
      const d = x - mean;
      mean += a * d;
      variance = (1 - a) * (variance + a * d * d);
      const s = -log10NormalTail(z) / 8;
      return s > 1 ? 1 : s;
    },
  };
}

/**
 * Memory floor: per point, one read in each of FLOOR_FIXED lines at the head of a block the size
 * of a detector's state (as the detector reads its scalars and small components every point) and
 * FLOOR_MOVING lines elsewhere in it, moving from point to point (as seasonal phases, histogram
 * bins and context counters move with the data). About the ~30 lines a point of ours touches.
 */
const FLOOR_FIXED = 20;
const FLOOR_MOVING = 12;
const STATE_SLOTS = Math.ceil(new SeriesAnomalyDetector().stateBytes / 8);
let floorSink = 0;
function memoryFloor(): Streaming {
  const v = new Float64Array(STATE_SLOTS);
  const lines = STATE_SLOTS >> 3;
  let k = 0;
  return {
    step(_t, x) {
      let s = x;
      for (let i = 0; i < FLOOR_FIXED; i++) s += v[i << 3];
      for (let j = 0; j < FLOOR_MOVING; j++) {
        k += 97;
        if (k >= lines - FLOOR_FIXED) k -= lines - FLOOR_FIXED;
        s += v[(FLOOR_FIXED + k) << 3];
      }
      v[0] = s * 1e-300;
      floorSink += s;
      return 0;
    },
  };
}

/**
 * Points/s. 'interleaved': every series advanced one point at a time in turn (live ingest: each
 * detector's state is cold in the CPU caches when its next point comes); 'sequential': one series
 * start to finish, then the next (replaying history: state stays hot).
 */
function throughput(make: () => Streaming, count: number, order: 'interleaved' | 'sequential' = 'interleaved'): { pointsPerS: number; seconds: number; checksum: number } {
  const dets = Array.from({ length: count }, make);
  let checksum = 0;
  const start = process.hrtime.bigint();
  if (order === 'interleaved') {
    for (let t = 0; t < nPoints; t++) {
      const ts = timestamps[t];
      for (let s = 0; s < count; s++) checksum += dets[s].step(ts, values[s * nPoints + t]);
    }
  } else {
    for (let s = 0; s < count; s++) for (let t = 0; t < nPoints; t++) checksum += dets[s].step(timestamps[t], values[s * nPoints + t]);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { pointsPerS: (count * nPoints) / seconds, seconds, checksum };
}

/** Every update timed on its own; returns the per-point latencies in µs, sorted. */
function latency(make: () => Streaming, count: number): Float64Array {
  const dets = Array.from({ length: count }, make);
  const lat = new Float64Array(count * nPoints);
  let k = 0;
  for (let t = 0; t < nPoints; t++) {
    const ts = timestamps[t];
    for (let s = 0; s < count; s++) {
      const a = process.hrtime.bigint();
      dets[s].step(ts, values[s * nPoints + t]);
      lat[k++] = Number(process.hrtime.bigint() - a) / 1000;
    }
  }
  return lat.sort();
}

function clockCostUs(): number {
  const n = 200_000;
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    lat[i] = Number(process.hrtime.bigint() - a) / 1000;
  }
  return percentile(lat.sort(), 50);
}

// ── Checkpoints ──────────────────────────────────────────────────────────────────────────────
function checkpoints(count: number): { bytesPerSeries: number; saveUs: number; restoreUs: number; identical: boolean } {
  const half = Math.floor(nPoints / 2);
  const dets = Array.from({ length: count }, () => new SeriesAnomalyDetector());
  const out = newScore();
  for (let s = 0; s < count; s++) for (let t = 0; t < half; t++) dets[s].update(timestamps[t], values[s * nPoints + t], out);
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  const saved = dets.map((d) => JSON.stringify(d.toState()));
  const t1 = process.hrtime.bigint();
  const restored = saved.map((j) => SeriesAnomalyDetector.fromState(JSON.parse(j)));
  const t2 = process.hrtime.bigint();
  for (const j of saved) bytes += j.length;
  let identical = true;
  const out2 = newScore();
  for (let s = 0; s < count; s++)
    for (let t = half; t < nPoints; t++) {
      const a = dets[s].update(timestamps[t], values[s * nPoints + t], out).score;
      const b = restored[s].update(timestamps[t], values[s * nPoints + t], out2).score;
      if (!Object.is(a, b)) identical = false;
    }
  return { bytesPerSeries: bytes / count, saveUs: Number(t1 - t0) / 1000 / count, restoreUs: Number(t2 - t1) / 1000 / count, identical };
}

// ── Run ──────────────────────────────────────────────────────────────────────────────────────
console.error(`bench:anomaly — ${fmtInt(nSeries)} series × ${fmtInt(nPoints)} points (${KINDS.join(', ')}), seed ${seed}, one thread`);
// Warm-up: let both detectors' code reach the optimising compiler before anything is timed.
throughput(ours, Math.min(nSeries, 100));
throughput(baseline, Math.min(nSeries, 100));
latency(ours, Math.min(nLatency, 20));

const oursRun = throughput(ours, nSeries);
const baseRun = throughput(baseline, nSeries);
const oursSeq = throughput(ours, nSeries, 'sequential');
const baseSeq = throughput(baseline, nSeries, 'sequential');
throughput(memoryFloor, Math.min(nSeries, 100));
const floorRun = throughput(memoryFloor, nSeries);
const floorSeq = throughput(memoryFloor, nSeries, 'sequential');
const clock = clockCostUs();
const oursLat = latency(ours, nLatency);
const baseLat = latency(baseline, nLatency);
const ckpt = checkpoints(Math.min(nSeries, 200));
const heapMb = process.memoryUsage().heapUsed / 2 ** 20;

const row = (name: string, r: typeof oursRun, seq: typeof oursRun, lat: Float64Array) => [
  name,
  fmtInt(r.pointsPerS),
  round(1e9 / r.pointsPerS, 0),
  fmtInt(seq.pointsPerS),
  round(percentile(lat, 50), 2),
  round(percentile(lat, 99), 2),
  round(percentile(lat, 99.9), 2),
  round(lat[lat.length - 1], 1),
];
console.log(
  table(
    ['detector', 'points/s (interleaved)', 'ns/point', 'points/s (one series at a time)', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs'],
    [row('SeriesAnomalyDetector (default ensemble)', oursRun, oursSeq, oursLat), row('baseline: EW z-score', baseRun, baseSeq, baseLat)],
  ),
);
console.log(`(latencies include the clock's own cost, median ${round(clock, 3)} µs per reading pair)`);
console.log(
  `memory floor (no computation; ${FLOOR_FIXED + FLOOR_MOVING} cache lines read per point from a ${fmtInt(STATE_SLOTS * 8)}-byte block per series): ` +
    `${fmtInt(floorRun.pointsPerS)} points/s interleaved, ${fmtInt(floorSeq.pointsPerS)} one series at a time${floorSink === 1 ? '' : ''}`,
);
console.log(
  table(
    ['checkpoint', 'value'],
    [
      ['state JSON per series', `${fmtInt(ckpt.bytesPerSeries)} bytes`],
      ['toState + stringify', `${round(ckpt.saveUs, 1)} µs/series`],
      ['parse + fromState', `${round(ckpt.restoreUs, 1)} µs/series`],
      ['restored continue bit-identically', String(ckpt.identical)],
      ['heap after run', `${round(heapMb, 0)} MiB`],
    ],
  ),
);

const p99 = percentile(oursLat, 99);
const json = {
  bench: 'anomaly',
  points_per_s: Math.round(oursRun.pointsPerS),
  points_per_s_sequential: Math.round(oursSeq.pointsPerS),
  p99_us: round(p99, 2),
  p50_us: round(percentile(oursLat, 50), 2),
  baseline: { name: 'ew-zscore', points_per_s: Math.round(baseRun.pointsPerS), points_per_s_sequential: Math.round(baseSeq.pointsPerS), p99_us: round(percentile(baseLat, 99), 2) },
  ratio_to_baseline: round(oursRun.pointsPerS / baseRun.pointsPerS, 3),
  memory_floor: { points_per_s: Math.round(floorRun.pointsPerS), points_per_s_sequential: Math.round(floorSeq.pointsPerS), lines_per_point: FLOOR_FIXED + FLOOR_MOVING, bytes_per_series: STATE_SLOTS * 8 },
  targets: {
    points_per_s: TARGET_POINTS_PER_S,
    p99_us: TARGET_P99_US,
    met_interleaved: oursRun.pointsPerS >= TARGET_POINTS_PER_S && p99 <= TARGET_P99_US,
    met_sequential: oursSeq.pointsPerS >= TARGET_POINTS_PER_S && p99 <= TARGET_P99_US,
  },
  state_bytes_per_series: Math.round(ckpt.bytesPerSeries),
  checkpoint_us_per_series: round(ckpt.saveUs, 1),
  restore_identical: ckpt.identical,
  series: nSeries,
  points: nPoints,
  seed,
};
console.log(JSON.stringify(json));
process.exitCode = ckpt.identical ? 0 : 1;
