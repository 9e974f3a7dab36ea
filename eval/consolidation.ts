/**
 * `npm run eval:consolidation` — consolidation planned on real VMs, judged on their real usage.
 *
 * VMs: the 500 VMs of the Bitbrains GWA-T-12 Rnd trace, August 2013 (eval/lib/bitbrains.ts),
 * those without data in the fit window excluded (counted). Hosts: identical, 96 cores and 512 GiB
 * (the size eval:placement assumes: a two-socket server of the trace's era that holds the largest
 * VM), repeated at 256 GiB, where VM 27 (511.5 GiB provisioned) fits no host.
 *
 * 1. Spread: the VMs, in id order, onto N hosts by Kubernetes' default LeastAllocated scoring on
 *    their provisioned size (eval/placement/packing.ts kubeScoring). Two fleet sizes: N = twice the
 *    allocation lower bound (a cluster run at about half its allocatable capacity, the usual state
 *    of a LeastAllocated fleet with room to grow), and N = the smallest fleet on which LeastAllocated
 *    places every VM (a tight fleet).
 * 2. Plan, using only the fit window (the first 21 days): each method's demand per VM, our
 *    consolidation (or a from-scratch re-packing), the migration planner's ordered waves, the plan
 *    replayed by verifyPlan (every step: capacity within the packing limits, anti-affinity,
 *    per-host concurrency), migration time and pause per VM from the pre-copy model.
 * 3. Judge on the last 7 days (never seen while planning; the 2 days between are when the plan
 *    runs): the real 5-minute usage replayed onto the final placement, host-minutes over 100 % of
 *    cores or memory (eval/placement/packing.ts replayUsage).
 * 4. ROI with the default cost model (src/optimization/cost-model.ts): monthly saving of the hosts
 *    powered off, one-off migration cost, payback, 12-month net benefit, risk (overload estimate =
 *    the share of hosts that overload when the fit window itself is replayed, in-sample).
 *
 * Methods, all from the same spread:
 * - ours: usage-based consolidation, demand = per-VM p99 of the fit window (cores and memory each),
 *   targets ≤ 80 % of a host's cores and ≤ 90 % of its memory (sensitivity: p95, per-VM max);
 * - allocation: the same consolidation by provisioned size at 100 % (no overcommit);
 * - naive FF: every VM re-packed first-fit by provisioned size in id order (no overcommit);
 * - FFD usage: every VM re-packed first-fit decreasing by our usage demand (p99, same targets).
 * Hotspot relief is shown where hotspots exist: on the naive re-pack, hot = our usage demand above
 * the targets; the relief's moves are planned and verified the same way and the week replayed.
 * Migration traits (the trace has no dirty-page data, so the dirty rate is an assumption):
 * memory copied = the VM's p95 memory in use; dirty rate 16 MiB/s + 32 MiB/s per busy core (p95);
 * a host's link 1,000 MiB/s shared by at most 2 concurrent migrations per host; pause target 300 ms.
 *
 * The last line is one JSON object with every headline figure.
 *
 *   npx tsx eval/consolidation.ts [--vms 500]
 */
import { parseArgs } from 'node:util';
import { ALLOCATION_PACKING, USAGE_PACKING, type ClusterState } from '../src/optimization/cluster-state.js';
import { consolidate, type ConsolidationOptions } from '../src/optimization/consolidation.js';
import { hostPowerOffMonthlySaving, DEFAULT_COST_MODEL } from '../src/optimization/cost-model.js';
import { relieveHotspots } from '../src/optimization/hotspot-relief.js';
import { planMigrations, verifyPlan } from '../src/optimization/migration-plan.js';
import { recommendSplits } from '../src/optimization/split-recommendation.js';
import { GRID_STEPS, loadBitbrains, STEP_S } from './lib/bitbrains.js';
import { clusterState, DIRTY_RATE, placementKeys, plainHosts, profiles, smallestSpreadFleet, spreadLeastAllocated, type DemandName, type VmProfile } from './consolidation/fleet.js';
import { repackMoves, runMethod, type MethodOutcome, type RunContext } from './consolidation/methods.js';
import { scaleRun } from './consolidation/scale.js';
import { lowerBound, replayUsage } from './placement/packing.js';

const { values: args } = parseArgs({ options: { vms: { type: 'string', default: '500' }, 'scale-vms': { type: 'string', default: '10000' }, 'scale-hosts': { type: 'string', default: '1000' } } });
const NOW = Date.UTC(2013, 7, 22);
const HOST_CORES = 96;
const MEMORY_GIB = [512, 256];
const FIT: [number, number] = [0, (21 * 86400) / STEP_S];
const JUDGED: [number, number] = [GRID_STEPS - (7 * 86400) / STEP_S, GRID_STEPS];
const OURS: DemandName = 'p99';
const OPTIONS: ConsolidationOptions = { link: { bandwidthMiBps: 1000, maxDowntimeS: 0.3 }, maxConcurrentPerHost: 2 };

const started = performance.now();
const secs = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const iso = (step: number) => new Date((1375308000 + step * STEP_S) * 1000).toISOString().slice(0, 16) + 'Z';
const money = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '∞');

let t = performance.now();
const traces = loadBitbrains(Number(args.vms));
const prof = profiles(traces, FIT[0], FIT[1]);
console.log(`Data: ${traces.length} Bitbrains Rnd VMs loaded in ${secs(t)}; ${prof.noData.length} excluded for having no data in the fit window${prof.noData.length ? ` (VM ${prof.noData.join(', ')})` : ''}; ${prof.partial} kept with data for under half of it.`);
console.log(`Fit window ${iso(FIT[0])} – ${iso(FIT[1])} (${FIT[1] - FIT[0]} steps); judged week ${iso(JUDGED[0])} – ${iso(JUDGED[1])} (${JUDGED[1] - JUDGED[0]} steps), never used to plan.`);
console.log(`Hosts: ${HOST_CORES} cores, ${MEMORY_GIB.join(' or ')} GiB. Usage packing targets ≤ ${100 * USAGE_PACKING.cpuTarget}% CPU, ≤ ${100 * USAGE_PACKING.memoryTarget}% memory by predicted demand.`);
console.log(`Migrations: link 1000 MiB/s per host, ≤ ${OPTIONS.maxConcurrentPerHost} at once per host, pause target 300 ms; dirty rate assumed ${DIRTY_RATE.baseMiBps} MiB/s + ${DIRTY_RATE.perBusyCoreMiBps} MiB/s per busy core (no dirty-page data in the trace).`);
console.log(`Cost model: defaults (power-off saves ${hostPowerOffMonthlySaving(DEFAULT_COST_MODEL).toFixed(2)} per host-month; a migration costs ${DEFAULT_COST_MODEL.migrationFixedCost} + ${DEFAULT_COST_MODEL.downtimeCostPerHour} per hour of pause).`);

const out: Record<string, unknown> = { vms: traces.length, excludedNoData: prof.noData.length, fitSteps: FIT[1] - FIT[0], judgedSteps: JUDGED[1] - JUDGED[0] };

interface Row {
  method: string;
  demand: string;
  lbTarget: number;
  lb100: number;
  o: MethodOutcome;
}

function scenario(title: string, ps: VmProfile[], memGiB: number, fleet: number): { rows: Row[]; before: ReturnType<typeof replayUsage>; unplaced: string[]; hot: Record<string, number> } {
  const hosts = plainHosts(fleet, HOST_CORES, memGiB);
  const spread = spreadLeastAllocated(ps, hosts, NOW);
  const unplaced = [...spread].filter(([, h]) => h === null).map(([id]) => id);
  const placed = ps.filter((p) => spread.get(p.id));
  const ctx: RunContext = { vms: traces.filter((v) => spread.get(v.id)), hosts, fit: FIT, judged: JUDGED, options: OPTIONS };
  const states = new Map<string, ClusterState>();
  const usageState = (d: DemandName) => {
    if (!states.has(d)) states.set(d, clusterState(placed, spread, hosts, USAGE_PACKING, d));
    return states.get(d)!;
  };
  const allocState = clusterState(placed, spread, hosts, ALLOCATION_PACKING, 'provisioned');
  const before = replayUsage(ctx.vms, placementKeys(allocState), hosts, JUDGED[0], JUDGED[1]);
  const lbUsage = (d: DemandName) => {
    const ds = placed.map((p) => p.demand[d]);
    return { target: lowerBound(ds, HOST_CORES * USAGE_PACKING.cpuTarget, memGiB * USAGE_PACKING.memoryTarget).hosts, full: lowerBound(ds, HOST_CORES, memGiB).hosts };
  };
  const lbAlloc = lowerBound(
    placed.map((p) => p.demand.provisioned),
    HOST_CORES,
    memGiB,
  ).hosts;
  const rows: Row[] = [];
  const add = (method: string, demand: string, lb: { target: number; full: number }, o: MethodOutcome) => rows.push({ method, demand, lbTarget: lb.target, lb100: lb.full, o });
  add('ours: consolidation', `usage ${OURS}, 80/90%`, lbUsage(OURS), runMethod(ctx, 'ours', OURS, usageState(OURS), 'consolidate'));
  for (const d of ['p95', 'max'] as const) add(`  sensitivity: demand ${d}`, `usage ${d}, 80/90%`, lbUsage(d), runMethod(ctx, `ours-${d}`, d, usageState(d), 'consolidate'));
  add('allocation: consolidation', 'provisioned, 100%', { target: lbAlloc, full: lbAlloc }, runMethod(ctx, 'allocation', 'provisioned', allocState, 'consolidate'));
  add('naive FF re-pack', 'provisioned, 100%', { target: lbAlloc, full: lbAlloc }, runMethod(ctx, 'naive-ff', 'provisioned', allocState, repackMoves(allocState, false)));
  add('FFD re-pack by usage', `usage ${OURS}, 80/90%`, lbUsage(OURS), runMethod(ctx, 'ffd-usage', OURS, usageState(OURS), repackMoves(usageState(OURS), true)));

  console.log(`\n${title}`);
  console.log(`  fleet ${fleet} hosts (allocation lower bound ${lbAlloc}); LeastAllocated spread placed ${placed.length} VMs on ${allocState.activeHosts()} hosts${unplaced.length ? `; unplaced (larger than any host by provisioned size): VM ${unplaced.join(', ')}` : ''}`);
  console.log(`  before any plan, judged week: ${before.either.minutesOver100} host-minutes over 100% (CPU ${before.cpu.minutesOver100}, memory ${before.memory.minutesOver100}); mean CPU ${(100 * before.meanCpu).toFixed(1)}%, memory ${(100 * before.meanMemory).toFixed(1)}%`);
  console.log(
    `  ${pad('method', 28)} ${pad('packed by', 20)} ${lpad('before', 6)} ${lpad('after', 5)} ${lpad('LB', 3)} ${lpad('LB100', 5)} ${lpad('freed/max', 9)} | ${lpad('migr', 4)} ${lpad('temp', 4)} ${lpad('drop', 4)} ${lpad('waves', 5)} ${lpad('wall h', 6)} ${lpad('Σpause s', 8)} ${lpad('max s', 5)} ${lpad('n-conv', 6)} ${lpad('viol', 4)} ${lpad('ms', 5)}`,
  );
  for (const r of rows) {
    const o = r.o;
    const maxPause = o.plan.steps.reduce((a, s) => Math.max(a, s.estimate.downtimeS), 0);
    console.log(
      `  ${pad(r.method, 28)} ${pad(r.demand, 20)} ${lpad(o.hostsBefore, 6)} ${lpad(o.hostsAfter, 5)} ${lpad(r.lbTarget, 3)} ${lpad(r.lb100, 5)} ${lpad(`${o.hostsBefore - o.hostsAfter}/${o.hostsBefore - r.lbTarget}`, 9)} | ${lpad(o.plan.totals.migrations, 4)} ${lpad(o.plan.totals.temporary, 4)} ${lpad(o.plan.dropped.length, 4)} ${lpad(o.plan.waves.length, 5)} ${lpad((o.plan.totals.wallClockS / 3600).toFixed(2), 6)} ${lpad(o.plan.totals.downtimeS.toFixed(1), 8)} ${lpad(maxPause.toFixed(2), 5)} ${lpad(o.plan.totals.nonConvergent, 6)} ${lpad((o.stepViolation ? 1 : 0) + o.finalViolations, 4)} ${lpad(Math.round(o.planMs), 5)}`,
    );
  }
  console.log(`  judged week after the plan, and ROI (12 months, default cost model):`);
  console.log(
    `  ${pad('method', 28)} ${lpad('over100 min', 11)} ${lpad('CPU', 6)} ${lpad('mem', 6)} ${lpad('share', 6)} ${lpad('over90 min', 10)} ${lpad('mean CPU', 8)} | ${lpad('fit ovl', 7)} ${lpad('$/month', 7)} ${lpad('one-off', 7)} ${lpad('payback d', 9)} ${lpad('net 12m', 7)} ${lpad('risk', 5)}`,
  );
  for (const r of rows) {
    const o = r.o;
    console.log(
      `  ${pad(r.method, 28)} ${lpad(o.replay.either.minutesOver100, 11)} ${lpad(o.replay.cpu.minutesOver100, 6)} ${lpad(o.replay.memory.minutesOver100, 6)} ${lpad(`${(100 * o.replay.either.shareOver100).toFixed(2)}%`, 6)} ${lpad(o.replay.either.minutesOver90, 10)} ${lpad(`${(100 * o.replay.meanCpu).toFixed(1)}%`, 8)} | ${lpad(`${(100 * o.fitOverloadShare).toFixed(0)}%`, 7)} ${lpad(money(o.roi.monthlySaving), 7)} ${lpad(money(o.roi.oneOffCost), 7)} ${lpad(o.roi.paybackDays.toFixed(1), 9)} ${lpad(money(o.roi.netBenefit), 7)} ${lpad(o.roi.risk.toFixed(3), 5)}`,
    );
  }
  // Hotspot relief where there are hotspots: the naive re-pack, judged by our usage demand.
  const naive = rows.find((r) => r.o.label === 'naive-ff')!.o;
  const hotState = clusterState(placed, naive.plan.final.assignment(), hosts, USAGE_PACKING, OURS);
  const relief = relieveHotspots(hotState, OPTIONS);
  const reliefPlan = planMigrations(hotState, relief.moves, OPTIONS);
  const reliefViolation = verifyPlan(hotState, reliefPlan.steps, OPTIONS);
  const reliefReplay = replayUsage(ctx.vms, placementKeys(reliefPlan.final), hosts, JUDGED[0], JUDGED[1]);
  const hot = { hotspots: relief.hotspots.length, relieved: relief.relieved.length, unresolved: relief.unresolved.length, moves: reliefPlan.totals.migrations, poweredOn: relief.poweredOn.length, violations: reliefViolation ? 1 : 0, overloadBefore: naive.replay.either.minutesOver100, overloadAfter: reliefReplay.either.minutesOver100 };
  console.log(
    `  hotspot relief on the naive FF result (hot = ${OURS} demand above 80% CPU / 90% memory): ${hot.hotspots} hot host(s), ${hot.relieved} relieved, ${hot.unresolved} unresolved, ${hot.moves} migrations, ${hot.poweredOn} host(s) powered on, ${hot.violations} plan violations; judged-week overload ${hot.overloadBefore} → ${hot.overloadAfter} host-minutes`,
  );
  for (const r of rows) if (r.o.stepViolation) console.log(`  !! ${r.method}: ${r.o.stepViolation}`);
  for (const r of rows) for (const d of r.o.plan.dropped.slice(0, 3)) console.log(`  ${r.method.trim()}: dropped ${d.vm} ${d.from} → ${d.to}: ${d.reason}`);
  return { rows, before, unplaced, hot };
}

const summary = (s: ReturnType<typeof scenario>) =>
  s.rows.map((r) => ({
    method: r.o.label,
    demand: r.demand,
    hostsBefore: r.o.hostsBefore,
    hostsAfter: r.o.hostsAfter,
    lowerBound: r.lbTarget,
    lowerBound100: r.lb100,
    migrations: r.o.plan.totals.migrations,
    temporary: r.o.plan.totals.temporary,
    dropped: r.o.plan.dropped.length,
    waves: r.o.plan.waves.length,
    wallClockS: Math.round(r.o.plan.totals.wallClockS),
    migrationS: Math.round(r.o.plan.totals.durationS),
    downtimeS: +r.o.plan.totals.downtimeS.toFixed(2),
    nonConvergent: r.o.plan.totals.nonConvergent,
    violations: (r.o.stepViolation ? 1 : 0) + r.o.finalViolations,
    overloadMinutes: r.o.replay.either.minutesOver100,
    cpuOverloadMinutes: r.o.replay.cpu.minutesOver100,
    memoryOverloadMinutes: r.o.replay.memory.minutesOver100,
    monthlySaving: +r.o.roi.monthlySaving.toFixed(2),
    oneOffCost: +r.o.roi.oneOffCost.toFixed(2),
    paybackDays: +r.o.roi.paybackDays.toFixed(2),
    netBenefit12m: +r.o.roi.netBenefit.toFixed(2),
    risk: +r.o.roi.risk.toFixed(4),
  }));

// ---- (a) 512 GiB hosts, two fleet sizes -----------------------------------------------------
t = performance.now();
const scenarios: Record<string, unknown> = {};
let headline: ReturnType<typeof scenario> | null = null;
for (const memGiB of MEMORY_GIB) {
  const placeable = prof.kept.filter((p) => p.demand.provisioned.cores <= HOST_CORES && p.demand.provisioned.memGiB <= memGiB);
  const lbAlloc = lowerBound(
    placeable.map((p) => p.demand.provisioned),
    HOST_CORES,
    memGiB,
  ).hosts;
  const fleets = memGiB === 512 ? [2 * lbAlloc, smallestSpreadFleet(prof.kept, HOST_CORES, memGiB, lbAlloc, NOW)] : [2 * lbAlloc];
  for (const fleet of fleets) {
    const name = `${memGiB}GiB_${fleet}hosts`;
    const s = scenario(`(${memGiB === 512 ? 'a' : 'b'}) ${memGiB} GiB hosts, fleet ${fleet} (${fleet === 2 * lbAlloc ? '2 × allocation lower bound' : 'smallest fleet LeastAllocated fits'})`, prof.kept, memGiB, fleet);
    scenarios[name] = { fleet, unplaced: s.unplaced, overloadMinutesBefore: s.before.either.minutesOver100, methods: summary(s), hotspotReliefOnNaive: s.hot };
    if (!headline) headline = s;
    if (s.unplaced.length) {
      const splits = recommendSplits(
        prof.kept.filter((p) => s.unplaced.includes(p.id)).map((p) => ({ id: p.id, cores: p.demand.provisioned.cores, memoryGiB: p.demand.provisioned.memGiB })),
        plainHosts(1, HOST_CORES, memGiB).map((h) => ({ id: h.id, cores: HOST_CORES, memoryGiB: memGiB })),
      );
      for (const sp of splits) console.log(`  split VM ${sp.vm}: ${sp.instances} instances of ${sp.perInstance.cores.toFixed(1)} cores / ${sp.perInstance.memoryGiB.toFixed(1)} GiB — ${sp.reasons[0]}`);
      const byUsage = prof.kept.filter((p) => s.unplaced.includes(p.id)).map((p) => `VM ${p.id} ${p.demand[OURS].cores.toFixed(1)} cores / ${p.demand[OURS].memGiB.toFixed(1)} GiB`);
      console.log(`  by predicted usage (${OURS}) the same VM(s) would fit: ${byUsage.join('; ')}`);
      scenarios[name] = { ...(scenarios[name] as object), splits: splits.map((x) => ({ vm: x.vm, instances: x.instances })) };
    }
  }
}
console.log(`  parts (a), (b) took ${secs(t)}`);
out.scenarios = scenarios;

// ---- (c) anti-affinity: synthetic services ---------------------------------------------------
t = performance.now();
{
  const ps = prof.kept.map((p, i) => ({ ...p, groups: [`svc${Math.floor(i / 5)}`] }));
  const placeable = ps.filter((p) => p.demand.provisioned.memGiB <= 512);
  const fleet = 2 * lowerBound(placeable.map((p) => p.demand.provisioned), HOST_CORES, 512).hosts;
  const hosts = plainHosts(fleet, HOST_CORES, 512);
  const spread = spreadLeastAllocated(ps, hosts, NOW);
  const state = clusterState(ps, spread, hosts, USAGE_PACKING, OURS);
  const ctx: RunContext = { vms: traces, hosts, fit: FIT, judged: JUDGED, options: OPTIONS };
  const o = runMethod(ctx, 'ours-anti-affinity', OURS, state, 'consolidate');
  const c = consolidate(state, OPTIONS);
  const lb = lowerBound(ps.map((p) => p.demand[OURS]), HOST_CORES * USAGE_PACKING.cpuTarget, 512 * USAGE_PACKING.memoryTarget).hosts;
  console.log(`\n(c) Anti-affinity: services of 5 consecutive VM ids, no two VMs of a service on one host; 512 GiB, fleet ${fleet}`);
  console.log(
    `  ours (usage ${OURS}): ${o.hostsBefore} → ${o.hostsAfter} hosts (lower bound ${lb}, 5 needed by anti-affinity alone); ${o.plan.totals.migrations} migrations (${o.plan.totals.temporary} temporary), ${o.plan.waves.length} waves, ${o.plan.dropped.length} dropped; violations in any step: ${o.stepViolation ?? 'none'}; in the final state: ${o.finalViolations}; judged-week overload ${o.replay.either.minutesOver100} host-minutes`,
  );
  const keptReasons = new Map<string, number>();
  for (const k of c.kept) {
    const key = k.reason.replace(/VM \S+ \([^)]*\)/, 'a VM');
    keptReasons.set(key, (keptReasons.get(key) ?? 0) + 1);
  }
  for (const [reason, n] of keptReasons) console.log(`  kept on: ${n} host(s): ${reason}`);
  out.antiAffinity = { fleet, hostsBefore: o.hostsBefore, hostsAfter: o.hostsAfter, lowerBound: lb, migrations: o.plan.totals.migrations, temporary: o.plan.totals.temporary, dropped: o.plan.dropped.length, violations: (o.stepViolation ? 1 : 0) + o.finalViolations, overloadMinutes: o.replay.either.minutesOver100 };
}
console.log(`  part (c) took ${secs(t)}`);

// ---- (d) scale -------------------------------------------------------------------------------
t = performance.now();
const sr = scaleRun(prof.kept, Number(args['scale-vms']), Number(args['scale-hosts']), HOST_CORES, 512, OURS);
console.log(`\n(d) Scale: ${sr.vms} VMs (Bitbrains profiles repeated; ${sr.unplaced} more found no room in the spread) spread LeastAllocated over ${sr.hosts} hosts (${sr.hostsBefore} in use)`);
console.log(`  consolidate ${sr.consolidateMs.toFixed(0)} ms, plan ${sr.planMs.toFixed(0)} ms, verify ${sr.verifyMs.toFixed(0)} ms: ${sr.hostsBefore} → ${sr.hostsAfter} hosts (lower bound ${sr.lowerBound}), ${sr.migrations} migrations, ${sr.dropped} dropped, ${sr.violations} violations`);
out.scale = { ...sr, consolidateMs: Math.round(sr.consolidateMs), planMs: Math.round(sr.planMs), verifyMs: Math.round(sr.verifyMs) };
console.log(`  part (d) took ${secs(t)}`);

const h = headline!;
const ours = h.rows[0].o;
const alloc = h.rows.find((r) => r.o.label === 'allocation')!.o;
const naive = h.rows.find((r) => r.o.label === 'naive-ff')!.o;
out.headline = {
  hostsBefore: ours.hostsBefore,
  oursHostsAfter: ours.hostsAfter,
  oursLowerBound: h.rows[0].lbTarget,
  allocationHostsAfter: alloc.hostsAfter,
  allocationLowerBound: h.rows.find((r) => r.o.label === 'allocation')!.lbTarget,
  naiveHostsAfter: naive.hostsAfter,
  oursMigrations: ours.plan.totals.migrations,
  naiveMigrations: naive.plan.totals.migrations,
  oursOverloadMinutes: ours.replay.either.minutesOver100,
  allocationOverloadMinutes: alloc.replay.either.minutesOver100,
  oursMonthlySaving: +ours.roi.monthlySaving.toFixed(2),
  oursPaybackDays: +ours.roi.paybackDays.toFixed(2),
  oursOverAllocationHosts: ours.hostsAfter / alloc.hostsAfter,
  oursOverNaiveMigrations: ours.plan.totals.migrations / naive.plan.totals.migrations,
};
console.log(`\neval:consolidation finished in ${secs(started)}`);
console.log(JSON.stringify({ consolidation: out }));
