/**
 * The feature catalogue: every feature a window yields, in output order, with its group and a
 * one-line description. docs/features.md is generated from it (`npm run docs:features`).
 */
import { CATCH22, computeCatch22 } from './catch22-features.js';
import { CHANGE, computeChange } from './change-features.js';
import { computeCounter, COUNTER } from './counter-features.js';
import type { FeatureGroup, FeatureGroupName, FeatureInfo } from './feature-group.js';
import { computeSpectral, SPECTRAL } from './spectral-features.js';
import { computeStatistical, STATISTICAL } from './statistical-features.js';
import { computeTrend, TREND } from './trend-features.js';
import type { WindowWorkspace } from './window-workspace.js';

export type GroupCompute = (ws: WindowWorkspace, out: Float64Array, offset: number) => void;

interface GroupEntry {
  readonly definition: FeatureGroup<string>;
  readonly compute: GroupCompute;
}

/** Groups in output order. */
export const GROUP_ENTRIES: readonly GroupEntry[] = [
  { definition: STATISTICAL, compute: computeStatistical },
  { definition: TREND, compute: computeTrend },
  { definition: CHANGE, compute: computeChange },
  { definition: COUNTER, compute: computeCounter },
  { definition: SPECTRAL, compute: computeSpectral },
  { definition: CATCH22, compute: computeCatch22 },
];

/** Every feature of one metric window, in output order. */
export const FEATURES: readonly FeatureInfo[] = Object.freeze(GROUP_ENTRIES.flatMap((g) => g.definition.features));

export const FEATURE_NAMES: readonly string[] = Object.freeze(FEATURES.map((f) => f.name));

/** Number of features per group. */
export function featureCounts(): Record<FeatureGroupName, number> {
  const counts = {} as Record<FeatureGroupName, number>;
  for (const g of GROUP_ENTRIES) counts[g.definition.group] = g.definition.size;
  return counts;
}

const BY_NAME = new Map(FEATURES.map((f) => [f.name, f]));

/** The catalogue entry of a feature name (a per-metric name `${metric}.${feature}` is resolved by its feature part). */
export function describeFeature(name: string): FeatureInfo | undefined {
  const direct = BY_NAME.get(name);
  if (direct) return direct;
  for (let i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) {
    const hit = BY_NAME.get(name.slice(i + 1));
    if (hit) return hit;
  }
  return undefined;
}
