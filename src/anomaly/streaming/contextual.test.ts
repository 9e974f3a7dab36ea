import { describe, expect, it } from 'vitest';
import { Random } from '../../ml/core/index.js';
import { ContextualDetector } from './contextual.js';
import { allocate } from './kernel.js';

/** A contextual kernel with the state of one series. */
function standalone(d: ContextualDetector) {
  const v = allocate(d);
  const table = new Uint16Array(d.tableSize);
  return { v, table, update: (u: number) => d.update(v, 0, table, 0, u) };
}

describe('ContextualDetector', () => {
  it('learns a repeating pattern and is surprised when it breaks', () => {
    const pattern = [0, 1, 2, 3, 2, 1, 0, -1, -2, -1];
    const d = new ContextualDetector({ step: 1 });
    const a = standalone(d);
    let late = 0;
    for (let i = 0; i < 2000; i++) {
      const s = a.update(pattern[i % pattern.length]);
      if (i > 1000) late = Math.max(late, s);
    }
    expect(late).toBeLessThan(0.05);
    expect(d.lastOrder(a.v, 0)).toBe(3);
    // After 0, 1, 2 the pattern goes to 3: 3 is expected, −3 is not. A copy of the state (numbers
    // and counters) continues where it was.
    for (const x of [0, 1, 2]) a.update(x);
    const v = Float64Array.from(a.v);
    const table = Uint16Array.from(a.table);
    expect(a.update(3)).toBeLessThan(0.05);
    expect(new ContextualDetector(d.options).update(v, 0, table, 0, -3)).toBeGreaterThan(0.95);
  });

  it('stays moderately surprised by noise (no context predicts it) and keeps bounded memory', () => {
    const rng = new Random(1);
    const d = new ContextualDetector();
    const a = standalone(d);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += a.update(rng.normal());
    expect(sum / 50_000).toBeGreaterThan(0.4);
    expect(sum / 50_000).toBeLessThan(0.9);
    expect(d.tableSize * 2 + d.slots * 8).toBeLessThan(8000);
  });
});
