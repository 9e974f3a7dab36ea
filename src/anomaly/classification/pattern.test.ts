import { describe, expect, it } from 'vitest';
import { classifyPattern, type AnomalyPattern } from './pattern.js';

/** mulberry32 + Box–Muller: deterministic Gaussian noise for synthetic windows. */
function noise(seed: number): () => number {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
}

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const MINUTE = 60_000;

function window(n: number, f: (i: number, g: () => number) => number, seed: number) {
  const g = noise(seed);
  const values = Array.from({ length: n }, (_, i) => f(i, g));
  const timestamps = values.map((_, i) => T0 + i * MINUTE);
  return { values, timestamps };
}

/** How many of 100 seeded windows get each pattern:direction. */
function tally(f: (i: number, g: () => number) => number, n = 60): Record<string, number> {
  const out: Record<string, number> = {};
  for (let seed = 1; seed <= 100; seed++) {
    const p = classifyPattern(window(n, f, seed));
    const key = `${p.pattern}:${p.direction}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe('classifyPattern on synthetic windows (100 seeds each)', () => {
  const cases: Array<[string, AnomalyPattern, 'up' | 'down', (i: number, g: () => number) => number, number]> = [
    ['one-point spike at the end', 'spike', 'up', (i, g) => 0.4 + 0.02 * g() + (i === 59 ? 0.5 : 0), 100],
    ['one-point spike mid-window', 'spike', 'up', (i, g) => 0.4 + 0.02 * g() + (i === 30 ? 0.5 : 0), 100],
    ['two-point dip', 'dip', 'down', (i, g) => 0.4 + 0.02 * g() - (i >= 58 ? 0.3 : 0), 98],
    ['level shift up', 'level_shift', 'up', (i, g) => 0.4 + 0.02 * g() + (i >= 40 ? 0.3 : 0), 100],
    ['level shift down', 'level_shift', 'down', (i, g) => 0.6 + 0.02 * g() - (i >= 20 ? 0.3 : 0), 100],
    ['rising trend', 'trend', 'up', (i, g) => 0.2 + 0.01 * i + 0.02 * g(), 100],
    ['trend starting mid-window', 'trend', 'up', (i, g) => 0.2 + (i >= 30 ? 0.015 * (i - 30) : 0) + 0.02 * g(), 100],
    ['falling trend', 'trend', 'down', (i, g) => 0.9 - 0.008 * i + 0.02 * g(), 100],
    ['variance grows 6×', 'variance_change', 'up', (i, g) => 0.4 + (i >= 30 ? 0.12 : 0.02) * g(), 90],
    ['variance shrinks 10×', 'variance_change', 'down', (i, g) => 0.4 + (i >= 30 ? 0.005 : 0.05) * g(), 90],
  ];
  for (const [name, pattern, direction, f, atLeast] of cases) {
    it(`${name} → ${pattern} ${direction} in ≥ ${atLeast}/100`, () => {
      const t = tally(f);
      expect(t[`${pattern}:${direction}`] ?? 0, JSON.stringify(t)).toBeGreaterThanOrEqual(atLeast);
    });
  }
});

describe('classifyPattern details', () => {
  it('locates a level shift, its levels and its duration', () => {
    const w = window(60, (i, g) => 0.4 + 0.02 * g() + (i >= 40 ? 0.3 : 0), 7);
    const p = classifyPattern(w, { expected: 0.41 });
    expect(p.pattern).toBe('level_shift');
    expect(Math.abs(p.startIndex - 40)).toBeLessThanOrEqual(1);
    expect(p.startTime).toBe(T0 + p.startIndex * MINUTE);
    expect(p.durationMs).toBe((59 - p.startIndex) * MINUTE);
    expect(p.durationPoints).toBe(60 - p.startIndex);
    expect(p.baseline).toBe(0.41); // the expected value wins over the window's own estimate
    expect(p.level).toBeCloseTo(0.7, 1);
    expect(p.shiftZ).toBeGreaterThan(10);
    expect(p.confidence).toBeGreaterThan(0.8);
  });

  it('measures a trend slope per second with timestamps, per point without', () => {
    const w = window(60, (i, g) => 0.2 + 0.01 * i + 0.002 * g(), 3);
    const withTs = classifyPattern(w);
    expect(withTs.pattern).toBe('trend');
    expect(withTs.slope).toBeCloseTo(0.01 / 60, 5);
    const noTs = classifyPattern({ values: w.values });
    expect(noTs.slope).toBeCloseTo(0.01, 3);
    expect(noTs.durationMs).toBeUndefined();
  });

  it('finds where a late trend leaves the earlier level', () => {
    const w = window(60, (i, g) => 0.2 + (i >= 30 ? 0.015 * (i - 30) : 0) + 0.005 * g(), 11);
    const p = classifyPattern(w);
    expect(p.pattern).toBe('trend');
    expect(p.startIndex).toBeGreaterThanOrEqual(27);
    expect(p.startIndex).toBeLessThanOrEqual(33);
  });

  it('classifies noise-free steps and ramps', () => {
    const step = Array.from({ length: 30 }, (_, i) => (i >= 20 ? 0.9 : 0.4));
    expect(classifyPattern({ values: step })).toMatchObject({ pattern: 'level_shift', direction: 'up', startIndex: 20, level: 0.9 });
    const ramp = Array.from({ length: 30 }, (_, i) => 100 - 2 * i);
    expect(classifyPattern({ values: ramp })).toMatchObject({ pattern: 'trend', direction: 'down', slope: -2 });
    const blip = Array.from({ length: 30 }, (_, i) => (i === 29 ? 0 : 50));
    expect(classifyPattern({ values: blip })).toMatchObject({ pattern: 'dip', direction: 'down', startIndex: 29, durationPoints: 1, level: 0 });
  });

  it('reports a window displaced from the expected value as a level shift that began earlier', () => {
    const w = window(30, (_, g) => 0.9 + 0.01 * g(), 5);
    const p = classifyPattern(w, { expected: 0.4 });
    expect(p).toMatchObject({ pattern: 'level_shift', direction: 'up', startIndex: 0, startedBeforeWindow: true, baseline: 0.4 });
    expect(p.durationMs).toBe(29 * MINUTE);
  });

  it('falls back to the latest value against the expected one on short windows', () => {
    expect(classifyPattern({ values: [0.4, 0.41, 0.95] }, { expected: 0.4 })).toMatchObject({ pattern: 'spike', direction: 'up', confidence: 0.25, level: 0.95 });
    expect(classifyPattern({ values: [0.4, 0.05] }, { expected: 0.4 })).toMatchObject({ pattern: 'dip', direction: 'down' });
    expect(classifyPattern({ values: [] }, { expected: 3 })).toMatchObject({ pattern: 'spike', durationPoints: 0 });
  });

  it('drops non-finite values and sorts out-of-order timestamps', () => {
    const values = [0.4, Number.NaN, 0.41, 0.39, 0.4, 0.42, 0.4, 0.41, 0.39, 0.4, 0.95];
    const timestamps = values.map((_, i) => T0 + i * MINUTE);
    const p = classifyPattern({ values, timestamps });
    expect(p).toMatchObject({ pattern: 'spike', startIndex: 9, startTime: T0 + 10 * MINUTE });
    // Reversed input, same answer.
    const q = classifyPattern({ values: [...values].reverse(), timestamps: [...timestamps].reverse() });
    expect(q).toEqual(p);
  });

  it('is deterministic', () => {
    const w = window(120, (i, g) => 0.5 + 0.03 * g() + (i > 90 ? 0.2 : 0), 42);
    expect(classifyPattern(w)).toEqual(classifyPattern(w));
  });
});
