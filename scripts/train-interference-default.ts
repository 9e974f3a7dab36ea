// Trains the default interference model on simulated co-location (seed 1, early stopping on seed 2)
// and writes models/interference-default.json.gz (`npm run train:interference-default`).
// Deterministic: the same code gives the same bytes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_INTERFERENCE_MODEL_PATH, writeInterferenceModel } from '../src/placement/interference-model-file.js';
import { trainDefaultInterferenceModel } from '../src/placement/interference-model.js';

const { model, report } = await trainDefaultInterferenceModel(1);
const { trainMs, ...training } = report;
const bytes = writeInterferenceModel(DEFAULT_INTERFERENCE_MODEL_PATH, model, training);
const sha = createHash('sha256').update(readFileSync(DEFAULT_INTERFERENCE_MODEL_PATH)).digest('hex');
console.log(`trained in ${(trainMs / 1000).toFixed(1)} s: ${report.rounds} rounds, validation RMSE ${report.validationRmse.toFixed(4)}; wrote ${DEFAULT_INTERFERENCE_MODEL_PATH} (${bytes} bytes, sha256 ${sha})`);
