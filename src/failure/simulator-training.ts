/**
 * Training the failure predictor on simulated fleets: one fleet to fit the members on, another
 * (a different seed) to learn the ensemble weights, the calibration and the alarm threshold.
 *
 * Seeds. Development used seeds 101–110 only; the evaluation (eval:failure) uses seeds from 9201
 * up, which no model choice was tuned on. The training fleet fails five times as often as the
 * simulator's default (0.1 per host-day) so that it holds enough failures to learn from; the
 * validation fleet fails at 0.05, so the alarm threshold is chosen on a fleet whose false-alarm
 * opportunities look like the evaluation's.
 */
import { FleetSimulator, type SimulationOptions } from '../sim/index.js';
import { FailurePredictor, type FailureMember, type FailurePredictorOptions, type ValidationData, type WindowChunk } from './failure-predictor.js';
import { HistoryFeatures } from './history-features.js';
import { FAILURE_COUNTERS, FAILURE_METRICS, HOST_FAILURE_FEATURES } from './host-feature-spec.js';
import { DEFAULT_LEAD_TIME, type FailureInterval, type LeadTimeOptions } from './labels.js';
import { SequenceFeaturizer } from './sequence-featurizer.js';
import { simulatedFailures, simulatedHostSeries } from './simulated-fleet.js';
import { buildWindowDataset, lastWindowFeaturizer, type HostSeries, type WindowDataset, type WindowFeaturizer } from './window-dataset.js';
import { CombinedFeaturizer } from './combined-featurizer.js';
import type { FeatureGroupName } from '../ml/features/index.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface FleetSpec extends Pick<SimulationOptions, 'seed' | 'hosts' | 'days' | 'failuresPerHostDay'> {
  seed: number;
  hosts: number;
  days: number;
}

export interface SimulatorTrainingConfig {
  train: FleetSpec;
  validation: FleetSpec;
  leadTime: LeadTimeOptions;
  trainingHorizonMs: number;
  earlyHorizonMs: number;
  alertBudgetPerHostDay: number;
  members: readonly FailureMember[];
  /** Minutes between prediction times on the validation fleet (the background scorer's cadence). */
  strideMinutes: number;
  /** Minutes between training windows: 1 gives fast precursors (a 20-minute thermal runaway) several positive windows each. */
  trainStrideMinutes: number;
  /** Training keeps one negative window in this many. */
  negativeEvery: number;
  seed: number;
  boostingRounds?: number;
  lstmEpochs?: number;
  forestTrees?: number;
  /**
   * Also the general-purpose window features of src/ml/features (these groups, over the last 30
   * samples of these metrics) beside the history features. Off by default: see docs/failure.md.
   */
  windowFeatures?: { groups: readonly FeatureGroupName[]; metrics: readonly string[] };
}

export const DEFAULT_SIMULATOR_TRAINING: SimulatorTrainingConfig = {
  train: { seed: 101, hosts: 250, days: 14, failuresPerHostDay: 0.1 },
  validation: { seed: 102, hosts: 100, days: 14, failuresPerHostDay: 0.05 },
  leadTime: DEFAULT_LEAD_TIME,
  trainingHorizonMs: 24 * HOUR,
  earlyHorizonMs: 3 * HOUR,
  alertBudgetPerHostDay: 0.05,
  members: ['gbdt', 'gbdt_early', 'random_forest', 'isolation_forest', 'lstm'],
  strideMinutes: 1,
  trainStrideMinutes: 1,
  negativeEvery: 30,
  seed: 1,
};

/** A small, fast configuration (about 20 s) for tests and trying things out; not for serving. */
export const QUICK_SIMULATOR_TRAINING: SimulatorTrainingConfig = {
  ...DEFAULT_SIMULATOR_TRAINING,
  train: { seed: 101, hosts: 30, days: 6, failuresPerHostDay: 0.15 },
  validation: { seed: 102, hosts: 30, days: 6, failuresPerHostDay: 0.1 },
  members: ['gbdt', 'gbdt_early', 'random_forest', 'isolation_forest'],
  boostingRounds: 60,
  forestTrees: 30,
};

/** Samples per metric the LSTM member reads. */
export const SEQUENCE_WINDOW = 30;

/** The featurizer a model trained with `config` reads (the history features, plus window features if configured). */
export function failureFeatures(config?: Pick<SimulatorTrainingConfig, 'windowFeatures'>): WindowFeaturizer {
  const history = new HistoryFeatures(HOST_FAILURE_FEATURES);
  const w = config?.windowFeatures;
  if (!w || w.groups.length === 0) return history;
  return new CombinedFeaturizer([history, lastWindowFeaturizer(w.metrics, SEQUENCE_WINDOW, { groups: w.groups })]);
}
export const sequenceFeatures = () => new SequenceFeaturizer(FAILURE_METRICS, new Set(FAILURE_COUNTERS), SEQUENCE_WINDOW);

/** A simulated fleet ready to cut into windows. */
export interface SimulatedFleet {
  sim: FleetSimulator;
  hosts: HostSeries[];
  failures: FailureInterval[];
  hostDays: number;
}

export function simulateForFailures(spec: FleetSpec): SimulatedFleet {
  const sim = new FleetSimulator({ ...spec, vmMetrics: false });
  const hosts = sim.fleet.hosts.map((_, i) => simulatedHostSeries(sim, FAILURE_METRICS, i));
  return { sim, hosts, failures: simulatedFailures(sim), hostDays: (spec.hosts * (sim.end - sim.options.start)) / DAY };
}

interface WindowOptions {
  featurizer: WindowFeaturizer;
  horizonMs: number;
  minLeadMs: number;
  strideMinutes: number;
  negativeEvery?: number;
  thinFarPositives?: { beyondMs: number; every: number };
  sequences: boolean;
}

function windows(hosts: readonly HostSeries[], failures: readonly FailureInterval[], o: WindowOptions): WindowChunk {
  const common = { metrics: FAILURE_METRICS, windowPoints: SEQUENCE_WINDOW, stridePoints: o.strideMinutes, negativeEvery: o.negativeEvery ?? 1, thinFarPositives: o.thinFarPositives, horizonMs: o.horizonMs, minLeadMs: o.minLeadMs };
  const dataset = buildWindowDataset(hosts, failures, { ...common, featurizer: o.featurizer });
  if (!o.sequences) return { dataset };
  const seq: WindowDataset = buildWindowDataset(hosts, failures, { ...common, featurizer: sequenceFeatures() });
  return { dataset, sequences: seq.X };
}

/** Windows of a fleet a few hosts at a time, labelled with the product's horizon (for validation and evaluation). */
export function* fleetChunks(
  fleet: SimulatedFleet,
  leadTime: LeadTimeOptions,
  strideMinutes: number,
  sequences: boolean,
  hostsPerChunk?: number,
  negativeEvery = 1,
  featurizer: WindowFeaturizer = failureFeatures(),
): Generator<WindowChunk> {
  // Raw sequences are 660 numbers a window: a host-fortnight at one window a minute is 20,000 of them (100 MB).
  hostsPerChunk ??= sequences ? 2 : 10;
  for (let i = 0; i < fleet.hosts.length; i += hostsPerChunk) {
    yield windows(fleet.hosts.slice(i, i + hostsPerChunk), fleet.failures, { ...leadTime, strideMinutes, sequences, negativeEvery, featurizer });
  }
}

export interface TrainedOnSimulator {
  predictor: FailurePredictor;
  config: SimulatorTrainingConfig;
  seconds: { simulate: number; fit: number };
}

export async function trainOnSimulator(config: SimulatorTrainingConfig = DEFAULT_SIMULATOR_TRAINING, onProgress?: (message: string) => void): Promise<TrainedOnSimulator> {
  // Thresholds and weights learned on the fleet the members were fitted on would be optimistic.
  if (config.train.seed === config.validation.seed) throw new RangeError(`training and validation fleets need different seeds (both ${config.train.seed})`);
  const t0 = performance.now();
  const useLstm = config.members.includes('lstm');
  onProgress?.(`simulating training fleet (seed ${config.train.seed}, ${config.train.hosts} hosts × ${config.train.days} days)`);
  const trainFleet = simulateForFailures(config.train);
  const featurizer = failureFeatures(config);
  const labels = { horizonMs: config.trainingHorizonMs, minLeadMs: config.leadTime.minLeadMs, thinFarPositives: { beyondMs: config.earlyHorizonMs, every: 10 } };
  const train = windows(trainFleet.hosts, trainFleet.failures, { ...labels, featurizer, strideMinutes: config.trainStrideMinutes, negativeEvery: config.negativeEvery, sequences: false });
  // The LSTM's raw windows (660 numbers each) every 5 minutes, negatives one in 30: ~50,000 rows instead of ~400,000.
  const sequences = useLstm
    ? buildWindowDataset(trainFleet.hosts, trainFleet.failures, { ...labels, metrics: FAILURE_METRICS, windowPoints: SEQUENCE_WINDOW, stridePoints: 5, negativeEvery: 30, featurizer: sequenceFeatures() })
    : undefined;
  trainFleet.hosts.length = 0;
  onProgress?.(`simulating validation fleet (seed ${config.validation.seed})`);
  const valFleet = simulateForFailures(config.validation);
  const validation: ValidationData = { chunks: () => fleetChunks(valFleet, config.leadTime, config.strideMinutes, useLstm, undefined, 1, featurizer), failures: valFleet.failures, hostDays: valFleet.hostDays };
  const t1 = performance.now();
  const options: FailurePredictorOptions = {
    leadTime: config.leadTime,
    trainingHorizonMs: config.trainingHorizonMs,
    earlyHorizonMs: config.earlyHorizonMs,
    alertBudgetPerHostDay: config.alertBudgetPerHostDay,
    members: config.members,
    seed: config.seed,
    boostingRounds: config.boostingRounds,
    lstmEpochs: config.lstmEpochs,
    forestTrees: config.forestTrees,
  };
  const predictor = await FailurePredictor.train({ dataset: train.dataset, sequences, sequenceWindow: SEQUENCE_WINDOW }, validation, options, onProgress);
  return { predictor, config, seconds: { simulate: (t1 - t0) / 1000, fit: (performance.now() - t1) / 1000 } };
}
