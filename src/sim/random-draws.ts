import type { Random } from '../ml/core/random.js';

/**
 * The distributions the simulator draws from, over the library's seedable `Random`. Nothing here
 * touches global state, so one seed always yields the same fleet.
 */

/** A log-normal time in minutes, clipped: `exp(ln(median) + sigma·N(0,1))` within [min, max]. */
export interface LogNormalMinutes {
  /** Median, minutes. */
  median: number;
  /** Standard deviation of the logarithm (0.5 ≈ a factor of 1.65 either side for one σ). */
  sigma: number;
  /** Draws below this are raised to it, minutes. */
  min: number;
  /** Draws above this are lowered to it, minutes. */
  max: number;
}

/** Derives an independent 32-bit seed for one stream (host, rack, purpose) from the run seed. */
export function streamSeed(seed: number, index: number, stream: number): number {
  // splitmix-style mixing: neighbouring (index, stream) pairs give unrelated seeds.
  let h = (seed >>> 0) ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Standard normals by Marsaglia's polar method, keeping the second value of each pair
 * (Random.normal throws it away and pays for a cosine): the simulator's hottest path.
 */
export class Gaussian {
  private spare = 0;
  private hasSpare = false;

  constructor(private readonly rng: Random) {}

  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.rng.float() - 1;
      v = 2 * this.rng.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const scale = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * scale;
    this.hasSpare = true;
    return u * scale;
  }
}

export function uniform(rng: Random, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.float();
}

export function chance(rng: Random, p: number): boolean {
  return rng.float() < p;
}

/** Exponential waiting time with the given mean. */
export function exponential(rng: Random, mean: number): number {
  let u = 0;
  while (u === 0) u = rng.float();
  return -Math.log(u) * mean;
}

export function logNormalMinutes(rng: Random, d: LogNormalMinutes): number {
  const x = Math.exp(Math.log(d.median) + d.sigma * rng.normal());
  return Math.min(d.max, Math.max(d.min, x));
}

/** Poisson counts: Knuth's product method for small means, a rounded normal for large ones. */
export function poisson(rng: Random, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.float();
  while (p > limit) {
    k++;
    p *= rng.float();
  }
  return k;
}

/**
 * Bursty counts: Poisson-many bursts of geometric size with mean `burstMean`. Real error
 * counters (ECC, NIC) arrive in clumps, which is what makes a rising rate hard to call early.
 */
export function burstyCount(rng: Random, meanCount: number, burstMean: number): number {
  const bursts = poisson(rng, meanCount / burstMean);
  let total = 0;
  const q = 1 / burstMean;
  for (let b = 0; b < bursts; b++) {
    let size = 1;
    while (rng.float() > q && size < 10_000) size++;
    total += size;
  }
  return total;
}

/** Picks an index with probability proportional to its weight. */
export function weightedIndex(rng: Random, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = rng.float() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
