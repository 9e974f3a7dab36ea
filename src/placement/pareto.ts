/** The Pareto-optimal rows of a score table (higher is better in every column). */

/** Whether a is at least as good as b everywhere and better somewhere. */
function dominates(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k] < b[k]) return false;
    if (a[k] > b[k]) better = true;
  }
  return better;
}

/**
 * Indices of the non-dominated rows, in descending order of the first column. Rows are visited
 * best-first by the first column, so a row can only be dominated by one already on the front:
 * O(n log n + n · front).
 */
export function paretoFront(rows: readonly ArrayLike<number>[]): number[] {
  const order = rows.map((_, i) => i).sort((i, j) => {
    for (let k = 0; k < rows[i].length; k++) if (rows[i][k] !== rows[j][k]) return rows[j][k] - rows[i][k];
    return i - j;
  });
  const front: number[] = [];
  for (const i of order) {
    if (!front.some((j) => dominates(rows[j], rows[i]) || sameRow(rows[j], rows[i]))) front.push(i);
  }
  return front;
}

/** Identical rows are one point of the front: the first (best-ordered) one stands for them. */
function sameRow(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
