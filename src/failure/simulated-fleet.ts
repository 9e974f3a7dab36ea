/**
 * A simulated fleet as failure-prediction data: every host's series on the simulator's regular
 * grid (NaN while the host is down) and the failures from its ground truth.
 */
import type { FleetSimulator } from '../sim/index.js';
import type { FailureInterval } from './labels.js';
import type { HostSeries } from './window-dataset.js';

export function simulatedHostSeries(sim: FleetSimulator, metrics: readonly string[], hostIndex: number): HostSeries {
  const { start, stepMs, steps } = sim.grid;
  const timestamps = new Float64Array(steps);
  for (let k = 0; k < steps; k++) timestamps[k] = start + k * stepMs;
  const wanted = new Set(metrics);
  const values: Record<string, Float64Array> = {};
  for (const m of metrics) values[m] = new Float64Array(steps).fill(NaN);
  let entityId = sim.fleet.hosts[hostIndex].id;
  for (const block of sim.hostBlocks(hostIndex)) {
    for (const s of block.series) {
      if (s.entity_type !== 'node' || !wanted.has(s.metric)) continue;
      entityId = s.entity_id;
      const v = values[s.metric];
      for (let i = 0; i < s.timestamps.length; i++) v[Math.round((s.timestamps[i] - start) / stepMs)] = s.values[i];
    }
  }
  return { entityId, timestamps, metrics: values, observedUntil: sim.end };
}

/** The run's failures, observed or not (an unobserved one still labels the windows before the run's end as censored). */
export function simulatedFailures(sim: FleetSimulator): FailureInterval[] {
  return sim.truth().failures.map((f) => ({ entityId: f.host_id, failedAt: f.failed_at, recoveredAt: f.recovered_at, mode: f.mode }));
}
