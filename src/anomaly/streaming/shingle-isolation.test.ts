import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { averagePathLength, ShingleIsolation } from './shingle-isolation.js';

describe('ShingleIsolation', () => {
  it('c(n) is the usual normaliser', () => {
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(10.2447709, 6);
  });

  it('scores an unseen shape higher than the shapes it was grown on, after the forest is ready', () => {
    const rng = new Random(1);
    const f = new ShingleIsolation({ shingle: 8, trees: 16, sampleSize: 32, rebuildEvery: 4 });
    const normal: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const s = f.update(Math.sin(i / 5) + 0.1 * rng.normal());
      if (i > 1000) normal.push(s);
    }
    expect(f.ready).toBe(true);
    normal.sort((a, b) => a - b);
    let odd = 0;
    for (let i = 0; i < 8; i++) odd = Math.max(odd, f.update(i % 2 ? -3 : 3));
    expect(odd).toBeGreaterThan(normal[Math.floor(normal.length * 0.99)]);
    expect(odd).toBeLessThanOrEqual(1);
  });

  it('is a pure function of the stream and its seed, and restores bit for bit mid-stream', () => {
    const xs = Array.from({ length: 2000 }, (_, i) => Math.sin(i / 3) + ((i * 7919) % 13) / 13);
    const a = new ShingleIsolation({ seed: 3 });
    const b = new ShingleIsolation({ seed: 3 });
    let c: ShingleIsolation | undefined;
    for (let i = 0; i < xs.length; i++) {
      const sa = a.update(xs[i]);
      expect(Object.is(sa, b.update(xs[i]))).toBe(true);
      if (i === 999) c = ShingleIsolation.fromState(a.options, JSON.parse(JSON.stringify(a.toState())));
      else if (c) expect(Object.is(sa, c.update(xs[i]))).toBe(true);
    }
  });
});
