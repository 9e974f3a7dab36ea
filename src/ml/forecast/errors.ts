import { MLInputError } from '../core/errors.js';

/**
 * A series too short for the model asked of it. It is a caller's problem (wait for more data or
 * pick a simpler model), so it is an MLInputError; `needed` and `available` let a service say how
 * long to wait instead of only that it failed.
 */
export class InsufficientHistoryError extends MLInputError {
  override name = 'InsufficientHistoryError';
  /** Steps of history the model needs. */
  readonly needed: number;
  /** Steps the series has. */
  readonly available: number;

  constructor(model: string, needed: number, available: number, why = '') {
    super(`${model} needs at least ${needed} steps of history${why ? ` (${why})` : ''}; the series has ${available}`);
    this.needed = needed;
    this.available = available;
  }
}
