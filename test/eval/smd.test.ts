import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetPath } from '../../eval/lib/datasets-dir.js';
import { DEFAULT_SMD_CONFIG, evaluateMachine, type MethodResult } from '../../eval/smd/evaluate.js';
import { loadSmdMachine } from '../../eval/smd/loader.js';

/**
 * A CI slice of `npm run eval:smd`: the smallest staged SMD machine (machine-3-4, 23,687 test
 * rows), the ensemble with its default members and without the LSTM autoencoder, seed 1.
 *
 * Measured (2 cores, seeds 1–5 of the whole pipeline, best point-wise F1 on the test half):
 * ensemble 0.801–0.822, isolation forest alone 0.165–0.219, random scores 0.079–0.081.
 * The thresholds below sit below the ensemble's lowest seed by a margin, and the tolerance against
 * the isolation forest is its own seed-to-seed spread (0.05). Deterministic for a fixed seed.
 * This machine is a favourable one for the ensemble (its memory metrics re-baseline in the test
 * half, which the trailing baseline absorbs and the raw-level forest does not): the 8-machine
 * means in eval:smd are the honest comparison.
 */
const dir = datasetPath('smd');
const MACHINE = 'machine-3-4';
const present = fs.existsSync(path.join(dir, 'train', `${MACHINE}.txt.gz`)) && fs.existsSync(path.join(dir, 'test', `${MACHINE}.txt.gz`));

describe.skipIf(!present)(`SMD ${MACHINE}: ensemble vs isolation forest vs random scores`, () => {
  it('the ensemble clearly beats random scores and is not beaten by the isolation forest (best point-wise F1)', async () => {
    const machine = loadSmdMachine(dir, MACHINE);
    const results = await evaluateMachine(machine, { ...DEFAULT_SMD_CONFIG, withLstm: false, members: false, seed: 1 });
    const get = (m: string): MethodResult => results.find((r) => r.method === m)!;
    const ours = get('ensemble');
    const forest = get('iforest');
    const random = get('random');
    console.log(`${MACHINE} best F1: ensemble ${ours.bestF1.toFixed(3)}, iforest ${forest.bestF1.toFixed(3)}, random ${random.bestF1.toFixed(3)}; PA%20 F1 ${ours.paKF1.toFixed(3)} / ${forest.paKF1.toFixed(3)} / ${random.paKF1.toFixed(3)}`);
    expect(ours.bestF1).toBeGreaterThan(0.75);
    expect(ours.bestF1).toBeGreaterThan(random.bestF1 + 0.5);
    expect(ours.bestF1).toBeGreaterThanOrEqual(forest.bestF1 - 0.05);
    // Not point-adjusted F1 alone: the stricter PA%20 and the root-cause ranking agree.
    expect(ours.paKF1).toBeGreaterThan(random.paKF1 + 0.3);
    expect(ours.hitRate100).toBeGreaterThan(random.hitRate100);
  }, 60_000);
});

if (!present) console.warn(`skipping the SMD slice: ${dir} has no ${MACHINE} train/test files (set NOVACRON_DATASETS_DIR; see shared/data/smd/PROVENANCE.md)`);
