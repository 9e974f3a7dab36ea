// Time-series feature extraction for metric windows: the public face of src/ml/features.
export { WindowFeatureExtractor, DEFAULT_MIN_FINITE_POINTS, type WindowFeatureParams } from './window-feature-extractor.js';
export { HostFeatureExtractor, extractHostFeatures } from './host-feature-extractor.js';
export { FEATURES, FEATURE_NAMES, featureCounts, describeFeature } from './catalogue.js';
export { FEATURE_GROUPS, type FeatureGroupName, type FeatureInfo } from './feature-group.js';
export { RATIO_CAP } from './change-features.js';
export { renderFeatureCatalogue } from './catalogue-doc.js';
export { selectKth } from './selection.js';
