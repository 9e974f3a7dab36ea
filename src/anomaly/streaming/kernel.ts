/**
 * The shape of every streaming component: a kernel, one object per configuration shared by every
 * series, whose per-series numbers live in a Float64Array the caller owns, from slot `at`.
 *
 * Why not one object per series and component: when thousands of series take turns (live ingest:
 * each batch brings one point for each of many series), a series' state is cold in the CPU caches
 * when its next point comes, and each separate allocation — an object, a typed array and its
 * backing store — is one more cache miss per point. A series detector instead keeps every number
 * of all its components in one array, laid out so the slots a point touches sit together; the
 * kernels themselves stay hot because every series shares them. (The flyweight pattern, with the
 * state passed in rather than looked up.)
 *
 * A kernel's methods take `(v, at, …)`; `slots` says how many slots from `at` it owns and `init`
 * writes their starting values. Some kernels place a cold part elsewhere (see WindowExtremes).
 */
export interface Kernel {
  /** Float64Array slots this kernel keeps per series, from `at`. */
  readonly slots: number;
  /** Writes the starting state into v[at … at + slots). */
  init(v: Float64Array, at: number): void;
}

/** A standalone state for one kernel (tests, one-off use): its slots, initialised. */
export function allocate(kernel: Kernel): Float64Array {
  const v = new Float64Array(kernel.slots);
  kernel.init(v, 0);
  return v;
}
