/**
 * The ensemble's combiner: a weighted average of the members' scores, each first put on a common
 * scale, with weights learned on validation data by maximising average precision.
 *
 * The common scale: a member whose validation scores all lie in [0, 1] (a probability, an
 * isolation score) is read as log-odds, then every member is centred on its validation median and
 * divided by the spread between its 5th and 95th percentiles. Why: the members speak different
 * units (a boosted tree's probability, an isolation score, an LSTM's sigmoid), and a raw average
 * would let the widest-ranging member dominate. Why not ranks (an earlier version): a rank
 * saturates at the top of the validation scores, and the alarm threshold of a one-false-alarm-a-
 * month budget lives exactly there, among the top 0.1 % of windows. Why average
 * precision: failures are rare, and the combiner should order the few positives above the many
 * negatives, which AP rewards and accuracy does not. Weights live on the simplex (non-negative,
 * summing to 1) and are found by pairwise coordinate ascent (the objective may be replaced: the
 * failure predictor maximises event recall at the alert budget, AP breaking ties) — moving weight from one member to
 * another while AP improves, in shrinking steps — cheap for a handful of members, and a member
 * that adds nothing ends at weight 0 (so the report shows whether the ensemble earns its keep).
 */
import { MLInputError } from '../ml/core/index.js';
import { averagePrecision } from '../ml/metrics/index.js';

/** Log-odds are clipped here so that a probability of exactly 0 or 1 stays finite. */
const LOGIT_EPS = 1e-9;

/** How one member's score is put on the common scale. */
export interface MemberScale {
  logit: boolean;
  centre: number;
  spread: number;
}

export interface StackedScoreState {
  members: string[];
  weights: number[];
  scales: MemberScale[];
}

export class StackedScore {
  private constructor(
    readonly members: readonly string[],
    readonly weights: Float64Array,
    private readonly scales: readonly MemberScale[],
  ) {}

  /**
   * Learns the weights from validation scores (`scores[m][i]`: member m on row i) and labels.
   * `steps`: the weight moves tried, largest first.
   */
  static fit(
    members: readonly string[],
    scores: readonly ArrayLike<number>[],
    y: ArrayLike<number>,
    steps: readonly number[] = [0.2, 0.1, 0.05],
    objective: (combined: Float64Array) => number = (combined) => averagePrecision(y, combined),
  ): StackedScore {
    if (members.length === 0 || members.length !== scores.length) throw new MLInputError(`StackedScore: ${members.length} member names for ${scores.length} score columns`);
    const n = y.length;
    for (const s of scores) if (s.length !== n) throw new MLInputError(`StackedScore: a score column has ${s.length} rows, labels ${n}`);
    let positives = 0;
    for (let i = 0; i < n; i++) positives += y[i] === 1 ? 1 : 0;
    if (positives === 0 || positives === n) throw new MLInputError('StackedScore: validation data needs both positives and negatives');
    const scales = scores.map((s) => scaleOf(s));
    const ranked = scores.map((s, m) => Float64Array.from(s as ArrayLike<number>, (x) => standardise(scales[m], x)));
    const M = members.length;
    const combined = new Float64Array(n);
    const ap = (weights: Float64Array) => {
      combined.fill(0);
      for (let m = 0; m < M; m++) if (weights[m] > 0) for (let i = 0; i < n; i++) combined[i] += weights[m] * ranked[m][i];
      return objective(combined);
    };
    // Start from the best of the equal mix and each member alone: an objective with plateaus (event
    // recall moves a failure at a time) can strand the ascent, and the ensemble must never do
    // worse on validation than its best member.
    let w = new Float64Array(M).fill(1 / M);
    let best = ap(w);
    for (let m = 0; m < M && M > 1; m++) {
      const alone = new Float64Array(M);
      alone[m] = 1;
      const score = ap(alone);
      if (score > best + 1e-9) [w, best] = [alone, score];
    }
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
    return new StackedScore([...members], w, scales);
  }

  /** The combined score of one row's member scores (in `members` order): unbounded, higher is riskier. */
  score(memberScores: ArrayLike<number>): number {
    let s = 0;
    for (let m = 0; m < this.members.length; m++) if (this.weights[m] > 0) s += this.weights[m] * standardise(this.scales[m], memberScores[m]);
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
    return { members: [...this.members], weights: Array.from(this.weights), scales: this.scales.map((x) => ({ ...x })) };
  }

  static fromJSON(s: StackedScoreState): StackedScore {
    const ok = (x: MemberScale) => x && typeof x.logit === 'boolean' && Number.isFinite(x.centre) && x.spread > 0;
    if (!s || !Array.isArray(s.members) || s.weights?.length !== s.members.length || s.scales?.length !== s.members.length || !s.scales.every(ok)) throw new MLInputError('StackedScore: malformed state');
    return new StackedScore(s.members, Float64Array.from(s.weights), s.scales);
  }
}

function scaleOf(s: ArrayLike<number>): MemberScale {
  const finite = Array.from(s as ArrayLike<number>).filter((x) => Number.isFinite(x));
  if (finite.length === 0) throw new MLInputError('StackedScore: a member has no finite validation score');
  const logit = finite.every((x) => x >= 0 && x <= 1);
  const v = Float64Array.from(finite, (x) => (logit ? logOdds(x) : x)).sort();
  const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * (v.length - 1)))];
  const spread = q(0.95) - q(0.05);
  return { logit, centre: q(0.5), spread: spread > 1e-12 ? spread : Math.max(1e-6, v[v.length - 1] - v[0]) || 1 };
}

function logOdds(p: number): number {
  const c = Math.min(1 - LOGIT_EPS, Math.max(LOGIT_EPS, p));
  return Math.log(c / (1 - c));
}

/** A score on the member's common scale; NaN (no evidence) reads as the validation median. */
function standardise(scale: MemberScale, x: number): number {
  if (!(x === x)) return 0;
  return ((scale.logit ? logOdds(x) : x) - scale.centre) / scale.spread;
}
