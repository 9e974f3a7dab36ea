import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outlierInclude } from './catch22-distribution.js';
import { CATCH22 } from './catch22-features.js';
import { Catch22Scratch } from './catch22-scratch.js';
import { WindowFeatureExtractor } from './window-feature-extractor.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/catch22');

/** Input series and the reference implementation's output for it (see fixtures/catch22/README.md). */
const CASES = [
  { input: 'test.txt', output: 'test_output.txt', points: 270 },
  { input: 'testShort.txt', output: 'testShort_output.txt', points: 12 },
  { input: 'e1000_ts101.txt', output: 'e1000_ts101_output.txt', points: 1000 },
  { input: 'e1000_ts106.txt', output: 'e1000_ts106_output.txt', points: 1000 },
];

function readSeries(file: string): number[] {
  return fs.readFileSync(path.join(FIXTURES, file), 'utf8').trim().split(/\s+/).map(Number);
}

/** "value, name, milliseconds" per line; catch24's two extra lines (DN_Mean, DN_Spread_Std) are ignored. */
function readReference(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of fs.readFileSync(path.join(FIXTURES, file), 'utf8').split('\n')) {
    const [value, name] = line.split(',').map((s) => s.trim());
    if (name) out.set(name, Number(value));
  }
  return out;
}

describe('catch22 against the reference implementation', () => {
  const fx = new WindowFeatureExtractor({ groups: ['catch22'] });

  for (const c of CASES) {
    it(`matches all 22 features on ${c.input} (${c.points} points) within 1e-6`, () => {
      const series = readSeries(c.input);
      expect(series).toHaveLength(c.points);
      const reference = readReference(c.output);
      const values = fx.extract(series);
      expect(fx.names).toHaveLength(22);
      for (let i = 0; i < fx.names.length; i++) {
        const canonical = fx.names[i].replace(/^catch22\./, '');
        const expected = reference.get(canonical);
        expect(expected, `${canonical} missing from ${c.output}`).toBeDefined();
        // Relative 1e-6, or absolute 1e-6 for values near 0 (the reference prints 14 decimals).
        const tolerance = 1e-6 * Math.max(1, Math.abs(expected!));
        expect(Math.abs(values[i] - expected!), `${canonical}: ours ${values[i]}, reference ${expected}`).toBeLessThanOrEqual(tolerance);
      }
    });
  }

  it('uses the canonical names, in catch22 order, prefixed with catch22.', () => {
    expect(CATCH22.features.map((f) => f.name)).toEqual([
      'DN_HistogramMode_5',
      'DN_HistogramMode_10',
      'CO_f1ecac',
      'CO_FirstMin_ac',
      'CO_HistogramAMI_even_2_5',
      'CO_trev_1_num',
      'MD_hrv_classic_pnn40',
      'SB_BinaryStats_mean_longstretch1',
      'SB_TransitionMatrix_3ac_sumdiagcov',
      'PD_PeriodicityWang_th0_01',
      'CO_Embed2_Dist_tau_d_expfit_meandiff',
      'IN_AutoMutualInfoStats_40_gaussian_fmmi',
      'FC_LocalSimple_mean1_tauresrat',
      'DN_OutlierInclude_p_001_mdrmd',
      'DN_OutlierInclude_n_001_mdrmd',
      'SP_Summaries_welch_rect_area_5_1',
      'SB_BinaryStats_diff_longstretch0',
      'SB_MotifThree_quantile_hh',
      'SC_FluctAnal_2_rsrangefit_50_1_logi_prop_r1',
      'SC_FluctAnal_2_dfa_50_1_2_logi_prop_r1',
      'SP_Summaries_welch_rect_centroid',
      'FC_LocalSimple_mean3_stderr',
    ].map((n) => `catch22.${n}`));
  });

  it('is NaN for a constant window (it cannot be z-scored) and finite otherwise', () => {
    expect([...fx.extract(new Array(60).fill(4.2))].every(Number.isNaN)).toBe(true);
    const wiggle = Array.from({ length: 60 }, (_, i) => Math.sin(i / 3) + (i % 7) * 0.1);
    expect([...fx.extract(wiggle)].every(Number.isFinite)).toBe(true);
  });

  it('does not depend on the level or scale of the window (it z-scores first)', () => {
    const y = Array.from({ length: 80 }, (_, i) => Math.sin(i / 4) + ((i * 7919) % 13) / 13);
    const a = fx.extract(y);
    const b = fx.extract(y.map((v) => 1000 + 37 * v));
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 8);
  });
});

/**
 * DN_OutlierInclude is computed by visiting the points from the most extreme down, with a median
 * pointer; this checks it against the definition evaluated literally, threshold by threshold, on
 * random series.
 */
function outlierIncludeLiteral(z: Float64Array, sign: 1 | -1): number {
  const n = z.length;
  const w = Array.from(z, (v) => sign * v);
  if (w.every((v) => v === w[0])) return 0;
  const max = Math.max(...w);
  if (max < 0.01) return 0;
  const tot = w.filter((v) => v >= 0).length;
  const thresholds = Math.trunc(max / 0.01 + 1);
  const share: number[] = [];
  const nanInterval: boolean[] = [];
  const medians: number[] = [];
  for (let j = 0; j < thresholds; j++) {
    const positions = w.flatMap((v, i) => (v >= j * 0.01 ? [i + 1] : []));
    const h = positions.length;
    nanInterval.push(h === 1);
    share.push(((h - 1) * 100) / tot);
    const med = h % 2 ? positions[(h - 1) / 2] : (positions[h / 2 - 1] + positions[h / 2]) / 2;
    medians.push(med / (n / 2) - 1);
  }
  let mj = 0;
  let fbi = thresholds - 1;
  for (let i = 0; i < thresholds; i++) {
    if (share[i] > 2) mj = i;
    if (nanInterval[thresholds - 1 - i]) fbi = thresholds - 1 - i;
  }
  const kept = medians.slice(0, Math.min(mj, fbi) + 1).sort((a, b) => a - b);
  const k = kept.length;
  return k % 2 ? kept[(k - 1) / 2] : (kept[k / 2 - 1] + kept[k / 2]) / 2;
}

describe('DN_OutlierInclude fast path', () => {
  it('equals the literal threshold-by-threshold definition on random and spiky series', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 60; trial++) {
      const n = 20 + Math.floor(rnd() * 200);
      const raw = Array.from({ length: n }, () => (trial % 3 === 0 ? Math.floor(rnd() * 5) : rnd() ** 3) + (rnd() < 0.03 ? 8 * rnd() : 0));
      const mean = raw.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
      if (sd === 0) continue;
      const z = Float64Array.from(raw, (v) => (v - mean) / sd);
      const s = new Catch22Scratch(n);
      const order = Int32Array.from(z.keys()).sort((a, b) => z[a] - z[b] || a - b);
      for (const sign of [1, -1] as const) expect(outlierInclude(z, n, sign, order, s)).toBeCloseTo(outlierIncludeLiteral(z, sign), 12);
    }
  });
});
