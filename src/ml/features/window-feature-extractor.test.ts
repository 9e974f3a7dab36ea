import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, FEATURES } from './catalogue.js';
import { HostFeatureExtractor, extractHostFeatures } from './host-feature-extractor.js';
import { WindowFeatureExtractor } from './window-feature-extractor.js';

const wave = (n: number, phase = 0) => Array.from({ length: n }, (_, t) => 10 + 3 * Math.sin(t / 4 + phase) + ((t * 7919) % 11) / 11 + 0.05 * t);

describe('WindowFeatureExtractor', () => {
  const fx = new WindowFeatureExtractor();

  it('returns one value per name, ≥ 100 of them, in catalogue order', () => {
    expect(fx.names).toEqual(FEATURE_NAMES);
    expect(fx.size).toBeGreaterThanOrEqual(100);
    expect(fx.extract(wave(60))).toHaveLength(fx.names.length);
    expect(new Set(fx.names).size).toBe(fx.names.length);
  });

  it('is deterministic: the same window gives the same bits, on a fresh or a reused extractor', () => {
    const w = wave(60);
    const a = fx.extract(w);
    fx.extract(wave(240, 1)); // another length in between
    fx.extract(wave(60, 2));
    const b = fx.extract(Float64Array.from(w));
    const c = new WindowFeatureExtractor().extract(w);
    for (let i = 0; i < a.length; i++) {
      expect(Object.is(a[i], b[i]), fx.names[i]).toBe(true);
      expect(Object.is(a[i], c[i]), fx.names[i]).toBe(true);
    }
  });

  it('writes at an offset into a caller-owned array and leaves the rest alone', () => {
    const out = new Float64Array(fx.size * 2 + 3).fill(-7);
    fx.extract(wave(60), out, fx.size + 3);
    expect(out[fx.size + 2]).toBe(-7);
    expect(out.subarray(fx.size + 3)).toEqual(fx.extract(wave(60)));
    expect(() => fx.extract(wave(60), out, fx.size + 4)).toThrow(/room/);
  });

  it('computes only the chosen groups, in catalogue order', () => {
    const some = new WindowFeatureExtractor({ groups: ['counter', 'statistical'] });
    expect(some.names[0]).toBe('mean');
    expect(some.names.at(-1)).toBe('counter_longest_increase_run');
    const full = fx.extract(wave(60));
    const part = some.extract(wave(60));
    some.names.forEach((name, i) => expect(part[i]).toBe(full[FEATURE_NAMES.indexOf(name)]));
    expect(() => new WindowFeatureExtractor({ groups: ['bogus' as never] })).toThrow(/unknown feature group/);
    expect(() => new WindowFeatureExtractor({ minFinitePoints: 3 })).toThrow(/minFinitePoints/);
  });

  it('fills interior gaps linearly and edge gaps with the nearest value, and counts them', () => {
    const clean = wave(60);
    const holey: number[] = [...clean];
    holey[0] = NaN;
    holey[1] = NaN;
    holey[20] = NaN;
    holey[21] = Infinity;
    holey[22] = -Infinity;
    holey[59] = NaN;
    const filled = [...clean];
    filled[0] = filled[1] = clean[2];
    for (let k = 20; k <= 22; k++) filled[k] = clean[19] + ((clean[23] - clean[19]) * (k - 19)) / 4;
    filled[59] = clean[58];
    const got = fx.extract(holey);
    const want = fx.extract(filled);
    const missing = FEATURE_NAMES.indexOf('missing_count');
    const longest = FEATURE_NAMES.indexOf('longest_missing_run');
    expect(got[missing]).toBe(6);
    expect(got[longest]).toBe(3);
    for (let i = 0; i < got.length; i++) if (i !== missing && i !== longest) expect(Object.is(got[i], want[i]), FEATURE_NAMES[i]).toBe(true);
  });

  it('treats absurd magnitudes (|x| > 1e100) as missing', () => {
    const w = wave(30);
    w[5] = 1e200;
    expect(fx.extract(w)[FEATURE_NAMES.indexOf('missing_count')]).toBe(1);
  });

  it('gives NaN for every feature but the missing-value counts below 8 finite points', () => {
    const w = new Array(60).fill(NaN);
    for (let i = 0; i < 7; i++) w[i * 5] = i;
    const v = fx.extract(w);
    FEATURE_NAMES.forEach((name, i) => {
      if (name === 'missing_count') expect(v[i]).toBe(53);
      else if (name === 'longest_missing_run') expect(v[i]).toBe(29);
      else expect(v[i], name).toBeNaN();
    });
    w[33] = 1; // the 8th finite point: now computed
    expect(Number.isNaN(fx.extract(w)[FEATURE_NAMES.indexOf('mean')])).toBe(false);
    const strict = new WindowFeatureExtractor({ minFinitePoints: 20 });
    expect(strict.extract(w)[FEATURE_NAMES.indexOf('mean')]).toBeNaN();
    expect([...fx.extract([])].filter((x) => !Number.isNaN(x))).toEqual([0, 0]);
  });

  it('never produces ±Infinity, and NaN only where documented, on hard windows', () => {
    const nanAllowed = (name: string, n: number, constant: boolean) =>
      (constant && name.startsWith('catch22.')) || (n <= 10 && ['last10_minus_rest_mean', 'last10_minus_rest_z', 'acf_lag10', 'box_pierce_10'].includes(name));
    const cases: { name: string; w: number[]; constant?: boolean }[] = [
      { name: 'constant', w: new Array(60).fill(0.37), constant: true },
      { name: 'zeros', w: new Array(60).fill(0), constant: true },
      { name: 'one step', w: Array.from({ length: 60 }, (_, i) => (i < 59 ? 0 : 1)) },
      { name: 'one spike', w: Array.from({ length: 60 }, (_, i) => (i === 30 ? 1e6 : 1)) },
      { name: 'two values', w: Array.from({ length: 60 }, (_, i) => i % 2) },
      { name: 'ramp', w: Array.from({ length: 60 }, (_, i) => i) },
      { name: 'counter', w: Array.from({ length: 60 }, (_, i) => Math.floor(i / 13)) },
      { name: 'eight points', w: [3, 1, 4, 1, 5, 9, 2, 6] },
      { name: 'eight equal', w: new Array(8).fill(1), constant: true },
      // Deviations this small square to 0: the variance underflows, so catch22 cannot z-score.
      { name: 'tiny values', w: Array.from({ length: 60 }, (_, i) => 1e-300 * (i % 3)), constant: true },
      { name: 'huge values', w: Array.from({ length: 60 }, (_, i) => 1e99 * ((i * 7) % 5)) },
      { name: 'long window', w: wave(1000) },
    ];
    for (const c of cases) {
      const v = fx.extract(c.w);
      FEATURE_NAMES.forEach((name, i) => {
        expect(Math.abs(v[i]), `${c.name}: ${name}`).not.toBe(Infinity);
        if (Number.isNaN(v[i])) expect(nanAllowed(name, c.w.length, c.constant ?? false), `${c.name}: ${name} is NaN`).toBe(true);
      });
    }
  });

  it('extracts many windows into one matrix', () => {
    const m = fx.transform([wave(60), wave(60, 1), wave(45)]);
    expect(m.rows).toBe(3);
    expect(m.cols).toBe(fx.size);
    expect(m.data.subarray(2 * fx.size)).toEqual(fx.extract(wave(45)));
  });

  it('documents every feature in one line', () => {
    for (const f of FEATURES) {
      expect(f.description.length, f.name).toBeGreaterThan(20);
      expect(f.description).not.toMatch(/\n/);
      expect(f.name).toMatch(f.group === 'catch22' ? /^catch22\.[A-Za-z0-9_]+$/ : /^[a-z0-9_]+$/);
    }
  });
});

describe('HostFeatureExtractor', () => {
  it('concatenates one block per metric, named metric.feature, in the given metric order', () => {
    const hx = new HostFeatureExtractor(['cpu', 'disk_errors']);
    const per = new WindowFeatureExtractor();
    expect(hx.size).toBe(2 * per.size);
    expect(hx.names[0]).toBe('cpu.mean');
    expect(hx.names[per.size]).toBe('disk_errors.mean');
    expect(hx.names).toContain('disk_errors.catch22.CO_f1ecac');
    const cpu = wave(60);
    const errors = Array.from({ length: 60 }, (_, i) => Math.floor(i / 20));
    const v = hx.extract({ disk_errors: errors, cpu });
    expect(v.subarray(0, per.size)).toEqual(per.extract(cpu));
    expect(v.subarray(per.size)).toEqual(per.extract(errors));
  });

  it('fills an absent metric with NaN and rejects duplicate names', () => {
    const hx = new HostFeatureExtractor(['cpu', 'mem']);
    const v = hx.extract({ cpu: wave(60) });
    expect([...v.subarray(hx.perMetric.size)].every(Number.isNaN)).toBe(true);
    expect(() => new HostFeatureExtractor(['cpu', 'cpu'])).toThrow(/unique/);
  });

  it('has a one-off form with metrics in alphabetical order', () => {
    const { names, values } = extractHostFeatures({ mem: wave(60), cpu: wave(60, 1) });
    expect(names[0]).toBe('cpu.mean');
    expect(values).toHaveLength(names.length);
  });
});
