/**
 * What resources and actions cost, in the operator's currency per month. Every price is
 * configurable; the defaults are round public-cloud-like list prices (documented in
 * docs/optimization.md) so results are comparable run to run, not a claim about any provider.
 *
 * Two kinds of saving are kept apart because they are realised differently:
 * - allocation savings: cores and memory given back by rightsizing are worth their per-unit
 *   price (they can be sold to other tenants or avoid buying hardware);
 * - power savings: a host that is emptied and powered off stops drawing power. Its hardware
 *   cost is sunk unless the operator says it is leased (`hostMonthlyFixed`).
 */
export interface CostModel {
  /** Price of one vCPU (core) allocated for a month. */
  perCoreMonth: number;
  /** Price of one GiB of memory allocated for a month. */
  perGiBMonth: number;
  /** Price of one GiB of storage allocated for a month. */
  perStorageGiBMonth: number;
  /** A host's power draw idle and at full CPU, in watts; draw is linear in CPU utilisation between them. */
  hostIdleWatts: number;
  hostPeakWatts: number;
  /** Energy price per kWh and the data centre's power usage effectiveness (cooling overhead ×). */
  energyPricePerKWh: number;
  pue: number;
  /** Monthly fixed cost of a host that stops when it is powered off (lease, licences); 0 = sunk. */
  hostMonthlyFixed: number;
  /** One-off cost of one migration (operator time, network), before risk. */
  migrationFixedCost: number;
  /** What one hour of a VM's downtime costs (the SLA penalty or lost revenue). */
  downtimeCostPerHour: number;
}

export const DEFAULT_COST_MODEL: Readonly<CostModel> = Object.freeze({
  perCoreMonth: 25,
  perGiBMonth: 3.5,
  perStorageGiBMonth: 0.1,
  hostIdleWatts: 200,
  hostPeakWatts: 500,
  energyPricePerKWh: 0.15,
  pue: 1.5,
  hostMonthlyFixed: 0,
  migrationFixedCost: 2,
  downtimeCostPerHour: 1000,
});

/** Hours in the average month (365.25 × 24 / 12). */
export const HOURS_PER_MONTH = 730.5;

/** Merges an operator's overrides onto the defaults, refusing negative or non-finite prices. */
export function costModel(overrides: Partial<CostModel> = {}): CostModel {
  const unknown = Object.keys(overrides).filter((k) => !Object.hasOwn(DEFAULT_COST_MODEL, k));
  if (unknown.length) throw new RangeError(`cost model: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${Object.keys(DEFAULT_COST_MODEL).join(', ')}`);
  const model = { ...DEFAULT_COST_MODEL, ...overrides };
  for (const [key, value] of Object.entries(model)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`cost model: ${key} must be a finite number ≥ 0, got ${value}`);
  }
  if (model.hostPeakWatts < model.hostIdleWatts) throw new RangeError('cost model: hostPeakWatts must be ≥ hostIdleWatts');
  return model;
}

/** Monthly price of an allocation of cores, memory (GiB) and storage (GiB). */
export function allocationMonthlyCost(model: CostModel, cores: number, memoryGiB: number, storageGiB = 0): number {
  return cores * model.perCoreMonth + memoryGiB * model.perGiBMonth + storageGiB * model.perStorageGiBMonth;
}

/** A powered-on host's monthly energy cost at a mean CPU utilisation (0–1). */
export function hostEnergyMonthlyCost(model: CostModel, cpuUtilisation: number): number {
  const u = Math.min(1, Math.max(0, cpuUtilisation));
  const watts = model.hostIdleWatts + (model.hostPeakWatts - model.hostIdleWatts) * u;
  return (watts * model.pue * HOURS_PER_MONTH / 1000) * model.energyPricePerKWh;
}

/**
 * Monthly saving of powering a host off after its VMs moved elsewhere: its idle draw plus its
 * fixed cost. The dynamic (utilisation-driven) part of its energy moves with the VMs.
 */
export function hostPowerOffMonthlySaving(model: CostModel): number {
  return hostEnergyMonthlyCost(model, 0) + model.hostMonthlyFixed;
}

/** One-off cost of a migration: its fixed cost plus the expected downtime's cost. */
export function migrationCost(model: CostModel, downtimeSeconds: number): number {
  return model.migrationFixedCost + (downtimeSeconds / 3600) * model.downtimeCostPerHour;
}

/** Days until a one-off cost is repaid by a monthly saving; Infinity when nothing is saved. */
export function paybackDays(oneOffCost: number, monthlySaving: number): number {
  if (monthlySaving <= 0) return Infinity;
  return (oneOffCost / monthlySaving) * (HOURS_PER_MONTH / 24);
}
