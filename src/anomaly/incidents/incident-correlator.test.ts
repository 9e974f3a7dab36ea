import { describe, expect, it } from 'vitest';
import type { Severity } from '../classification/index.js';
import { IncidentCorrelator, seededId, type AnomalyObservation, type IncidentEvent } from './incident-correlator.js';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const S = 1000;
const MIN = 60_000;

let seq = 0;
function anomaly(over: Partial<AnomalyObservation> & { resourceId: string; timestamp: number }): AnomalyObservation {
  return { id: `a-${++seq}`, severity: 'medium', score: 0.5, metrics: ['cpu_utilization'], type: 'resource', ...over };
}

const kinds = (events: IncidentEvent[]) => events.map((e) => e.kind);

describe('IncidentCorrelator grouping', () => {
  it('joins anomalies on the same host within the window and keeps unrelated hosts apart', () => {
    const c = new IncidentCorrelator({ idSeed: 'grouping' });
    const e1 = c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 }));
    const e2 = c.observe(anomaly({ resourceId: 'vm-9', hostId: 'h-2', timestamp: T0 + MIN }));
    const e3 = c.observe(anomaly({ resourceId: 'vm-2', hostId: 'h-1', timestamp: T0 + 2 * MIN, metrics: ['memory_utilization'] }));
    expect(kinds(e1)).toEqual(['opened']);
    expect(kinds(e2)).toEqual(['opened']);
    expect(e2[0].incident.correlationId).not.toBe(e1[0].incident.correlationId);
    expect(kinds(e3)).toEqual(['updated']);
    expect(e3[0].incident.correlationId).toBe(e1[0].incident.correlationId);
    expect(e3[0].incident.resources).toEqual(['vm-1', 'vm-2']);
    expect(e3[0].incident.metrics).toEqual(['cpu_utilization', 'memory_utilization']);
    expect(e3[0].reasons).toEqual(['resource vm-2 joined', 'metric memory_utilization joined']);
    expect(c.size).toBe(2);
  });

  it('joins by rack and by service, unless told not to', () => {
    const c = new IncidentCorrelator();
    const a = c.observe(anomaly({ resourceId: 'h-1', rack: 'r-7', timestamp: T0 }))[0].incident.correlationId;
    const b = c.observe(anomaly({ resourceId: 'h-3', rack: 'r-7', timestamp: T0 + 3 * MIN }));
    expect(b[0].incident.correlationId).toBe(a);
    const s1 = c.observe(anomaly({ resourceId: 'vm-5', hostId: 'h-5', service: 'api', timestamp: T0 + 4 * MIN }))[0].incident.correlationId;
    const s2 = c.observe(anomaly({ resourceId: 'vm-6', hostId: 'h-6', service: 'api', timestamp: T0 + 5 * MIN }));
    expect(s2[0].incident.correlationId).toBe(s1);

    const hostOnly = new IncidentCorrelator({ correlateOn: ['host'] });
    hostOnly.observe(anomaly({ resourceId: 'h-1', rack: 'r-7', timestamp: T0 }));
    expect(kinds(hostOnly.observe(anomaly({ resourceId: 'h-3', rack: 'r-7', timestamp: T0 + MIN })))).toEqual(['opened']);
    expect(hostOnly.size).toBe(2);
  });

  it('correlates a host’s own anomaly with its VMs’ anomalies', () => {
    const c = new IncidentCorrelator();
    const id = c.observe(anomaly({ resourceId: 'h-1', timestamp: T0, type: 'hardware', metrics: ['temperature'] }))[0].incident.correlationId;
    const e = c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + 2 * MIN }));
    expect(e[0].incident.correlationId).toBe(id);
    expect(e[0].incident.resources).toEqual(['h-1', 'vm-1']);
  });

  it('does not correlate neighbours outside the window', () => {
    const c = new IncidentCorrelator();
    const id = c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 }))[0].incident.correlationId;
    // A neighbour 11 min later: outside the 10-min correlation window.
    const n = c.observe(anomaly({ resourceId: 'vm-2', hostId: 'h-1', timestamp: T0 + 11 * MIN }));
    expect(kinds(n)).toEqual(['opened']);
    expect(n[0].incident.correlationId).not.toBe(id);
    // A later anomaly of vm-1 is within reach of both (same resource; same host within the
    // window), so it bridges them: the newer merges into the older.
    const bridge = c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + 12 * MIN }));
    expect(kinds(bridge)).toEqual(['resolved', 'updated']);
    expect(bridge[1].incident.correlationId).toBe(id);
  });

  it('keeps the same resource in its incident for as long as the incident is open', () => {
    const c = new IncidentCorrelator();
    const id = c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 }))[0].incident.correlationId;
    // 12 min later is outside the correlation window, but the incident resolves only after 15 min quiet.
    expect(c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + 12 * MIN }))).toEqual([]);
    expect(c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + 26 * MIN }))).toEqual([]);
    expect(c.get(id)).toMatchObject({ lastSeenAt: T0 + 26 * MIN, anomalyCount: 3 });
  });
});

describe('IncidentCorrelator deduplication and lifecycle', () => {
  it('turns a 500-point anomaly into 1 opened, a few updates and 1 resolved', () => {
    const c = new IncidentCorrelator({ idSeed: 'long' });
    const events: IncidentEvent[] = [];
    for (let i = 0; i < 500; i++) {
      const severity: Severity = i < 50 ? 'low' : i < 200 ? 'medium' : i === 300 ? 'low' : 'high';
      events.push(
        ...c.observe(
          anomaly({
            resourceId: 'vm-1',
            hostId: 'h-1',
            timestamp: T0 + i * 10 * S,
            severity,
            score: 0.2 + i / 1000,
            metrics: i >= 100 ? ['cpu_utilization', 'memory_utilization'] : ['cpu_utilization'],
          }),
        ),
      );
      events.push(...c.tick(T0 + i * 10 * S + 5 * S));
    }
    const last = T0 + 499 * 10 * S;
    events.push(...c.tick(last + 15 * MIN - 1));
    expect(kinds(events)).toEqual(['opened', 'updated', 'updated', 'updated']);
    expect(events.slice(1).map((e) => e.reasons)).toEqual([['severity rose to medium'], ['metric memory_utilization joined'], ['severity rose to high']]);
    events.push(...c.tick(last + 15 * MIN));
    expect(kinds(events)).toEqual(['opened', 'updated', 'updated', 'updated', 'resolved']);

    const resolved = events[4].incident;
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolveReason: 'quiet',
      resolvedAt: last + 15 * MIN,
      openedAt: T0,
      lastSeenAt: last,
      severity: 'high',
      anomalyCount: 500,
      version: 5,
    });
    expect(resolved.peakScore).toBeCloseTo(0.2 + 499 / 1000, 10);
    expect(resolved.members).toEqual([
      { resourceId: 'vm-1', metric: 'cpu_utilization', count: 500, firstSeen: T0, lastSeen: last, peakSeverity: 'high', peakScore: resolved.peakScore, firstAnomalyId: expect.any(String), lastAnomalyId: expect.any(String) },
      { resourceId: 'vm-1', metric: 'memory_utilization', count: 400, firstSeen: T0 + 1000 * S, lastSeen: last, peakSeverity: 'high', peakScore: resolved.peakScore, firstAnomalyId: expect.any(String), lastAnomalyId: expect.any(String) },
    ]);
    expect(c.size).toBe(0);
  });

  it('emits an escalation at once, but coalesces joins to one update per interval', () => {
    const c = new IncidentCorrelator();
    c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0, severity: 'low' }));
    const esc = c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + 5 * S, severity: 'high' }));
    expect(kinds(esc)).toEqual(['updated']);
    expect(esc[0].reasons).toEqual(['severity rose to high']);
    expect(esc[0].incident.severity).toBe('high');
    // Lower severities afterwards change nothing.
    expect(c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 + 6 * S, severity: 'low' }))).toEqual([]);
    // Two joins within the interval wait…
    expect(c.observe(anomaly({ resourceId: 'vm-2', hostId: 'h-1', timestamp: T0 + 10 * S }))).toEqual([]);
    expect(c.observe(anomaly({ resourceId: 'vm-3', hostId: 'h-1', timestamp: T0 + 20 * S }))).toEqual([]);
    expect(c.tick(T0 + 64 * S)).toEqual([]);
    // …and go out together once 60 s have passed since the last event.
    const flushed = c.tick(T0 + 65 * S);
    expect(kinds(flushed)).toEqual(['updated']);
    expect(flushed[0].reasons).toEqual(['resource vm-2 joined', 'resource vm-3 joined']);
    expect(flushed[0].incident.version).toBe(3);
  });

  it('resolves after the quiet period, and a later anomaly opens a new incident', () => {
    const c = new IncidentCorrelator({ idSeed: 'quiet' });
    const id = c.observe(anomaly({ resourceId: 'vm-1', timestamp: T0 }))[0].incident.correlationId;
    expect(c.tick(T0 + 15 * MIN - 1)).toEqual([]);
    const r = c.tick(T0 + 20 * MIN);
    expect(kinds(r)).toEqual(['resolved']);
    expect(r[0].incident).toMatchObject({ correlationId: id, resolvedAt: T0 + 15 * MIN, resolveReason: 'quiet' });
    expect(r[0].at).toBe(T0 + 20 * MIN);
    const again = c.observe(anomaly({ resourceId: 'vm-1', timestamp: T0 + 21 * MIN }));
    expect(kinds(again)).toEqual(['opened']);
    expect(again[0].incident.correlationId).not.toBe(id);
  });

  it('resolves stale incidents on observe even without a tick', () => {
    const c = new IncidentCorrelator();
    c.observe(anomaly({ resourceId: 'vm-1', timestamp: T0 }));
    const e = c.observe(anomaly({ resourceId: 'vm-7', timestamp: T0 + 30 * MIN }));
    expect(kinds(e)).toEqual(['resolved', 'opened']);
  });

  it('merges incidents that a new anomaly bridges into the oldest one', () => {
    const c = new IncidentCorrelator({ idSeed: 'merge' });
    const a = c.observe(anomaly({ resourceId: 'vm-1', hostId: 'h-1', timestamp: T0 }))[0].incident.correlationId;
    const b = c.observe(anomaly({ resourceId: 'vm-2', hostId: 'h-2', service: 'db', timestamp: T0 + MIN, severity: 'high' }))[0].incident.correlationId;
    const e = c.observe(anomaly({ resourceId: 'vm-3', hostId: 'h-1', service: 'db', timestamp: T0 + 2 * MIN }));
    expect(kinds(e)).toEqual(['resolved', 'updated']);
    expect(e[0].incident).toMatchObject({ correlationId: b, status: 'resolved', resolveReason: 'merged', mergedInto: a });
    expect(e[1].incident).toMatchObject({ correlationId: a, resources: ['vm-1', 'vm-2', 'vm-3'], mergedFrom: [b], anomalyCount: 3, severity: 'high' });
    expect(e[1].reasons).toEqual([`merged ${b}`, 'resource vm-3 joined', 'severity rose to high']);
    expect(c.size).toBe(1);
    // The absorbed incident's keys now lead to the survivor.
    expect(c.observe(anomaly({ resourceId: 'vm-4', hostId: 'h-2', timestamp: T0 + 2 * MIN + 10 * S }))).toEqual([]); // join coalesced
    expect(c.get(a)?.resources).toContain('vm-4');
  });
});

describe('IncidentCorrelator state and bounds', () => {
  function scenario(): AnomalyObservation[] {
    const out: AnomalyObservation[] = [];
    let n = 0;
    for (let i = 0; i < 120; i++) {
      const host = `h-${i % 3}`;
      out.push({
        id: `s-${n++}`,
        resourceId: `vm-${i % 7}`,
        hostId: host,
        rack: i % 2 === 0 ? 'r-1' : undefined,
        timestamp: T0 + i * 45 * S + (i % 5) * 7 * S,
        severity: (['low', 'medium', 'high', 'critical'] as const)[(i * 7) % 4],
        score: ((i * 37) % 100) / 100,
        metrics: i % 4 === 0 ? ['cpu_utilization', 'network_rx_errors'] : ['memory_utilization'],
        type: i % 4 === 0 ? 'network' : 'resource',
      });
      if (i === 60) out.push({ id: `s-${n++}`, resourceId: 'vm-x', timestamp: T0 + 200 * MIN, severity: 'low', score: 0.2, metrics: [], type: 'behavioral' });
    }
    return out;
  }

  function run(c: IncidentCorrelator, items: AnomalyObservation[]): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    for (const a of items) {
      events.push(...c.observe(a));
      events.push(...c.tick(a.timestamp + 20 * S));
    }
    return events;
  }

  it('round-trips its state through JSON and continues identically', () => {
    const items = scenario();
    const half = 70;
    const straight = new IncidentCorrelator({ idSeed: 'ckpt' });
    const all = run(straight, items);

    const first = new IncidentCorrelator({ idSeed: 'ckpt' });
    const before = run(first, items.slice(0, half));
    const state = JSON.parse(JSON.stringify(first.toState()));
    const restored = IncidentCorrelator.fromState(state, { idSeed: 'ckpt' });
    expect(restored.toState()).toEqual(first.toState());
    const after = run(restored, items.slice(half));
    const afterOriginal = run(first, items.slice(half));

    expect(after).toEqual(afterOriginal);
    expect([...before, ...after]).toEqual(all);
    expect(all.filter((e) => e.kind === 'opened').length).toBeGreaterThan(1);
  });

  it('derives UUID-shaped ids from a seed', () => {
    expect(seededId('x', 0)).toBe(seededId('x', 0));
    expect(seededId('x', 0)).not.toBe(seededId('x', 1));
    expect(seededId('x', 5)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ids = ['a', 'b'].map(() => new IncidentCorrelator({ idSeed: 's' }).observe(anomaly({ resourceId: 'r', timestamp: T0 }))[0].incident.correlationId);
    expect(ids[0]).toBe(ids[1]);
    expect(new IncidentCorrelator({ newId: () => 'custom' }).observe(anomaly({ resourceId: 'r', timestamp: T0 }))[0].incident.correlationId).toBe('custom');
    expect(new IncidentCorrelator().observe(anomaly({ resourceId: 'r', timestamp: T0 }))[0].incident.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('evicts the least recently active incident beyond the cap', () => {
    const c = new IncidentCorrelator({ maxOpenIncidents: 2, idSeed: 'cap' });
    const a = c.observe(anomaly({ resourceId: 'vm-a', timestamp: T0 }))[0].incident.correlationId;
    c.observe(anomaly({ resourceId: 'vm-b', timestamp: T0 + S }));
    c.observe(anomaly({ resourceId: 'vm-a', timestamp: T0 + 2 * S })); // a is now the most recent
    const e = c.observe(anomaly({ resourceId: 'vm-c', timestamp: T0 + 3 * S }));
    expect(kinds(e)).toEqual(['resolved', 'opened']);
    expect(e[0].incident).toMatchObject({ resources: ['vm-b'], resolveReason: 'evicted' });
    expect(c.size).toBe(2);
    expect(c.get(a)).toBeDefined();
  });

  it('caps members per incident and counts what it drops', () => {
    const c = new IncidentCorrelator({ maxMembersPerIncident: 3 });
    const id = c.observe(anomaly({ resourceId: 'h-1', timestamp: T0, metrics: ['m0'] }))[0].incident.correlationId;
    for (let i = 1; i < 6; i++) c.observe(anomaly({ resourceId: 'h-1', timestamp: T0 + i * S, metrics: [`m${i}`] }));
    const inc = c.get(id)!;
    expect(inc.members.map((m) => m.metric)).toEqual(['m0', 'm1', 'm2']);
    expect(inc.droppedMembers).toBe(3);
    expect(inc.anomalyCount).toBe(6);
  });

  it('summarises long lists of reasons', () => {
    const c = new IncidentCorrelator();
    c.observe(anomaly({ resourceId: 'vm-0', hostId: 'h-1', timestamp: T0 }));
    for (let i = 1; i <= 30; i++) expect(c.observe(anomaly({ resourceId: `vm-${i}`, hostId: 'h-1', timestamp: T0 + i * S }))).toEqual([]);
    const [e] = c.tick(T0 + MIN);
    expect(e.reasons).toHaveLength(20);
    expect(e.reasons[0]).toBe('resource vm-1 joined');
    expect(e.reasons[19]).toBe('and 11 more changes');
    expect(e.incident.resources).toHaveLength(31);
  });

  it('rejects malformed input', () => {
    const c = new IncidentCorrelator();
    expect(() => c.observe(anomaly({ resourceId: 'r', timestamp: Number.NaN }))).toThrow(RangeError);
    expect(() => c.observe(anomaly({ resourceId: '', timestamp: T0 }))).toThrow(TypeError);
    expect(() => c.observe(anomaly({ resourceId: 'r', timestamp: T0, severity: 'urgent' as Severity }))).toThrow(/severity/);
    expect(() => new IncidentCorrelator({ maxOpenIncidents: 0 })).toThrow(RangeError);
    expect(() => IncidentCorrelator.fromState({ formatVersion: 2 } as never)).toThrow(/formatVersion/);
  });
});
