/**
 * The interference model on disk: gzipped JSON of the fitted model with how it was trained.
 * Deterministic: `npm run train:interference-default` rebuilds models/interference-default.json.gz
 * byte for byte.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MLInputError } from '../ml/core/index.js';
import { InterferenceModel, type DefaultTrainingReport } from './interference-model.js';

export const DEFAULT_INTERFERENCE_MODEL_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/interference-default.json.gz');

/** What the file records of its training (timings left out so the bytes do not vary). */
export type InterferenceTraining = Omit<DefaultTrainingReport, 'trainMs'>;

interface InterferenceModelFile {
  format: 'novacron-interference-model';
  version: 1;
  training: InterferenceTraining;
  model: ReturnType<InterferenceModel['toJSON']>;
}

export function encodeInterferenceModel(model: InterferenceModel, training: InterferenceTraining): Buffer {
  const file: InterferenceModelFile = { format: 'novacron-interference-model', version: 1, training, model: model.toJSON() };
  return gzipSync(JSON.stringify(file), { level: 9 });
}

export function decodeInterferenceModel(bytes: Buffer): { model: InterferenceModel; training: InterferenceTraining } {
  let file: InterferenceModelFile;
  try {
    file = JSON.parse(gunzipSync(bytes).toString('utf8')) as InterferenceModelFile;
  } catch (e) {
    throw new MLInputError(`not a gzipped interference model: ${(e as Error).message}`);
  }
  if (file?.format !== 'novacron-interference-model' || file.version !== 1) throw new MLInputError('not an interference model file (format novacron-interference-model, version 1)');
  return { model: InterferenceModel.fromJSON(file.model), training: file.training };
}

export function writeInterferenceModel(path: string, model: InterferenceModel, training: InterferenceTraining): number {
  const bytes = encodeInterferenceModel(model, training);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return bytes.length;
}

export function readInterferenceModel(path = DEFAULT_INTERFERENCE_MODEL_PATH): { model: InterferenceModel; training: InterferenceTraining } {
  return decodeInterferenceModel(readFileSync(path));
}
