import { beforeAll, describe, expect, it } from 'vitest';
import { FitCancelledError, MLInputError, NotFittedError } from '../../ml/core/errors.js';
import { matrix, type Matrix } from '../../ml/core/matrix.js';
import { Random } from '../../ml/core/random.js';
import { HostAnomalyModel } from './host-anomaly-model.js';

const F = 6;
const NAMES = ['cpu', 'cpu_peer', 'mem', 'disk', 'net', 'conns'];

/**
 * A host's metrics from time t0, driven by a workload cycle of 120 steps: cpu and cpu_peer follow
 * it closely (a correlated pair), mem and conns loosely; disk follows a slower cycle of its own
 * and net is an AR(1) process (the one metric that is mostly noise).
 */
function host(rows: number, t0: number, seed: number): Matrix {
  const rng = new Random(seed);
  const X = new Float64Array(rows * F);
  let ar = 0;
  for (let i = 0; i < rows; i++) {
    const t = t0 + i;
    const cyc = Math.sin((2 * Math.PI * t) / 120);
    ar = 0.9 * ar + 0.1 * rng.normal();
    X.set([cyc + 0.03 * rng.normal(), 0.8 * cyc + 0.03 * rng.normal(), 0.5 + 0.05 * cyc + 0.02 * rng.normal(), 0.3 * Math.cos((2 * Math.PI * t) / 300) + 0.05 * rng.normal(), ar, 10 + 3 * cyc + rng.normal()], i * F);
  }
  return matrix(X, rows, F);
}

const TRAIN = 2000;
/** Test rows 68..73 sit at the cycle's peak (t mod 120 ≈ 30): there cpu_peer is flipped against cpu. */
const BREAK = [68, 69, 70, 71, 72, 73];
/** Test rows 400..402: disk jumps by 2 (about 9 standard deviations). */
const SPIKE = [400, 401, 402];
const PLANTED = [...BREAK, ...SPIKE];

function testSet(): Matrix {
  const X = host(600, TRAIN, 2);
  for (const i of BREAK) X.data[i * F + 1] = -0.8 * Math.sin((2 * Math.PI * (TRAIN + i)) / 120);
  for (const i of SPIKE) X.data[i * F + 3] += 2;
  return X;
}

/** Row indices by decreasing value. */
function ranking(v: ArrayLike<number>): number[] {
  return Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[b] - v[a]);
}

describe('HostAnomalyModel', () => {
  const train = host(TRAIN, 0, 1);
  const test = testSet();
  let model: HostAnomalyModel;

  // Row by row (smoothing 1): each row's own evidence, so a planted row is judged on itself.
  beforeAll(async () => {
    model = await new HostAnomalyModel({ metricNames: NAMES, threads: 1, smoothing: 1 }).fit(train, { seed: 3 });
  }, 60_000);

  it('ranks the planted anomalies — a broken correlation and a single-metric spike — above every normal row', () => {
    const s = model.score(test);
    const top = new Set(ranking(s.surprisal).slice(0, PLANTED.length));
    for (const i of PLANTED) expect(top.has(i)).toBe(true);
    // Calibrated: normal rows score like held-out training rows (few above 0.99), planted ones far above.
    const normal = Array.from(s.score).filter((_, i) => !PLANTED.includes(i));
    expect(normal.filter((v) => v >= 0.99).length / normal.length).toBeLessThan(0.05);
    for (const i of PLANTED) expect(s.score[i]).toBeGreaterThan(0.99);
    for (const v of s.score) expect(v >= 0 && v < 1).toBe(true);
    expect(Object.keys(s.members).sort()).toEqual(['iforest', 'lof', 'ocsvm', 'pca']);
  });

  it('the correlation break is invisible to each metric alone but not to the ensemble', () => {
    // Each value of cpu_peer in the break is within its training range …
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < TRAIN; i++) {
      lo = Math.min(lo, train.data[i * F + 1]);
      hi = Math.max(hi, train.data[i * F + 1]);
    }
    for (const i of BREAK) expect(test.data[i * F + 1]).toBeGreaterThan(lo);
    // … yet the neighbour and kernel members see the pair leave its joint distribution.
    const s = model.score(test);
    for (const i of BREAK) {
      expect(s.members.lof![i]).toBeGreaterThan(0.99);
      expect(s.members.ocsvm![i]).toBeGreaterThan(0.99);
    }
  });

  it('attributes the spike to disk and the correlation break to the cpu pair', () => {
    for (const i of SPIKE) {
      const a = model.attribute(test.data.subarray(i * F, (i + 1) * F));
      expect(a[0]).toMatchObject({ metric: 3, name: 'disk' });
      expect(a[0].contribution).toBeGreaterThan(1.25 * a[1].contribution);
      expect(a[0].deviation).toBeGreaterThan(5);
      expect(model.affectedMetrics(a)).toEqual(['disk']);
    }
    // cpu_peer is the metric that broke away; every value of the pair is ordinary on its own.
    for (const i of BREAK) {
      const a = model.attribute(test.data.subarray(i * F, (i + 1) * F));
      expect(a[0].name).toBe('cpu_peer');
      expect(a[0].contribution).toBeGreaterThan(1.5 * a[1].contribution);
    }
    // Contributions are a ranked split of 1.
    const a = model.attribute(test.data.subarray(SPIKE[0] * F, (SPIKE[0] + 1) * F));
    expect(a.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(1, 12);
    for (let k = 1; k < a.length; k++) expect(a[k].contribution).toBeLessThanOrEqual(a[k - 1].contribution);
  });

  it('batch attributions agree with attributing the series up to the row', () => {
    // The baseline (and the LSTM) read the rows before: the series up to the row is the same input.
    const A = model.attributions(test, SPIKE);
    const upTo = model.attribute(matrix(test.data.slice(0, (SPIKE[1] + 1) * F), SPIKE[1] + 1, F));
    for (const c of upTo) expect(A.data[1 * F + c.metric]).toBeCloseTo(c.contribution, 12);
  });

  it('round-trips through JSON with identical scores and attributions', () => {
    const json = JSON.stringify(model.toJSON());
    const back = HostAnomalyModel.fromJSON(JSON.parse(json));
    const a = model.score(test);
    const b = back.score(test);
    expect(b.surprisal).toEqual(a.surprisal);
    expect(b.score).toEqual(a.score);
    for (const m of ['iforest', 'lof', 'ocsvm', 'pca'] as const) expect(b.raw[m]).toEqual(a.raw[m]);
    expect(back.attributions(test, PLANTED).data).toEqual(model.attributions(test, PLANTED).data);
    expect(JSON.stringify(back.toJSON())).toBe(json);
    expect(() => HostAnomalyModel.fromJSON({ ...JSON.parse(json), formatVersion: 99 })).toThrow(/format version/);
    expect(() => HostAnomalyModel.fromJSON({ ...JSON.parse(json), kind: 'IsolationForest' })).toThrow(MLInputError);
  });

  it('reports progress from 0 to 1 in order, member by member', async () => {
    const seen: number[] = [];
    const messages: string[] = [];
    await new HostAnomalyModel({ threads: 1 }).fit(host(500, 0, 4), { seed: 1, onProgress: (p) => (seen.push(p.fraction), messages.push(p.message ?? '')) });
    for (let k = 1; k < seen.length; k++) expect(seen[k]).toBeGreaterThanOrEqual(seen[k - 1]);
    expect(seen.at(-1)).toBe(1);
    for (const m of ['iforest fitted', 'lof fitted', 'ocsvm fitted', 'pca fitted']) expect(messages).toContain(m);
  }, 60_000);

  it('is deterministic: the same seed gives the same model bit for bit', async () => {
    const again = await new HostAnomalyModel({ metricNames: NAMES, threads: 1, smoothing: 1 }).fit(train, { seed: 3 });
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(model.toJSON()));
  }, 60_000);

  it('handles missing values: NaN cells are imputed, carry no evidence, and the planted rows still rank top', async () => {
    const rng = new Random(9);
    const holey = (X: Matrix, skip: number[]) => {
      const d = Float64Array.from(X.data);
      for (let i = 0; i < X.rows; i++) {
        if (skip.includes(i)) continue;
        for (let j = 0; j < F; j++) if (rng.float() < 0.03) d[i * F + j] = NaN;
      }
      return matrix(d, X.rows, X.cols);
    };
    const trainNaN = holey(train, []);
    for (let j = 0; j < F; j++) trainNaN.data[100 * F + j] = NaN; // one fully missing row
    const m = await new HostAnomalyModel({ metricNames: NAMES, threads: 1, smoothing: 1 }).fit(trainNaN, { seed: 3 });
    const testNaN = holey(test, PLANTED);
    for (let j = 0; j < F; j++) testNaN.data[10 * F + j] = NaN;
    const s = m.score(testNaN);
    for (const v of s.surprisal) expect(Number.isFinite(v)).toBe(true);
    const top = new Set(ranking(s.surprisal).slice(0, PLANTED.length + 2));
    for (const i of PLANTED) expect(top.has(i)).toBe(true);
    // A fully missing row looks like the training mean: not anomalous.
    expect(s.score[10]).toBeLessThan(0.99);
    // A missing metric is never blamed by its deviation.
    const row = Float64Array.from(test.data.subarray(SPIKE[0] * F, (SPIKE[0] + 1) * F));
    row[0] = NaN;
    const a = m.attribute(row);
    expect(a.find((c) => c.metric === 0)!.deviation).toBe(0);
    expect(a[0].name).toBe('disk');
  }, 60_000);

  it('with the default smoothing, flags each planted segment and raises fewer alarm events on normal rows', async () => {
    const smooth = await new HostAnomalyModel({ metricNames: NAMES, threads: 1 }).fit(train, { seed: 3 });
    const events = (score: Float64Array) => {
      let n = 0;
      for (let i = 0; i < score.length; i++) if (score[i] >= 0.99 && !(i > 0 && score[i - 1] >= 0.99) && !PLANTED.some((p) => i >= p && i <= p + 4)) n++;
      return n;
    };
    const a = model.score(test).score;
    const b = smooth.score(test).score;
    for (const seg of [BREAK, SPIKE]) expect(Math.max(...seg.map((i) => b[i]))).toBeGreaterThan(0.99);
    expect(events(b)).toBeLessThan(events(a));
  }, 60_000);

  it('rejects bad input with errors that say what is wrong', async () => {
    await expect(new HostAnomalyModel().fit(matrix(new Float64Array(0), 0, 6))).rejects.toThrow(/empty/);
    await expect(new HostAnomalyModel().fit([])).rejects.toThrow(/empty/);
    await expect(new HostAnomalyModel().fit(host(15, 0, 1))).rejects.toThrow(/at least 20/);
    await expect(new HostAnomalyModel().fit({ data: new Float64Array(10), rows: 3, cols: 4 })).rejects.toThrow(/10 values for shape 3×4/);
    await expect(new HostAnomalyModel().fit([[1, 2], [3]])).rejects.toThrow(MLInputError);
    const inf = host(100, 0, 1);
    inf.data[7] = Infinity;
    await expect(new HostAnomalyModel().fit(inf)).rejects.toThrow(/infinite/);
    await expect(new HostAnomalyModel({ members: ['iforest', 'knn' as never] }).fit(train)).rejects.toThrow(/unknown member knn/);
    await expect(new HostAnomalyModel({ members: [] }).fit(train)).rejects.toThrow(/at least one/);
    await expect(new HostAnomalyModel({ treshold: 3 } as never).fit(train)).rejects.toThrow(/unknown parameter treshold/);
    await expect(new HostAnomalyModel({ metricNames: ['a'] }).fit(train)).rejects.toThrow(/metricNames/);
    await expect(new HostAnomalyModel({ smoothing: 0 }).fit(train)).rejects.toThrow(/smoothing/);
    expect(() => new HostAnomalyModel().score(test)).toThrow(NotFittedError);
    expect(() => model.score(matrix(new Float64Array(10), 2, 5))).toThrow(/5 metrics, the model was fitted on 6/);
    expect(() => model.attribute([1, 2, 3])).toThrow(/3 values/);
    expect(() => model.attributions(test, [600])).toThrow(/outside/);
    await expect(new HostAnomalyModel().fit(train, { signal: AbortSignal.abort() })).rejects.toThrow(FitCancelledError);
    // Scoring nothing is not an error: it returns nothing.
    expect(model.score(matrix(new Float64Array(0), 0, 6)).score.length).toBe(0);
  });
});

describe('HostAnomalyModel with the LSTM autoencoder', () => {
  it('scores windows, attributes by reconstruction error, and round-trips exactly', async () => {
    const train = host(1200, 0, 1);
    const test = testSet();
    const model = await new HostAnomalyModel({
      members: ['iforest', 'lstm'],
      metricNames: NAMES,
      threads: 1,
      memberParams: { lstm: { windowSize: 8, hiddenUnits: 8, latentUnits: 4, epochs: 4, maxTrainWindows: 400 } },
    }).fit(train, { seed: 5 });
    expect(model.context).toBe(8);
    const s = model.score(test);
    const rank = ranking(s.raw.lstm!);
    // The autoencoder alone finds the spike among the 5 % most abnormal rows.
    for (const i of SPIKE) expect(rank.indexOf(i)).toBeLessThan(30);
    const back = HostAnomalyModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(back.score(test).surprisal).toEqual(s.surprisal);
    // A window: the last row is explained, the earlier ones are the autoencoder's context.
    const window = matrix(test.data.slice((SPIKE[0] - 7) * F, (SPIKE[0] + 1) * F), 8, F);
    const a = model.attribute(window);
    expect(a[0].name).toBe('disk');
    expect(back.attribute(window)).toEqual(a);
  }, 60_000);
});
