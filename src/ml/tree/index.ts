// Tree ensembles: the public face of src/ml/tree.
export { QuantileBinner, MISSING_BIN, MAX_BINS, type QuantileBinnerParams, type SerializedBinner } from './binning.js';
export { GradientBoostedTrees, type GradientBoostingParams, type GradientBoostingFitOptions } from './gradient-boosting.js';
export { RandomForestClassifier, RandomForestRegressor, type RandomForestParams } from './random-forest.js';
export { FlatForest, type FlatForestArrays, type SerializedForest } from './flat-tree.js';
export { treeShap } from './tree-shap.js';
export type { ObjectiveName } from './objectives.js';
export { setPredictionThreads, startPredictionThreads, stopPredictionThreads, MIN_PARALLEL_ROWS } from './prediction-threads.js';
export { IsolationForest, averagePathLength, type IsolationForestParams, type ScoreOptions as IsolationForestScoreOptions } from './isolation-forest.js';
