/**
 * The factor catalogue: every factor the scorer weighs, in five categories. Names are unique and
 * stable — they appear in the API, in explanations and in custom weights.
 */
import type { Factor, FactorCategory } from './factor.js';
import { INFRASTRUCTURE_FACTORS } from './factors/infrastructure-factors.js';
import { NETWORK_FACTORS } from './factors/network-factors.js';
import { OPERATIONAL_FACTORS } from './factors/operational-factors.js';
import { PERFORMANCE_FACTORS } from './factors/performance-factors.js';
import { RESOURCE_FACTORS } from './factors/resource-factors.js';

export const FACTORS: readonly Factor[] = [...RESOURCE_FACTORS, ...PERFORMANCE_FACTORS, ...INFRASTRUCTURE_FACTORS, ...NETWORK_FACTORS, ...OPERATIONAL_FACTORS];

export const FACTOR_INDEX: ReadonlyMap<string, number> = new Map(FACTORS.map((f, i) => [f.name, i]));
if (FACTOR_INDEX.size !== FACTORS.length) throw new Error('placement factor names must be unique');

export function factorsIn(category: FactorCategory): Factor[] {
  return FACTORS.filter((f) => f.category === category);
}
