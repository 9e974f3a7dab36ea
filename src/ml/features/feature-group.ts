/**
 * The shape of the feature catalogue: every feature has a stable name, a group and a one-line
 * description, and each group owns one contiguous block of the output vector. A group's compute
 * function writes `out[offset + GROUP.at.name]`, so a slot is addressed by its name and the
 * catalogue and the arithmetic cannot drift apart.
 */

export type FeatureGroupName = 'statistical' | 'trend' | 'change' | 'counter' | 'spectral' | 'catch22';

/** Every group, in the order their blocks appear in the output vector. */
export const FEATURE_GROUPS: readonly FeatureGroupName[] = ['statistical', 'trend', 'change', 'counter', 'spectral', 'catch22'];

export interface FeatureInfo {
  /** Stable name: snake_case for ours, `catch22.<canonical name>` for the catch22 features. */
  readonly name: string;
  readonly group: FeatureGroupName;
  /** One line: the definition, its units, what it is good for, and when it is NaN. */
  readonly description: string;
}

export interface FeatureGroup<N extends string> {
  readonly group: FeatureGroupName;
  readonly features: readonly FeatureInfo[];
  /** Slot of each feature inside the group's block, by short name. */
  readonly at: { readonly [K in N]: number };
  readonly size: number;
}

/**
 * Declares a group from `[shortName, description]` pairs. `prefix` is prepended to each short name
 * to form the public name (catch22 uses `catch22.`); slots follow the order given.
 */
export function defineGroup<const N extends string>(group: FeatureGroupName, specs: readonly (readonly [N, string])[], prefix = ''): FeatureGroup<N> {
  const at = {} as Record<N, number>;
  const features: FeatureInfo[] = [];
  specs.forEach(([short, description], i) => {
    if (short in at) throw new Error(`duplicate feature ${short} in group ${group}`);
    at[short] = i;
    features.push(Object.freeze({ name: `${prefix}${short}`, group, description }));
  });
  return Object.freeze({ group, features: Object.freeze(features), at: Object.freeze(at), size: features.length });
}
