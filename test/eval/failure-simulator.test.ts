import { describe, expect, it } from 'vitest';
import { readFailureModel } from '../../src/failure/model-file.js';
import { failureFeatures } from '../../src/failure/simulator-training.js';
import { evaluateOnFleet } from '../../eval/failure/simulator-eval.js';

/**
 * A CI slice of `npm run eval:failure` (simulator part): the served default model on a small fleet
 * whose seed (9101) was never used in development, scored at the model's own cadence. The floors
 * are far under the full evaluation's figures (README) so only a real regression trips them.
 */
describe('failure prediction on an unseen simulated fleet (CI slice)', { timeout: 300_000 }, () => {
  it('warns most precursor-bearing failures in time at a low false-alarm rate', async () => {
    const { predictor, training } = readFailureModel();
    const e = await evaluateOnFleet(predictor, { seed: 9101, hosts: 30, days: 7, failuresPerHostDay: 0.08 }, training.strideMinutes, failureFeatures(training));
    const ens = e.models.find((m) => m.model === 'ensemble')!;
    expect(e.failures.precursor).toBeGreaterThanOrEqual(8);
    expect(ens.precursor.recall).toBeGreaterThanOrEqual(0.5);
    expect(ens.all.falseAlarmsPerEntityDay).toBeLessThanOrEqual(0.15);
    // Every member is evaluated on its own beside the ensemble.
    expect(e.models.map((m) => m.model)).toEqual([...predictor.members, 'ensemble']);
  });
});
