/** Test helper: extract one group's features of a window as a name → value record. */
import type { FeatureGroupName } from './feature-group.js';
import { WindowFeatureExtractor } from './window-feature-extractor.js';

const extractors = new Map<FeatureGroupName, WindowFeatureExtractor>();

export function groupFeatures(group: FeatureGroupName, window: ArrayLike<number>): Record<string, number> {
  let fx = extractors.get(group);
  if (!fx) extractors.set(group, (fx = new WindowFeatureExtractor({ groups: [group] })));
  const values = fx.extract(window);
  return Object.fromEntries(fx.names.map((name, i) => [name, values[i]]));
}
