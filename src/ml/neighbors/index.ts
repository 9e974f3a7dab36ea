// Neighbour methods: the public face of src/ml/neighbors.
export { LocalOutlierFactor, type LocalOutlierFactorParams } from './local-outlier-factor.js';
