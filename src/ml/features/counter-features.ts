/**
 * Features for cumulative counters — SMART reallocated or pending sectors, corrected ECC errors,
 * CRC errors, OOM kills — where the news is not the level but that it moved, how much, and how
 * recently. A step down is a reset (the device or the exporter restarted): resets are counted on
 * their own and never subtracted from the increase, and the value after a reset is not added
 * either (on a gauge that would invent an increase). The features are defined on any series; on
 * a gauge they read as "upward movement".
 *
 * Steps are x[i] − x[i−1], i = 1 … n − 1. "Last k steps" means the k most recent steps (all of
 * them when the window is shorter). The "recent" part of the window is its last ⌊(n − 1)/3⌋ steps.
 */
import { defineGroup } from './feature-group.js';
import { RATIO_CAP, RATIO_CAP_TEXT } from './change-features.js';
import type { WindowWorkspace } from './window-workspace.js';

export const COUNTER = defineGroup('counter', [
  ['counter_total_increase', 'Sum of the positive steps (counter units): new events in the window; resets are not subtracted.'],
  ['counter_increase_steps', 'Number of steps with an increase (steps): how often new events arrived.'],
  ['counter_max_increase', 'Largest single increase (counter units, ≥ 0): a burst.'],
  ['counter_increase_last5', 'Sum of the positive steps among the last 5 steps (counter units): new events right now.'],
  ['counter_increase_last10', 'Sum of the positive steps among the last 10 steps (counter units).'],
  ['counter_recent_rate_ratio', `Increase per step in the last third of the steps / increase per step in the first two thirds (ratio): acceleration of the error rate; 0 when there is no increase in either part, ${RATIO_CAP_TEXT} when only the recent part increased, clipped to ${RATIO_CAP_TEXT}.`],
  ['counter_resets', 'Number of negative steps (steps): counter resets (device or exporter restarts).'],
  ['counter_total_decrease', 'Sum of the magnitudes of the negative steps (counter units): size of the resets.'],
  ['counter_steps_since_increase', 'Steps from the last increase to the end of the window (steps): 0 when the last step increased, n when nothing increased.'],
  ['counter_recent_increase_share', 'Share of the total increase that happened in the last third of the steps (0–1); 0 when nothing increased.'],
  ['counter_longest_increase_run', 'Longest run of consecutive increasing steps (steps): a sustained error stream rather than isolated events.'],
] as const);

const I = COUNTER.at;

export function computeCounter(ws: WindowWorkspace, out: Float64Array, o: number): void {
  const n = ws.n;
  const steps = ws.steps;
  const m = n - 1;
  const recentStart = m - Math.floor(m / 3);
  const last5Start = m > 5 ? m - 5 : 0;
  const last10Start = m > 10 ? m - 10 : 0;

  let total = 0;
  let count = 0;
  let largest = 0;
  let inc5 = 0;
  let inc10 = 0;
  let recent = 0;
  let resets = 0;
  let decrease = 0;
  let lastUp = -1;
  let run = 0;
  let longestRun = 0;
  // Whether a step rises is a coin toss on a noisy gauge, so the sums take the step times 0 or 1
  // instead of branching on it (d·0 adds a zero, which changes no sum).
  for (let i = 0; i < m; i++) {
    const d = steps[i];
    const up = +(d > 0);
    const down = +(d < 0);
    const gain = d * up;
    total += gain;
    count += up;
    if (d > largest) largest = d;
    if (i >= last5Start) inc5 += gain;
    if (i >= last10Start) inc10 += gain;
    if (i >= recentStart) recent += gain;
    lastUp += (i - lastUp) * up;
    run = (run + 1) * up;
    if (run > longestRun) longestRun = run;
    resets += down;
    decrease -= d * down;
  }
  const earlier = total - recent;
  const recentRate = recent / (m - recentStart);
  const earlierRate = earlier / recentStart;
  let ratio: number;
  if (earlierRate > 0) ratio = Math.min(RATIO_CAP, recentRate / earlierRate);
  else ratio = recentRate > 0 ? RATIO_CAP : 0;

  out[o + I.counter_total_increase] = total;
  out[o + I.counter_increase_steps] = count;
  out[o + I.counter_max_increase] = largest;
  out[o + I.counter_increase_last5] = inc5;
  out[o + I.counter_increase_last10] = inc10;
  out[o + I.counter_recent_rate_ratio] = ratio;
  out[o + I.counter_resets] = resets;
  out[o + I.counter_total_decrease] = decrease;
  out[o + I.counter_steps_since_increase] = lastUp < 0 ? n : m - 1 - lastUp;
  out[o + I.counter_recent_increase_share] = total > 0 ? recent / total : 0;
  out[o + I.counter_longest_increase_run] = longestRun;
}
