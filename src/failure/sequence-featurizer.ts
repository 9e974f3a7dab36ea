/**
 * The raw window a sequence model (the LSTM member) reads: the last `windowPoints` samples of
 * every metric, oldest first, step-major (row = [t0: m0 m1 …, t1: m0 m1 …, …]). Cumulative
 * counters become per-step increases (a raw counter only ever grows, so its level says nothing
 * about now); a missing sample repeats the previous one (0 for an increase), and a window that
 * starts missing takes its first finite value, so the network never sees NaN.
 */
import type { WindowFeaturizer } from './window-dataset.js';

export class SequenceFeaturizer implements WindowFeaturizer {
  readonly names: readonly string[];

  constructor(
    readonly metrics: readonly string[],
    readonly counters: ReadonlySet<string>,
    readonly windowPoints: number,
  ) {
    const names: string[] = [];
    for (let k = windowPoints - 1; k >= 0; k--) for (const m of metrics) names.push(`${m}@t-${k}`);
    this.names = names;
  }

  prepare(series: Readonly<Record<string, ArrayLike<number> | undefined>>) {
    const W = this.windowPoints;
    const M = this.metrics.length;
    return {
      featuresAt: (end: number, out: Float64Array, offset: number) => {
        for (let m = 0; m < M; m++) {
          const name = this.metrics[m];
          const v = series[name];
          const counter = this.counters.has(name);
          const from = end - W + 1;
          // Seed with the first finite value at or after the window start (or the one before it, for a counter's first increase).
          let prev = NaN;
          if (v) {
            for (let i = counter ? Math.max(0, from - 1) : Math.max(0, from); i <= end && prev !== prev; i++) if (Number.isFinite(v[i])) prev = v[i];
          }
          for (let k = 0; k < W; k++) {
            const i = from + k;
            const x = v && i >= 0 ? v[i] : NaN;
            let value: number;
            if (counter) {
              value = Number.isFinite(x) && prev === prev ? (x >= prev ? x - prev : x) : 0;
            } else {
              value = Number.isFinite(x) ? x : prev === prev ? prev : 0;
            }
            if (Number.isFinite(x)) prev = x;
            out[offset + k * M + m] = value;
          }
        }
      },
    };
  }
}
