/** The Pareto-optimal rows of a score table (higher is better in every column). */

/**
 * Indices of the non-dominated rows of a row-major table (`values[i * width + k]`), in
 * descending order of the first column. Rows are visited best-first (lexicographically), so a
 * row can only be dominated by one already on the front: O(n log n + n · front). Identical rows
 * are one point of the front: the first (best-ordered) one stands for them.
 */
export function paretoFront(values: Float64Array, width: number): number[] {
  const n = width > 0 ? values.length / width : 0;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => {
    for (let k = 0; k < width; k++) {
      const a = values[i * width + k];
      const b = values[j * width + k];
      if (a !== b) return b - a;
    }
    return i - j;
  });
  const front: number[] = [];
  for (let o = 0; o < n; o++) {
    const i = order[o];
    let kept = true;
    for (let f = 0; f < front.length && kept; f++) if (coversRow(values, width, front[f], i)) kept = false;
    if (kept) front.push(i);
  }
  return front;
}

/** Whether row a is at least as good as row b in every column (so b is dominated or a duplicate). */
function coversRow(values: Float64Array, width: number, a: number, b: number): boolean {
  for (let k = 0; k < width; k++) if (values[a * width + k] < values[b * width + k]) return false;
  return true;
}

/** The same on an array of rows (tests and small callers). */
export function paretoFrontOfRows(rows: readonly ArrayLike<number>[]): number[] {
  const width = rows.length ? rows[0].length : 0;
  const values = new Float64Array(rows.length * width);
  rows.forEach((r, i) => {
    for (let k = 0; k < width; k++) values[i * width + k] = r[k];
  });
  return paretoFront(values, width);
}
