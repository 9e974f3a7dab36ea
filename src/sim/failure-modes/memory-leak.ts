import { stepShare, type FailureModeModel } from './conditions.js';

/**
 * Memory leak ending in OOM. A host process leaks: host memory use climbs from its normal level
 * to exhaustion (98.5 %) as p^(1 + 2·(1 − s)) — a steady ramp when strong, flat then late when
 * weak — while normal workload noise rides on top. In the last tenth of the lead the OOM killer
 * fires about 2·s times before the host falls over.
 */
export const memoryLeak: FailureModeModel = {
  mode: 'memory_leak',
  precursor(c, clock) {
    const { progress: p, strength: s } = clock;
    c.memoryLeak = Math.max(c.memoryLeak, Math.pow(p, 1 + 2 * (1 - s)));
    if (p > 0.9) c.oomKills += (2 * s * stepShare(clock)) / 0.1;
  },
};
