import { describe, expect, it } from 'vitest';
import { WindowWorkspace } from './window-workspace.js';

describe('WindowWorkspace', () => {
  it('sorts like TypedArray sort, knows where each value came from, and gets the MAD of the definition', () => {
    let seed = 17;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 200; trial++) {
      const n = 8 + Math.floor(rnd() * (trial < 120 ? 100 : 400));
      const kind = trial % 6;
      const x = Float64Array.from({ length: n }, (_, i) => {
        if (kind === 0) return rnd() - 0.5;
        if (kind === 1) return Math.floor(rnd() * 4); // ties
        if (kind === 2) return i === n >> 1 ? 1e9 : rnd(); // a spike crowds the rest into one bucket
        if (kind === 3) return rnd() < 0.3 ? (rnd() < 0.5 ? -0 : 0) : rnd() - 0.5; // signed zeros
        if (kind === 4) return n - i; // descending
        return 5; // constant
      });
      const ws = new WindowWorkspace(n);
      expect(ws.load(x, 8)).toBe(true);
      const sorted = Float64Array.from(x).sort();
      for (let k = 0; k < n; k++) expect(Object.is(ws.sorted[k], sorted[k]), `trial ${trial}, k = ${k}`).toBe(true);
      const order = ws.order();
      for (let k = 0; k < n; k++) {
        expect(Object.is(x[order[k]], sorted[k])).toBe(true);
        if (k > 0 && Object.is(x[order[k]], x[order[k - 1]])) expect(order[k]).toBeGreaterThan(order[k - 1]);
      }
      const deviations = Array.from(x, (v) => Math.abs(v - ws.median)).sort((a, b) => a - b);
      const h = n >> 1;
      expect(ws.mad()).toBe(n % 2 ? deviations[h] : (deviations[h - 1] + deviations[h]) / 2);
    }
  });
});
