/**
 * Distinct scores in ascending order with how many samples, and how many positives, share each.
 *
 * Ranking metrics and isotonic calibration only need these counts, never the sample order. So
 * instead of sorting indices with a comparator (a JS callback per comparison, ~1 s per million
 * rows), the scores of each class are copied into a Float64Array, sorted natively and merged:
 * still O(n log n), about ten times faster.
 */
export interface TieGroups {
  /** distinct scores, ascending */
  values: Float64Array;
  /** samples with each score */
  total: Float64Array;
  /** positives (label 1) with each score */
  positives: Float64Array;
}

/** Labels must already be checked to be 0/1 and scores to be finite. */
export function tieGroups(y: ArrayLike<number>, score: ArrayLike<number>): TieGroups {
  const n = y.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += y[i];
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(n - nPos);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    // + 0 turns −0 into +0, so the two zeros form one tie group as they compare equal.
    if (y[i] === 1) pos[a++] = score[i] + 0;
    else neg[b++] = score[i] + 0;
  }
  pos.sort();
  neg.sort();
  const values = new Float64Array(n);
  const total = new Float64Array(n);
  const positives = new Float64Array(n);
  let m = 0;
  let i = 0;
  let j = 0;
  while (i < pos.length || j < neg.length) {
    const v = j >= neg.length || (i < pos.length && pos[i] < neg[j]) ? pos[i] : neg[j];
    let p = 0;
    let q = 0;
    while (i < pos.length && pos[i] === v) (i++, p++);
    while (j < neg.length && neg[j] === v) (j++, q++);
    values[m] = v;
    positives[m] = p;
    total[m] = p + q;
    m++;
  }
  return { values: values.slice(0, m), total: total.slice(0, m), positives: positives.slice(0, m) };
}
