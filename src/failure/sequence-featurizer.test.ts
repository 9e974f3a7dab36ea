import { describe, expect, it } from 'vitest';
import { SequenceFeaturizer } from './sequence-featurizer.js';

describe('SequenceFeaturizer', () => {
  it('lays the window out step-major, turns counters into increases and fills gaps without NaN', () => {
    const f = new SequenceFeaturizer(['g', 'c'], new Set(['c']), 4);
    expect(f.names).toEqual(['g@t-3', 'c@t-3', 'g@t-2', 'c@t-2', 'g@t-1', 'c@t-1', 'g@t-0', 'c@t-0']);
    const g = [1, 2, NaN, NaN, 5, 6];
    const c = [10, 12, 12, NaN, 0, 3]; // a gap, then a reset to 0
    const out = new Float64Array(8);
    f.prepare({ g, c }).featuresAt(5, out, 0);
    // Window = samples 2..5. Gauge: NaN repeats the previous value (the first finite one at the start).
    // Counter: increases from the sample before the window; the reset counts 0 as the increase.
    expect(Array.from(out)).toEqual([5, 0, 5, 0, 5, 0, 6, 3]);
    const missing = new Float64Array(8);
    f.prepare({}).featuresAt(5, missing, 0);
    expect(Array.from(missing)).toEqual(new Array(8).fill(0));
  });
});
