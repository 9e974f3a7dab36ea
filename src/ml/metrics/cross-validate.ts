import { MLInputError, Random, takeRows, throwIfCancelled, type FitOptions, type FitProgress, type Matrix } from '../core/index.js';
import type { Fold } from './splits.js';

/**
 * k-fold cross-validation: fit a fresh model on each fold's training rows, score its outputs on
 * the test rows, and summarise each score as mean ± std over folds.
 */

/** What crossValidate needs of a model: the estimator contract's fit (sync or async) and outputs. */
export interface CrossValidatable {
  fit(X: Matrix, y: ArrayLike<number>, opts?: FitOptions): unknown;
  predict(X: Matrix): Float64Array;
}

/** A score of one fold from the true labels and the model's output on the test rows. */
export type ScoreFn = (yTrue: Float64Array, output: any) => number;

/**
 * A scorer is a function of (yTrue, predict(X)), or names another output method: for example
 * { score: rocAuc, method: 'predictProba' } for a ranking metric on probabilities.
 * Each method runs once per fold however many scorers use it.
 */
export type Scorer = ScoreFn | { score: ScoreFn; method?: string };

export interface FoldResult {
  fold: number;
  nTrain: number;
  nTest: number;
  scores: Record<string, number>;
  fitMs: number;
  scoreMs: number;
}

export interface ScoreSummary {
  /** mean over the folds where the score is defined (not NaN) */
  mean: number;
  /** population standard deviation (ddof = 0, as numpy's default) over the same folds */
  std: number;
  /** every fold's value, NaN included */
  values: Float64Array;
  /** folds where the score was NaN (e.g. AUC on a fold with a single class) */
  undefinedFolds: number;
}

export interface CrossValidateResult {
  folds: FoldResult[];
  summary: Record<string, ScoreSummary>;
}

export interface CrossValidateOptions {
  /** each fold's fit gets a seed drawn from Random(seed), so runs repeat bit for bit */
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

/**
 * Runs folds one after another (models parallelise their own fit; running folds concurrently
 * would oversubscribe the same cores). `makeModel(fold)` must return a fresh, unfitted model.
 */
export async function crossValidate(
  makeModel: (fold: number) => CrossValidatable,
  X: Matrix,
  y: ArrayLike<number>,
  folds: readonly Fold[],
  scorers: Record<string, Scorer>,
  opts: CrossValidateOptions = {},
): Promise<CrossValidateResult> {
  if (y.length !== X.rows) throw new MLInputError(`crossValidate: y has ${y.length} labels for ${X.rows} rows`);
  if (folds.length === 0) throw new MLInputError('crossValidate: no folds');
  const names = Object.keys(scorers);
  if (names.length === 0) throw new MLInputError('crossValidate: no scorers');
  for (const [f, fold] of folds.entries()) {
    if (fold.train.length === 0 || fold.test.length === 0) throw new MLInputError(`crossValidate: fold ${f} has an empty train or test set`);
    for (const i of fold.train) if (i >= X.rows) throw new MLInputError(`crossValidate: fold ${f} train index ${i} is out of range for ${X.rows} rows`);
    for (const i of fold.test) if (i >= X.rows) throw new MLInputError(`crossValidate: fold ${f} test index ${i} is out of range for ${X.rows} rows`);
  }
  const rng = new Random(opts.seed ?? 0);
  const yAll = Float64Array.from(y);
  const results: FoldResult[] = [];
  for (const [f, fold] of folds.entries()) {
    throwIfCancelled(opts.signal);
    const model = makeModel(f);
    const t0 = performance.now();
    await model.fit(takeRows(X, fold.train), take(yAll, fold.train), { seed: rng.uint32(), signal: opts.signal });
    const t1 = performance.now();
    const Xtest = takeRows(X, fold.test);
    const yTest = take(yAll, fold.test);
    const outputs = new Map<string, unknown>();
    const scores: Record<string, number> = {};
    for (const name of names) {
      const s = scorers[name];
      const method = typeof s === 'function' ? 'predict' : (s.method ?? 'predict');
      const fn = typeof s === 'function' ? s : s.score;
      if (!outputs.has(method)) {
        const m = (model as unknown as Record<string, unknown>)[method];
        if (typeof m !== 'function') throw new MLInputError(`crossValidate: scorer ${name} needs model.${method}(), which the model does not have`);
        outputs.set(method, m.call(model, Xtest));
      }
      scores[name] = fn(yTest, outputs.get(method));
    }
    results.push({ fold: f, nTrain: fold.train.length, nTest: fold.test.length, scores, fitMs: t1 - t0, scoreMs: performance.now() - t1 });
    opts.onProgress?.({ fraction: (f + 1) / folds.length, message: `fold ${f + 1}/${folds.length}`, metrics: scores });
  }
  const summary: Record<string, ScoreSummary> = {};
  for (const name of names) {
    const values = Float64Array.from(results, (r) => r.scores[name]);
    let n = 0;
    let sum = 0;
    for (const v of values) if (!Number.isNaN(v)) (n++, (sum += v));
    const mean = n ? sum / n : NaN;
    let ss = 0;
    for (const v of values) if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
    summary[name] = { mean, std: n ? Math.sqrt(ss / n) : NaN, values, undefinedFolds: values.length - n };
  }
  return { folds: results, summary };
}

function take(y: Float64Array, idx: Uint32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
  return out;
}
