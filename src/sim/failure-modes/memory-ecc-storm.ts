import type { FailureModeModel } from './conditions.js';

/**
 * Memory ECC storm. Corrected errors rise from nothing to 60·s² per minute as p², in bursts (the
 * host model draws them as clumps of about four), until one uncorrectable error in the last step
 * crashes the host. A weak storm (s = 0.1) is about five corrections over the whole lead, which
 * a host with a chronically noisy DIMM produces on its own.
 */
export const memoryEccStorm: FailureModeModel = {
  mode: 'memory_ecc',
  precursor(c, clock) {
    const { progress: p, strength: s, stepMinutes, minutesToFailure } = clock;
    c.eccCorrected += 60 * s * s * p * p * stepMinutes;
    // The uncorrectable error lands in the last sample before the crash.
    if (minutesToFailure <= stepMinutes) c.eccUncorrected += 1;
  },
};
