import type { EventBodyT } from '../telemetry/inventory-schemas.js';
import type { HostSchedule } from './schedule.js';

/**
 * The events an operator's tooling would send to `POST /api/v1/events` as things happen: a
 * failure when it happens and again with `ended_at` once repaired (the API upserts on id), a
 * recovery, maintenance when announced and again when over, and each reboot once it is done.
 * Nothing about precursors: those are ground truth only.
 */
export interface TimedEvent {
  /** When the event would be sent, epoch ms. */
  emitAt: number;
  body: EventBodyT;
}

const SOURCE = 'novacron-sim';
const iso = (ms: number) => new Date(ms).toISOString();

/** Events sent before `end`, in the order they would be sent. */
export function operationalEvents(schedules: readonly HostSchedule[], end: number): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (const s of schedules) {
    const hostId = s.host.id;
    for (const f of s.failures) {
      if (f.failed_at >= end) continue;
      const failure: EventBodyT = {
        id: f.id,
        entity_id: hostId,
        entity_type: 'node',
        kind: 'failure',
        severity: 'critical',
        started_at: iso(f.failed_at),
        description: `host failed: ${f.mode}`,
        source: SOURCE,
        attributes: { mode: f.mode },
      };
      out.push({ emitAt: f.failed_at, body: failure });
      if (f.recovered_at < end) {
        out.push({ emitAt: f.recovered_at, body: { ...failure, ended_at: iso(f.recovered_at) } });
        out.push({
          emitAt: f.recovered_at,
          body: {
            id: `${f.id}-recovery`,
            entity_id: hostId,
            entity_type: 'node',
            kind: 'recovery',
            severity: 'info',
            started_at: iso(f.recovered_at),
            description: `host back after ${f.mode} failure`,
            source: SOURCE,
            attributes: { failure_id: f.id, mode: f.mode },
          },
        });
      }
    }
    for (const m of s.maintenance) {
      const planned: EventBodyT = {
        id: m.id,
        entity_id: hostId,
        entity_type: 'node',
        kind: 'maintenance',
        severity: 'info',
        started_at: iso(m.from),
        description: 'planned maintenance',
        source: SOURCE,
        attributes: { planned: true, announced_at: iso(m.announcedAt), planned_end: iso(m.to) },
      };
      out.push({ emitAt: m.announcedAt, body: planned });
      if (m.to < end) out.push({ emitAt: m.to, body: { ...planned, ended_at: iso(m.to) } });
    }
    for (const r of s.reboots) {
      if (r.to >= end) continue;
      out.push({
        emitAt: r.to,
        body: { id: r.id, entity_id: hostId, entity_type: 'node', kind: 'reboot', severity: 'info', started_at: iso(r.from), ended_at: iso(r.to), description: 'host rebooted', source: SOURCE },
      });
    }
  }
  // Stable order: by time, then id, then the order pushed (a failure before its own update).
  const order = out.map((e, i) => ({ e, i }));
  order.sort((a, b) => a.e.emitAt - b.e.emitAt || (a.e.body.id! < b.e.body.id! ? -1 : a.e.body.id! > b.e.body.id! ? 1 : a.i - b.i));
  return order.map((x) => x.e);
}

/** The last version of each event, in first-sent order: what a batch POST needs (ids unique per batch). */
export function latestEvents(events: readonly TimedEvent[]): EventBodyT[] {
  const byId = new Map<string, EventBodyT>();
  for (const e of events) byId.set(e.body.id!, e.body);
  return [...byId.values()];
}
