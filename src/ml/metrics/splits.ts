import { MLInputError, Random } from '../core/index.js';
import { checkFinite } from './validate.js';

/**
 * Train/test splits and cross-validation folds. Every split returns row indices (sorted
 * ascending, so takeRows reads memory in order); splits that shuffle draw from a seeded Random,
 * so the same seed gives the same folds.
 */

export interface Fold {
  train: Uint32Array;
  test: Uint32Array;
}

export interface ShuffleOptions {
  /** shuffle before assigning folds (default false for k-fold variants, true for trainTestSplit) */
  shuffle?: boolean;
  seed?: number;
}

function checkCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new MLInputError(`${name}: n must be a positive integer, got ${n}`);
}

function checkK(name: string, k: number, available: number, what: string): void {
  if (!Number.isInteger(k) || k < 2) throw new MLInputError(`${name}: k must be an integer >= 2, got ${k}`);
  if (k > available) throw new MLInputError(`${name}: cannot make ${k} folds from ${available} ${what}`);
}

/** Turns a fold number per row into folds: fold f tests the rows assigned f and trains on the rest. */
function foldsFromAssignment(assign: Uint32Array, k: number): Fold[] {
  const n = assign.length;
  const sizes = new Uint32Array(k);
  for (let i = 0; i < n; i++) sizes[assign[i]]++;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) folds.push({ train: new Uint32Array(n - sizes[f]), test: new Uint32Array(sizes[f]) });
  const tr = new Uint32Array(k);
  const te = new Uint32Array(k);
  for (let i = 0; i < n; i++) {
    const a = assign[i];
    for (let f = 0; f < k; f++) {
      if (f === a) folds[f].test[te[f]++] = i;
      else folds[f].train[tr[f]++] = i;
    }
  }
  return folds;
}

/** Row indices of each class, classes in ascending label order. */
function indicesByClass(name: string, y: ArrayLike<number>): { labels: number[]; members: number[][] } {
  checkFinite(name, y, 'y');
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    let list = byLabel.get(y[i]);
    if (!list) byLabel.set(y[i], (list = []));
    list.push(i);
  }
  const labels = [...byLabel.keys()].sort((a, b) => a - b);
  return { labels, members: labels.map((l) => byLabel.get(l)!) };
}

/** Dense group ids in order of first appearance, and the size of each group. */
function groupIds(name: string, groups: ArrayLike<number | string>): { ids: Uint32Array; sizes: number[] } {
  const index = new Map<number | string, number>();
  const ids = new Uint32Array(groups.length);
  const sizes: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g === undefined || g === null || (typeof g === 'number' && Number.isNaN(g))) throw new MLInputError(`${name}: groups[${i}] is ${g}`);
    let id = index.get(g);
    if (id === undefined) {
      id = sizes.length;
      index.set(g, id);
      sizes.push(0);
    }
    ids[i] = id;
    sizes[id]++;
  }
  return { ids, sizes };
}

export interface TrainTestSplitOptions extends ShuffleOptions {
  /** fraction in (0, 1) of rows, or a whole number of rows, for the test set (default 0.25) */
  testSize?: number;
  /** class labels: each class is split in the same proportion (within one row) */
  stratify?: ArrayLike<number>;
}

/**
 * One train/test split of n rows. The test set has ceil(testSize · n) rows (scikit-learn's
 * rounding). Unshuffled, the test set is the last rows. Stratified, class c gets
 * floor or ceil of c's exact share of the test set (largest-remainder apportionment), so every
 * class is within one row of its proportion on both sides.
 */
export function trainTestSplit(n: number, opts: TrainTestSplitOptions = {}): Fold {
  checkCount('trainTestSplit', n);
  const ts = opts.testSize ?? 0.25;
  let nTest: number;
  if (ts > 0 && ts < 1) nTest = Math.ceil(ts * n);
  else if (Number.isInteger(ts) && ts >= 1) nTest = ts;
  else throw new MLInputError(`trainTestSplit: testSize must be a fraction in (0, 1) or a whole number of rows, got ${ts}`);
  if (nTest >= n) throw new MLInputError(`trainTestSplit: a test set of ${nTest} rows leaves no training rows out of ${n}`);
  const shuffle = opts.shuffle ?? true;
  const rng = new Random(opts.seed ?? 0);
  const isTest = new Uint8Array(n);
  if (opts.stratify) {
    if (opts.stratify.length !== n) throw new MLInputError(`trainTestSplit: stratify has ${opts.stratify.length} labels for ${n} rows`);
    if (!shuffle) throw new MLInputError('trainTestSplit: a stratified split must shuffle (set shuffle: true)');
    const { members } = indicesByClass('trainTestSplit', opts.stratify);
    const share = members.map((m) => (m.length * nTest) / n);
    const take = share.map(Math.floor);
    let left = nTest - take.reduce((s, t) => s + t, 0);
    // Largest remainders first; ties go to the class listed first (smaller label): deterministic.
    const byRemainder = share.map((s, c) => c).sort((a, b) => share[b] - take[b] - (share[a] - take[a]) || a - b);
    for (let j = 0; left > 0; j++, left--) take[byRemainder[j]]++;
    members.forEach((m, c) => {
      const idx = rng.shuffle(Uint32Array.from(m));
      for (let j = 0; j < take[c]; j++) isTest[idx[j]] = 1;
    });
  } else if (shuffle) {
    for (const i of rng.sample(n, nTest)) isTest[i] = 1;
  } else {
    isTest.fill(1, n - nTest);
  }
  const train = new Uint32Array(n - nTest);
  const test = new Uint32Array(nTest);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (isTest[i]) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test };
}

/**
 * k folds of n rows, scikit-learn's KFold: the first n mod k folds have one row more; unshuffled,
 * each test fold is a contiguous block.
 */
export function kFold(n: number, k = 5, opts: ShuffleOptions = {}): Fold[] {
  checkCount('kFold', n);
  checkK('kFold', k, n, 'rows');
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (opts.shuffle) new Random(opts.seed ?? 0).shuffle(order);
  const assign = new Uint32Array(n);
  const base = Math.floor(n / k);
  const extra = n % k;
  for (let f = 0, pos = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let j = 0; j < size; j++) assign[order[pos++]] = f;
  }
  return foldsFromAssignment(assign, k);
}

/**
 * k folds that keep each class's share: rows of each class (shuffled if asked) are dealt to the
 * folds in turn, continuing the turn from one class to the next. So every fold holds floor or
 * ceil of (class count / k) of every class, and fold sizes differ by at most one.
 */
export function stratifiedKFold(y: ArrayLike<number>, k = 5, opts: ShuffleOptions = {}): Fold[] {
  if (y.length === 0) throw new MLInputError('stratifiedKFold: empty y');
  checkK('stratifiedKFold', k, y.length, 'rows');
  const { members } = indicesByClass('stratifiedKFold', y);
  const rng = new Random(opts.seed ?? 0);
  const assign = new Uint32Array(y.length);
  let turn = 0;
  for (const m of members) {
    const idx = Uint32Array.from(m);
    if (opts.shuffle) rng.shuffle(idx);
    for (const i of idx) assign[i] = turn++ % k;
  }
  return foldsFromAssignment(assign, k);
}

/**
 * k folds in which no group appears in two folds (scikit-learn's GroupKFold): groups, largest
 * first, each go to the fold with the fewest rows so far, which balances fold sizes. With
 * shuffle, groups of equal size are taken in a seeded random order instead of first-seen order.
 * Groups may be numbers or strings (host ids, drive serials).
 */
export function groupKFold(groups: ArrayLike<number | string>, k = 5, opts: ShuffleOptions = {}): Fold[] {
  if (groups.length === 0) throw new MLInputError('groupKFold: empty groups');
  const { ids, sizes } = groupIds('groupKFold', groups);
  checkK('groupKFold', k, sizes.length, 'groups');
  const order = Uint32Array.from(sizes.keys());
  if (opts.shuffle) new Random(opts.seed ?? 0).shuffle(order);
  const rank = new Uint32Array(order.length);
  order.forEach((g, r) => (rank[g] = r));
  const sorted = Uint32Array.from(order).sort((a, b) => sizes[b] - sizes[a] || rank[a] - rank[b]);
  const foldOf = new Uint32Array(sizes.length);
  const load = new Float64Array(k);
  for (const g of sorted) {
    let best = 0;
    for (let f = 1; f < k; f++) if (load[f] < load[best]) best = f;
    foldOf[g] = best;
    load[best] += sizes[g];
  }
  const assign = new Uint32Array(groups.length);
  for (let i = 0; i < assign.length; i++) assign[i] = foldOf[ids[i]];
  return foldsFromAssignment(assign, k);
}

/**
 * k folds that keep groups whole and approximate the class balance (scikit-learn's
 * StratifiedGroupKFold): groups with the most uneven class counts first, each goes to the fold
 * that minimises the mean over classes of the standard deviation (across folds) of the fraction
 * of that class the fold holds; near-ties go to the smaller fold. Use it for drive- or host-level
 * splits, where rows of one drive must never be on both sides and failures are rare.
 * O(groups · k · classes).
 */
export function stratifiedGroupKFold(y: ArrayLike<number>, groups: ArrayLike<number | string>, k = 5, opts: ShuffleOptions = {}): Fold[] {
  if (y.length !== groups.length) throw new MLInputError(`stratifiedGroupKFold: y has ${y.length} labels but groups has ${groups.length}`);
  if (y.length === 0) throw new MLInputError('stratifiedGroupKFold: empty input');
  const { ids, sizes } = groupIds('stratifiedGroupKFold', groups);
  checkK('stratifiedGroupKFold', k, sizes.length, 'groups');
  const { labels, members } = indicesByClass('stratifiedGroupKFold', y);
  const nGroups = sizes.length;
  const nClasses = labels.length;
  // Class counts per group and in total.
  const gc = new Float64Array(nGroups * nClasses);
  const classTotal = new Float64Array(nClasses);
  members.forEach((m, c) => {
    for (const i of m) gc[ids[i] * nClasses + c]++;
    classTotal[c] = m.length;
  });
  const order = Uint32Array.from(sizes.keys());
  if (opts.shuffle) new Random(opts.seed ?? 0).shuffle(order);
  const rank = new Uint32Array(nGroups);
  order.forEach((g, r) => (rank[g] = r));
  const spread = new Float64Array(nGroups);
  for (let g = 0; g < nGroups; g++) spread[g] = std(gc.subarray(g * nClasses, (g + 1) * nClasses));
  const sorted = Uint32Array.from(order).sort((a, b) => spread[b] - spread[a] || rank[a] - rank[b]);

  // r[f][c] = fraction of class c in fold f; per class keep Σ_f r and Σ_f r² so a tentative move
  // changes one term and the std across folds costs O(1).
  const r = new Float64Array(k * nClasses);
  const s1 = new Float64Array(nClasses);
  const s2 = new Float64Array(nClasses);
  const foldRows = new Float64Array(k);
  const foldOf = new Uint32Array(nGroups);
  for (const g of sorted) {
    let best = -1;
    let bestEval = Infinity;
    let bestRows = Infinity;
    for (let f = 0; f < k; f++) {
      let evalSum = 0;
      for (let c = 0; c < nClasses; c++) {
        const old = r[f * nClasses + c];
        const next = old + gc[g * nClasses + c] / classTotal[c];
        const m1 = (s1[c] - old + next) / k;
        const m2 = (s2[c] - old * old + next * next) / k;
        evalSum += Math.sqrt(Math.max(m2 - m1 * m1, 0));
      }
      const ev = evalSum / nClasses;
      // A near tie (numpy.isclose tolerances) goes to the fold with fewer rows; scikit-learn takes
      // a candidate that is lower by rounding noise even if its fold is larger.
      const close = Number.isFinite(bestEval) && Math.abs(ev - bestEval) <= 1e-8 + 1e-5 * Math.abs(bestEval);
      if (close ? foldRows[f] < bestRows : ev < bestEval) {
        best = f;
        bestEval = ev;
        bestRows = foldRows[f];
      }
    }
    foldOf[g] = best;
    foldRows[best] += sizes[g];
    for (let c = 0; c < nClasses; c++) {
      const old = r[best * nClasses + c];
      const next = old + gc[g * nClasses + c] / classTotal[c];
      r[best * nClasses + c] = next;
      s1[c] += next - old;
      s2[c] += next * next - old * old;
    }
  }
  const assign = new Uint32Array(y.length);
  for (let i = 0; i < assign.length; i++) assign[i] = foldOf[ids[i]];
  return foldsFromAssignment(assign, k);
}

function std(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i];
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - m) * (a[i] - m);
  return Math.sqrt(v / a.length);
}

export interface TimeSeriesSplitOptions {
  /** number of folds (default 5) */
  nSplits?: number;
  /** rows per test fold (default floor(n / (nSplits + 1))) */
  testSize?: number;
  /** rows left out between the end of train and the start of test, so that labels looking
   *  ahead (e.g. "fails within 24 h") cannot leak from the test period into training */
  gap?: number;
  /** cap on training rows: a sliding instead of an expanding window */
  maxTrainSize?: number;
}

/**
 * Time-ordered folds (scikit-learn's TimeSeriesSplit): rows must already be in time order.
 * The test folds are the last nSplits · testSize rows in consecutive blocks; each trains on every
 * row before its test block minus `gap` rows (or the last maxTrainSize of them). Training rows
 * always precede test rows.
 */
export function timeSeriesSplit(n: number, opts: TimeSeriesSplitOptions = {}): Fold[] {
  checkCount('timeSeriesSplit', n);
  const nSplits = opts.nSplits ?? 5;
  const gap = opts.gap ?? 0;
  if (!Number.isInteger(nSplits) || nSplits < 2) throw new MLInputError(`timeSeriesSplit: nSplits must be an integer >= 2, got ${nSplits}`);
  if (!Number.isInteger(gap) || gap < 0) throw new MLInputError(`timeSeriesSplit: gap must be a non-negative integer, got ${gap}`);
  if (nSplits + 1 > n) throw new MLInputError(`timeSeriesSplit: cannot make ${nSplits} splits from ${n} rows`);
  const testSize = opts.testSize ?? Math.floor(n / (nSplits + 1));
  if (!Number.isInteger(testSize) || testSize < 1) throw new MLInputError(`timeSeriesSplit: testSize must be a positive integer, got ${testSize}`);
  const maxTrain = opts.maxTrainSize;
  if (maxTrain !== undefined && (!Number.isInteger(maxTrain) || maxTrain < 1)) throw new MLInputError(`timeSeriesSplit: maxTrainSize must be a positive integer, got ${maxTrain}`);
  if (n - gap - testSize * nSplits <= 0) throw new MLInputError(`timeSeriesSplit: ${nSplits} test folds of ${testSize} rows plus a gap of ${gap} leave no training rows out of ${n}`);
  const folds: Fold[] = [];
  for (let start = n - nSplits * testSize; start < n; start += testSize) {
    const trainEnd = start - gap;
    const trainStart = maxTrain !== undefined && maxTrain < trainEnd ? trainEnd - maxTrain : 0;
    folds.push({ train: range(trainStart, trainEnd), test: range(start, Math.min(start + testSize, n)) });
  }
  return folds;
}

function range(from: number, to: number): Uint32Array {
  const out = new Uint32Array(to - from);
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}
