/**
 * The ensemble's combiner: a weighted average of the members' scores, each first put on a common
 * scale (its rank among the member's own validation scores, an ECDF), with weights learned on
 * validation data by maximising average precision.
 *
 * Why ranks: the members speak different units (a boosted tree's probability, an isolation score,
 * an LSTM's sigmoid), and a raw average would let the widest-ranging member dominate. Why average
 * precision: failures are rare, and the combiner should order the few positives above the many
 * negatives, which AP rewards and accuracy does not. Weights live on the simplex (non-negative,
 * summing to 1) and are found by pairwise coordinate ascent — moving weight from one member to
 * another while AP improves, in shrinking steps — cheap for a handful of members, and a member
 * that adds nothing ends at weight 0 (so the report shows whether the ensemble earns its keep).
 */
import { MLInputError } from '../ml/core/index.js';
import { averagePrecision } from '../ml/metrics/index.js';

/** Validation scores kept per member to rank new scores against. */
const MAX_REFERENCE = 1024;

export interface StackedScoreState {
  members: string[];
  weights: number[];
  /** Per member, ascending reference scores (a subsample of its validation scores). */
  reference: number[][];
}

export class StackedScore {
  private constructor(
    readonly members: readonly string[],
    readonly weights: Float64Array,
    private readonly reference: Float64Array[],
  ) {}

  /**
   * Learns the weights from validation scores (`scores[m][i]`: member m on row i) and labels.
   * `steps`: the weight moves tried, largest first.
   */
  static fit(members: readonly string[], scores: readonly ArrayLike<number>[], y: ArrayLike<number>, steps: readonly number[] = [0.2, 0.1, 0.05]): StackedScore {
    if (members.length === 0 || members.length !== scores.length) throw new MLInputError(`StackedScore: ${members.length} member names for ${scores.length} score columns`);
    const n = y.length;
    for (const s of scores) if (s.length !== n) throw new MLInputError(`StackedScore: a score column has ${s.length} rows, labels ${n}`);
    let positives = 0;
    for (let i = 0; i < n; i++) positives += y[i] === 1 ? 1 : 0;
    if (positives === 0 || positives === n) throw new MLInputError('StackedScore: validation data needs both positives and negatives');
    const reference = scores.map((s) => referenceOf(s));
    const ranked = scores.map((s, m) => Float64Array.from(s as ArrayLike<number>, (x) => rank(reference[m], x)));
    const M = members.length;
    const w = new Float64Array(M).fill(1 / M);
    const combined = new Float64Array(n);
    const ap = (weights: Float64Array) => {
      combined.fill(0);
      for (let m = 0; m < M; m++) if (weights[m] > 0) for (let i = 0; i < n; i++) combined[i] += weights[m] * ranked[m][i];
      return averagePrecision(y, combined);
    };
    let best = ap(w);
    for (const step of steps) {
      for (let improved = true; improved; ) {
        improved = false;
        for (let to = 0; to < M; to++)
          for (let from = 0; from < M; from++) {
            if (to === from || w[from] <= 1e-12) continue;
            const move = Math.min(step, w[from]);
            w[from] -= move;
            w[to] += move;
            const score = ap(w);
            if (score > best + 1e-9) {
              best = score;
              improved = true;
            } else {
              w[from] += move;
              w[to] -= move;
            }
          }
      }
    }
    for (let m = 0; m < M; m++) if (w[m] < 1e-9) w[m] = 0;
    return new StackedScore([...members], w, reference);
  }

  /** The combined score in [0, 1] of one row's member scores (in `members` order). */
  score(memberScores: ArrayLike<number>): number {
    let s = 0;
    for (let m = 0; m < this.members.length; m++) if (this.weights[m] > 0) s += this.weights[m] * rank(this.reference[m], memberScores[m]);
    return s;
  }

  /** Combined scores of many rows (`scores[m][i]`). */
  scoreAll(scores: readonly ArrayLike<number>[]): Float64Array {
    const n = scores[0]?.length ?? 0;
    const out = new Float64Array(n);
    const row = new Float64Array(this.members.length);
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < row.length; m++) row[m] = scores[m][i];
      out[i] = this.score(row);
    }
    return out;
  }

  toJSON(): StackedScoreState {
    return { members: [...this.members], weights: Array.from(this.weights), reference: this.reference.map((r) => Array.from(r)) };
  }

  static fromJSON(s: StackedScoreState): StackedScore {
    if (!s || !Array.isArray(s.members) || s.weights?.length !== s.members.length || s.reference?.length !== s.members.length) throw new MLInputError('StackedScore: malformed state');
    return new StackedScore(s.members, Float64Array.from(s.weights), s.reference.map((r) => Float64Array.from(r)));
  }
}

/** Up to MAX_REFERENCE evenly spaced order statistics of the finite scores. */
function referenceOf(s: ArrayLike<number>): Float64Array {
  const finite = Array.from(s as ArrayLike<number>).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (finite.length === 0) throw new MLInputError('StackedScore: a member has no finite validation score');
  if (finite.length <= MAX_REFERENCE) return Float64Array.from(finite);
  return Float64Array.from({ length: MAX_REFERENCE }, (_, i) => finite[Math.round((i * (finite.length - 1)) / (MAX_REFERENCE - 1))]);
}

/** Mid-rank of x among the reference scores, in [0, 1]; NaN ranks as 0 (no evidence). */
function rank(reference: Float64Array, x: number): number {
  if (!(x === x)) return 0;
  let lo = 0;
  let hi = reference.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reference[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  let eq = lo;
  while (eq < reference.length && reference[eq] === x) eq++;
  return (lo + 0.5 * (eq - lo)) / reference.length;
}
