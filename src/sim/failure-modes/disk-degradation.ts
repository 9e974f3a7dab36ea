import { stepShare, type FailureModeModel } from './conditions.js';

/** Reallocations grow as e^(ACCELERATION·p): a slow creep for most of the lead, then a rush. */
const ACCELERATION = 4;
const DENSITY_NORM = ACCELERATION / (Math.exp(ACCELERATION) - 1);

/**
 * Disk degradation. SMART 5 (reallocated sectors) creeps, then accelerates: on average
 * 2 + 400·s² new sectors over the lead, arriving at a rate ∝ e^(4p). SMART 197 (pending sectors)
 * hovers around 25·s·p², and SMART 187 (reported uncorrectable) gains about 20·s errors in the
 * last fifth. Read latency rises by a factor 1 + 4·s·p³ as the drive retries. A weak precursor
 * (s = 0.1) is a handful of sectors near the end, which one harmless reallocation can mimic.
 */
export const diskDegradation: FailureModeModel = {
  mode: 'disk',
  precursor(c, clock) {
    const { progress: p, strength: s } = clock;
    const share = stepShare(clock);
    c.reallocated += (2 + 400 * s * s) * DENSITY_NORM * Math.exp(ACCELERATION * p) * share;
    c.pending += 25 * s * p * p;
    if (p > 0.8) c.uncorrectableSectors += (20 * s * share) / 0.2;
    c.diskLatency *= 1 + 4 * s * p * p * p;
  },
};
