import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { allocate } from './kernel.js';
import { RecordDetector } from './record-detector.js';

describe('RecordDetector', () => {
  it('is silent inside the range and scores a new extreme at ≥ log10(m + 1) decades, more the further out', () => {
    const rng = new Random(4);
    const r = new RecordDetector({ blockSize: 16, blocks: 64, tolerance: 0.01, tailExponent: 3, minPoints: 16 });
    const v = allocate(r);
    for (let i = 0; i < 1000; i++) r.update(v, 0, rng.float(), 0);
    expect(r.update(v, 0, 0.5, 0)).toBe(0);
    const w = Float64Array.from(v);
    const near = r.update(v, 0, 1.05, 0);
    expect(r.direction(v, 0)).toBe(1);
    expect(near).toBeGreaterThanOrEqual(Math.log10(1000));
    // Another kernel on a copy of the state from before `near`: the same window.
    const far = new RecordDetector(r.options).update(w, 0, 3, 0);
    expect(far).toBeGreaterThan(near + 3 * Math.log10(10)); // ~40× further beyond: +3·log10(40/…)
    expect(r.update(v, 0, -2, 0)).toBeGreaterThan(0);
    expect(r.direction(v, 0)).toBe(-1);
  });

  it('honours the side and the correlation (a smoothed feature counts fewer independent points)', () => {
    const feed = (r: RecordDetector) => {
      const v = allocate(r);
      for (let i = 0; i < 2000; i++) r.update(v, 0, Math.sin(i), 0);
      return (x: number) => r.update(v, 0, x, 0);
    };
    const hi = feed(new RecordDetector({ side: 'high', minPoints: 1 }));
    const corr = feed(new RecordDetector({ correlation: 100, minPoints: 1 }));
    const plain = feed(new RecordDetector({ minPoints: 1 }));
    expect(hi(-5)).toBe(0);
    expect(plain(5) - corr(5)).toBeCloseTo(Math.log10(2001) - Math.log10(21), 1);
  });

  it('keeps its ring of block extremes where the caller puts it', () => {
    const apart = new RecordDetector({ blockSize: 4, blocks: 8, minPoints: 4 }, 100);
    const v = new Float64Array(100 + apart.ringSlots);
    apart.init(v, 0);
    const together = new RecordDetector(apart.options);
    const w = allocate(together);
    const rng = new Random(8);
    for (let i = 0; i < 300; i++) {
      const x = rng.normal() * (i % 50 === 0 ? 5 : 1);
      expect(apart.update(v, 0, x, 0)).toBe(together.update(w, 0, x, 0));
    }
    expect(v.subarray(RecordDetector.HOT_SLOTS, 100).every((x) => x === 0)).toBe(true);
  });
});
