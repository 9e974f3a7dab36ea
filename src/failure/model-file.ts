/**
 * A failure model on disk: the serialised predictor with the configuration that trained it, as
 * gzipped JSON. Nothing time- or machine-dependent goes in, so the same command and code give the
 * same bytes: `npm run train:failure-default` rebuilds models/failure-default.json.gz exactly.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MLInputError } from '../ml/core/index.js';
import { FailurePredictor, type SerializedFailurePredictor } from './failure-predictor.js';
import type { SimulatorTrainingConfig } from './simulator-training.js';

/** The default model shipped with the engine, used until another version is trained and activated. */
export const DEFAULT_FAILURE_MODEL_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/failure-default.json.gz');

export interface FailureModelFile {
  format: 'novacron-failure-model';
  version: 1;
  /** How it was trained (simulator seeds, horizons, members). */
  training: SimulatorTrainingConfig;
  predictor: SerializedFailurePredictor;
}

export function encodeFailureModel(predictor: FailurePredictor, training: SimulatorTrainingConfig): Buffer {
  const file: FailureModelFile = { format: 'novacron-failure-model', version: 1, training, predictor: predictor.toJSON() };
  return gzipSync(JSON.stringify(file), { level: 9 });
}

export function decodeFailureModel(bytes: Buffer): { predictor: FailurePredictor; training: SimulatorTrainingConfig } {
  let file: FailureModelFile;
  try {
    file = JSON.parse(gunzipSync(bytes).toString('utf8')) as FailureModelFile;
  } catch (e) {
    throw new MLInputError(`not a gzipped failure model: ${(e as Error).message}`);
  }
  if (file?.format !== 'novacron-failure-model' || file.version !== 1) throw new MLInputError('not a failure model file (format novacron-failure-model, version 1)');
  return { predictor: FailurePredictor.fromJSON(file.predictor), training: file.training };
}

export function writeFailureModel(path: string, predictor: FailurePredictor, training: SimulatorTrainingConfig): number {
  const bytes = encodeFailureModel(predictor, training);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return bytes.length;
}

export function readFailureModel(path = DEFAULT_FAILURE_MODEL_PATH): { predictor: FailurePredictor; training: SimulatorTrainingConfig } {
  return decodeFailureModel(readFileSync(path));
}
