import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { ContextualDetector } from './contextual.js';

describe('ContextualDetector', () => {
  it('learns a repeating pattern and is surprised when it breaks', () => {
    const pattern = [0, 1, 2, 3, 2, 1, 0, -1, -2, -1];
    const d = new ContextualDetector({ step: 1 });
    let late = 0;
    for (let i = 0; i < 2000; i++) {
      const s = d.update(pattern[i % pattern.length]);
      if (i > 1000) late = Math.max(late, s);
    }
    expect(late).toBeLessThan(0.05);
    expect(d.lastOrder).toBe(3);
    // After 0, 1, 2 the pattern goes to 3: 3 is expected, −3 is not.
    for (const x of [0, 1, 2]) d.update(x);
    const copy = ContextualDetector.fromState(d.options, JSON.parse(JSON.stringify(d.toState())));
    expect(d.update(3)).toBeLessThan(0.05);
    expect(copy.update(-3)).toBeGreaterThan(0.95);
  });

  it('stays moderately surprised by noise (no context predicts it) and keeps bounded memory', () => {
    const rng = new Random(1);
    const d = new ContextualDetector();
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += d.update(rng.normal());
    expect(sum / 50_000).toBeGreaterThan(0.4);
    expect(sum / 50_000).toBeLessThan(0.9);
    expect(JSON.stringify(d.toState()).length).toBeLessThan(8000);
  });
});
