import { describe, expect, it } from 'vitest';
import { classifySeverity, compareSeverity, maxSeverity, severityFromScore, severityThresholds, type Severity } from './severity.js';

describe('severityFromScore', () => {
  it('uses the NovaCron thresholds 0.8 / 0.6 / 0.4 / 0.2 at neutral sensitivity', () => {
    const cases: Array<[number, Severity]> = [
      [0, 'normal'],
      [0.19, 'normal'],
      [0.2, 'low'],
      [0.39, 'low'],
      [0.4, 'medium'],
      [0.59, 'medium'],
      [0.6, 'high'],
      [0.79, 'high'],
      [0.8, 'critical'],
      [0.85, 'critical'], // the v2 engine's own test
      [1, 'critical'],
    ];
    for (const [score, expected] of cases) expect([score, severityFromScore(score)]).toEqual([score, expected]);
  });

  it('clamps out-of-range scores and treats NaN as 0', () => {
    expect(severityFromScore(1.7)).toBe('critical');
    expect(severityFromScore(-0.3)).toBe('normal');
    expect(severityFromScore(Number.NaN)).toBe('normal');
    expect(severityFromScore(Number.POSITIVE_INFINITY)).toBe('critical');
  });

  it('shifts every threshold by (0.5 − sensitivity) · 0.2', () => {
    const t = severityThresholds(1);
    expect([t.critical, t.high, t.medium, t.low].map((x) => Number(x.toFixed(10)))).toEqual([0.7, 0.5, 0.3, 0.1]);
    const u = severityThresholds(0);
    expect([u.critical, u.high, u.medium, u.low].map((x) => Number(x.toFixed(10)))).toEqual([0.9, 0.7, 0.5, 0.3]);
    expect(severityFromScore(0.72, 1)).toBe('critical');
    expect(severityFromScore(0.85, 0)).toBe('high');
    expect(severityFromScore(0.15, 1)).toBe('low');
    expect(severityFromScore(0.25, 0)).toBe('normal');
    expect(severityFromScore(0.6, 0.5)).toBe(severityFromScore(0.6));
  });
});

describe('classifySeverity', () => {
  it('applies no persistence adjustment when persistence is unknown', () => {
    for (const score of [0.25, 0.45, 0.65, 0.85]) {
      const r = classifySeverity({ score, persistencePoints: 0 });
      expect(r.adjustment).toBe(0);
      expect(r.severity).toBe(severityFromScore(score));
    }
  });

  it('raises one step after 5 points or 5 minutes, two after 30 points or 30 minutes', () => {
    expect(classifySeverity({ score: 0.25, persistencePoints: 4 }).severity).toBe('low');
    expect(classifySeverity({ score: 0.25, persistencePoints: 5 }).severity).toBe('medium');
    expect(classifySeverity({ score: 0.25, persistencePoints: 2, persistenceSeconds: 300 }).severity).toBe('medium');
    expect(classifySeverity({ score: 0.25, persistencePoints: 30 }).severity).toBe('high');
    expect(classifySeverity({ score: 0.25, persistencePoints: 3, persistenceSeconds: 1800 }).severity).toBe('high');
    const r = classifySeverity({ score: 0.45, persistencePoints: 6 });
    expect(r).toMatchObject({ severity: 'high', scoreSeverity: 'medium', adjustment: 1 });
    expect(r.reasons.join(' ')).toMatch(/persisted 6 points: raised one step/);
  });

  it('never reaches critical by persistence alone from below high', () => {
    const r = classifySeverity({ score: 0.45, persistencePoints: 500, persistenceSeconds: 7200 });
    expect(r).toMatchObject({ severity: 'high', adjustment: 1 });
    expect(classifySeverity({ score: 0.65, persistencePoints: 5 }).severity).toBe('critical');
    expect(classifySeverity({ score: 0.65, persistencePoints: 40 })).toMatchObject({ severity: 'critical', adjustment: 1 });
  });

  it('never escalates normal', () => {
    expect(classifySeverity({ score: 0.1, persistencePoints: 1000, persistenceSeconds: 86_400 })).toMatchObject({ severity: 'normal', adjustment: 0 });
  });

  it('lowers single-point high and medium transients one step, but not critical nor below low', () => {
    expect(classifySeverity({ score: 0.65, persistencePoints: 1 })).toMatchObject({ severity: 'medium', adjustment: -1 });
    expect(classifySeverity({ score: 0.45, persistencePoints: 1, persistenceSeconds: 10 })).toMatchObject({ severity: 'low', adjustment: -1 });
    expect(classifySeverity({ score: 0.9, persistencePoints: 1 })).toMatchObject({ severity: 'critical', adjustment: 0 });
    expect(classifySeverity({ score: 0.25, persistencePoints: 1 })).toMatchObject({ severity: 'low', adjustment: 0 });
    // One point that has lasted a minute or more (sparse sampling) is not a transient.
    expect(classifySeverity({ score: 0.65, persistencePoints: 1, persistenceSeconds: 90 })).toMatchObject({ severity: 'high', adjustment: 0 });
    // Two points confirm.
    expect(classifySeverity({ score: 0.65, persistencePoints: 2 })).toMatchObject({ severity: 'high', adjustment: 0 });
    expect(classifySeverity({ score: 0.65, persistencePoints: 1 }, { deescalateTransients: false }).severity).toBe('high');
  });

  it('honours a custom persistence policy', () => {
    expect(classifySeverity({ score: 0.45, persistencePoints: 3 }, { escalatePoints: 3 }).severity).toBe('high');
  });

  it('orders severities', () => {
    expect(compareSeverity('critical', 'high')).toBeGreaterThan(0);
    expect(compareSeverity('low', 'medium')).toBeLessThan(0);
    expect(maxSeverity('low', 'high')).toBe('high');
    expect(maxSeverity('critical', 'normal')).toBe('critical');
  });
});
