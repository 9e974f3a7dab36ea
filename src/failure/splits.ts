/**
 * Train/test splits for failure prediction that cannot leak.
 *
 * Two leaks are easy to make with windows that overlap in time and labels that look ahead:
 *   1. the same entity on both sides — a model learns that host's quirks (or its serial-number
 *      habits) and looks better than it will be on a host it has never seen;
 *   2. a training label that looks past the test period's start — a training window at t is
 *      labelled from what happens up to t + H, so with a cut at time C, training windows later
 *      than C − H carry information from the test period.
 *
 * `splitByEntityAndTime` guards against both: entities are assigned to one side only (seeded,
 * stratified so failing entities are spread), training windows keep t + H ≤ cutoff, test windows
 * have t ≥ cutoff. Without a cutoff it is an entity-only split (every time on both sides, but
 * never the same entity).
 */
import { MLInputError, Random } from '../ml/core/index.js';

export interface EntityTimeSplitOptions {
  /** Share of entities held out for testing (default 0.3). */
  testShare?: number;
  /** Epoch ms separating training time from test time; omit for an entity-only split. */
  cutoff?: number;
  /** The label horizon H in ms: training windows need t + H ≤ cutoff (default 0). */
  horizonMs?: number;
  /** Entities with at least one failure: spread over both sides in proportion (stratification). */
  failingEntities?: ReadonlySet<string>;
  seed?: number;
}

export interface EntityTimeSplit {
  train: Uint32Array;
  test: Uint32Array;
  trainEntities: Set<string>;
  testEntities: Set<string>;
}

export function splitByEntityAndTime(entities: ArrayLike<string>, times: ArrayLike<number>, opts: EntityTimeSplitOptions = {}): EntityTimeSplit {
  if (entities.length !== times.length) throw new MLInputError(`entities (${entities.length}) and times (${times.length}) differ in length`);
  const testShare = opts.testShare ?? 0.3;
  if (!(testShare > 0 && testShare < 1)) throw new MLInputError(`testShare must be in (0, 1), got ${testShare}`);
  const horizon = opts.horizonMs ?? 0;
  const unique = [...new Set(Array.from(entities))].sort();
  if (unique.length < 2) throw new MLInputError(`a split by entity needs at least 2 entities, got ${unique.length}`);
  const rng = new Random(opts.seed ?? 0);
  const failing = unique.filter((e) => opts.failingEntities?.has(e));
  const healthy = unique.filter((e) => !opts.failingEntities?.has(e));
  rng.shuffle(failing);
  rng.shuffle(healthy);
  const testEntities = new Set<string>();
  for (const group of [failing, healthy]) {
    const n = Math.round(group.length * testShare);
    for (let i = 0; i < n; i++) testEntities.add(group[i]);
  }
  // Both sides must hold at least one entity.
  if (testEntities.size === 0) testEntities.add(unique[0]);
  if (testEntities.size === unique.length) testEntities.delete(unique[0]);
  const trainEntities = new Set(unique.filter((e) => !testEntities.has(e)));
  const train: number[] = [];
  const test: number[] = [];
  const cut = opts.cutoff;
  for (let i = 0; i < entities.length; i++) {
    const t = times[i];
    if (testEntities.has(entities[i])) {
      if (cut === undefined || t >= cut) test.push(i);
    } else if (cut === undefined || t + horizon <= cut) train.push(i);
  }
  return { train: Uint32Array.from(train), test: Uint32Array.from(test), trainEntities, testEntities };
}
