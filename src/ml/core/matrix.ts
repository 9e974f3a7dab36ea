import { MLInputError } from './errors.js';

/**
 * A dense row-major matrix: one typed array plus its shape. Models take and return these, never
 * arrays of objects. NaN marks a missing value where a model supports missing values.
 */
export interface Matrix {
  readonly data: Float64Array | Float32Array;
  readonly rows: number;
  readonly cols: number;
}

export function matrix(data: Float64Array | Float32Array, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) throw new MLInputError(`invalid shape ${rows}×${cols}`);
  if (data.length !== rows * cols) throw new MLInputError(`data has ${data.length} values, expected ${rows}×${cols} = ${rows * cols}`);
  return { data, rows, cols };
}

export function zeros(rows: number, cols: number, type: 'f64' | 'f32' = 'f64'): Matrix {
  return matrix(type === 'f64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols), rows, cols);
}

/** Builds a matrix from nested arrays (tests and small inputs; hot paths build typed arrays directly). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r ? rows[0].length : 0;
  const data = new Float64Array(r * c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new MLInputError(`row ${i} has ${row.length} values, expected ${c}`);
    data.set(row, i * c);
  });
  return matrix(data, r, c);
}

export function getRow(m: Matrix, i: number): Float64Array | Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** The rows at `indices`, copied into a new matrix of the same element type. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = m.data instanceof Float32Array ? new Float32Array(indices.length * m.cols) : new Float64Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) out.set(m.data.subarray(indices[k] * m.cols, (indices[k] + 1) * m.cols), k * m.cols);
  return matrix(out, indices.length, m.cols);
}

/** Checks X (and y) before fitting: non-empty, consistent shapes, labels present and finite. */
export function checkFitInput(kind: string, X: Matrix, y?: ArrayLike<number>, opts: { allowNaNFeatures?: boolean } = {}): void {
  if (X.rows === 0 || X.cols === 0) throw new MLInputError(`${kind}: cannot fit on empty data (${X.rows}×${X.cols})`);
  if (X.data.length !== X.rows * X.cols) throw new MLInputError(`${kind}: X.data has ${X.data.length} values for shape ${X.rows}×${X.cols}`);
  if (!opts.allowNaNFeatures) {
    for (let i = 0; i < X.data.length; i++) {
      if (!Number.isFinite(X.data[i])) throw new MLInputError(`${kind}: X has a non-finite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
    }
  } else {
    for (let i = 0; i < X.data.length; i++) {
      const v = X.data[i];
      if (v === Infinity || v === -Infinity) throw new MLInputError(`${kind}: X has an infinite value at row ${Math.floor(i / X.cols)}, column ${i % X.cols}`);
    }
  }
  if (y !== undefined) {
    if (y.length !== X.rows) throw new MLInputError(`${kind}: y has ${y.length} labels for ${X.rows} rows`);
    for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new MLInputError(`${kind}: label ${i} is ${y[i]}`);
  }
}

export function checkPredictInput(kind: string, X: Matrix, cols: number): void {
  if (X.cols !== cols) throw new MLInputError(`${kind}: X has ${X.cols} columns, the model was fitted on ${cols}`);
  if (X.data.length !== X.rows * X.cols) throw new MLInputError(`${kind}: X.data has ${X.data.length} values for shape ${X.rows}×${X.cols}`);
}
