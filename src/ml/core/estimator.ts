import { NotFittedError, UnknownParameterError, FitCancelledError, MLInputError } from './errors.js';
import type { Matrix } from './matrix.js';

export interface FitProgress {
  /** 0..1 */
  fraction: number;
  message?: string;
  /** e.g. the validation loss of the current boosting round */
  metrics?: Record<string, number>;
}

export interface FitOptions {
  /** Seed for every random choice; the same seed and data give the same model bit for bit. */
  seed?: number;
  /** Aborting stops the fit at the next checkpoint with FitCancelledError. */
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

/** The serialised form of every model: a kind, a format version, its params and its fitted state. */
export interface SerializedModel<P = unknown, S = unknown> {
  kind: string;
  formatVersion: number;
  params: P;
  state: S;
}

/**
 * The estimator contract (after scikit-learn). The constructor only stores params; `fit` checks
 * them and the data. `fit` is asynchronous because training runs on worker threads; prediction
 * is synchronous and allocation-light.
 */
export interface Estimator<P> {
  readonly params: P;
  fit(X: Matrix, y?: ArrayLike<number>, opts?: FitOptions): Promise<this>;
  predict(X: Matrix): Float64Array;
  toJSON(): SerializedModel<P>;
}

/** Throws for parameter names the estimator does not know (a typo must not be silently ignored). */
export function checkParamNames(kind: string, params: object, known: readonly string[]): void {
  const unknown = Object.keys(params).filter((k) => !known.includes(k));
  if (unknown.length) throw new UnknownParameterError(kind, unknown, known);
}

export function assertFitted<T>(kind: string, state: T | undefined): asserts state is T {
  if (state === undefined) throw new NotFittedError(kind);
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FitCancelledError();
}

/** Checks that a serialised model is of the expected kind and a format this code reads. */
export function checkSerialized(s: SerializedModel, kind: string, formatVersion: number): void {
  if (!s || s.kind !== kind) throw new MLInputError(`expected a serialised ${kind}, got ${s?.kind}`);
  if (s.formatVersion !== formatVersion) throw new MLInputError(`${kind} format version ${s.formatVersion} is not supported (this code reads ${formatVersion})`);
}
