/**
 * Builders for the common shapes of factor, so each catalogue entry reads as its definition:
 * a numeric fact on a fixed scale, a numeric fact against the other candidates, an ordinal level,
 * a categorical value with a score per value.
 */
import type { Candidate } from '../candidate.js';
import type { FactorContext } from '../factor-context.js';
import type { PlacementRequest } from '../problem.js';
import { falling, numericFact, rising, textFact, type Factor, type FactorCategory, type FactorType, type Objective } from '../factor.js';

type Serves = readonly Exclude<Objective, 'balanced'>[];

interface Common {
  name: string;
  category: FactorCategory;
  weight: number;
  serves: Serves;
}

/** A numeric fact scaled linearly between two documented bounds (clamped). */
export function scaledFact(o: Common & { fact: string; what: string; unit: string; lo: number; hi: number; direction: 'higher' | 'lower'; log?: boolean; type?: FactorType; only?: { when: (r: PlacementRequest) => boolean; note: string } }): Factor {
  const { lo, hi, log, only } = o;
  const tx = log ? (x: number) => (x > 0 ? Math.log10(x) : NaN) : (x: number) => x;
  const [a, b] = [tx(lo), tx(hi)];
  const scale = o.direction === 'higher' ? (x: number) => rising(tx(x), a, b) : (x: number) => falling(tx(x), a, b);
  const ends = o.direction === 'higher' ? `${lo} ${o.unit} → 0, ${hi} ${o.unit} → 1` : `${lo} ${o.unit} → 1, ${hi} ${o.unit} → 0`;
  return {
    name: o.name,
    category: o.category,
    definition: `${o.what}; fact \`${o.fact}\` (${o.unit}), ${log ? 'log-' : ''}linear: ${ends}${only ? `; ${only.note}` : ''}.`,
    inputs: [o.fact],
    direction: o.direction,
    type: o.type ?? 'c',
    weight: o.weight,
    serves: o.serves,
    hostOnly: true,
    appliesTo: only?.when,
    score: (c) => scale(numericFact(c.host.facts, o.fact)),
  };
}

/** A numeric fact placed within the compared hosts' range (1 at the best host, 0 at the worst). */
export function relativeFact(o: Common & { fact: string; what: string; unit: string; direction: 'higher' | 'lower'; type?: FactorType }): Factor {
  const higher = o.direction === 'higher';
  return {
    name: o.name,
    category: o.category,
    definition: `${o.what}; fact \`${o.fact}\` (${o.unit}) relative to the compared hosts: the ${higher ? 'highest' : 'lowest'} → 1, falling linearly over the hosts' range (at least a quarter of the largest value) to 0 at the ${higher ? 'lowest' : 'highest'}.`,
    inputs: [o.fact],
    direction: o.direction,
    type: o.type ?? 'c',
    weight: o.weight,
    serves: o.serves,
    hostOnly: true,
    score: (c, ctx) => ctx.relative(numericFact(c.host.facts, o.fact), ctx.factRange(o.fact), higher),
  };
}

/** An ordinal level 0 … top, higher better. */
export function levelFact(o: Common & { fact: string; what: string; top: number; levels: string }): Factor {
  return {
    name: o.name,
    category: o.category,
    definition: `${o.what}; fact \`${o.fact}\` as a level 0–${o.top} (${o.levels}), score level / ${o.top}.`,
    inputs: [o.fact],
    direction: 'higher',
    type: 'ord',
    weight: o.weight,
    serves: o.serves,
    hostOnly: true,
    score: (c) => rising(numericFact(c.host.facts, o.fact), 0, o.top),
  };
}

/** A categorical fact with a score per value; an unlisted value is unavailable. */
export function categoryFact(o: Common & { fact: string; what: string; scores: Readonly<Record<string, number>> }): Factor {
  const listed = Object.entries(o.scores).map(([k, v]) => `${k} ${v}`).join(', ');
  return {
    name: o.name,
    category: o.category,
    definition: `${o.what}; fact \`${o.fact}\`: ${listed}.`,
    inputs: [o.fact],
    direction: 'higher',
    type: 'cat',
    weight: o.weight,
    serves: o.serves,
    hostOnly: true,
    score: (c) => {
      const v = textFact(c.host.facts, o.fact);
      return v !== undefined && v in o.scores ? o.scores[v] : NaN;
    },
  };
}

/**
 * A per-request factor written once as its prepared form: `prepare` is the fast path, and `score`
 * runs the same prepared function (built once per request context).
 */
export function preparedOnly(key: string, prepare: (ctx: FactorContext) => (c: Candidate) => number): Pick<Factor, 'prepare' | 'score'> {
  return { prepare, score: (c, ctx) => ctx.memo(`prepared:${key}`, () => prepare(ctx))(c) };
}
