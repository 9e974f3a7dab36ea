/**
 * Settings of the live multivariate path (host-model-manager.ts), with the reasons for their
 * defaults.
 */
import type { HostAnomalyModelParams, MemberName } from '../multivariate/index.js';
import { DEFAULT_GRID_OPTIONS, type GridOptions } from './grid-alignment.js';

export interface HostModelOptions {
  /** History a model is fitted on, ending at the fit time (default 7 days: every weekday's pattern once). */
  trainingWindowMs: number;
  /** A model older than this is refitted by `fitAll` (default 24 h: the trailing baseline is frozen at fit time, a daily refit renews it). */
  refitIntervalMs: number;
  /** Fewest grid rows with data to fit a host (default 500: about 8 h at one row a minute; the model calibrates on the last 20 %). */
  minRows: number;
  /** Fewest metrics to fit a host (default 2: one metric is the streaming detectors' job). */
  minMetrics: number;
  /**
   * Ensemble members used live (default iforest, ocsvm, pca). LOF keeps its reference rows
   * (megabytes per host, and a neighbour search per scored row) and the LSTM autoencoder costs
   * minutes of training per host; both stay available for offline evaluation.
   */
  members: MemberName[];
  /**
   * Further model parameters (threads, memberParams, smoothing, …); members and metricNames are
   * set here, and calibrationShare, unless given, is chosen so the held-out rows span a day (20–50 %).
   */
  modelParams: Omit<HostAnomalyModelParams, 'members' | 'metricNames'>;
  /** Seed of every random choice in fitting (default 0): same data, same model. */
  seed: number;
  /** Rows at or above this model score (1 − p) alarm (default 0.99: about 1 % of normal rows). */
  threshold: number;
  /** Most new rows scored per host per run; an older backlog is skipped (default 60). */
  maxScoreRows: number;
  /** Rows before the first new row read as context (smoothing, LSTM window; default 30). */
  contextRows: number;
  /** Rows this many steps past their bucket are considered complete; younger rows wait for the next run (default 1). */
  settleSteps: number;
  /** An open episode is reported once it has lasted this many rows (episode-tracker.ts; default 5). */
  holdRows: number;
  /** Most metrics named as affected in one anomaly (default 5). */
  maxAffectedMetrics: number;
  /** Most samples read per series and fit (default 200,000: 7 days at one sample every 3 s). */
  maxPointsPerSeries: number;
  /** Grid alignment (grid-alignment.ts): minimum step, forward-fill limit, coverage and point thresholds, metric cap. */
  grid: Omit<GridOptions, 'stepMs' | 'from' | 'to' | 'keepAll' | 'trim'>;
}

const DAY = 86_400_000;

export const DEFAULT_HOST_MODEL_OPTIONS: Readonly<HostModelOptions> = {
  trainingWindowMs: 7 * DAY,
  refitIntervalMs: DAY,
  minRows: 500,
  minMetrics: 2,
  members: ['iforest', 'ocsvm', 'pca'],
  modelParams: {},
  seed: 0,
  threshold: 0.99,
  maxScoreRows: 60,
  contextRows: 30,
  settleSteps: 1,
  holdRows: 5,
  maxAffectedMetrics: 5,
  maxPointsPerSeries: 200_000,
  grid: { ...DEFAULT_GRID_OPTIONS },
};

/** Defaults overlaid with what is given (grid settings merged field by field); throws on nonsense. */
export function resolveHostModelOptions(given: Partial<HostModelOptions> = {}): HostModelOptions {
  const o: HostModelOptions = { ...DEFAULT_HOST_MODEL_OPTIONS, ...given, grid: { ...DEFAULT_HOST_MODEL_OPTIONS.grid, ...given.grid } };
  const positive = ['trainingWindowMs', 'refitIntervalMs', 'minRows', 'minMetrics', 'maxScoreRows', 'holdRows', 'maxAffectedMetrics', 'maxPointsPerSeries'] as const;
  for (const k of positive) if (!(o[k] > 0)) throw new RangeError(`host models: ${k} must be positive, got ${o[k]}`);
  if (!(o.contextRows >= 0) || !(o.settleSteps >= 0)) throw new RangeError('host models: contextRows and settleSteps must not be negative');
  if (!(o.threshold > 0 && o.threshold < 1)) throw new RangeError(`host models: threshold is a model score in (0, 1), got ${o.threshold}`);
  if (o.members.length === 0) throw new RangeError('host models: at least one ensemble member is needed');
  return o;
}
