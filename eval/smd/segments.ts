/** Labelled anomaly segments: maximal runs of 1s in a 0/1 point-label array. */
export interface Segment {
  /** First row of the run. */
  start: number;
  /** Last row of the run (inclusive). */
  end: number;
}

export function labelSegments(labels: ArrayLike<number>): Segment[] {
  const out: Segment[] = [];
  let start = -1;
  for (let i = 0; i <= labels.length; i++) {
    const on = i < labels.length && labels[i] === 1;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) {
      out.push({ start, end: i - 1 });
      start = -1;
    }
  }
  return out;
}

/** 1 where score ≥ threshold. */
export function alarmsAt(scores: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i] >= threshold ? 1 : 0;
  return out;
}

export function checkBinaryLabels(what: string, labels: ArrayLike<number>, n: number): void {
  if (labels.length !== n) throw new Error(`${what}: ${labels.length} labels for ${n} scores`);
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0 && labels[i] !== 1) throw new Error(`${what}: label ${i} is ${labels[i]}, expected 0 or 1`);
}
