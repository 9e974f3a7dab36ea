/**
 * Several featurizers side by side: one row is the concatenation of each one's features, in order.
 * Used to put the general-purpose window features of src/ml/features (catch22 and the rest) beside
 * the multi-scale history features and measure what they add.
 */
import type { WindowFeaturizer } from './window-dataset.js';

export class CombinedFeaturizer implements WindowFeaturizer {
  readonly names: readonly string[];

  constructor(private readonly parts: readonly WindowFeaturizer[]) {
    this.names = parts.flatMap((p) => p.names);
  }

  prepare(series: Readonly<Record<string, ArrayLike<number> | undefined>>, length: number) {
    const prepared = this.parts.map((p) => p.prepare(series, length));
    const widths = this.parts.map((p) => p.names.length);
    return {
      featuresAt: (end: number, out: Float64Array, offset: number) => {
        let o = offset;
        prepared.forEach((p, k) => {
          p.featuresAt(end, out, o);
          o += widths[k];
        });
      },
    };
  }
}
