/**
 * PA%K (Kim et al., "Towards a Rigorous Evaluation of Time-series Anomaly Detection", AAAI 2022).
 * Point adjustment (PA) marks every point of a labelled segment detected as soon as one of its
 * points is — which lets random scores reach a high F1. PA%K adjusts a segment only when at least
 * K % of its points are detected (and at least one is); otherwise its points count as they are.
 * False positives are never adjusted. K = 0 is PA, K = 100 is the plain point-wise count.
 */
import { checkBinaryLabels, labelSegments } from './segments.js';
import type { PointScores } from './point-metrics.js';

function checkK(K: number): void {
  if (!(K >= 0 && K <= 100)) throw new Error(`PA%K: K must be in [0, 100], got ${K}`);
}

/** The predictions after PA%K adjustment. */
export function paKAdjust(labels: ArrayLike<number>, predictions: ArrayLike<number>, K: number): Uint8Array {
  checkK(K);
  checkBinaryLabels('paKAdjust', labels, predictions.length);
  const out = Uint8Array.from(predictions, (v) => (v ? 1 : 0));
  for (const s of labelSegments(labels)) {
    let hit = 0;
    for (let i = s.start; i <= s.end; i++) hit += out[i];
    const len = s.end - s.start + 1;
    if (hit > 0 && hit * 100 >= K * len) out.fill(1, s.start, s.end + 1);
  }
  return out;
}

function f1Of(tp: number, fp: number, positives: number): { precision: number; recall: number; f1: number } {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = positives > 0 ? tp / positives : 0;
  const f1 = tp > 0 ? (2 * tp) / (2 * tp + fp + (positives - tp)) : 0;
  return { precision, recall, f1 };
}

/** F1 under PA%K when alarming at score ≥ threshold. */
export function paKF1At(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number, K: number): PointScores {
  const pred = paKAdjust(
    labels,
    Uint8Array.from(scores as ArrayLike<number>, (v) => (v >= threshold ? 1 : 0)),
    K,
  );
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < pred.length; i++) {
    positives += labels[i];
    if (pred[i]) labels[i] ? tp++ : fp++;
  }
  return { threshold, ...f1Of(tp, fp, positives) };
}

/**
 * The best F1 under PA%K over every threshold, in one pass down the sorted scores (tied scores
 * enter together): each segment's detected count grows, and when it reaches K % the rest of the
 * segment joins the true positives at once.
 */
export function bestPaKF1(labels: ArrayLike<number>, scores: ArrayLike<number>, K: number): PointScores {
  checkK(K);
  checkBinaryLabels('bestPaKF1', labels, scores.length);
  const n = scores.length;
  const segOf = new Int32Array(n).fill(-1);
  const segs = labelSegments(labels);
  segs.forEach((s, k) => segOf.fill(k, s.start, s.end + 1));
  const hits = new Int32Array(segs.length);
  const adjusted = new Uint8Array(segs.length);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  let tp = 0;
  let fp = 0;
  let best: PointScores = { threshold: Infinity, precision: 0, recall: 0, f1: 0 };
  for (let k = 0; k < n; ) {
    const v = scores[order[k]];
    for (; k < n && scores[order[k]] === v; k++) {
      const i = order[k];
      const s = segOf[i];
      if (s < 0) {
        fp++;
        continue;
      }
      hits[s]++;
      if (adjusted[s]) continue;
      tp++;
      const len = segs[s].end - segs[s].start + 1;
      if (hits[s] * 100 >= K * len) {
        adjusted[s] = 1;
        tp += len - hits[s];
      }
    }
    const m = f1Of(tp, fp, positives);
    if (m.f1 > best.f1) best = { threshold: v, ...m };
  }
  return best;
}
