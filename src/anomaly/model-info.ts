import { VERSION } from '../version.js';

/** The id the anomaly answers name as their model: the streaming ensemble plus robust z-scores. */
export const MODEL_ID = `anomaly-streaming-ensemble-${VERSION}`;

/** ModelInfo as NovaCron's Go client parses it (name, version, training_data, accuracy, last_trained). */
export function anomalyModelInfo(now: number) {
  return {
    name: 'novacron_streaming_anomaly_ensemble',
    version: VERSION,
    // Learns online from each series' own history; nothing is trained offline.
    training_data: 'online: each series\' own history (no offline training)',
    // No labelled accuracy exists for live data; 0 rather than an invented figure (eval:nab reports the benchmark scores).
    accuracy: 0,
    last_trained: new Date(now).toISOString(),
  };
}
