/** Infrastructure factors: the reliability, energy and safety of the host and its site. */
import { clamp01, falling, numericFact, rising, type Factor } from '../factor.js';
import { levelFact, preparedOnly, scaledFact } from './build.js';

const category = 'infrastructure' as const;

const HOUR = 3_600_000;

export const INFRASTRUCTURE_FACTORS: readonly Factor[] = [
  scaledFact({ name: 'failure_risk', category, fact: 'failure_probability', what: 'Probability the host fails within the failure model\'s horizon (from the failure capability)', unit: 'probability', lo: 0, hi: 0.5, direction: 'lower', weight: 0.12, serves: ['performance'] }),
  scaledFact({ name: 'failure_history', category, fact: 'failures_per_year', what: 'Failures of the host over the last year, annualised', unit: '/year', lo: 0, hi: 4, direction: 'lower', weight: 0.06, serves: ['performance'] }),
  scaledFact({ name: 'mtbf', category, fact: 'mtbf_hours', what: 'Rated mean time between failures', unit: 'h', lo: 10_000, hi: 200_000, direction: 'higher', weight: 0.04, serves: ['performance'] }),
  scaledFact({ name: 'hardware_age', category, fact: 'hardware_age_years', what: 'Age of the host hardware', unit: 'years', lo: 0, hi: 8, direction: 'lower', weight: 0.05, serves: ['performance'] }),
  scaledFact({ name: 'temperature', category, fact: 'temperature', what: 'Hottest sensor of the host, live', unit: '°C', lo: 25, hi: 85, direction: 'lower', weight: 0.06, serves: ['performance'] }),
  {
    name: 'humidity',
    category,
    definition: 'Relative humidity at the rack, fact `humidity_pct`: 45 % → 1, falling linearly to 0 at 20 % and 70 % (ASHRAE\'s recommended band is about 20–60 %).',
    inputs: ['humidity_pct'],
    direction: 'target',
    type: 'c',
    weight: 0.02,
    serves: ['performance'],
    hostOnly: true,
    score: (c) => {
      const h = numericFact(c.host.facts, 'humidity_pct');
      return h !== h ? NaN : clamp01(1 - Math.abs(h - 45) / 25);
    },
  },
  scaledFact({ name: 'pue', category, fact: 'pue', what: 'Power usage effectiveness of the site', unit: 'ratio', lo: 1, hi: 2, direction: 'lower', weight: 0.06, serves: ['sustainability', 'cost'] }),
  {
    name: 'power_per_core',
    category,
    definition: 'Marginal power per core, (power_max_watts − power_idle_watts) / capacity cores: 2 W → 1, 20 W → 0.',
    inputs: ['power_idle_watts', 'power_max_watts', 'capacity.cpu_cores'],
    direction: 'lower',
    type: 'c',
    weight: 0.06,
    serves: ['sustainability', 'cost'],
    hostOnly: true,
    score: (c) => falling((numericFact(c.host.facts, 'power_max_watts') - numericFact(c.host.facts, 'power_idle_watts')) / c.host.capacity.cpu_cores, 2, 20),
  },
  {
    name: 'idle_host_avoidance',
    category,
    definition: 'A host that already runs VMs scores 1, an empty one 0: waking an empty host costs its idle power and keeps it from being switched off.',
    inputs: ['allocated', 'vms'],
    direction: 'higher',
    type: 'cat',
    weight: 0.06,
    serves: ['efficiency', 'sustainability', 'cost'],
    hostOnly: true,
    score: (c) => (c.host.vms.size > 0 || c.host.allocated.cpu_cores > 0 || c.host.allocated.memory_mb > 0 ? 1 : 0),
  },
  scaledFact({ name: 'carbon_intensity', category, fact: 'carbon_intensity_g_per_kwh', what: 'Carbon intensity of the site\'s electricity', unit: 'gCO2/kWh', lo: 0, hi: 800, direction: 'lower', weight: 0.08, serves: ['sustainability'] }),
  scaledFact({ name: 'renewable_share', category, fact: 'renewable_share', what: 'Share of the site\'s energy from renewable sources', unit: 'fraction', lo: 0, hi: 1, direction: 'higher', weight: 0.04, serves: ['sustainability'] }),
  scaledFact({ name: 'cooling_efficiency', category, fact: 'cooling_efficiency', what: 'Cooling efficiency of the site (heat removed per unit of cooling energy, normalised by the operator)', unit: 'fraction', lo: 0, hi: 1, direction: 'higher', weight: 0.03, serves: ['sustainability'] }),
  levelFact({ name: 'redundancy_level', category, fact: 'redundancy_level', what: 'Power and cooling redundancy', top: 3, levels: '0 none, 1 N+1, 2 2N, 3 2N+1', weight: 0.04, serves: ['performance'] }),
  scaledFact({ name: 'backup_power', category, fact: 'ups_minutes', what: 'Minutes the UPS carries the host', unit: 'min', lo: 0, hi: 30, direction: 'higher', weight: 0.03, serves: ['performance'] }),
  {
    name: 'maintenance_proximity',
    category,
    definition: 'Time from the end of the run window to the host\'s next maintenance: none planned or a week or more → 1, immediately after → 0 (a VM placed there soon has to move).',
    inputs: ['maintenance windows', 'runWindow'],
    direction: 'higher',
    type: 't',
    weight: 0.04,
    serves: ['performance'],
    ...preparedOnly('maintenance_proximity', (ctx) => {
      const end = ctx.request.runWindow?.end ?? ctx.now + HOUR;
      const windows = ctx.columns.counts().maintenance;
      return (c) => {
        if (windows[c.row] === 0) return 1;
        let next = Infinity;
        const list = c.host.maintenance;
        for (let k = 0; k < list.length; k++) if (list[k].start >= end && list[k].start < next) next = list[k].start;
        return next === Infinity ? 1 : rising((next - end) / HOUR, 0, 168);
      };
    }),
  },
  scaledFact({ name: 'warranty', category, fact: 'warranty_months_left', what: 'Months of hardware warranty left', unit: 'months', lo: 0, hi: 24, direction: 'higher', weight: 0.02, serves: ['cost'] }),
  {
    name: 'compliance_reservation',
    category,
    definition: 'Keeps certified hosts for regulated work: share of the host\'s compliance tags the VM actually needs (1 when the host has none).',
    inputs: ['complianceTags', 'request.complianceTags'],
    direction: 'match',
    type: 'cat',
    weight: 0.03,
    serves: ['efficiency', 'cost'],
    ...preparedOnly('compliance_reservation', (ctx) => {
      const need = ctx.request.complianceTags ?? [];
      const tagCount = ctx.columns.counts().complianceTags;
      return (c) => {
        const size = tagCount[c.row];
        if (size === 0) return 1;
        let held = 0;
        for (let k = 0; k < need.length; k++) if (c.host.complianceTags.has(need[k])) held++;
        return held / size;
      };
    }),
  },
  {
    name: 'security_reservation',
    category,
    definition: 'Keeps high-security hosts for sensitive work: host security level minus the VM\'s (0 when unset): 0 levels above → 1, 5 or more → 0.',
    inputs: ['security_level', 'request.securityLevel'],
    direction: 'lower',
    type: 'ord',
    weight: 0.03,
    serves: ['efficiency', 'cost'],
    ...preparedOnly('security_reservation', (ctx) => {
      const level = ctx.columns.securityLevels();
      const wanted = ctx.request.securityLevel ?? 0;
      return (c) => falling(level[c.row] - wanted, 0, 5);
    }),
  },
  levelFact({ name: 'disaster_recovery_tier', category, fact: 'dr_tier', what: 'Disaster-recovery tier of the site', top: 4, levels: '0 none … 4 active-active across regions', weight: 0.03, serves: ['performance'] }),
  levelFact({ name: 'physical_security', category, fact: 'physical_security_level', what: 'Physical security of the site', top: 5, levels: '0 none … 5 guarded, biometric, caged', weight: 0.02, serves: ['performance'] }),
  {
    name: 'failure_domain_spread',
    category,
    definition: 'Soft spread: share of the VM\'s groups\' members already in the host\'s failure domain, 1 − in-domain / (all members + 1); unavailable without groups or failure domains.',
    inputs: ['failure_domain', 'groups', 'request.groups'],
    direction: 'lower',
    type: 'c',
    weight: 0.05,
    serves: ['performance'],
    appliesTo: (r) => r.groups.length > 0,
    ...preparedOnly('failure_domain_spread', (ctx) => {
      const groups = ctx.request.groups;
      const { codes, index } = ctx.columns.topology('failure_domain');
      const perDomain = new Float64Array(index.size);
      let total = 0;
      const groupRows = ctx.columns.groupRows();
      for (const g of groups) {
        for (const row of groupRows.get(g) ?? []) {
          const n = ctx.hosts[row].groups.get(g) ?? 0;
          total += n;
          if (codes[row] >= 0) perDomain[codes[row]] += n;
        }
      }
      return (c) => {
        const fd = codes[c.row];
        return fd < 0 || groups.length === 0 ? NaN : 1 - perDomain[fd] / (total + 1);
      };
    }),
  },
];
