import { stepShare, type FailureModeModel } from './conditions.js';

/**
 * NIC flapping. Link flaps (each a down and an up transition, with a throughput dip) number
 * 1 + 30·s² over the lead, receive errors 20 + 2000·s² (in bursts of about 15) and extra drops
 * five times that, all arriving at a rate ∝ p² (a density 3p² over the lead); then the NIC dies.
 * A weak precursor is one flap and a few dozen errors, close to a harmless blip.
 */
export const nicFlapping: FailureModeModel = {
  mode: 'nic',
  precursor(c, clock) {
    const { progress: p, strength: s } = clock;
    const density = 3 * p * p * stepShare(clock);
    c.linkFlaps += (1 + 30 * s * s) * density;
    c.nicErrors += (20 + 2000 * s * s) * density;
    c.drops += 5 * (20 + 2000 * s * s) * density;
  },
};
