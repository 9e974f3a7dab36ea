/**
 * A placement factor: one measurable reason to prefer one allowed host over another, scored in
 * [0, 1] with 1 always the better side, or NaN when its inputs are missing for that host (the
 * scorer then leaves it out and renormalises the remaining weights). Factors never refuse a host:
 * the hard rules live in constraints.ts.
 */
import type { Candidate } from './candidate.js';
import type { FactorContext } from './factor-context.js';
import type { PlacementRequest } from './problem.js';

export const FACTOR_CATEGORIES = ['resource', 'performance', 'infrastructure', 'network', 'operational'] as const;
export type FactorCategory = (typeof FACTOR_CATEGORIES)[number];

/** The objectives a caller may ask for; 'balanced' weighs the five categories equally. */
export const OBJECTIVES = ['performance', 'cost', 'efficiency', 'sustainability', 'balanced'] as const;
export type Objective = (typeof OBJECTIVES)[number];
/** The objectives a Pareto set is computed over (balanced is their compromise, not a fifth axis). */
export const PARETO_OBJECTIVES = ['performance', 'cost', 'efficiency', 'sustainability'] as const;

/**
 * How the raw input relates to the score: 'higher' / 'lower' (more / less of the input is better),
 * 'target' (closest to an ideal value), 'match' (the host matches what the request asks).
 */
export type FactorDirection = 'higher' | 'lower' | 'target' | 'match';

/** 'c' continuous, 'cat' categorical, 'ord' ordinal, 't' temporal: the seed API's factor types. */
export type FactorType = 'c' | 'cat' | 'ord' | 't';

export interface Factor {
  readonly name: string;
  readonly category: FactorCategory;
  /** What the score means, in one sentence, with its normalisation. */
  readonly definition: string;
  /** Facts or request fields read (fact names as in PlacementHost.facts). */
  readonly inputs: readonly string[];
  readonly direction: FactorDirection;
  readonly type: FactorType;
  /** Importance within its category (the balanced objective's weight before normalisation). */
  readonly weight: number;
  /** Objectives this factor speaks for; it weighs fully under those and little under the others. */
  readonly serves: readonly Exclude<Objective, 'balanced'>[];
  /**
   * True when the score depends only on the host as a fleet snapshot freezes it (facts, capacity,
   * allocations, VMs), not on the request: the snapshot computes it once for all requests.
   */
  readonly hostOnly?: boolean;
  /**
   * Whether the factor concerns this request at all (a GPU factor for a VM without GPUs, a
   * preference the request does not state). When it does not, it is left out of the score and of
   * the coverage: coverage measures missing data about hosts, not questions nobody asked.
   */
  readonly appliesTo?: (request: PlacementRequest) => boolean;
  /** Score in [0, 1], or NaN when unavailable for this host. */
  score(c: Candidate, ctx: FactorContext): number;
  /**
   * Optional fast path for per-request factors: `score` specialised to one request, with columns
   * and request values resolved once instead of per host. Must agree with `score` exactly (a test
   * compares them on random fleets).
   */
  readonly prepare?: (ctx: FactorContext) => (c: Candidate) => number;
}

// ---------------------------------------------------------------- normalisers

export const clamp01 = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x);

/** 0 at lo, 1 at hi, linear between, clamped; NaN stays NaN. */
export const rising = (x: number, lo: number, hi: number): number => (x !== x ? NaN : clamp01((x - lo) / (hi - lo)));

/** 1 at lo, 0 at hi. */
export const falling = (x: number, lo: number, hi: number): number => (x !== x ? NaN : clamp01((hi - x) / (hi - lo)));

/** 1 at the ideal value, falling linearly to 0 at ± tolerance. */
export const nearTo = (x: number, ideal: number, tolerance: number): number => (x !== x ? NaN : clamp01(1 - Math.abs(x - ideal) / tolerance));

/** Numeric fact of a host (a numeric string counts, so inventory labels can carry facts); NaN when absent. */
export function numericFact(facts: Readonly<Record<string, number | string>> | undefined, key: string): number {
  const v = facts?.[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : NaN;
  }
  return NaN;
}

/** Categorical fact, lower-cased; undefined when absent. */
export function textFact(facts: Readonly<Record<string, number | string>> | undefined, key: string): string | undefined {
  const v = facts?.[key];
  if (v === undefined) return undefined;
  return String(v).trim().toLowerCase() || undefined;
}

/** A comma- or space-separated list fact as a set (lower-cased); undefined when absent. */
export function listFact(facts: Readonly<Record<string, number | string>> | undefined, key: string): Set<string> | undefined {
  const t = textFact(facts, key);
  return t === undefined ? undefined : new Set(t.split(/[\s,]+/).filter(Boolean));
}

/** Booleans as facts: true/yes/1 → 1, false/no/0 → 0, anything else NaN. */
export function booleanFact(facts: Readonly<Record<string, number | string>> | undefined, key: string): number {
  const v = facts?.[key];
  if (typeof v === 'number') return v > 0 ? 1 : 0;
  const t = textFact(facts, key);
  if (t === undefined) return NaN;
  if (t === 'true' || t === 'yes' || t === '1') return 1;
  if (t === 'false' || t === 'no' || t === '0') return 0;
  return NaN;
}
