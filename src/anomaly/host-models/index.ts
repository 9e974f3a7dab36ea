// The live multivariate path per host: the public face of src/anomaly/host-models.
export { HostModelManager, multivariateScore, type HostModelDeps, type HostFitReport, type HostScoreReport, type HostModelInfo } from './host-model-manager.js';
export { DEFAULT_HOST_MODEL_OPTIONS, resolveHostModelOptions, type HostModelOptions } from './host-model-options.js';
export { alignGrid, samplingStep, DEFAULT_GRID_OPTIONS, type GridOptions, type HostGrid, type SeriesSamples, type DroppedMetric } from './grid-alignment.js';
export { advanceEpisodes, type Episode, type EpisodeRow, type EpisodeOptions } from './episode-tracker.js';
export { HOST_MODEL_KEY_PREFIX, hostModelKey, hostCursorKey } from './host-model-checkpoint.js';
export { registerHostModelJobs, HOST_MODEL_FIT_JOB, HOST_MODEL_SCORE_JOB } from './jobs.js';
