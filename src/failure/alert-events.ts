/**
 * From per-window alarms to what an operator sees and what an evaluation counts.
 *
 * Alerts. Consecutive alarming windows of one entity are one alert: an alarm within `cooldownMs`
 * of the entity's previous alarm continues that alert (a failing disk keeps scoring high; the
 * operator wants one page, not one per minute).
 *
 * Outcome of an alert, against the failures:
 *   - true   a failure of the entity starts while it is raised or within the horizon after its
 *            last alarm: in (start, end + horizon];
 *   - false  otherwise.
 * A failure is warned in time when an alert is raised at some moment of [failedAt − horizon,
 * failedAt − minLead] — it started by failedAt − minLead (early enough to act) and was still
 * raised at failedAt − horizon or later (not an old alert that ended long before). Its lead is
 * failedAt − its start: a disk alarming for hours before it fails was warned hours ahead.
 * Event recall = failures warned in time / failures; false alarms per entity-day = false alerts /
 * observed entity-days.
 */
import { MLInputError } from '../ml/core/index.js';
import { resolveLeadTime, type FailureInterval, type LeadTimeOptions } from './labels.js';

export interface AlarmPoint {
  entityId: string;
  /** Window time (epoch ms). */
  t: number;
}

export interface Alert {
  entityId: string;
  start: number;
  end: number;
  /** Alarming windows merged into it. */
  windows: number;
}

/** Merges alarms into alerts per entity (see the file comment). `alarms` may come in any order. */
export function groupAlerts(alarms: readonly AlarmPoint[], cooldownMs: number): Alert[] {
  if (!(cooldownMs >= 0)) throw new MLInputError(`cooldownMs must be ≥ 0, got ${cooldownMs}`);
  const byEntity = new Map<string, number[]>();
  for (const a of alarms) {
    let list = byEntity.get(a.entityId);
    if (!list) byEntity.set(a.entityId, (list = []));
    list.push(a.t);
  }
  const alerts: Alert[] = [];
  for (const [entityId, times] of [...byEntity].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    times.sort((a, b) => a - b);
    let cur: Alert | null = null;
    for (const t of times) {
      if (cur && t - cur.end <= cooldownMs) {
        cur.end = t;
        cur.windows++;
      } else {
        cur = { entityId, start: t, end: t, windows: 1 };
        alerts.push(cur);
      }
    }
  }
  return alerts;
}

export interface EventScores {
  failures: number;
  /** Failures with an alert starting in [failedAt − H, failedAt − L]. */
  warnedInTime: number;
  recall: number;
  alerts: number;
  trueAlerts: number;
  precision: number;
  falseAlerts: number;
  /** False alerts per observed entity-day. */
  falseAlarmsPerEntityDay: number;
  /** Median lead (ms) of the first in-time alert of each warned failure. */
  medianLeadMs: number;
  /** The same per failure mode (failures without a mode under 'unknown'). */
  byMode: Record<string, { failures: number; warnedInTime: number; recall: number; medianLeadMs: number }>;
}

/**
 * Scores alerts against failures. `entityDays` is the observed time in entity-days (the
 * denominator of the false-alarm rate); failures and alerts of entities absent from the other list
 * count as usual (a failure nobody alerted on is missed; an alert on an entity that never fails is false).
 */
export function scoreAlerts(alerts: readonly Alert[], failures: readonly FailureInterval[], entityDays: number, options: Partial<LeadTimeOptions> = {}): EventScores {
  const { horizonMs: H, minLeadMs: L } = resolveLeadTime(options);
  if (!(entityDays > 0)) throw new MLInputError(`entityDays must be > 0, got ${entityDays}`);
  const alertsBy = new Map<string, Alert[]>();
  for (const a of alerts) {
    let list = alertsBy.get(a.entityId);
    if (!list) alertsBy.set(a.entityId, (list = []));
    list.push(a);
  }
  for (const list of alertsBy.values()) list.sort((a, b) => a.start - b.start);
  const failuresBy = new Map<string, number[]>();
  for (const f of failures) {
    let list = failuresBy.get(f.entityId);
    if (!list) failuresBy.set(f.entityId, (list = []));
    list.push(f.failedAt);
  }

  const leads: number[] = [];
  const modes = new Map<string, { failures: number; leads: number[] }>();
  let warned = 0;
  for (const f of failures) {
    const mode = f.mode ?? 'unknown';
    let m = modes.get(mode);
    if (!m) modes.set(mode, (m = { failures: 0, leads: [] }));
    m.failures++;
    // The earliest alert raised within the useful range gives the lead the operator had.
    const first = (alertsBy.get(f.entityId) ?? []).find((a) => a.start <= f.failedAt - L && a.end >= f.failedAt - H);
    if (first !== undefined) {
      warned++;
      leads.push(f.failedAt - first.start);
      m.leads.push(f.failedAt - first.start);
    }
  }
  let trueAlerts = 0;
  for (const a of alerts) {
    const fs = failuresBy.get(a.entityId) ?? [];
    if (fs.some((t) => t > a.start && t <= a.end + H)) trueAlerts++;
  }
  const falseAlerts = alerts.length - trueAlerts;
  const byMode: EventScores['byMode'] = {};
  for (const [mode, m] of [...modes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    byMode[mode] = { failures: m.failures, warnedInTime: m.leads.length, recall: m.leads.length / m.failures, medianLeadMs: median(m.leads) };
  }
  return {
    failures: failures.length,
    warnedInTime: warned,
    recall: failures.length ? warned / failures.length : NaN,
    alerts: alerts.length,
    trueAlerts,
    precision: alerts.length ? trueAlerts / alerts.length : NaN,
    falseAlerts,
    falseAlarmsPerEntityDay: falseAlerts / entityDays,
    medianLeadMs: median(leads),
    byMode,
  };
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = values.slice().sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
