/** Operational factors: what the placement costs to run and to operate, and the operator's soft wishes. */
import { DEFAULT_EXPECTED_CPU } from '../candidate.js';
import { booleanFact, clamp01, falling, listFact, numericFact, type Factor } from '../factor.js';
import type { PlacementHost } from '../problem.js';
import { levelFact, preparedOnly, scaledFact } from './build.js';

const category = 'operational' as const;

/** Host price per core-hour; NaN without `cost_per_hour`. */
const pricePerCore = (h: PlacementHost) => numericFact(h.facts, 'cost_per_hour') / h.capacity.cpu_cores;

/** The VM's share of the host by its dominant resource (what it keeps others from using). */
export const OPERATIONAL_FACTORS: readonly Factor[] = [
  scaledFact({ name: 'current_load', category, fact: 'cpu_utilization', what: 'CPU utilisation of the host now, before placement', unit: 'fraction', lo: 0, hi: 1, direction: 'lower', weight: 0.1, serves: ['performance'] }),
  scaledFact({ name: 'load_trend', category, fact: 'cpu_utilization_trend', what: 'Slope of the host\'s CPU utilisation over the last hours', unit: 'fraction/h', lo: -0.05, hi: 0.1, direction: 'lower', weight: 0.06, serves: ['performance'] }),
  {
    name: 'vm_count',
    category,
    definition: 'VMs on the host against its limit (fact `max_vms`, default 64): 0 → 1, the limit → 0 (NovaCron\'s round robin prefers the fewest).',
    inputs: ['vms', 'max_vms'],
    direction: 'lower',
    type: 'c',
    weight: 0.05,
    serves: ['performance'],
    hostOnly: true,
    score: (c, ctx) => {
      const max = ctx.fact(c, 'max_vms');
      return falling(c.host.vms.size, 0, max > 0 ? max : 64);
    },
  },
  {
    name: 'hourly_cost_per_core',
    category,
    definition: 'Host price per core-hour (fact `cost_per_hour` / capacity cores) relative to the compared hosts: cheapest → 1, falling linearly over the hosts\' range (at least a quarter of the dearest) to 0 at the dearest.',
    inputs: ['cost_per_hour', 'capacity.cpu_cores'],
    direction: 'lower',
    type: 'c',
    weight: 0.1,
    serves: ['cost'],
    hostOnly: true,
    score: (c, ctx) => ctx.relative(pricePerCore(c.host), ctx.range('price-per-core', pricePerCore), false),
  },
  {
    name: 'marginal_cost',
    category,
    definition: 'The VM\'s share of the host\'s price, cost_per_hour × its dominant share of CPU or memory, relative to the compared hosts: cheapest → 1, falling linearly over the hosts\' range (at least a quarter of the dearest).',
    inputs: ['cost_per_hour', 'capacity', 'request'],
    direction: 'lower',
    type: 'c',
    weight: 0.08,
    serves: ['cost'],
    ...preparedOnly('marginal_cost', (ctx) => {
      const r = ctx.request.resources;
      const price = ctx.columns.numeric('cost_per_hour');
      const cores = ctx.columns.capacity('cpu_cores');
      const memory = ctx.columns.capacity('memory_mb');
      // The VM's dominant share of the host: the larger of its CPU and memory shares.
      const cost = (i: number) => price[i] * Math.max(r.cpu_cores / cores[i], r.memory_mb / memory[i]);
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < ctx.hosts.length; i++) {
        const v = cost(i);
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const range = min === Infinity ? null : { min, max };
      return (c) => ctx.relative(cost(c.row), range, false);
    }),
  },
  scaledFact({ name: 'licensing_cost', category, fact: 'license_cost_per_core_hour', what: 'Software licence price per core-hour on the host', unit: '$/core-h', lo: 0, hi: 0.5, direction: 'lower', weight: 0.04, serves: ['cost'] }),
  {
    name: 'energy_cost',
    category,
    definition: 'Energy price of the VM\'s cores: (power_max_watts − power_idle_watts) / capacity cores × requested cores × expected CPU use × PUE (default 1.5) × energy_price_per_kwh: $0 → 1, $0.05/h → 0.',
    inputs: ['power_idle_watts', 'power_max_watts', 'energy_price_per_kwh', 'pue', 'request.cpu_cores'],
    direction: 'lower',
    type: 'c',
    weight: 0.04,
    serves: ['cost', 'sustainability'],
    ...preparedOnly('energy_cost', (ctx) => {
      const max = ctx.columns.numeric('power_max_watts');
      const idle = ctx.columns.numeric('power_idle_watts');
      const pueCol = ctx.columns.numeric('pue');
      const price = ctx.columns.numeric('energy_price_per_kwh');
      const use = ctx.request.soft?.expectedCpuUtilization ?? DEFAULT_EXPECTED_CPU;
      const cores = ctx.request.resources.cpu_cores;
      const hostCores = ctx.columns.capacity('cpu_cores');
      return (c) => {
        const i = c.row;
        const perCore = (max[i] - idle[i]) / hostCores[i];
        const pue = pueCol[i];
        return falling((perCore * cores * use * (pue === pue ? pue : 1.5) * price[i]) / 1000, 0, 0.05);
      };
    }),
  },
  {
    name: 'migration_cost',
    category,
    definition: 'For a VM that runs somewhere already (soft.sourceHost): staying → 1, same rack 0.8, same zone 0.6, same data centre 0.4, elsewhere 0.1.',
    inputs: ['soft.sourceHost', 'topology'],
    direction: 'lower',
    type: 'cat',
    weight: 0.06,
    serves: ['cost', 'performance'],
    appliesTo: (r) => !!r.soft?.sourceHost,
    ...preparedOnly('migration_cost', (ctx) => {
      const src = ctx.request.soft?.sourceHost;
      const from = src ? ctx.hosts.findIndex((h) => h.id === src) : -1;
      // The source's code at each level; a host shares a level with it when the codes match.
      const levels = (['rack', 'zone', 'datacenter'] as const).map((level, k) => {
        const codes = ctx.columns.topology(level).codes;
        return { codes, at: from >= 0 ? codes[from] : -1, score: [0.8, 0.6, 0.4][k] };
      });
      return (c) => {
        if (!src) return NaN;
        if (c.row === from || c.host.id === src) return 1;
        if (from < 0) return NaN;
        for (let k = 0; k < levels.length; k++) {
          const l = levels[k];
          if (l.at >= 0 && l.codes[c.row] === l.at) return l.score;
        }
        return 0.1;
      };
    }),
  },
  {
    name: 'image_cached',
    category,
    definition: 'The VM\'s image is already on the host (soft.image in fact `cached_images`): 1, else 0 (it must be copied first).',
    inputs: ['cached_images', 'soft.image'],
    direction: 'match',
    type: 'cat',
    weight: 0.04,
    serves: ['performance', 'cost'],
    appliesTo: (r) => !!r.soft?.image,
    prepare: (ctx) => {
      const img = ctx.request.soft?.image;
      const lists = ctx.columns.list('cached_images');
      const has = img ? ctx.columns.membership('cached_images', img) : undefined;
      return (c) => (!has || !lists[c.row] ? NaN : has[c.row]);
    },
    score: (c) => {
      const img = c.request.soft?.image;
      const cached = listFact(c.host.facts, 'cached_images');
      return !img || !cached ? NaN : cached.has(img.toLowerCase()) ? 1 : 0;
    },
  },
  scaledFact({ name: 'startup_time', category, fact: 'startup_time_s', what: 'Typical time for a VM to boot on the host', unit: 's', lo: 5, hi: 300, direction: 'lower', weight: 0.03, serves: ['performance'] }),
  {
    name: 'preferred_node',
    category,
    definition: 'NovaCron\'s preferred nodes (soft affinity): 1 on a listed host, 0 elsewhere.',
    inputs: ['soft.preferredNodes'],
    direction: 'match',
    type: 'cat',
    weight: 0.1,
    serves: [],
    appliesTo: (r) => !!r.soft?.preferredNodes?.length,
    ...preparedOnly('preferred_node', (ctx) => {
      const p = ctx.request.soft?.preferredNodes;
      if (!p?.length) return () => NaN;
      const listed = new Set(p);
      return (c) => (listed.has(c.host.id) ? 1 : 0);
    }),
  },
  {
    name: 'soft_node_affinity',
    category,
    definition: 'Weighted share of the preferred label selectors (soft.nodeAffinity) the host matches.',
    inputs: ['labels', 'soft.nodeAffinity'],
    direction: 'match',
    type: 'cat',
    weight: 0.08,
    serves: [],
    appliesTo: (r) => !!r.soft?.nodeAffinity?.length,
    ...preparedOnly('soft_node_affinity', (ctx) => {
      const rules = ctx.request.soft?.nodeAffinity ?? [];
      // Per rule: the label's codes and which codes match the selector.
      const coded = rules.map(({ selector, weight }) => {
        const { codes, index } = ctx.columns.label(selector.key);
        const match = new Uint8Array(index.size);
        for (const [value, code] of index) if (!selector.values?.length || selector.values.includes(value)) match[code] = 1;
        return { codes, match, weight };
      });
      const all = rules.reduce((a, r) => a + r.weight, 0);
      return (c) => {
        if (!(all > 0)) return NaN;
        let hit = 0;
        for (let k = 0; k < coded.length; k++) {
          const code = coded[k].codes[c.row];
          if (code >= 0 && coded[k].match[code]) hit += coded[k].weight;
        }
        return hit / all;
      };
    }),
  },
  {
    name: 'soft_vm_anti_affinity',
    category,
    definition: 'Share of the VMs and groups the VM prefers to avoid (soft.vmAntiAffinity) that are absent from the host: none present → 1.',
    inputs: ['vms', 'groups', 'soft.vmAntiAffinity'],
    direction: 'lower',
    type: 'c',
    weight: 0.06,
    serves: ['performance'],
    appliesTo: (r) => !!(r.soft?.vmAntiAffinity?.vms?.length || r.soft?.vmAntiAffinity?.groups?.length),
    ...preparedOnly('soft_vm_anti_affinity', (ctx) => {
      const avoid = ctx.request.soft?.vmAntiAffinity;
      const vms = avoid?.vms ?? [];
      const groups = avoid?.groups ?? [];
      const n = vms.length + groups.length;
      // Present avoided VMs and groups per fleet row, from the fleet's indexes (O(members), not O(hosts)).
      const present = new Float64Array(ctx.hosts.length);
      const vmRows = ctx.columns.vmRows();
      for (const v of vms) {
        const row = vmRows.get(v);
        if (row !== undefined && ctx.hosts[row].vms.has(v)) present[row]++;
      }
      const groupRows = ctx.columns.groupRows();
      for (const g of groups) for (const row of groupRows.get(g) ?? []) present[row]++;
      return (c) => (n ? 1 - present[c.row] / n : NaN);
    }),
  },
  {
    name: 'priority_headroom',
    category,
    definition: 'High-priority VMs (soft.priority 1–5) prefer roomy hosts: 1 − (priority − 1) / 4 × mean allocated share of CPU and memory after placement.',
    inputs: ['soft.priority', 'capacity', 'allocated', 'request'],
    direction: 'higher',
    type: 'c',
    weight: 0.04,
    serves: ['performance'],
    appliesTo: (r) => r.soft?.priority !== undefined,
    score: (c) => {
      const p = c.request.soft?.priority;
      return p === undefined ? NaN : clamp01(1 - ((p - 1) / 4) * ((c.cpuAfter + c.memoryAfter) / 2));
    },
  },
  scaledFact({ name: 'monitoring_coverage', category, fact: 'monitoring_coverage', what: 'Share of the host\'s components under monitoring', unit: 'fraction', lo: 0, hi: 1, direction: 'higher', weight: 0.03, serves: ['performance'] }),
  levelFact({ name: 'automation_level', category, fact: 'automation_level', what: 'How much of the host\'s operation is automated', top: 3, levels: '0 manual, 1 scripted, 2 orchestrated, 3 self-healing', weight: 0.03, serves: ['cost'] }),
  scaledFact({ name: 'incident_response_time', category, fact: 'incident_response_minutes', what: 'Typical time to respond to an incident at the host\'s site', unit: 'min', lo: 5, hi: 240, direction: 'lower', weight: 0.03, serves: ['performance'] }),
  levelFact({ name: 'backup_strategy', category, fact: 'backup_level', what: 'Backup of the host\'s storage', top: 3, levels: '0 none, 1 nightly, 2 snapshots, 3 continuous replication', weight: 0.02, serves: ['performance'] }),
  scaledFact({ name: 'recent_migrations', category, fact: 'migrations_24h', what: 'VM migrations into or out of the host in the last 24 h (churn)', unit: 'count', lo: 0, hi: 20, direction: 'lower', weight: 0.03, serves: ['performance'] }),
  scaledFact({ name: 'open_alerts', category, fact: 'open_alerts', what: 'Open failure alerts and anomalies on the host', unit: 'count', lo: 0, hi: 5, direction: 'lower', weight: 0.05, serves: ['performance'] }),
  {
    name: 'change_freeze',
    category,
    definition: 'The host is under a change freeze (fact `change_freeze` true): 0, else 1.',
    inputs: ['change_freeze'],
    direction: 'lower',
    type: 'cat',
    weight: 0.03,
    serves: [],
    hostOnly: true,
    score: (c) => {
      const v = booleanFact(c.host.facts, 'change_freeze');
      return v !== v ? NaN : 1 - v;
    },
  },
];
