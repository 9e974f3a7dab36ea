import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { EventBatch, EventBody, NodeBulkBody, VmBulkBody } from '../telemetry/inventory-schemas.js';
import { resolveMetric } from '../telemetry/metric-catalogue.js';
import { IngestBody } from '../telemetry/schemas.js';
import { FleetSimulator, simulateFleet } from './fleet-simulator.js';
import { truthToJson } from './ground-truth.js';
import { HOST_METRICS } from './metric-set.js';
import { joinSeries, valuesBetween } from './series-index.js';
import { bodySamples } from './telemetry-stream.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('determinism', () => {
  const small = { hosts: 4, days: 1, stepSeconds: 120, failuresPerHostDay: 1 };

  it('gives byte-identical output for the same seed and options', () => {
    const a = simulateFleet({ ...small, seed: 11 });
    const b = simulateFleet({ ...small, seed: 11 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.telemetry.length).toBeGreaterThan(0);
  });

  it('gives a different fleet, telemetry and failures for another seed', () => {
    const a = simulateFleet({ ...small, seed: 11 });
    const b = simulateFleet({ ...small, seed: 12 });
    expect(JSON.stringify(b.inventory)).not.toBe(JSON.stringify(a.inventory));
    expect(JSON.stringify(b.truth.failures)).not.toBe(JSON.stringify(a.truth.failures));
    expect(b.telemetry[0].series[0].values).not.toEqual(a.telemetry[0].series[0].values);
  });

  it('gives a host the same series whether generated step by step or host by host', () => {
    const sim = new FleetSimulator({ ...small, seed: 5 });
    const host = sim.fleet.hosts[2].id;
    const fleetWide = [...sim.blocks(45)].flatMap((b) => b.series.filter((s) => s.entity_id.startsWith(host)));
    const alone = [...sim.hostBlocks(2, 45)].flatMap((b) => b.series);
    expect(alone.length).toBeGreaterThan(HOST_METRICS.length);
    expect(JSON.stringify(alone)).toBe(JSON.stringify(fleetWide));
  });
});

/** A mode's precursor signature: does `during` (the end of the precursor) differ from `before` (the host's normal)? */
type Window = (metric: string) => { before: number[]; whole: number[]; during: number[] };
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const std = (a: number[]) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length);
};
const rise = (a: number[]) => a[a.length - 1] - a[0];

const SIGNATURES: Record<string, (w: Window) => boolean> = {
  // SMART reallocations pile up and pending sectors appear.
  disk: (w) => rise(w('smart_5_raw').during) >= 5 && Math.max(...w('smart_197_raw').during) > 0,
  // A storm of corrected errors.
  memory_ecc: (w) => rise(w('ecc_correctable_errors').during) >= 5,
  // The fan slows, then the CPU heats up (and the controller spins the fan back up): in a load
  // spike both rise together.
  thermal: (w) => {
    const fan = w('fan_speed_rpm');
    const temp = w('cpu_temperature');
    return Math.min(...fan.whole) < 0.85 * mean(fan.before) && Math.max(...temp.during) > mean(temp.before) + 10;
  },
  // Ripple on the rail.
  psu: (w) => {
    const v = w('psu_voltage');
    return std(v.during) > 3 * std(v.before);
  },
  // Memory climbs well above normal.
  memory_leak: (w) => {
    const m = w('memory_utilization');
    return Math.max(...m.during) > mean(m.before) + 0.2;
  },
  // Flaps and error bursts.
  nic: (w) => rise(w('network_link_flaps').during) >= 2 && rise(w('network_rx_errors').during) >= 10,
};

describe('failure modes', () => {
  // Many failures with strong precursors, so that every mode shows up with an observable window.
  const sim = new FleetSimulator({
    seed: 21,
    hosts: 60,
    days: 4,
    failuresPerHostDay: 0.35,
    suddenFailureShare: 0.25,
    vmMetrics: false,
    failureModes: Object.fromEntries(['disk', 'memory_ecc', 'thermal', 'psu', 'memory_leak', 'nic'].map((m) => [m, { weight: 1, strength: { min: 0.6, max: 1 } }])),
  });
  const series = joinSeries(sim.blocks(720));
  const truth = sim.truth();

  /** Before: the hour before the precursor (or before the last hour, for a sudden failure); during: the precursor's second half. */
  function windows(f: (typeof truth.failures)[number]): Window | undefined {
    const start = f.precursor_start ?? f.failed_at - HOUR;
    const mid = start + (f.failed_at - start) / 2;
    const host = series.get(f.host_id)!;
    const w: Window = (metric) => ({
      before: valuesBetween(host.get(metric), start - HOUR, start),
      whole: valuesBetween(host.get(metric), start, f.failed_at),
      during: valuesBetween(host.get(metric), mid, f.failed_at),
    });
    // Need a full hour of normal before, and a few samples of precursor.
    if (w('cpu_utilization').before.length < 55 || w('cpu_utilization').during.length < 3) return undefined;
    return w;
  }

  it('injects every mode, each with its precursor signature before the failure', () => {
    const checked: Record<string, number> = {};
    for (const f of truth.failures) {
      if (!f.observed || !f.has_precursor) continue;
      const w = windows(f);
      if (!w) continue;
      expect(SIGNATURES[f.mode](w), `${f.id} (${f.mode}, strength ${f.precursor_strength})`).toBe(true);
      checked[f.mode] = (checked[f.mode] ?? 0) + 1;
    }
    for (const mode of Object.keys(SIGNATURES)) expect(checked[mode] ?? 0, mode).toBeGreaterThanOrEqual(1);
    expect(Object.values(checked).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(20);
  });

  it('shows no signature before a sudden failure', () => {
    let checked = 0;
    for (const f of truth.failures) {
      if (!f.observed || f.has_precursor) continue;
      expect(f.precursor_start).toBeNull();
      expect(f.precursor_strength).toBe(0);
      const w = windows(f);
      if (!w) continue;
      expect(SIGNATURES[f.mode](w), f.id).toBe(false);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('ends the uncorrectable-ECC storm with an uncorrectable error', () => {
    const storms = truth.failures.filter((f) => f.mode === 'memory_ecc' && f.has_precursor && f.observed);
    expect(storms.length).toBeGreaterThan(0);
    for (const f of storms) {
      const ue = valuesBetween(series.get(f.host_id)!.get('ecc_uncorrectable_errors'), f.failed_at - 2 * MINUTE, f.failed_at);
      if (ue.length) expect(ue[ue.length - 1]).toBe(1);
    }
  });

  it('takes the host down until recovery, then brings it back freshly booted', () => {
    let checked = 0;
    for (const f of truth.failures) {
      if (!f.observed || f.recovered_at + 10 * MINUTE >= sim.end) continue;
      const host = series.get(f.host_id)!;
      expect(valuesBetween(host.get('cpu_utilization'), f.failed_at, f.recovered_at)).toEqual([]);
      const after = valuesBetween(host.get('uptime_seconds'), f.recovered_at, f.recovered_at + 10 * MINUTE);
      expect(after.length).toBeGreaterThan(0);
      expect(after[0]).toBeLessThanOrEqual(60);
      expect(valuesBetween(host.get('ecc_correctable_errors'), f.recovered_at, f.recovered_at + MINUTE)[0] ?? 0).toBeLessThanOrEqual(1);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('draws precursor strengths and lead times, and some failures come without warning', () => {
    const withPrecursor = truth.failures.filter((f) => f.has_precursor);
    const strengths = withPrecursor.map((f) => f.precursor_strength);
    expect(Math.min(...strengths)).toBeGreaterThanOrEqual(0.6);
    expect(Math.max(...strengths) - Math.min(...strengths)).toBeGreaterThan(0.2);
    for (const f of withPrecursor) {
      const lead = sim.options.failureModes[f.mode].lead;
      expect(f.lead_minutes).toBeGreaterThanOrEqual(lead.min);
      expect(f.lead_minutes).toBeLessThanOrEqual(lead.max);
      expect(f.precursor_start!).toBeLessThan(f.failed_at);
    }
    const sudden = truth.failures.length - withPrecursor.length;
    expect(sudden / truth.failures.length).toBeGreaterThan(0.1);
    expect(sudden / truth.failures.length).toBeLessThan(0.45);
  });
});

describe('default precursors', () => {
  it('include weak ones that barely move their counters', () => {
    const sim = new FleetSimulator({ seed: 4, hosts: 200, days: 30, vmMetrics: false });
    const failures = sim.truth().failures;
    const strengths = failures.filter((f) => f.has_precursor).map((f) => f.precursor_strength);
    expect(failures.length).toBeGreaterThan(60);
    expect(strengths.filter((s) => s < 0.3).length).toBeGreaterThan(5);
    expect(failures.filter((f) => !f.has_precursor).length).toBeGreaterThan(5);
  });
});

describe('benign look-alikes', () => {
  const sim = new FleetSimulator({ seed: 8, hosts: 12, days: 4, maintenancePerHostDay: 0.25, rebootsPerHostDay: 0.25, loadSpikesPerHostDay: 1, counterBumpsPerHostDay: 1, noisyDimmShare: 0.5, failuresPerHostDay: 0.05 });
  const truth = sim.truth();
  const series = joinSeries(sim.blocks());
  const events = sim.events();

  it('occur, of every kind, and never as failures', () => {
    const kinds = new Set(truth.benign.map((b) => b.kind));
    expect([...kinds].sort()).toEqual(['counter_bump', 'load_spike', 'maintenance', 'noisy_dimm', 'reboot']);
    const failureIds = new Set(truth.failures.map((f) => f.id));
    for (const b of truth.benign) expect(failureIds.has(b.id)).toBe(false);
    // Nor does any benign downtime overlap a failure's precursor or downtime.
    for (const b of truth.benign.filter((x) => x.kind === 'maintenance' || x.kind === 'reboot')) {
      for (const f of truth.failures.filter((x) => x.host_id === b.host_id)) {
        const from = f.precursor_start ?? f.failed_at;
        expect(b.ended_at <= from || b.started_at >= f.recovered_at, `${b.id} vs ${f.id}`).toBe(true);
      }
    }
  });

  it('announces maintenance in the event stream before it starts, and the host comes back', () => {
    const maintenance = truth.benign.filter((b) => b.kind === 'maintenance');
    expect(maintenance.length).toBeGreaterThan(0);
    for (const m of maintenance) {
      const sent = events.filter((e) => e.id === m.id);
      expect(sent[0].kind).toBe('maintenance');
      expect(sent[0].ended_at).toBeUndefined();
      expect(sent[0].attributes).toMatchObject({ planned: true });
      expect(m.announced_at!).toBeLessThanOrEqual(m.started_at);
      const cpu = series.get(m.host_id)!.get('cpu_utilization');
      expect(valuesBetween(cpu, m.started_at, m.ended_at)).toEqual([]);
      if (m.ended_at + HOUR < sim.end) {
        expect(sent[sent.length - 1].ended_at).toBe(new Date(m.ended_at).toISOString());
        // Back, freshly booted (or booted again since, if a reboot followed at once).
        const uptime = series.get(m.host_id)!.get('uptime_seconds')!;
        const next = uptime.timestamps.findIndex((t) => t >= m.ended_at);
        expect(next).toBeGreaterThanOrEqual(0);
        expect(uptime.values[next]).toBeLessThanOrEqual((uptime.timestamps[next] - m.ended_at) / 1000);
      }
    }
  });

  it('resets uptime and volatile counters on reboot but keeps SMART counters', () => {
    const reboots = truth.benign.filter((b) => b.kind === 'reboot' && b.ended_at + 5 * MINUTE < sim.end && b.started_at - 5 * MINUTE > sim.options.start);
    expect(reboots.length).toBeGreaterThan(0);
    for (const r of reboots) {
      const host = series.get(r.host_id)!;
      const upBefore = valuesBetween(host.get('uptime_seconds'), r.started_at - 5 * MINUTE, r.started_at);
      const upAfter = valuesBetween(host.get('uptime_seconds'), r.ended_at, r.ended_at + 5 * MINUTE);
      expect(upAfter[0]).toBeLessThan(upBefore[upBefore.length - 1]);
      expect(upAfter[0]).toBeLessThanOrEqual(60);
      const smartBefore = valuesBetween(host.get('smart_5_raw'), r.started_at - 5 * MINUTE, r.started_at);
      const smartAfter = valuesBetween(host.get('smart_5_raw'), r.ended_at, r.ended_at + 5 * MINUTE);
      expect(smartAfter[0]).toBe(smartBefore[smartBefore.length - 1]);
      expect(events.some((e) => e.id === r.id && e.kind === 'reboot')).toBe(true);
    }
  });

  it('raises CPU and temperature in a load spike without any failure', () => {
    const spikes = truth.benign.filter((b) => b.kind === 'load_spike');
    // Spikes long enough to plateau, with no other spike in the half hour before as a baseline.
    const clear = (s: (typeof spikes)[number]) =>
      s.ended_at - s.started_at >= 20 * MINUTE && !spikes.some((o) => o !== s && o.host_id === s.host_id && o.started_at < s.ended_at && o.ended_at > s.started_at - 30 * MINUTE);
    let checked = 0;
    for (const s of spikes.filter(clear)) {
      const host = series.get(s.host_id)!;
      const before = valuesBetween(host.get('cpu_utilization'), s.started_at - 30 * MINUTE, s.started_at);
      const during = valuesBetween(host.get('cpu_utilization'), s.started_at + 6 * MINUTE, s.ended_at - 6 * MINUTE);
      const tBefore = valuesBetween(host.get('cpu_temperature'), s.started_at - 30 * MINUTE, s.started_at);
      const tDuring = valuesBetween(host.get('cpu_temperature'), s.started_at + 6 * MINUTE, s.ended_at - 6 * MINUTE);
      // A host already near saturation has no room to spike.
      if (before.length < 20 || during.length < 5 || mean(before) > 0.6) continue;
      const cpuRise = mean(during) - mean(before);
      expect(cpuRise).toBeGreaterThan(0.05);
      // About 40 °C per unit of CPU at steady state.
      expect(mean(tDuring) - mean(tBefore)).toBeGreaterThan(25 * cpuRise);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('bumps a counter once and it never grows', () => {
    const bumps = truth.benign.filter((b) => b.kind === 'counter_bump' && b.detail.startsWith('smart_5_raw'));
    expect(bumps.length).toBeGreaterThan(0);
    let checked = 0;
    for (const hostId of new Set(bumps.map((b) => b.host_id))) {
      if (truth.failures.some((f) => f.host_id === hostId && f.mode === 'disk')) continue;
      // Reallocated sectors on a healthy disk are exactly the bumps so far: each one stays, none grows.
      const smart = series.get(hostId)!.get('smart_5_raw')!;
      const at = bumps.filter((b) => b.host_id === hostId).map((b) => b.started_at);
      const expected = smart.timestamps.map((t) => at.filter((x) => x <= t).length);
      expect(smart.values).toEqual(expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('workload', () => {
  it('follows the day and the week: daytime CPU is above night-time, weekdays above weekends', () => {
    // One data centre at UTC, so local time is UTC; the default start is a Monday.
    const sim = new FleetSimulator({ seed: 2, hosts: 10, days: 7, datacenters: 1, stepSeconds: 300, failuresPerHostDay: 0, vmMetrics: false });
    const day: number[] = [];
    const night: number[] = [];
    const weekdayDaytime: number[] = [];
    const weekendDaytime: number[] = [];
    for (const block of sim.blocks()) {
      for (const s of block.series) {
        if (s.metric !== 'cpu_utilization') continue;
        s.timestamps.forEach((t, i) => {
          const d = new Date(t);
          const hour = d.getUTCHours();
          if (hour >= 10 && hour < 18) {
            day.push(s.values[i]);
            (d.getUTCDay() === 0 || d.getUTCDay() === 6 ? weekendDaytime : weekdayDaytime).push(s.values[i]);
          } else if (hour >= 0 && hour < 6) night.push(s.values[i]);
        });
      }
    }
    expect(mean(day)).toBeGreaterThan(1.2 * mean(night));
    expect(mean(weekdayDaytime)).toBeGreaterThan(1.1 * mean(weekendDaytime));
  });

  it('varies from host to host', () => {
    const sim = new FleetSimulator({ seed: 2, hosts: 12, days: 1, stepSeconds: 600, failuresPerHostDay: 0, vmMetrics: false });
    const series = joinSeries(sim.blocks());
    const means = sim.fleet.hosts.map((h) => mean(series.get(h.id)!.get('cpu_utilization')!.values));
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(0.08);
  });
});

describe('output formats', () => {
  const sim = new FleetSimulator({ seed: 9, hosts: 8, days: 1, stepSeconds: 300, failuresPerHostDay: 1, maintenancePerHostDay: 1, rebootsPerHostDay: 1 });

  it('makes ingest bodies the engine accepts, within the batch limit, with catalogue names in range', () => {
    let bodies = 0;
    let samples = 0;
    for (const body of sim.ingestBodies(5_000)) {
      bodies++;
      expect(Value.Check(IngestBody, body)).toBe(true);
      const n = bodySamples(body);
      expect(n).toBeLessThanOrEqual(5_000);
      samples += n;
      for (const s of body.series) {
        const spec = resolveMetric(s.metric)?.spec;
        expect(spec, s.metric).toBeDefined();
        expect(s.timestamps.length).toBe(s.values.length);
        const outside = s.values.filter((v) => !(Number.isFinite(v) && v >= spec!.min && v <= spec!.max));
        expect(outside, `${s.entity_id} ${s.metric}`).toEqual([]);
      }
    }
    expect(bodies).toBeGreaterThan(1);
    // The same samples as generated, none lost to the split.
    expect(samples).toBe([...sim.blocks()].reduce((n, b) => n + b.samples, 0));
  });

  it('makes inventory and events the engine accepts', () => {
    const inventory = sim.inventory();
    expect(inventory.nodes).toHaveLength(8);
    expect(Value.Check(NodeBulkBody, { nodes: inventory.nodes })).toBe(true);
    expect(Value.Check(VmBulkBody, { vms: inventory.vms })).toBe(true);
    const hostIds = new Set(inventory.nodes.map((n) => n.id));
    for (const vm of inventory.vms) expect(hostIds.has(vm.node_id!)).toBe(true);
    const events = sim.events();
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(Value.Check(EventBody, e), JSON.stringify(e)).toBe(true);
    const latest = sim.latestEvents();
    expect(new Set(latest.map((e) => e.id)).size).toBe(latest.length);
    expect(Value.Check(EventBatch, { events: latest })).toBe(true);
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['failure', 'recovery', 'maintenance', 'reboot']));
  });

  it('writes the ground truth as JSON with RFC 3339 times', () => {
    const json = JSON.parse(JSON.stringify(truthToJson(sim.truth())));
    expect(json.failures.length).toBeGreaterThan(0);
    for (const f of json.failures) {
      expect(f).toEqual(
        expect.objectContaining({ host_id: expect.any(String), mode: expect.any(String), has_precursor: expect.any(Boolean), precursor_strength: expect.any(Number) }),
      );
      expect(f.failed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(f.precursor_start === null || typeof f.precursor_start === 'string').toBe(true);
    }
  });

  it('refuses options it cannot honour, saying which', () => {
    expect(() => new FleetSimulator({ hosts: 0 })).toThrow(/hosts/);
    expect(() => new FleetSimulator({ stepSeconds: 0.5 })).toThrow(/stepSeconds/);
    expect(() => new FleetSimulator({ suddenFailureShare: 2 })).toThrow(/suddenFailureShare/);
    expect(() => simulateFleet({ hosts: 500, days: 30 })).toThrow(/ingestBodies/);
  });
});
