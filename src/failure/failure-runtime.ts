/**
 * The failure model's heavy side, loaded on first use (`await import('./failure-runtime.js')`):
 * the predictor and its members pull in the tree ensembles and TensorFlow.js, which `serve` must
 * not pay for before it listens. Everything that decodes, featurises or scores lives behind this
 * module; the service and routes import only its types.
 */
import { matrix, MLInputError } from '../ml/core/index.js';
import { TTF_BUCKETS, type FailurePredictor } from './failure-predictor.js';
import { decodeFailureModel } from './model-file.js';
import type { SequenceFeaturizer } from './sequence-featurizer.js';
import type { WindowFeaturizer } from './window-dataset.js';
import { failureFeatures, sequenceFeatures, type SimulatorTrainingConfig } from './simulator-training.js';

export { assessHistories, assessRows, type FailureAssessment, type HostHistory } from './host-assessment.js';
export { DEFAULT_FAILURE_MODEL_PATH, decodeFailureModel } from './model-file.js';
export { DEFAULT_SIMULATOR_TRAINING, QUICK_SIMULATOR_TRAINING } from './simulator-training.js';
export { summarizePredictor } from './model-versions.js';

/** A decoded model with the feature pipeline that matches it. */
export interface LoadedFailureModel {
  predictor: FailurePredictor;
  training: SimulatorTrainingConfig;
  features: WindowFeaturizer;
  /** The LSTM member's raw-window featurizer; null when the model has no LSTM member. */
  sequences: SequenceFeaturizer | null;
  /** Column of each feature name. */
  featureIndex: ReadonlyMap<string, number>;
  alarmProbability: number;
}

/**
 * Decodes a model file and checks that this engine computes exactly the features it was trained
 * on (a model from a build with another feature pipeline would be fed the wrong columns).
 */
export function loadFailureModel(bytes: Buffer): LoadedFailureModel {
  const { predictor, training } = decodeFailureModel(bytes);
  const features = failureFeatures(training);
  const names = predictor.featureNames;
  if (names.length !== features.names.length || names.some((n, i) => n !== features.names[i])) {
    throw new MLInputError(`the model reads ${names.length} features that differ from this engine's ${features.names.length} (trained with another feature pipeline)`);
  }
  let sequences: SequenceFeaturizer | null = null;
  if (predictor.sequenceWindow > 0) {
    sequences = sequenceFeatures();
    if (sequences.windowPoints !== predictor.sequenceWindow || sequences.names.length !== predictor.sequenceWidth) {
      throw new MLInputError(`the model's LSTM reads ${predictor.sequenceWidth} values per window; this engine builds ${sequences.names.length}`);
    }
  }
  // A model the current code cannot score (an older format of a part) fails here, at load time
  // where health reports it, rather than on every request.
  try {
    const probe = matrix(new Float64Array(names.length).fill(NaN), 1, names.length);
    predictor.timeToFailure(probe);
    predictor.contributions(probe);
  } catch (err) {
    throw new MLInputError(`this engine cannot score the model: ${(err as Error).message}`);
  }
  return { predictor, training, features, sequences, featureIndex: new Map(names.map((n, i) => [n, i])), alarmProbability: predictor.alarmProbability };
}

/** Upper edge in minutes of a time-to-failure bucket (null for the open last bucket or an unknown label). */
export function bucketMinutes(label: string): number | null {
  const b = TTF_BUCKETS.find((x) => x.label === label);
  return b && Number.isFinite(b.maxMinutes) ? b.maxMinutes : null;
}
