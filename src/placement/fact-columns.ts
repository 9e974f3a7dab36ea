/**
 * Numeric facts of a fleet as columns (one Float64Array per fact name, NaN where a host lacks it),
 * parsed once per snapshot: per-request factors read a column by row instead of looking a string
 * key up in every host's facts on every request.
 */
import { numericFact } from './factor.js';
import type { PlacementHost } from './problem.js';

export class FactColumns {
  private readonly columns = new Map<string, Float64Array>();

  constructor(readonly hosts: readonly PlacementHost[]) {}

  numeric(key: string): Float64Array {
    let col = this.columns.get(key);
    if (!col) {
      col = Float64Array.from(this.hosts, (h) => numericFact(h.facts, key));
      this.columns.set(key, col);
    }
    return col;
  }
}
