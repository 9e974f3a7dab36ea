// Worker thread of a failure training job: simulates the fleets, fits the predictor and sends
// back the model file and a summary for the registry, so training never blocks the event loop
// of the process that serves requests. Started by training-runner.ts through the ML bootstrap.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeFailureModel } from './model-file.js';
import { summarizePredictor } from './model-versions.js';
import { trainOnSimulator, type SimulatorTrainingConfig } from './simulator-training.js';

const port = parentPort!;
const { config } = (workerData as { init: { config: SimulatorTrainingConfig } }).init;

try {
  const trained = await trainOnSimulator(config, (message) => port.postMessage({ type: 'progress', message }));
  const bytes = encodeFailureModel(trained.predictor, config);
  port.postMessage({ type: 'done', bytes: new Uint8Array(bytes), summary: summarizePredictor(trained.predictor), seconds: trained.seconds });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message || err.name : String(err) });
}
