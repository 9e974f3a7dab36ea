export { LstmAutoencoder, type LstmAutoencoderParams, type ReconstructionErrors } from './lstm-autoencoder.js';
export { LstmSequenceClassifier, type LstmSequenceClassifierParams } from './lstm-classifier.js';
export { tfjsBackend, type TfjsBackendInfo } from './tfjs-backend.js';
