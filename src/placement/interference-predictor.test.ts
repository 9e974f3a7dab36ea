import { describe, expect, it } from 'vitest';
import { readInterferenceModel } from './interference-model-file.js';
import { colocationState, interferencePredictor, workloadClassOf } from './interference-predictor.js';
import { WORKLOAD_CLASSES } from './interference-features.js';
import type { PlacementHost, PlacementRequest } from './problem.js';

function host(id: string, facts: Record<string, number | string> | undefined, mix: Record<string, number>, allocatedCores: number): PlacementHost {
  return {
    id,
    status: 'available',
    capacity: { cpu_cores: 64, memory_mb: 262144, storage_gb: 2000, network_mbps: 25000, gpu_count: 0 },
    allocated: { cpu_cores: allocatedCores, memory_mb: allocatedCores * 4096, storage_gb: 0, network_mbps: 0, gpu_count: 0 },
    complianceTags: new Set(),
    labels: {},
    maintenance: [],
    vms: new Set(),
    groups: new Map(),
    facts,
    workloadMix: new Map(Object.entries(mix)),
  };
}

const request = (type: string, cores = 4): PlacementRequest => ({ id: 'vm', resources: { cpu_cores: cores, memory_mb: 16384, storage_gb: 0, network_mbps: 0, gpu_count: 0 }, groups: [], soft: { workloadType: type } });

describe('interference predictor (our hosts in the model\'s terms)', () => {
  const predict = interferencePredictor(readInterferenceModel().model);

  it('maps workload types to classes, unknown to the mixed batch class', () => {
    expect(WORKLOAD_CLASSES[workloadClassOf('database')]).toBe('memory_bound');
    expect(WORKLOAD_CLASSES[workloadClassOf('Web_Server')]).toBe('latency_sensitive');
    expect(WORKLOAD_CLASSES[workloadClassOf('io_bound')]).toBe('io_bound');
    expect(WORKLOAD_CLASSES[workloadClassOf('something-else')]).toBe('batch');
    expect(WORKLOAD_CLASSES[workloadClassOf(undefined)]).toBe('batch');
  });

  it('is unavailable (NaN) for a host without live CPU utilisation', () => {
    expect(colocationState(host('a', undefined, {}, 0))).toBeNull();
    const out = predict([host('a', undefined, {}, 0), host('b', { cpu_utilization: 0.2 }, {}, 8)], request('database'));
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeGreaterThanOrEqual(0);
    expect(out[1]).toBeLessThanOrEqual(1);
  });

  it('predicts more slowdown beside more, and more contending, neighbours', () => {
    const idle = host('idle', { cpu_utilization: 0.05 }, {}, 0);
    const light = host('light', { cpu_utilization: 0.3 }, { web: 4 }, 16);
    const heavy = host('heavy', { cpu_utilization: 0.85 }, { database: 12, analytics: 6 }, 60);
    const [a, b, c] = predict([idle, light, heavy], request('database', 8));
    expect(a).toBeLessThan(b);
    expect(b).toBeLessThan(c);
    expect(c - a).toBeGreaterThan(0.1);
  });
});

describe('interference predictions kept per fleet snapshot and VM flavour', () => {
  it('predicts a repeated flavour once per fleet state, with the same results as uncached', async () => {
    const { FleetSnapshot } = await import('./fleet-snapshot.js');
    const { place } = await import('./placement-engine.js');
    const { syntheticFleet, syntheticRequest } = await import('./synthetic-fleet.js');
    const { Random } = await import('../ml/core/index.js');
    const base = interferencePredictor(readInterferenceModel().model);
    let rowsPredicted = 0;
    const counted = Object.assign((hs: readonly PlacementHost[], r: PlacementRequest) => ((rowsPredicted += hs.length), base(hs, r)), { cacheKey: base.cacheKey });
    const fleet = syntheticFleet(200, 5);
    const snapshot = new FleetSnapshot(fleet);
    const r = syntheticRequest(new Random(1), 0, 200);
    const first = place(snapshot, r, { interference: counted });
    const afterFirst = rowsPredicted;
    const second = place(snapshot, { ...r, id: 'again' }, { interference: counted });
    expect(afterFirst).toBe(first.table.size);
    expect(rowsPredicted).toBe(afterFirst); // nothing predicted again
    const uncached = place(new FleetSnapshot(fleet), r, { interference: (hs, req) => base(hs, req) });
    for (let k = 0; k < first.table.size; k++) {
      expect(second.table.at(k).score).toBe(uncached.table.at(k).score);
      expect(second.table.at(k).host.id).toBe(uncached.table.at(k).host.id);
    }
    // Another flavour is predicted afresh.
    place(snapshot, { ...r, resources: { ...r.resources, cpu_cores: r.resources.cpu_cores + 1 } }, { interference: counted });
    expect(rowsPredicted).toBeGreaterThan(afterFirst);
  });
});
