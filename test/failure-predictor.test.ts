import { describe, expect, it } from 'vitest';
import { FailurePredictor } from '../src/failure/failure-predictor.js';
import { decodeFailureModel, encodeFailureModel } from '../src/failure/model-file.js';
import { failureFeatures, fleetChunks, QUICK_SIMULATOR_TRAINING, simulateForFailures, trainOnSimulator, type SimulatorTrainingConfig } from '../src/failure/simulator-training.js';

const tiny: SimulatorTrainingConfig = {
  ...QUICK_SIMULATOR_TRAINING,
  train: { seed: 101, hosts: 20, days: 4, failuresPerHostDay: 0.25 },
  validation: { seed: 102, hosts: 20, days: 4, failuresPerHostDay: 0.15 },
  boostingRounds: 30,
  forestTrees: 20,
};

describe('failure predictor trained on a small simulated fleet', { timeout: 180_000 }, () => {
  const trained = trainOnSimulator(tiny);

  it('reports every member and the ensemble on validation, with weights on the simplex and a finite threshold', async () => {
    const { predictor } = await trained;
    for (const m of [...tiny.members, 'ensemble']) expect(predictor.report.byModel[m], m).toBeDefined();
    const w = Object.values(predictor.weights);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(w.every((x) => x >= 0)).toBe(true);
    expect(Number.isFinite(predictor.threshold)).toBe(true);
    const e = predictor.report.byModel.ensemble.events;
    // The threshold keeps validation false alarms within the budget less its 20 % transfer margin.
    expect(e.falseAlarmsPerEntityDay).toBeLessThanOrEqual(0.8 * tiny.alertBudgetPerHostDay + 1e-12);
    expect(predictor.report.training.positivesInHorizon).toBeGreaterThan(0);
  });

  it('survives serialisation with identical scores', async () => {
    const { predictor } = await trained;
    const again = decodeFailureModel(encodeFailureModel(predictor, tiny)).predictor;
    const fleet = simulateForFailures({ seed: 7, hosts: 3, days: 2, failuresPerHostDay: 0.3 });
    const [chunk] = fleetChunks(fleet, predictor.options.leadTime, 30, false);
    const a = await predictor.score(chunk.dataset.X);
    const b = await again.score(chunk.dataset.X);
    expect(Array.from(b.score)).toEqual(Array.from(a.score));
    expect(Array.from(b.probability)).toEqual(Array.from(a.probability));
    expect(Array.from(again.timeToFailure(chunk.dataset.X).bucket)).toEqual(Array.from(predictor.timeToFailure(chunk.dataset.X).bucket));
  });

  it('gives calibrated probabilities: higher scores, higher probabilities; the mean matches the validation failure rate', async () => {
    const { predictor } = await trained;
    const val = simulateForFailures(tiny.validation);
    const scored = await predictor.scoreFleet(fleetChunks(val, predictor.options.leadTime, tiny.strideMinutes, false));
    const meanP = scored.probability.reduce((a, b) => a + b, 0) / scored.probability.length;
    const rate = scored.y.reduce((a, b) => a + b, 0) / scored.y.length;
    expect(Math.abs(meanP - rate)).toBeLessThan(0.35 * rate);
    const order = Array.from(scored.score.keys()).sort((i, j) => scored.score[i] - scored.score[j]);
    for (let k = 1; k < order.length; k++) expect(scored.probability[order[k]]).toBeGreaterThanOrEqual(scored.probability[order[k - 1]]);
  });

  it('refuses to validate on the training fleet and rejects an unknown member', async () => {
    await expect(trainOnSimulator({ ...tiny, validation: tiny.train })).rejects.toThrow(/different seeds/);
    await expect(trainOnSimulator({ ...tiny, members: ['gbdt', 'svm' as never] })).rejects.toThrow(/unknown member/);
    expect(() => FailurePredictor.fromJSON({ kind: 'Other' } as never)).toThrow(/not a FailurePredictor/);
  });
});

describe('no look-ahead', () => {
  it('a window\'s features do not change when everything after its end changes', () => {
    const fleet = simulateForFailures({ seed: 5, hosts: 1, days: 2 });
    const host = fleet.hosts[0];
    const fx = failureFeatures();
    const end = 1500;
    const before = new Float64Array(fx.size);
    fx.prepare(host.metrics, host.timestamps.length).featuresAt(end, before, 0);
    const altered = Object.fromEntries(Object.entries(host.metrics).map(([k, v]) => [k, Float64Array.from(v as ArrayLike<number>, (x, i) => (i > end ? x * 7 + 1000 : x))]));
    const after = new Float64Array(fx.size);
    fx.prepare(altered, host.timestamps.length).featuresAt(end, after, 0);
    expect(Array.from(after)).toEqual(Array.from(before));
  });
});
