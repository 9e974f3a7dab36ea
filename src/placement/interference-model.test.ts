import { beforeAll, describe, expect, it } from 'vitest';
import { fromRows, matrix } from '../ml/core/index.js';
import { r2 } from '../ml/metrics/index.js';
import { colocationDataset, simulateColocation, simulateColocationDataset, type ColocationDataset } from './colocation-sim.js';
import {
  INTERFERENCE_FEATURE_NAMES,
  INTERFERENCE_FEATURES,
  interferenceFeatures,
  NUM_INTERFERENCE_FEATURES,
  NUM_WORKLOAD_CLASSES,
  withVmPlaced,
  WORKLOAD_CLASSES,
  writeInterferenceFeatures,
  type HostColocationState,
} from './interference-features.js';
import { InterferenceModel, LeastSquaresRegression, trainDefaultInterferenceModel } from './interference-model.js';

const cls = (name: (typeof WORKLOAD_CLASSES)[number]) => WORKLOAD_CLASSES.indexOf(name);
const col = (name: string) => INTERFERENCE_FEATURE_NAMES.indexOf(name);

function host(overrides: Partial<HostColocationState> = {}): HostColocationState {
  return {
    cores: 32,
    threadsPerCore: 2,
    llcMb: 48,
    memBandwidthGbs: 140,
    diskIops: 200_000,
    nicGbps: 25,
    generation: 2,
    cpuDemand: 0.25,
    memBandwidthUtil: 0.2,
    llcOccupancy: 0.6,
    diskUtil: 0.1,
    netUtil: 0.1,
    vcpusAllocated: 24,
    neighbourCount: [1, 1, 1, 1, 1, 1],
    neighbourVcpus: [4, 4, 4, 4, 4, 4],
    ...overrides,
  };
}

describe('co-location features', () => {
  it('documents every column it writes, once', () => {
    expect(INTERFERENCE_FEATURES.length).toBe(NUM_INTERFERENCE_FEATURES);
    expect(new Set(INTERFERENCE_FEATURE_NAMES).size).toBe(NUM_INTERFERENCE_FEATURES);
    for (const f of INTERFERENCE_FEATURES) expect(f.description.length).toBeGreaterThan(5);
    const row = interferenceFeatures(host(), { workloadClass: 1, vcpus: 8 });
    expect(row.length).toBe(NUM_INTERFERENCE_FEATURES);
    expect(row.every(Number.isFinite)).toBe(true);
  });

  it('writes exactly its columns at the offset and computes the documented values', () => {
    const F = NUM_INTERFERENCE_FEATURES;
    const buf = new Float64Array(3 * F).fill(-7);
    writeInterferenceFeatures(host(), { workloadClass: cls('memory_bound'), vcpus: 8 }, buf, F);
    expect(buf.subarray(0, F).every((v) => v === -7)).toBe(true);
    expect(buf.subarray(2 * F).every((v) => v === -7)).toBe(true);
    const row = buf.subarray(F, 2 * F);
    expect(row.every((v) => v !== -7)).toBe(true);
    expect(row[col('host_threads')]).toBe(64);
    expect(row[col('neighbour_count')]).toBe(6);
    expect(row[col('vm_class')]).toBe(cls('memory_bound'));
    expect(row[col('vcpu_alloc_ratio')]).toBeCloseTo(24 / 64, 12);
    expect(row[col('post_vcpu_alloc_ratio')]).toBeCloseTo(32 / 64, 12);
    expect(row[col('vcpu_share_batch')]).toBeCloseTo(4 / 64, 12);
    // The VM's catalogue bandwidth (2.5 GB/s per vCPU) lands on top of the live 20 %.
    expect(row[col('post_mem_bw')]).toBeCloseTo(0.2 + (8 * 2.5) / 140, 12);
    expect(() => writeInterferenceFeatures(host(), { workloadClass: NUM_WORKLOAD_CLASSES, vcpus: 1 }, buf)).toThrow(RangeError);
  });

  it('withVmPlaced moves counts and raises utilisation without touching the input', () => {
    const h = host();
    const after = withVmPlaced(h, { workloadClass: cls('io_bound'), vcpus: 4 });
    expect(after.neighbourCount[cls('io_bound')]).toBe(2);
    expect(after.neighbourVcpus[cls('io_bound')]).toBe(8);
    expect(after.vcpusAllocated).toBe(28);
    expect(after.diskUtil).toBeGreaterThan(h.diskUtil);
    expect(h.neighbourCount[cls('io_bound')]).toBe(1);
  });
});

describe('co-location simulator', () => {
  it('is deterministic: same seed, same data; another seed, other data; samples independent of the count', () => {
    const a = simulateColocationDataset(5, 300);
    const b = simulateColocationDataset(5, 300);
    expect(Array.from(a.X.data)).toEqual(Array.from(b.X.data));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    const c = simulateColocationDataset(6, 300);
    expect(Array.from(c.y)).not.toEqual(Array.from(a.y));
    const tail = colocationDataset(simulateColocation(5, 100, { start: 200 }));
    expect(Array.from(tail.y)).toEqual(Array.from(a.y.subarray(200)));
  });

  it('gives degradations in [0, 1] that grow with load, and none without neighbours bar noise', () => {
    const samples = simulateColocation(7, 4000);
    expect(samples.every((s) => s.degradation >= 0 && s.degradation <= 1)).toBe(true);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = (s: (typeof samples)[number]) => s.host.vcpusAllocated / (s.host.cores * s.host.threadsPerCore);
    const idle = samples.filter((s) => s.host.vcpusAllocated === 0);
    const light = samples.filter((s) => ratio(s) > 0 && ratio(s) < 0.4);
    const heavy = samples.filter((s) => ratio(s) > 0.9);
    expect(idle.length).toBeGreaterThan(100);
    expect(Math.max(...idle.map((s) => s.noiseFreeDegradation))).toBeLessThan(1e-12);
    expect(mean(idle.map((s) => s.degradation))).toBeLessThan(0.02);
    expect(mean(heavy.map((s) => s.degradation))).toBeGreaterThan(2 * mean(light.map((s) => s.degradation)));
    // The noise is measurement noise: without it the measured value is the true one.
    const exact = simulateColocation(7, 200, { noise: { measurement: 0 } });
    for (const s of exact) expect(s.degradation).toBeCloseTo(Math.min(0.99, s.noiseFreeDegradation), 12);
  });
});

describe('InterferenceModel', () => {
  let train: ColocationDataset;
  let test: ColocationDataset;
  let model: InterferenceModel;

  beforeAll(async () => {
    train = simulateColocationDataset(11, 8000);
    const val = simulateColocationDataset(12, 3000);
    test = simulateColocationDataset(13, 5000);
    model = await new InterferenceModel().fit(train.X, train.y, { seed: 3, validation: { X: val.X, y: val.y } });
  });

  it('beats the mean predictor and least squares on held-out seeds by a clear margin', () => {
    const pred = model.predict(test.X);
    expect(pred.every((v) => v >= 0 && v <= 1)).toBe(true);
    let mean = 0;
    for (const v of train.y) mean += v;
    mean /= train.y.length;
    const r2Mean = r2(test.y, new Float64Array(test.y.length).fill(mean));
    const linear = new LeastSquaresRegression().fit(train.X, train.y).predict(test.X).map((v) => Math.min(1, Math.max(0, v)));
    const r2Linear = r2(test.y, linear);
    const r2Model = r2(test.y, pred);
    expect(r2Mean).toBeLessThan(0.01);
    expect(r2Linear).toBeGreaterThan(0.5);
    expect(r2Model).toBeGreaterThan(r2Linear + 0.08);
    expect(r2Model).toBeGreaterThan(0.85);
    expect(model.rounds).toBeGreaterThan(20);
  });

  it('round-trips through JSON exactly', () => {
    const back = InterferenceModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(back.predict(test.X))).toEqual(Array.from(model.predict(test.X)));
    expect(back.rounds).toBe(model.rounds);
    const s = simulateColocation(13, 3);
    const rows = model.predict(colocationDataset(s).X);
    for (let i = 0; i < 3; i++) expect(back.predictOne(s[i].host, s[i].vm)).toBe(rows[i]);
    const vm = { workloadClass: 2, vcpus: 4 };
    const hosts = s.map((x) => x.host);
    const many = back.predictHosts(hosts, vm);
    for (let i = 0; i < 3; i++) expect(many[i]).toBe(back.predictOne(hosts[i], vm));
  });

  it('refuses a serialised model with other feature names, and prediction before fit', () => {
    const json = model.toJSON();
    json.state.featureNames = [...json.state.featureNames.slice(1), 'other'];
    expect(() => InterferenceModel.fromJSON(json)).toThrow(/features/);
    expect(() => new InterferenceModel().predict(test.X)).toThrow(/not fitted/);
  });

  it('is the same model for the same seed and data', async () => {
    const small = matrix(train.X.data.subarray(0, 2000 * NUM_INTERFERENCE_FEATURES), 2000, NUM_INTERFERENCE_FEATURES);
    const y = train.y.subarray(0, 2000);
    const a = await new InterferenceModel({ nEstimators: 30 }).fit(small, y, { seed: 9 });
    const b = await new InterferenceModel({ nEstimators: 30 }).fit(small, y, { seed: 9 });
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
  });

  it('predicts more degradation, on average, with more contending neighbours', () => {
    const hosts = simulateColocation(14, 600).map((s) => s.host);
    const meanWith = (vmClass: number, neighbourClass: number, k: number) => {
      let sum = 0;
      for (const h of hosts) {
        let state = h;
        for (let j = 0; j < k; j++) state = withVmPlaced(state, { workloadClass: neighbourClass, vcpus: 4 });
        sum += model.predictOne(state, { workloadClass: vmClass, vcpus: 4 });
      }
      return sum / hosts.length;
    };
    for (const [vm, neighbour] of [
      ['memory_bound', 'memory_bound'],
      ['io_bound', 'io_bound'],
      ['latency_sensitive', 'cpu_bound'],
    ] as const) {
      const curve = [0, 2, 4, 8].map((k) => meanWith(cls(vm), cls(neighbour), k));
      for (let i = 1; i < curve.length; i++) expect(curve[i], `${vm} among ${neighbour}: ${curve.map((v) => v.toFixed(3))}`).toBeGreaterThan(curve[i - 1]);
      expect(curve[3] - curve[0]).toBeGreaterThan(0.02);
    }
  });
});

describe('trainDefaultInterferenceModel', () => {
  it('trains on the seed, early-stops on another, and reports what it did', async () => {
    const { model, report } = await trainDefaultInterferenceModel(21, { trainSamples: 3000, validationSamples: 1000 });
    expect(report).toMatchObject({ seed: 21, validationSeed: 22, trainRows: 3000, validationRows: 1000, rounds: model.rounds });
    expect(report.rounds).toBeLessThan(800);
    expect(report.validationRmse).toBeGreaterThan(0);
    expect(report.validationRmse).toBeLessThan(0.12);
    await expect(trainDefaultInterferenceModel(21, { validationSeed: 21 })).rejects.toThrow(/differ/);
  });
});

describe('LeastSquaresRegression', () => {
  it('recovers an exact linear relation, collinear and constant columns included', () => {
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const a = Math.sin(i);
      const b = Math.cos(3 * i);
      rows.push([a, b, a + b, 5]);
      y.push(0.3 + 2 * a - b);
    }
    const X = fromRows(rows);
    const pred = new LeastSquaresRegression().fit(X, y).predict(X);
    for (let i = 0; i < 200; i++) expect(pred[i]).toBeCloseTo(y[i], 6);
  });
});
