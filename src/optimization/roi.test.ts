import { describe, expect, it } from 'vitest';
import { costModel, HOURS_PER_MONTH } from './cost-model.js';
import { migrationRisk, moveCostAnalysis, planRoi } from './roi.js';

const ok = (downtimeS: number) => ({ downtimeS, converges: true });

describe('planRoi', () => {
  it('prices a plan from the cost model, by hand', () => {
    // Default model: a powered-off host saves 200 W × 1.5 PUE × 730.5 h / 1000 × 0.15 = 32.8725 a month.
    const perHost = (200 * 1.5 * HOURS_PER_MONTH * 0.15) / 1000;
    expect(perHost).toBeCloseTo(32.8725, 10);
    const steps = Array.from({ length: 10 }, (_, i) => ({ vm: `v${i}`, from: i < 6 ? 'h1' : 'h2', estimate: ok(0.36) }));
    const r = planRoi({ poweredOff: ['h1', 'h2', 'h3'], steps, overloadProbability: 0.1 });
    // Each migration: 2 + 0.36 s / 3600 × 1000 = 2.1 → 21 for the plan.
    expect(r.oneOffCost).toBeCloseTo(21, 10);
    expect(r.downtimeCost).toBeCloseTo(1, 10);
    expect(r.monthlySaving).toBeCloseTo(3 * perHost, 10);
    expect(r.monthlyEnergySaving).toBeCloseTo(3 * perHost, 10);
    expect(r.monthlyFixedSaving).toBe(0);
    expect(r.paybackDays).toBeCloseTo((21 / (3 * perHost)) * (HOURS_PER_MONTH / 24), 10);
    expect(r.netBenefit).toBeCloseTo(12 * 3 * perHost - 21, 10);
    expect(r.risk).toBeCloseTo(1 - 0.9 * 0.999 ** 10, 12);
    expect(r.riskParts).toEqual({ overload: 0.1, migrations: expect.closeTo(1 - 0.999 ** 10, 12), nonConvergent: 0 });
    // Per action: h1's six migrations against one host's saving; h3 needed none.
    const h1 = r.actions.find((a) => a.host === 'h1')!;
    expect(h1.migrations).toBe(6);
    expect(h1.oneOffCost).toBeCloseTo(12.6, 10);
    expect(h1.paybackDays).toBeCloseTo((12.6 / perHost) * (HOURS_PER_MONTH / 24), 10);
    expect(h1.netBenefit).toBeCloseTo(12 * perHost - 12.6, 10);
    expect(r.actions.find((a) => a.host === 'h3')).toMatchObject({ migrations: 0, oneOffCost: 0, paybackDays: 0, risk: 0 });
  });

  it('counts a leased host’s fixed cost, a custom horizon, and attributes a parked VM’s two steps to its first host', () => {
    const model = costModel({ hostMonthlyFixed: 100, energyPricePerKWh: 0 });
    const r = planRoi(
      {
        poweredOff: ['A'],
        steps: [
          { vm: 'a', from: 'A', estimate: ok(0) },
          { vm: 'a', from: 'C', estimate: ok(0) },
        ],
      },
      { model, horizonMonths: 3 },
    );
    expect(r.monthlySaving).toBe(100);
    expect(r.monthlyFixedSaving).toBe(100);
    expect(r.monthlyEnergySaving).toBe(0);
    expect(r.actions[0]).toMatchObject({ host: 'A', migrations: 2, oneOffCost: 4 });
    expect(r.netBenefit).toBe(300 - 4);
  });

  it('non-convergent migrations and more moves raise the risk; nothing saved means no payback', () => {
    expect(migrationRisk({ converges: false })).toBe(0.02);
    const a = planRoi({ poweredOff: [], steps: [{ vm: 'x', from: 'A', estimate: { downtimeS: 8, converges: false } }] });
    expect(a.risk).toBeCloseTo(0.02, 12);
    expect(a.riskParts.nonConvergent).toBe(1);
    expect(a.paybackDays).toBe(Infinity);
    expect(a.oneOffCost).toBeCloseTo(2 + (8 / 3600) * 1000, 10);
    const many = planRoi({ poweredOff: ['A'], steps: Array.from({ length: 100 }, (_, i) => ({ vm: `v${i}`, from: 'A', estimate: ok(0.1) })) });
    const few = planRoi({ poweredOff: ['A'], steps: Array.from({ length: 10 }, (_, i) => ({ vm: `v${i}`, from: 'A', estimate: ok(0.1) })) });
    expect(many.risk).toBeGreaterThan(few.risk);
  });
});

describe('moveCostAnalysis', () => {
  it('gives the /predict/migration cost_analysis block over the horizon', () => {
    const perHost = (200 * 1.5 * HOURS_PER_MONTH * 0.15) / 1000;
    expect(moveCostAnalysis({ estimate: ok(0.36), emptiesSource: true })).toEqual({
      migration_cost: expect.closeTo(2.1, 10),
      operational_savings: expect.closeTo(12 * perHost, 10),
      performance_benefit_value: 0,
      net_benefit: expect.closeTo(12 * perHost - 2.1, 10),
    });
    const r = moveCostAnalysis({ estimate: ok(0.36), emptiesSource: false, performanceBenefitMonthly: 5 }, { horizonMonths: 6 });
    expect(r.operational_savings).toBe(0);
    expect(r.performance_benefit_value).toBe(30);
    expect(r.net_benefit).toBeCloseTo(30 - 2.1, 10);
  });
});
