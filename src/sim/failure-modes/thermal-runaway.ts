import type { FailureModeModel } from './conditions.js';

/**
 * Thermal runaway after a fan failure. The monitored fan speed falls by 5–60 % (5 % + 55 %·s)
 * within the first tenth of the lead; the CPU temperature target then climbs towards the trip
 * point as p^(1 + 3·(1 − s)) (steady for a strong precursor, late and abrupt for a weak one) and
 * the host shuts down on reaching it. The fan controller spins the surviving fans up as the
 * temperature climbs, which hides much of a weak fan loss — as it does in real servers.
 */
export const thermalRunaway: FailureModeModel = {
  mode: 'thermal',
  precursor(c, clock) {
    const { progress: p, strength: s } = clock;
    c.fanLoss = Math.max(c.fanLoss, (0.05 + 0.55 * s) * Math.min(1, p / 0.1));
    c.runaway = Math.max(c.runaway, Math.pow(p, 1 + 3 * (1 - s)));
  },
};
