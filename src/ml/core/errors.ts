/** Errors of the ML library: a caller's mistake (bad input, unknown parameter) or misuse (not fitted). */
export class MLInputError extends Error {
  override name = 'MLInputError';
}

export class NotFittedError extends Error {
  override name = 'NotFittedError';
  constructor(kind: string) {
    super(`${kind} is not fitted: call fit() first`);
  }
}

export class UnknownParameterError extends MLInputError {
  override name = 'UnknownParameterError';
  constructor(kind: string, names: string[], known: readonly string[]) {
    super(`${kind}: unknown parameter${names.length > 1 ? 's' : ''} ${names.join(', ')}; known: ${known.join(', ')}`);
  }
}

export class FitCancelledError extends Error {
  override name = 'FitCancelledError';
  constructor() {
    super('fit was cancelled');
  }
}
