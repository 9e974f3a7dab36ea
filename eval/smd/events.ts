/**
 * Event-wise view of alarms at one threshold, in the operator's terms:
 * - event recall: the share of labelled segments with at least one alarm inside them;
 * - false alarms per day: alarm events (maximal runs of consecutive alarming rows) that touch no
 *   labelled segment, per day of scored data;
 * - detection delay: minutes from a detected segment's first row to its first alarm, averaged
 *   over the detected segments (NaN when none is detected).
 */
import { checkBinaryLabels, labelSegments } from './segments.js';

export interface EventScores {
  segments: number;
  detected: number;
  /** detected / segments (NaN without segments). */
  recall: number;
  alarmEvents: number;
  falseAlarmEvents: number;
  falseAlarmsPerDay: number;
  /** Mean minutes from segment start to first alarm over detected segments (NaN if none). */
  meanDelayMinutes: number;
  /** Share of rows alarming. */
  alarmRate: number;
}

export function eventScores(labels: ArrayLike<number>, alarms: ArrayLike<number>, minutesPerRow = 1): EventScores {
  checkBinaryLabels('eventScores', labels, alarms.length);
  if (!(minutesPerRow > 0)) throw new Error(`eventScores: minutesPerRow must be positive, got ${minutesPerRow}`);
  const n = alarms.length;
  const segs = labelSegments(labels);
  let detected = 0;
  let delay = 0;
  for (const s of segs) {
    for (let i = s.start; i <= s.end; i++) {
      if (alarms[i]) {
        detected++;
        delay += (i - s.start) * minutesPerRow;
        break;
      }
    }
  }
  let alarmEvents = 0;
  let falseAlarmEvents = 0;
  let alarming = 0;
  for (let i = 0; i < n; ) {
    if (!alarms[i]) {
      i++;
      continue;
    }
    let touches = false;
    const start = i;
    for (; i < n && alarms[i]; i++) if (labels[i]) touches = true;
    alarming += i - start;
    alarmEvents++;
    if (!touches) falseAlarmEvents++;
  }
  const days = (n * minutesPerRow) / 1440;
  return {
    segments: segs.length,
    detected,
    recall: segs.length ? detected / segs.length : NaN,
    alarmEvents,
    falseAlarmEvents,
    falseAlarmsPerDay: days > 0 ? falseAlarmEvents / days : NaN,
    meanDelayMinutes: detected ? delay / detected : NaN,
    alarmRate: n ? alarming / n : NaN,
  };
}
