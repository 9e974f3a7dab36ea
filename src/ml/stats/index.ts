// Scalers and projections: the public face of src/ml/stats.
export { PCA, type PCAParams } from './pca.js';
export { StandardScaler, RobustScaler, type StandardScalerParams, type RobustScalerParams } from './scalers.js';
