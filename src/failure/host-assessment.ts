/**
 * One host's failure risk now, as the service reports it: the calibrated probability, whether it
 * alarms, the estimated time to failure, each member's score, the reasons (TreeSHAP on the
 * primary model, in words) and the recommended action.
 *
 * Input is the host's recent history on the model's regular grid (HISTORY_MINUTES of samples,
 * oldest first, NaN where missing) — or, for a caller that computed them itself, the feature row.
 */
import { matrix } from '../ml/core/index.js';
import { recommend, suspectedComponent, topReasons, type Reason, type Recommendation } from './explanations.js';
import { TTF_BUCKETS, type FailurePredictor } from './failure-predictor.js';
import type { SequenceFeaturizer } from './sequence-featurizer.js';
import type { WindowFeaturizer } from './window-dataset.js';

export interface FailureAssessment {
  hostId: string;
  /** Calibrated P(failure in (t + L, t + H]). */
  probability: number;
  /** The ensemble score the threshold applies to. */
  score: number;
  threshold: number;
  alarm: boolean;
  /** Under the alarm threshold but with at least a third of its probability. */
  elevated: boolean;
  /** Should a failure be coming: its most probable time-to-failure bucket and that bucket's probability. */
  timeToFailure: { bucket: string; probability: number };
  /** Each member's score; NaN for a member with ensemble weight 0 (not scored when serving). */
  members: Record<string, number>;
  reasons: Reason[];
  recommendation: Recommendation;
  /** Share of the model's features that could be computed (1: a full history). */
  coverage: number;
}

export interface HostHistory {
  hostId: string;
  /** Metric → values on the grid, oldest first (NaN where missing). */
  series: Readonly<Record<string, ArrayLike<number> | undefined>>;
  length: number;
}

/** Assesses hosts in one batch (one model call per member for all of them). */
export async function assessHistories(predictor: FailurePredictor, features: WindowFeaturizer, sequences: SequenceFeaturizer | null, hosts: readonly HostHistory[]): Promise<FailureAssessment[]> {
  const F = features.names.length;
  const X = new Float64Array(hosts.length * F);
  const useSeq = sequences !== null && predictor.sequenceWindow > 0;
  const S = useSeq ? sequences.names.length : 0;
  const seq = useSeq ? new Float64Array(hosts.length * S) : null;
  hosts.forEach((h, r) => {
    features.prepare(h.series, h.length).featuresAt(h.length - 1, X, r * F);
    if (seq) sequences!.prepare(h.series).featuresAt(h.length - 1, seq, r * S);
  });
  return assessRows(
    predictor,
    hosts.map((h) => h.hostId),
    X,
    seq,
  );
}

/** Assesses feature rows (hosts × predictor.featureNames, NaN where unknown); `sequences` rows when the LSTM member is used (else it counts as no evidence). */
export async function assessRows(predictor: FailurePredictor, hostIds: readonly string[], X: Float64Array, sequences: Float64Array | null): Promise<FailureAssessment[]> {
  const names = predictor.featureNames;
  const F = names.length;
  const n = hostIds.length;
  const Xm = matrix(X, n, F);
  const seq = sequences ? matrix(sequences, n, sequences.length / Math.max(1, n)) : undefined;
  const scored = await predictor.score(Xm, seq, { weightedOnly: true });
  const ttf = predictor.timeToFailure(Xm);
  const shap = predictor.contributions(Xm);
  const alarmProbability = predictor.alarmProbability;
  const out: FailureAssessment[] = [];
  for (let r = 0; r < n; r++) {
    const row = X.subarray(r * F, (r + 1) * F);
    const contributions = shap.subarray(r * (F + 1), (r + 1) * (F + 1));
    const reasons = topReasons(names, row, contributions);
    const alarm = scored.score[r] >= predictor.threshold;
    const probability = scored.probability[r];
    const elevated = !alarm && probability >= alarmProbability / 3;
    const bucket = TTF_BUCKETS[ttf.bucket[r]] ?? TTF_BUCKETS[TTF_BUCKETS.length - 1];
    let finite = 0;
    for (let i = 0; i < F; i++) if (row[i] === row[i]) finite++;
    out.push({
      hostId: hostIds[r],
      probability,
      score: scored.score[r],
      threshold: predictor.threshold,
      alarm,
      elevated,
      timeToFailure: { bucket: bucket.label, probability: ttf.probability[r] },
      members: Object.fromEntries(predictor.members.map((m, k) => [m, scored.members[k][r]])),
      reasons,
      recommendation: recommend({ hostId: hostIds[r], alarm, elevated, ttfMaxMinutes: bucket.maxMinutes, ttfLabel: bucket.label, component: suspectedComponent(reasons) }),
      coverage: finite / F,
    });
  }
  return out;
}
