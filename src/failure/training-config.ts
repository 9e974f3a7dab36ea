/**
 * A retraining request (the body of POST /api/v1/failure/retrain, or the payload of a
 * `failure.train` job started any other way) → the simulator training configuration it runs.
 * The limits live in schemas.ts (RETRAIN_LIMITS); they are checked here again because a job's
 * payload may come from POST /api/v1/jobs, which does not know this schema.
 */
import type { FailureMember } from './failure-predictor.js';
import { MEMBER_NAMES, RETRAIN_LIMITS as L } from './schemas.js';
import type { FleetSpec, SimulatorTrainingConfig } from './simulator-training.js';

export class TrainingRequestError extends Error {
  override name = 'TrainingRequestError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

export interface TrainingBases {
  standard: SimulatorTrainingConfig;
  quick: SimulatorTrainingConfig;
}

export interface TrainingRequest {
  config: SimulatorTrainingConfig;
  /** Activate whatever the validation recall (else only when not worse than the active version's). */
  forceActivate: boolean;
}

const TOP_KEYS = ['quick', 'activate', 'seed', 'train', 'validation', 'members', 'boosting_rounds', 'forest_trees', 'lstm_epochs', 'alert_budget_per_host_day'];
const FLEET_KEYS = ['seed', 'hosts', 'days', 'failures_per_host_day'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new TrainingRequestError(`${path}/${k}`, `unknown setting; expected some of ${allowed.join(', ')}`);
}

function num(v: unknown, path: string, range: { min: number; max: number }, integer = false): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TrainingRequestError(path, 'must be a finite number');
  if (integer && !Number.isInteger(v)) throw new TrainingRequestError(path, 'must be an integer');
  if (v < range.min || v > range.max) throw new TrainingRequestError(path, `must be between ${range.min} and ${range.max}`);
  return v;
}

function bool(v: unknown, path: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new TrainingRequestError(path, 'must be true or false');
  return v;
}

const SEED = { min: 0, max: 2_147_483_647 };

function fleet(base: FleetSpec, raw: unknown, path: string): FleetSpec {
  if (raw === undefined) return { ...base };
  if (!isObject(raw)) throw new TrainingRequestError(path, 'must be an object');
  onlyKeys(raw, FLEET_KEYS, path);
  const out: FleetSpec = {
    ...base,
    seed: num(raw.seed, `${path}/seed`, SEED, true) ?? base.seed,
    hosts: num(raw.hosts, `${path}/hosts`, L.hosts, true) ?? base.hosts,
    days: num(raw.days, `${path}/days`, L.days) ?? base.days,
  };
  const rate = num(raw.failures_per_host_day, `${path}/failures_per_host_day`, L.failuresPerHostDay);
  if (rate !== undefined) out.failuresPerHostDay = rate;
  if (out.hosts * out.days > L.hostDays) throw new TrainingRequestError(path, `hosts × days is ${out.hosts * out.days}; at most ${L.hostDays} (memory)`);
  return out;
}

/** Checks a request and builds its configuration; throws TrainingRequestError naming the bad setting. */
export function resolveTrainingRequest(raw: unknown, bases: TrainingBases): TrainingRequest {
  const body = raw === undefined || raw === null ? {} : raw;
  if (!isObject(body)) throw new TrainingRequestError('/body', 'must be an object');
  onlyKeys(body, TOP_KEYS, '/body');
  const base = bool(body.quick, '/body/quick') ? bases.quick : bases.standard;
  const config: SimulatorTrainingConfig = {
    ...base,
    train: fleet(base.train, body.train, '/body/train'),
    validation: fleet(base.validation, body.validation, '/body/validation'),
    seed: num(body.seed, '/body/seed', SEED, true) ?? base.seed,
  };
  if (body.members !== undefined) {
    const m = body.members;
    if (!Array.isArray(m) || m.length === 0 || m.length > MEMBER_NAMES.length) throw new TrainingRequestError('/body/members', `must list 1 to ${MEMBER_NAMES.length} of ${MEMBER_NAMES.join(', ')}`);
    for (const [i, name] of m.entries()) {
      if (typeof name !== 'string' || !(MEMBER_NAMES as readonly string[]).includes(name)) throw new TrainingRequestError(`/body/members/${i}`, `must be one of ${MEMBER_NAMES.join(', ')}`);
    }
    if (new Set(m).size !== m.length) throw new TrainingRequestError('/body/members', 'lists a member twice');
    // Canonical order, so the same set always trains the same model.
    config.members = MEMBER_NAMES.filter((x) => m.includes(x)) as FailureMember[];
  }
  const rounds = num(body.boosting_rounds, '/body/boosting_rounds', L.boostingRounds, true);
  if (rounds !== undefined) config.boostingRounds = rounds;
  const trees = num(body.forest_trees, '/body/forest_trees', L.forestTrees, true);
  if (trees !== undefined) config.forestTrees = trees;
  const epochs = num(body.lstm_epochs, '/body/lstm_epochs', L.lstmEpochs, true);
  if (epochs !== undefined) config.lstmEpochs = epochs;
  const budget = num(body.alert_budget_per_host_day, '/body/alert_budget_per_host_day', L.alertBudgetPerHostDay);
  if (budget !== undefined) config.alertBudgetPerHostDay = budget;
  return { config, forceActivate: bool(body.activate, '/body/activate') ?? false };
}
