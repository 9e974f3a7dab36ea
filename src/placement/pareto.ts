/** The Pareto-optimal rows of a score table (higher is better in every column). */

/**
 * Indices of the non-dominated rows of a row-major table (`values[i * width + k]`), in
 * descending lexicographic order (first column first). One pass keeps the current front: a row
 * covered by a member (dominated, or equal to it) is dropped, a row that dominates members
 * replaces them: O(n · front), no sort of the whole table. Identical rows are one point of the
 * front: the lowest index stands for them.
 */
export function paretoFront(values: Float64Array, width: number): number[] {
  const n = width > 0 ? values.length / width : 0;
  let front: number[] = [];
  for (let i = 0; i < n; i++) {
    let covered = false;
    for (let f = 0; f < front.length && !covered; f++) if (coversRow(values, width, front[f], i)) covered = true;
    if (covered) continue;
    // i is not covered by any member; members it covers are dominated by it (not equal: equal would cover i).
    if (front.some((j) => coversRow(values, width, i, j))) front = front.filter((j) => !coversRow(values, width, i, j));
    front.push(i);
  }
  return front.sort((a, b) => {
    for (let k = 0; k < width; k++) {
      const d = values[b * width + k] - values[a * width + k];
      if (d !== 0) return d;
    }
    return a - b;
  });
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
