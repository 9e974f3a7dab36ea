/**
 * What factors may know beyond one host: the other candidates (for fleet-relative scales such as
 * price), where the request's peer groups run, and the learned interference model. Everything is
 * computed lazily and once per request.
 */
import type { FactColumns } from './fact-columns.js';
import { numericFact } from './factor.js';
import { topologyValue, type PlacementHost, type PlacementRequest, type TopologyKey } from './problem.js';

/** Predicts the request's slowdown (0 – 1) on each host from co-location; absent: the factor is unavailable. */
export type InterferencePredictor = ((hosts: readonly PlacementHost[], request: PlacementRequest) => Float64Array) & {
  /**
   * When the prediction depends on the request only through a few traits (the interference
   * model: workload class and size), their key: predictions are then kept per fleet snapshot and
   * key, so a repeated VM flavour is predicted once per fleet state.
   */
  cacheKey?: (request: PlacementRequest) => string;
};

export interface Range {
  min: number;
  max: number;
}

const LEVELS: readonly TopologyKey[] = ['host', 'rack', 'zone', 'datacenter'];

export class FactorContext {
  private readonly ranges = new Map<string, Range | null>();
  private readonly memos = new Map<string, unknown>();
  private peerIndex?: Map<TopologyKey, Set<string>>;

  readonly request: PlacementRequest;
  /** The fleet: fleet-relative scales span it, peers are looked for in it. */
  readonly hosts: readonly PlacementHost[];
  readonly now: number;
  readonly columns: FactColumns;
  private readonly predictInterference?: InterferencePredictor;
  /** The hosts being scored (interference is predicted for these only). */
  private readonly scored: readonly PlacementHost[];
  /** Their rows in the fleet. */
  private readonly scoredRows: readonly number[];
  private interferenceRows?: Float64Array;

  constructor(o: { request: PlacementRequest; hosts: readonly PlacementHost[]; columns: FactColumns; now: number; interference?: InterferencePredictor; scored?: readonly PlacementHost[]; scoredRows?: readonly number[] }) {
    this.request = o.request;
    this.hosts = o.hosts;
    this.columns = o.columns;
    this.now = o.now;
    this.predictInterference = o.interference;
    this.scored = o.scored ?? o.hosts;
    this.scoredRows = o.scoredRows ?? (o.scored ? o.scored.map((h) => o.hosts.indexOf(h)) : o.hosts.map((_, i) => i));
  }

  /** A numeric fact of the candidate's host (NaN when absent), from the fleet's columns. */
  fact(c: { row: number }, key: string): number {
    return this.columns.numeric(key)[c.row];
  }

  /** Min and max of a derived number over the compared hosts (NaN values skipped); null when none has it. */
  range(key: string, value: (h: PlacementHost) => number): Range | null {
    let r = this.ranges.get(key);
    if (r !== undefined) return r;
    let min = Infinity;
    let max = -Infinity;
    for (const h of this.hosts) {
      const v = value(h);
      if (v !== v) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    r = min === Infinity ? null : { min, max };
    this.ranges.set(key, r);
    return r;
  }

  /** A per-request value computed once (indexes over the fleet). */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  /** Range of a numeric fact over the compared hosts. */
  factRange(key: string): Range | null {
    return this.range(`fact:${key}`, (h) => numericFact(h.facts, key));
  }

  /**
   * Position of `x` within the compared hosts' range: 1 at the best end. The scale spans at least
   * a quarter of the largest magnitude, so hosts that differ by a few per cent are not pushed to
   * opposite ends (two hosts at $3.20 and $3.30 an hour score 1 and 0.88, not 1 and 0). A fleet
   * where every host has the same value gives 1. Ordinal scales pass minSpanShare 0.
   */
  relative(x: number, range: Range | null, higherIsBetter: boolean, minSpanShare = 0.25): number {
    if (x !== x || !range) return NaN;
    const span = Math.max(range.max - range.min, minSpanShare * Math.max(Math.abs(range.min), Math.abs(range.max)));
    if (!(span > 0)) return 1;
    return higherIsBetter ? 1 - (range.max - x) / span : 1 - (x - range.min) / span;
  }

  /** Topology values (per level) where the request's soft-affinity peers — VMs and groups — run; null without peers. */
  peerLocations(): Map<TopologyKey, Set<string>> | null {
    if (this.peerIndex) return this.peerIndex.size ? this.peerIndex : null;
    const aff = this.request.soft?.vmAffinity;
    this.peerIndex = new Map();
    const rows = new Set<number>();
    const vmRows = this.columns.vmRows();
    for (const v of aff?.vms ?? []) {
      const row = vmRows.get(v);
      if (row !== undefined) rows.add(row);
    }
    const groupRows = this.columns.groupRows();
    for (const g of aff?.groups ?? []) for (const row of groupRows.get(g) ?? []) rows.add(row);
    for (const row of rows) {
      const h = this.hosts[row];
      for (const level of LEVELS) {
        const v = topologyValue(h, level);
        if (v === undefined) continue;
        let set = this.peerIndex.get(level);
        if (!set) this.peerIndex.set(level, (set = new Set()));
        set.add(v);
      }
    }
    return this.peerIndex.size ? this.peerIndex : null;
  }

  /** Predicted slowdown of the request per fleet row (NaN for rows not scored, or without a model). */
  interferenceByRow(): Float64Array {
    if (this.interferenceRows) return this.interferenceRows;
    const predict = this.predictInterference;
    if (!predict || !this.scored.length) return (this.interferenceRows = new Float64Array(this.hosts.length).fill(NaN));
    const key = predict.cacheKey?.(this.request);
    const kept = key === undefined ? undefined : this.columns.interference(predict, key);
    const out = kept?.values ?? new Float64Array(this.hosts.length).fill(NaN);
    const rows = kept ? this.scoredRows.filter((r) => !kept.known[r]) : this.scoredRows;
    if (rows.length) {
      const pred = predict(rows === this.scoredRows ? this.scored : rows.map((r) => this.hosts[r]), this.request);
      for (let i = 0; i < rows.length; i++) {
        out[rows[i]] = pred[i];
        if (kept) kept.known[rows[i]] = 1;
      }
    }
    return (this.interferenceRows = out);
  }
}
