/**
 * Failure alerts from scoring runs. A host that alarms gets one open alert; while it keeps
 * alarming the same alert is updated (last alarm time, peak probability, current reasons), never
 * repeated. Once the host has not alarmed for ALERT_CLEAR_MS — it scores under the threshold, or
 * stopped reporting — the alert is resolved; a later alarm opens a new one. The database allows
 * one open alert per host, so scorers in several processes cannot duplicate it.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../platform/logger.js';
import type { AlertRecord, FailureRepository } from '../platform/store/index.js';

export const ALERT_SERVICE = 'failure';
/** An alert stays open until its host has not alarmed for this long. */
export const ALERT_CLEAR_MS = 30 * 60_000;

/** One host's assessment as the alert logic needs it (wire-shaped parts are stored as they are). */
export interface AlertingAssessment {
  hostId: string;
  probability: number;
  alarm: boolean;
  reasons: string[];
  timeToFailure: Record<string, unknown>;
  recommendation: { action: string; component: string; text: string };
  modelId: string;
}

export interface AlertUpdate {
  opened: string[];
  updated: string[];
  resolved: string[];
}

function severityOf(action: string): string {
  return action === 'migrate_vms' ? 'critical' : action === 'schedule_maintenance' ? 'high' : 'medium';
}

function titleOf(a: AlertingAssessment): string {
  return `${a.hostId}: ${a.recommendation.component} failure predicted (${(100 * a.probability).toFixed(2)} % within the horizon)`;
}

function num(x: unknown, fallback: number): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : fallback;
}

export class FailureAlerts {
  constructor(
    private readonly repo: FailureRepository,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
  ) {}

  /**
   * Applies one scoring run at `now`: opens or updates the alerts of alarming hosts and resolves
   * those whose host has not alarmed for ALERT_CLEAR_MS. `assessed` holds every host the run scored.
   */
  async apply(assessed: readonly AlertingAssessment[], now: number): Promise<AlertUpdate> {
    const open = new Map((await this.repo.openAlerts(ALERT_SERVICE)).map((a) => [a.entityId, a]));
    const scored = new Set(assessed.map((a) => a.hostId));
    const out: AlertUpdate = { opened: [], updated: [], resolved: [] };
    for (const a of assessed) {
      if (!a.alarm) continue;
      const details = {
        failure_probability: a.probability,
        time_to_failure: a.timeToFailure,
        recommended_action: a.recommendation,
        model_id: a.modelId,
      };
      const existing = open.get(a.hostId);
      if (existing) {
        const peak = Math.max(num(existing.details.peak_probability, 0), a.probability);
        // Severity only rises while the alert is open.
        const severity = rank(severityOf(a.recommendation.action)) > rank(existing.severity) ? severityOf(a.recommendation.action) : existing.severity;
        await this.repo.updateAlert(existing.id, {
          severity,
          title: titleOf(a),
          reasons: a.reasons,
          updatedAt: Math.max(existing.updatedAt, now),
          details: { ...existing.details, ...details, peak_probability: peak, alarms: num(existing.details.alarms, 1) + 1 },
        });
        out.updated.push(a.hostId);
        continue;
      }
      const alert: Omit<AlertRecord, 'status' | 'resolvedAt'> = {
        id: randomUUID(),
        service: ALERT_SERVICE,
        entityId: a.hostId,
        severity: severityOf(a.recommendation.action),
        title: titleOf(a),
        reasons: a.reasons,
        createdAt: now,
        updatedAt: now,
        details: { ...details, peak_probability: a.probability, first_probability: a.probability, alarms: 1 },
      };
      if (await this.repo.openAlert(alert)) {
        out.opened.push(a.hostId);
        this.logger.info({ host: a.hostId, alert_id: alert.id, probability: a.probability, action: a.recommendation.action }, 'failure alert opened');
      }
    }
    const alarming = new Set(assessed.filter((a) => a.alarm).map((a) => a.hostId));
    for (const [hostId, alert] of open) {
      if (alarming.has(hostId) || now - alert.updatedAt < ALERT_CLEAR_MS) continue;
      const resolution = scored.has(hostId) ? `no alarm for ${ALERT_CLEAR_MS / 60_000} minutes` : `no telemetry from the host for ${ALERT_CLEAR_MS / 60_000} minutes`;
      await this.repo.resolveAlert(alert.id, now, { ...alert.details, resolution });
      out.resolved.push(hostId);
      this.logger.info({ host: hostId, alert_id: alert.id, resolution }, 'failure alert resolved');
    }
    return out;
  }
}

const RANKS = ['medium', 'high', 'critical'];
function rank(severity: string): number {
  return RANKS.indexOf(severity);
}
