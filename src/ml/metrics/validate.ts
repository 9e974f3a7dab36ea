import { MLInputError } from '../core/index.js';

/**
 * Input checks shared by the metrics. Metrics are called at the edges of training and evaluation,
 * where a silent NaN from mismatched arrays would poison a model registry entry, so every check
 * throws MLInputError with the metric's name and what to fix.
 */

export function checkSameLength(name: string, a: ArrayLike<number>, b: ArrayLike<number>, what: [string, string] = ['yTrue', 'yPred']): void {
  if (a.length !== b.length) throw new MLInputError(`${name}: ${what[0]} has ${a.length} values but ${what[1]} has ${b.length}`);
  if (a.length === 0) throw new MLInputError(`${name}: empty input`);
}

export function checkFinite(name: string, a: ArrayLike<number>, what: string): void {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new MLInputError(`${name}: ${what}[${i}] is ${a[i]}`);
}

/** Binary labels must be exactly 0 or 1 (positive = 1); returns the number of positives. */
export function checkBinary(name: string, y: ArrayLike<number>, what = 'yTrue'): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v === 1) pos++;
    else if (v !== 0) throw new MLInputError(`${name}: ${what}[${i}] is ${v}; binary labels must be 0 or 1 (positive = 1)`);
  }
  return pos;
}

export function checkProbabilities(name: string, p: ArrayLike<number>, what = 'prob'): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!(v >= 0 && v <= 1)) throw new MLInputError(`${name}: ${what}[${i}] is ${v}; probabilities must lie in [0, 1]`);
  }
}

