import { describe, expect, it } from 'vitest';
import { IncidentCorrelator, type AnomalyObservation, type IncidentEvent } from './incident-correlator.js';
import { AlertGate, suppressAnomaly, suppressIncident, type SuppressionRules } from './suppression.js';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const MIN = 60_000;

function anomaly(over: Partial<AnomalyObservation> & { resourceId: string; timestamp: number }): AnomalyObservation {
  return { id: `${over.resourceId}@${over.timestamp}`, severity: 'medium', score: 0.5, metrics: ['cpu_utilization'], type: 'resource', ...over };
}

describe('suppressAnomaly', () => {
  const rules: SuppressionRules = {
    maintenance: [{ id: 'mw-1', hostIds: ['h-1'], startMs: T0, endMs: T0 + 60 * MIN, reason: 'kernel upgrade' }],
    mutes: [
      { id: 'quiet-behaviour', types: ['behavioral'], belowSeverity: 'high' },
      { id: 'batch', services: ['batch'], untilMs: T0 + 24 * 60 * MIN },
    ],
  };

  it('drops anomalies on a host in maintenance, and its VMs’, only inside [start, end)', () => {
    expect(suppressAnomaly(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + MIN }), rules)).toEqual({ suppressed: true, ruleId: 'mw-1', reason: 'kernel upgrade' });
    expect(suppressAnomaly(anomaly({ resourceId: 'h-1', timestamp: T0 }), rules).suppressed).toBe(true);
    expect(suppressAnomaly(anomaly({ resourceId: 'h-1', timestamp: T0 + 60 * MIN }), rules).suppressed).toBe(false);
    expect(suppressAnomaly(anomaly({ resourceId: 'h-1', timestamp: T0 - 1 }), rules).suppressed).toBe(false);
    expect(suppressAnomaly(anomaly({ resourceId: 'vm-2', hostId: 'h-2', timestamp: T0 + MIN }), rules).suppressed).toBe(false);
  });

  it('mutes by type below a severity floor, and by scope until a time', () => {
    expect(suppressAnomaly(anomaly({ resourceId: 'vm-9', timestamp: T0, type: 'behavioral', severity: 'medium' }), rules).ruleId).toBe('quiet-behaviour');
    expect(suppressAnomaly(anomaly({ resourceId: 'vm-9', timestamp: T0, type: 'behavioral', severity: 'high' }), rules).suppressed).toBe(false);
    expect(suppressAnomaly(anomaly({ resourceId: 'vm-9', timestamp: T0, type: 'resource', severity: 'low' }), rules).suppressed).toBe(false);
    expect(suppressAnomaly(anomaly({ resourceId: 'vm-8', service: 'batch', timestamp: T0, severity: 'critical' }), rules).ruleId).toBe('batch');
    expect(suppressAnomaly(anomaly({ resourceId: 'vm-8', service: 'batch', timestamp: T0 + 24 * 60 * MIN }), rules).suppressed).toBe(false);
  });
});

describe('suppressIncident', () => {
  it('applies the severity floor (normal never alerts) and incident-wide windows', () => {
    const c = new IncidentCorrelator();
    const inc = c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0, severity: 'normal' }))[0].incident;
    expect(suppressIncident(inc, T0, {})).toMatchObject({ suppressed: true, ruleId: 'min_severity' });
    const medium = { ...inc, severity: 'medium' as const };
    expect(suppressIncident(medium, T0, {}).suppressed).toBe(false);
    expect(suppressIncident(medium, T0, { minSeverity: 'high' }).suppressed).toBe(true);
    const win = { maintenance: [{ id: 'mw', hostIds: ['h-1'], startMs: T0, endMs: T0 + MIN }] };
    expect(suppressIncident(medium, T0, win).ruleId).toBe('mw');
    // An incident that also spans a host outside the window is not (wholly) in maintenance.
    expect(suppressIncident({ ...medium, resources: ['vm-1', 'vm-5'], hosts: ['h-1', 'h-5'] }, T0, win).suppressed).toBe(false);
  });
});

describe('AlertGate', () => {
  it('announces an incident once it crosses the floor, as opened, and closes only what it announced', () => {
    const c = new IncidentCorrelator({ idSeed: 'gate' });
    const gate = new AlertGate({ minSeverity: 'high' });
    const delivered: IncidentEvent[] = [];
    const feed = (events: IncidentEvent[]) => {
      for (const e of events) {
        const r = gate.filter(e);
        if (r.event) delivered.push(r.event);
      }
    };
    feed(c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0, severity: 'low' })));
    expect(delivered).toEqual([]);
    feed(c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + MIN, severity: 'high' })));
    expect(delivered.map((e) => e.kind)).toEqual(['opened']);
    expect(delivered[0].incident.version).toBe(2);
    expect(delivered[0].reasons).toEqual(['severity rose to high', 'first alert for this incident']);
    feed(c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + 2 * MIN, severity: 'critical' })));
    expect(delivered.map((e) => e.kind)).toEqual(['opened', 'updated']);

    // An incident that never crossed the floor resolves silently.
    feed(c.observe(anomaly({ resourceId: 'vm-7', hostId: 'h-7', timestamp: T0 + 3 * MIN, severity: 'low' })));
    feed(c.tick(T0 + 60 * MIN));
    expect(delivered.map((e) => e.kind)).toEqual(['opened', 'updated', 'resolved']);
    expect(gate.isAnnounced(delivered[0].incident.correlationId)).toBe(false);
  });

  it('holds updates during maintenance but still delivers the resolution, and survives a checkpoint', () => {
    let rules: SuppressionRules = {};
    const c = new IncidentCorrelator({ idSeed: 'gate2' });
    let gate = new AlertGate(() => rules);
    const out: string[] = [];
    const feed = (events: IncidentEvent[]) => {
      for (const e of events) {
        const r = gate.filter(e);
        if (r.event) out.push(r.event.kind);
      }
    };
    feed(c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 })));
    rules = { maintenance: [{ id: 'mw', hostIds: ['h-1'], startMs: T0 + MIN, endMs: T0 + 120 * MIN }] };
    feed(c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + 2 * MIN, severity: 'critical' })));
    expect(out).toEqual(['opened']);
    gate = AlertGate.fromState(JSON.parse(JSON.stringify(gate.toState())), () => rules);
    feed(c.tick(T0 + 60 * MIN));
    expect(out).toEqual(['opened', 'resolved']);
  });
});
