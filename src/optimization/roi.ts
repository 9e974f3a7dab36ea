/**
 * Return on a consolidation plan and on each of its actions, in the cost model's currency.
 *
 * - Monthly saving: each powered-off host saves cost-model hostPowerOffMonthlySaving (its idle
 *   draw × PUE × energy price, plus its fixed cost if leased). The utilisation-driven part of the
 *   energy moves with the VMs (the power model is linear in CPU), so it is not a saving.
 * - One-off cost: cost-model migrationCost of each step's estimated pause (fixed cost per
 *   migration + the pause priced at downtimeCostPerHour).
 * - Payback: cost-model paybackDays; net benefit over a horizon (default 12 months) =
 *   monthly saving × months − one-off cost.
 * - Risk, 0–1: the probability that something goes wrong, 1 − (1 − p_overload)·Π(1 − p_i): p_overload
 *   is the caller's estimate that a host overloads after the plan, p_i each migration's failure
 *   probability (small when pre-copy converges, larger when it cannot: post-copy loses the VM if the
 *   network fails mid-way, a forced stop-and-copy pauses it for seconds). More moves, more risk.
 */
import { DEFAULT_COST_MODEL, hostEnergyMonthlyCost, hostPowerOffMonthlySaving, migrationCost, paybackDays, type CostModel } from './cost-model.js';
import type { MigrationEstimate } from './migration-estimate.js';

export interface RoiOptions {
  model?: CostModel;
  /** Months the net benefit is counted over. Default 12. */
  horizonMonths?: number;
  /** Failure probability of one migration whose pre-copy converges / does not. Defaults 0.001 and 0.02 (assumptions). */
  failureProbability?: { convergent: number; nonConvergent: number };
}

export const DEFAULT_FAILURE_PROBABILITY = Object.freeze({ convergent: 0.001, nonConvergent: 0.02 });

export interface ActionRoi {
  /** The powered-off host (a power-off action with the migrations that empty it). */
  host: string;
  migrations: number;
  monthlySaving: number;
  oneOffCost: number;
  paybackDays: number;
  netBenefit: number;
  risk: number;
}

export interface PlanRoi {
  hostsPoweredOff: number;
  migrations: number;
  /** Monthly saving, and how it splits into energy (idle draw) and fixed cost. */
  monthlySaving: number;
  monthlyEnergySaving: number;
  monthlyFixedSaving: number;
  /** One-off: the migrations' summed cost, and the part that is priced downtime. */
  oneOffCost: number;
  downtimeCost: number;
  paybackDays: number;
  horizonMonths: number;
  netBenefit: number;
  risk: number;
  riskParts: { overload: number; migrations: number; nonConvergent: number };
  /** Per powered-off host: its saving against the migrations of the VMs that started on it. */
  actions: ActionRoi[];
}

export interface PlanRoiInput {
  poweredOff: readonly string[];
  steps: readonly { vm: string; from: string; estimate: Pick<MigrationEstimate, 'downtimeS' | 'converges'> }[];
  /** Probability that a host overloads after the plan (the caller's estimate, e.g. from a replay of the fit window). Default 0. */
  overloadProbability?: number;
}

/** One migration's failure probability. */
export function migrationRisk(estimate: Pick<MigrationEstimate, 'converges'>, opts: RoiOptions = {}): number {
  const p = opts.failureProbability ?? DEFAULT_FAILURE_PROBABILITY;
  return estimate.converges ? p.convergent : p.nonConvergent;
}

export function planRoi(input: PlanRoiInput, opts: RoiOptions = {}): PlanRoi {
  const model = opts.model ?? DEFAULT_COST_MODEL;
  const months = opts.horizonMonths ?? 12;
  const pOverload = Math.min(1, Math.max(0, input.overloadProbability ?? 0));
  const perHost = hostPowerOffMonthlySaving(model);
  // Every step of a VM belongs to the host it started on (a parked VM moves twice for one host).
  const origin = new Map<string, string>();
  for (const s of input.steps) if (!origin.has(s.vm)) origin.set(s.vm, s.from);
  const byHost = new Map<string, { cost: number; survive: number; n: number }>();
  for (const h of input.poweredOff) byHost.set(h, { cost: 0, survive: 1, n: 0 });
  let oneOff = 0;
  let downtimeCost = 0;
  let survive = 1;
  let nonConvergent = 0;
  for (const s of input.steps) {
    const c = migrationCost(model, s.estimate.downtimeS);
    const p = migrationRisk(s.estimate, opts);
    oneOff += c;
    downtimeCost += c - model.migrationFixedCost;
    survive *= 1 - p;
    if (!s.estimate.converges) nonConvergent++;
    const a = byHost.get(origin.get(s.vm)!);
    if (a) {
      a.cost += c;
      a.survive *= 1 - p;
      a.n++;
    }
  }
  const monthly = perHost * input.poweredOff.length;
  const actions: ActionRoi[] = [...byHost].map(([host, a]) => ({
    host,
    migrations: a.n,
    monthlySaving: perHost,
    oneOffCost: a.cost,
    paybackDays: paybackDays(a.cost, perHost),
    netBenefit: perHost * months - a.cost,
    risk: 1 - a.survive,
  }));
  return {
    hostsPoweredOff: input.poweredOff.length,
    migrations: input.steps.length,
    monthlySaving: monthly,
    monthlyEnergySaving: hostEnergyMonthlyCost(model, 0) * input.poweredOff.length,
    monthlyFixedSaving: model.hostMonthlyFixed * input.poweredOff.length,
    oneOffCost: oneOff,
    downtimeCost,
    paybackDays: paybackDays(oneOff, monthly),
    horizonMonths: months,
    netBenefit: monthly * months - oneOff,
    risk: 1 - (1 - pOverload) * survive,
    riskParts: { overload: pOverload, migrations: 1 - survive, nonConvergent },
    actions,
  };
}

/**
 * The `cost_analysis` block of NovaCron's POST /predict/migration (contract §1B) for one move,
 * over the horizon: the migration's one-off cost, the operational saving it enables (a host's
 * power-off saving when the move empties its source), the performance benefit the caller values
 * (e.g. hotspot relief; 0 unless given), and the net of the three.
 */
export function moveCostAnalysis(
  input: { estimate: Pick<MigrationEstimate, 'downtimeS'>; emptiesSource: boolean; performanceBenefitMonthly?: number },
  opts: RoiOptions = {},
): { migration_cost: number; operational_savings: number; performance_benefit_value: number; net_benefit: number } {
  const model = opts.model ?? DEFAULT_COST_MODEL;
  const months = opts.horizonMonths ?? 12;
  const migration = migrationCost(model, input.estimate.downtimeS);
  const savings = input.emptiesSource ? hostPowerOffMonthlySaving(model) * months : 0;
  const performance = (input.performanceBenefitMonthly ?? 0) * months;
  return { migration_cost: migration, operational_savings: savings, performance_benefit_value: performance, net_benefit: savings + performance - migration };
}
