import { describe, expect, it } from 'vitest';
import { Random } from '../ml/core/index.js';
import { makeCandidate } from './candidate.js';
import { FACTOR_INDEX, FACTORS } from './factor-catalogue.js';
import { FleetSnapshot } from './fleet-snapshot.js';
import { customWeights, customWeightsProblem, objectiveWeights } from './objectives.js';
import { paretoFrontOfRows } from './pareto.js';
import { place } from './placement-engine.js';
import { scoreHosts } from './scorer.js';
import { syntheticFleet, syntheticRequest } from './synthetic-fleet.js';
import { explain } from './explanations.js';

const NOW = Date.UTC(2026, 0, 1);

describe('placement scoring', () => {
  it('scores from the snapshot and the prepared fast paths equal every factor computed afresh (host-only flags and prepare() are honest)', () => {
    const fleet = syntheticFleet(60, 11, NOW);
    const snapshot = new FleetSnapshot(fleet, NOW);
    const rng = new Random(5);
    for (let k = 0; k < 20; k++) {
      const r = syntheticRequest(rng, k, fleet.length);
      // All hosts, most of them (the means then come from the fleet's totals less the rest), or a third.
      const rows = fleet.map((_, i) => i).filter((i) => (k % 3 === 0 ? true : k % 3 === 1 ? i % 4 !== 0 : i % 3 === 0));
      const fake = (hs: readonly { capacity: { cpu_cores: number } }[]) => Float64Array.from(hs, (h) => h.capacity.cpu_cores / 300);
      const table = scoreHosts(snapshot, rows, r, { weights: objectiveWeights('balanced'), interference: fake });
      const fresh = new FleetSnapshot(fleet, NOW);
      const ctx = fresh.context(r, fake);
      for (let j = 0; j < rows.length; j++) {
        const i = rows[j];
        const c = makeCandidate(fleet[i], i, r, fresh.columns);
        for (let f = 0; f < FACTORS.length; f++) {
          const applies = !FACTORS[f].appliesTo || FACTORS[f].appliesTo!(r);
          const want = applies ? FACTORS[f].score(c, ctx) : NaN;
          const got = table.factor(j, f);
          if (Number.isNaN(want)) expect(got, FACTORS[f].name).toBeNaN();
          else expect(got, FACTORS[f].name).toBe(want);
        }
      }
      // The means kept while scoring equal the plain means of the factor values.
      const means = table.means();
      for (let f = 0; f < FACTORS.length; f++) {
        const xs = rows.map((_, j) => table.factor(j, f)).filter((x) => !Number.isNaN(x));
        if (!xs.length) expect(means[f], FACTORS[f].name).toBeNaN();
        else expect(means[f], FACTORS[f].name).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 12);
      }
    }
  });

  it('leaves unavailable factors out of a host\'s score and renormalises the rest', () => {
    const fleet = syntheticFleet(2, 3, NOW);
    const bare = { ...fleet[1], facts: { cpu_utilization: 0.4 } };
    const snapshot = new FleetSnapshot([fleet[0], bare], NOW);
    const r = syntheticRequest(new Random(1), 0, 2);
    const w = objectiveWeights('balanced');
    const table = scoreHosts(snapshot, [0, 1], r, { weights: w });
    for (const row of [0, 1]) {
      let num = 0;
      let den = 0;
      for (let f = 0; f < FACTORS.length; f++) {
        const s = table.factor(row, f);
        if (Number.isNaN(s)) continue;
        num += w[f] * s;
        den += w[f];
      }
      expect(table.scores[row]).toBeCloseTo(num / den, 12);
      const applicable = FACTORS.reduce((a, f, i) => a + (!f.appliesTo || f.appliesTo(r) ? w[i] : 0), 0);
      expect(table.coverage[row]).toBeCloseTo(den / applicable, 12);
    }
    expect(table.coverage[1]).toBeLessThan(table.coverage[0]);
    expect(table.coverage[0]).toBeGreaterThan(0.95); // the synthetic host has every fact; no interference model here
    // A request stating no preferences: the preference factors do not apply, so they do not lower coverage.
    const plain = { id: 'p', resources: r.resources, groups: [] };
    const t2 = scoreHosts(snapshot, [0], plain, { weights: w });
    expect(t2.coverage[0]).toBeGreaterThan(0.95);
    expect(t2.factor(0, FACTOR_INDEX.get('preferred_node')!)).toBeNaN();
    expect(table.scores[1]).toBeGreaterThan(0);
  });

  it('weights: every objective sums to 1; named objectives favour the factors that serve them; custom weights are checked', () => {
    for (const o of ['performance', 'cost', 'efficiency', 'sustainability', 'balanced'] as const) {
      expect(objectiveWeights(o).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    const perf = objectiveWeights('performance');
    const eff = objectiveWeights('efficiency');
    expect(perf[FACTOR_INDEX.get('cpu_headroom')!]).toBeGreaterThan(eff[FACTOR_INDEX.get('cpu_headroom')!]);
    expect(eff[FACTOR_INDEX.get('cpu_packing')!]).toBeGreaterThan(perf[FACTOR_INDEX.get('cpu_packing')!]);
    const bal = objectiveWeights('balanced');
    for (const c of ['resource', 'performance', 'infrastructure', 'network', 'operational']) {
      expect(FACTORS.reduce((s, f, i) => s + (f.category === c ? bal[i] : 0), 0)).toBeCloseTo(0.2, 12);
    }
    expect(customWeightsProblem({ factors: { nope: 1 } })).toMatch(/unknown factors: nope/);
    expect(customWeightsProblem({ categories: { spiritual: 1 } as never })).toMatch(/unknown categories/);
    expect(customWeightsProblem({ factors: { pue: -1 } })).toMatch(/≥ 0/);
    expect(customWeightsProblem({ factors: { pue: 0 } })).toMatch(/above 0/);
    expect(customWeightsProblem({ factors: { pue: 2 }, categories: { network: 1 } })).toBeNull();
    const only = customWeights({ factors: { pue: 2 } });
    expect(only[FACTOR_INDEX.get('pue')!]).toBe(1);
  });

  it('a single-factor custom objective ranks hosts by that factor alone', () => {
    const fleet = syntheticFleet(40, 4, NOW);
    const r = syntheticRequest(new Random(2), 0, 40);
    const d = place(new FleetSnapshot(fleet, NOW), r, { objective: 'custom', custom: { factors: { carbon_intensity: 1 } } });
    const scores = Array.from({ length: d.table.size }, (_, k) => d.table.at(k).factorScores[FACTOR_INDEX.get('carbon_intensity')!]);
    for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeLessThanOrEqual(scores[k - 1]);
  });

  it('never scores or recommends a host a hard rule refuses, and explains the pick', () => {
    const fleet = syntheticFleet(50, 9, NOW);
    const rng = new Random(8);
    for (let k = 0; k < 30; k++) {
      const r = { ...syntheticRequest(rng, k, 50), excludedNodes: ['host-1', 'host-2'], datacenters: ['dc1'] };
      const snapshot = new FleetSnapshot(fleet, NOW);
      const d = place(snapshot, r);
      const refused = new Set(d.refused.map((x) => x.host.id));
      expect(refused.size + d.table.size).toBe(50);
      for (let i = 0; i < d.table.size; i++) {
        const h = d.table.at(i).host;
        expect(refused.has(h.id)).toBe(false);
        expect(snapshot.checker.hostRules(r, h)).toEqual([]);
      }
      if (d.recommended) {
        expect(d.recommended.host.datacenter).toBe('dc1');
        const e = explain(d, d.recommended, 0);
        expect(e.reasoning[0]).toMatch(/^Rank 1 of \d+ allowed/);
        expect(e.topFactors.length).toBeGreaterThan(0);
        expect(e.utilisation.allocated.cpu).toBeGreaterThan(0);
      }
    }
  });

  it('Pareto front equals brute force and contains the best host of every objective', () => {
    const rng = new Random(3);
    for (let t = 0; t < 50; t++) {
      const rows = Array.from({ length: 1 + rng.int(60) }, () => Float64Array.from({ length: 4 }, () => Math.round(rng.float() * 10) / 10));
      const front = new Set(paretoFrontOfRows(rows));
      const dominated = (i: number) => rows.some((o, j) => j !== i && o.every((v, k) => v >= rows[i][k]) && o.some((v, k) => v > rows[i][k]));
      for (let i = 0; i < rows.length; i++) {
        const dup = rows.findIndex((o) => o.every((v, k) => v === rows[i][k]));
        if (dominated(i)) expect(front.has(i)).toBe(false);
        else if (dup === i) expect(front.has(i)).toBe(true);
      }
    }
    const fleet = syntheticFleet(80, 2, NOW);
    const d = place(new FleetSnapshot(fleet, NOW), syntheticRequest(new Random(4), 0, 80), { pareto: true });
    const ids = new Set(d.pareto!.map((p) => p.host.id));
    for (let p = 0; p < 4; p++) {
      let best = -1;
      let bestHost = '';
      for (let k = 0; k < d.table.size; k++) {
        const s = d.table.at(k);
        if (s.objectiveScores[p] > best) [best, bestHost] = [s.objectiveScores[p], s.host.id];
      }
      expect(ids.has(bestHost)).toBe(true);
    }
  });
});
