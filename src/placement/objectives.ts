/**
 * Factor weights per objective. Balanced gives each of the five categories a fifth of the weight,
 * shared within the category by the factors' own weights. A named objective keeps the full weight
 * of the factors that serve it and a tenth of the others' (they still break ties). Factors that
 * serve no objective in particular — the operator's own wishes (preferred nodes, soft affinity,
 * change freezes) — weigh fully under every objective. Custom weights name categories, factors or
 * both; a named factor's weight replaces what its category would give it.
 */
import { FACTOR_CATEGORIES, type FactorCategory, type Objective } from './factor.js';
import { FACTOR_INDEX, FACTORS } from './factor-catalogue.js';

export interface CustomWeights {
  categories?: Partial<Record<FactorCategory, number>>;
  factors?: Record<string, number>;
}

/** Weight kept by a factor that does not serve the objective asked for. */
export const OFF_OBJECTIVE = 0.1;

const categoryTotals = (() => {
  const t = new Map<FactorCategory, number>();
  for (const f of FACTORS) t.set(f.category, (t.get(f.category) ?? 0) + f.weight);
  return t;
})();

function normalise(w: Float64Array): Float64Array {
  let s = 0;
  for (const x of w) s += x;
  if (s > 0) for (let i = 0; i < w.length; i++) w[i] /= s;
  return w;
}

function balanced(categoryWeight: (c: FactorCategory) => number): Float64Array {
  return Float64Array.from(FACTORS, (f) => (categoryWeight(f.category) * f.weight) / categoryTotals.get(f.category)!);
}

const cache = new Map<Objective, Float64Array>();

/** Weights of every catalogue factor (in catalogue order) for an objective, summing to 1. */
export function objectiveWeights(objective: Objective): Float64Array {
  let w = cache.get(objective);
  if (w) return w;
  w =
    objective === 'balanced'
      ? normalise(balanced(() => 1 / FACTOR_CATEGORIES.length))
      : normalise(Float64Array.from(FACTORS, (f) => f.weight * (f.serves.length === 0 || f.serves.includes(objective) ? 1 : OFF_OBJECTIVE)));
  cache.set(objective, w);
  return w;
}

/** Why custom weights cannot be used, or null when they can. */
export function customWeightsProblem(custom: CustomWeights): string | null {
  const unknown = Object.keys(custom.factors ?? {}).filter((n) => !FACTOR_INDEX.has(n));
  if (unknown.length) return `unknown factors: ${unknown.slice(0, 10).join(', ')} (GET /api/v1/placement/factors lists them)`;
  const cats = Object.keys(custom.categories ?? {}).filter((c) => !(FACTOR_CATEGORIES as readonly string[]).includes(c));
  if (cats.length) return `unknown categories: ${cats.join(', ')} (one of ${FACTOR_CATEGORIES.join(', ')})`;
  const values = [...Object.values(custom.factors ?? {}), ...Object.values(custom.categories ?? {})];
  if (values.some((v) => !(Number.isFinite(v) && v >= 0))) return 'weights must be finite and ≥ 0';
  if (!values.some((v) => v > 0)) return 'at least one weight must be above 0';
  return null;
}

/** Custom weights (check customWeightsProblem first). */
export function customWeights(custom: CustomWeights): Float64Array {
  const cats = custom.categories;
  const w = cats ? balanced((c) => cats[c] ?? 0) : new Float64Array(FACTORS.length);
  for (const [name, v] of Object.entries(custom.factors ?? {})) w[FACTOR_INDEX.get(name)!] = v;
  return normalise(w);
}
