import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { RecordDetector } from './record-detector.js';

describe('RecordDetector', () => {
  it('is silent inside the range and scores a new extreme at ≥ log10(m + 1) decades, more the further out', () => {
    const rng = new Random(4);
    const r = new RecordDetector({ blockSize: 16, blocks: 64, tolerance: 0.01, tailExponent: 3, minPoints: 16 });
    for (let i = 0; i < 1000; i++) r.update(rng.float(), 0);
    expect(r.update(0.5, 0)).toBe(0);
    const near = r.update(1.05, 0);
    expect(r.direction).toBe(1);
    expect(near).toBeGreaterThanOrEqual(Math.log10(1000));
    const r2 = RecordDetector.fromState(r.options, JSON.parse(JSON.stringify(r.toState())));
    const far = r2.update(3, 0);
    expect(far).toBeGreaterThan(near + 3 * Math.log10(10)); // ~40× further beyond: +3·log10(40/…)
    expect(r.update(-2, 0)).toBeGreaterThan(0);
    expect(r.direction).toBe(-1);
  });

  it('honours the side and the correlation (a smoothed feature counts fewer independent points)', () => {
    const hi = new RecordDetector({ side: 'high', minPoints: 1 });
    const corr = new RecordDetector({ correlation: 100, minPoints: 1 });
    const plain = new RecordDetector({ minPoints: 1 });
    for (let i = 0; i < 2000; i++) {
      const x = Math.sin(i);
      hi.update(x, 0);
      corr.update(x, 0);
      plain.update(x, 0);
    }
    expect(hi.update(-5, 0)).toBe(0);
    expect(plain.update(5, 0) - corr.update(5, 0)).toBeCloseTo(Math.log10(2001) - Math.log10(21), 1);
  });
});
