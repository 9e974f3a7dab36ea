import type { FailureModeModel } from './conditions.js';

/**
 * PSU instability. Ripple on the 12 V rail grows to 0.25·s volts of extra standard deviation
 * (as p^1.5, against 0.012 V of healthy noise), sags of up to 0.8·s volts come with chance
 * 0.3·s·p per step, and the power reading wobbles by up to 12 %·s; then the host powers off.
 */
export const psuInstability: FailureModeModel = {
  mode: 'psu',
  precursor(c, clock) {
    const { progress: p, strength: s } = clock;
    c.voltageRipple += 0.25 * s * Math.pow(p, 1.5);
    c.sagChance = Math.max(c.sagChance, 0.3 * s * p);
    c.sagDepth = Math.max(c.sagDepth, 0.8 * s);
    c.powerWobble += 0.12 * s * p;
  },
};
