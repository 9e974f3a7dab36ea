/**
 * How long a live migration takes and how long the VM is paused, from its memory size, the rate at
 * which it dirties memory and the bandwidth the migration gets (the pre-copy model of Clark et al.,
 * "Live Migration of Virtual Machines", NSDI 2005, as QEMU/KVM and Xen implement it).
 *
 * Pre-copy: round 0 copies all M of memory while the VM runs; every later round copies the pages
 * dirtied while the previous round ran. With bandwidth B and dirty rate D (r = D / B):
 *
 *   v₀ = M,   tᵢ = vᵢ / B,   vᵢ₊₁ = min(W, D·tᵢ)        (W: the writable working set, at most M)
 *
 * so while the cap W does not bind, vᵢ = M·rⁱ and the pre-copy time of n rounds is the geometric sum
 *
 *   Σᵢ₌₀ⁿ⁻¹ tᵢ = (M / B)·(1 − rⁿ) / (1 − r).
 *
 * The VM is stopped as soon as the remaining dirty set vₙ can be sent within the downtime target
 * (vₙ / B ≤ maxDowntime), or after maxRounds whatever remains (stop-and-copy). Then
 *
 *   downtime  = vₙ / B + switchover          (switchover: device state, resume on the target)
 *   duration  = setup + Σᵢ₌₀ⁿ⁻¹ tᵢ + downtime
 *   transferred = Σᵢ₌₀ⁿ vᵢ
 *
 * With r ≥ 1 the dirty set never shrinks (every round resends the whole working set) and pre-copy
 * only stops at maxRounds with a long pause: non-convergent. Then post-copy (switch first, pull
 * pages on demand: the pause is the switchover only, the VM runs degraded for about M / B) or a
 * quiet window (migrate when the dirty rate is low) is the better choice.
 */
import type { ClusterState } from './cluster-state.js';
import { DEFAULT_COST_MODEL, migrationCost, type CostModel } from './cost-model.js';

export interface MigrationLink {
  /** Bandwidth one migration gets, MiB/s (a 10 GbE link carries ≈ 1,190 MiB/s before protocol overhead). */
  bandwidthMiBps: number;
  /** Largest pause the stop-and-copy may take (QEMU's default downtime-limit is 300 ms). */
  maxDowntimeS: number;
  /** Pre-copy rounds before stop-and-copy is forced. */
  maxRounds: number;
  /** Pause beyond the memory copy: CPU and device state, resuming on the target, network announce. */
  switchoverS: number;
  /** Fixed time before the first byte moves (connection, target VM set-up). */
  setupS: number;
  /** Whether post-copy is allowed as the recommendation for a non-convergent VM. */
  postCopyAllowed: boolean;
}

export const DEFAULT_LINK: Readonly<MigrationLink> = Object.freeze({
  bandwidthMiBps: 1000,
  maxDowntimeS: 0.3,
  maxRounds: 30,
  switchoverS: 0.05,
  setupS: 1,
  postCopyAllowed: true,
});

/**
 * A VM's dirty rate when nothing better is known: 64 MiB/s, a moderately busy server (Clark et al.
 * measured tens of MB/s for SPECweb and OLTP). An assumption, stated wherever it is used.
 */
export const DEFAULT_DIRTY_RATE_MIBPS = 64;

export interface MigrationInput {
  /** Memory the migration has to copy, GiB (the guest's touched memory; zero pages cost ~nothing). */
  memoryGiB: number;
  /** Rate at which the running guest dirties memory, MiB/s. */
  dirtyRateMiBps: number;
  /** Writable working set, GiB: the most a round can have to resend. Default: all of memoryGiB. */
  workingSetGiB?: number;
}

export type MigrationStrategy = 'pre-copy' | 'post-copy' | 'quiet-window';

export interface MigrationEstimate {
  /** Wall-clock time from start to the VM running on the target, seconds. */
  durationS: number;
  /** Time the VM is paused, seconds. */
  downtimeS: number;
  /** Memory sent over the link, GiB. */
  transferredGiB: number;
  /** Pre-copy rounds before stop-and-copy (round 0, the full copy, included). */
  rounds: number;
  /** True when the dirty set fell under the downtime target before maxRounds. */
  converges: boolean;
  /** D / B: below 1 each round shrinks the dirty set by this factor. */
  dirtyRatio: number;
  /** What to do: pre-copy when it converges, otherwise post-copy (if allowed) or a quiet window. */
  strategy: MigrationStrategy;
  /** The post-copy alternative: pause = switchover only; duration ≈ one copy of memory. */
  postCopy: { durationS: number; downtimeS: number };
  reasons: string[];
}

const MIB_PER_GIB = 1024;

export function migrationLink(overrides: Partial<MigrationLink> = {}): MigrationLink {
  const link = { ...DEFAULT_LINK, ...overrides };
  if (!(link.bandwidthMiBps > 0)) throw new RangeError(`migration link: bandwidthMiBps must be > 0, got ${link.bandwidthMiBps}`);
  if (!(link.maxDowntimeS >= 0) || !(link.maxRounds >= 1) || !(link.switchoverS >= 0) || !(link.setupS >= 0)) throw new RangeError('migration link: maxDowntimeS, switchoverS, setupS must be ≥ 0 and maxRounds ≥ 1');
  return link;
}

/** The pre-copy estimate for one VM over one link (see the file's comment for the formula). */
export function estimateMigration(input: MigrationInput, linkOverrides: Partial<MigrationLink> = {}): MigrationEstimate {
  const link = migrationLink(linkOverrides);
  const memMiB = Math.max(0, input.memoryGiB) * MIB_PER_GIB;
  const wssMiB = Math.min(memMiB, input.workingSetGiB === undefined ? memMiB : Math.max(0, input.workingSetGiB) * MIB_PER_GIB);
  const dirty = Math.max(0, input.dirtyRateMiBps);
  const B = link.bandwidthMiBps;
  const ratio = dirty / B;

  let remaining = memMiB; // vᵢ: what round i has to send
  let sent = 0;
  let precopyS = 0;
  let rounds = 0;
  let converges = false;
  while (rounds < link.maxRounds) {
    if (remaining / B <= link.maxDowntimeS) {
      converges = true;
      break;
    }
    const t = remaining / B;
    precopyS += t;
    sent += remaining;
    rounds++;
    remaining = Math.min(wssMiB, dirty * t);
  }
  if (!converges && remaining / B <= link.maxDowntimeS) converges = true;
  const downtimeS = remaining / B + link.switchoverS;
  const durationS = link.setupS + precopyS + downtimeS;
  const postCopy = { durationS: link.setupS + link.switchoverS + memMiB / B, downtimeS: link.switchoverS };

  const reasons: string[] = [];
  let strategy: MigrationStrategy = 'pre-copy';
  if (converges) {
    reasons.push(`pre-copy converges in ${rounds} round(s): dirty rate ${dirty.toFixed(0)} MiB/s is ${(100 * ratio).toFixed(1)}% of ${B.toFixed(0)} MiB/s; pause ${(1000 * downtimeS).toFixed(0)} ms`);
  } else {
    strategy = link.postCopyAllowed ? 'post-copy' : 'quiet-window';
    reasons.push(
      ratio >= 1
        ? `pre-copy cannot converge: dirty rate ${dirty.toFixed(0)} MiB/s ≥ bandwidth ${B.toFixed(0)} MiB/s, so every round resends the working set`
        : `pre-copy does not reach the ${(1000 * link.maxDowntimeS).toFixed(0)} ms pause in ${link.maxRounds} rounds (dirty rate ${(100 * ratio).toFixed(0)}% of bandwidth)`,
    );
    reasons.push(`forced stop-and-copy would pause the VM ${downtimeS.toFixed(1)} s`);
    reasons.push(
      strategy === 'post-copy'
        ? `recommend post-copy: pause ${(1000 * postCopy.downtimeS).toFixed(0)} ms, VM degraded for ≈ ${postCopy.durationS.toFixed(0)} s while pages are pulled (a network failure then loses the VM)`
        : 'recommend migrating in a quiet window, when the dirty rate is low',
    );
  }
  return { durationS, downtimeS, transferredGiB: (sent + remaining) / MIB_PER_GIB, rounds, converges, dirtyRatio: ratio, strategy, postCopy, reasons };
}

/** How the planners estimate and price migrations of the VMs of a ClusterState. */
export interface MigrationOptions {
  /** The link each host migrates over. */
  link?: Partial<MigrationLink>;
  /** Migrations a host may take part in at once (source or target); they share its link. Default 2. */
  maxConcurrentPerHost?: number;
  /** Dirty rate of VMs that state none, MiB/s. Default DEFAULT_DIRTY_RATE_MIBPS (an assumption). */
  dirtyRateMiBps?: number;
  /** Prices (migration fixed cost, downtime cost). Default: the default cost model. */
  model?: CostModel;
}

export const DEFAULT_MAX_CONCURRENT_PER_HOST = 2;

/** The link one migration gets: the host's bandwidth shared by the migrations it runs at once. */
export function perMigrationLink(opts: MigrationOptions = {}): MigrationLink {
  const concurrent = opts.maxConcurrentPerHost ?? DEFAULT_MAX_CONCURRENT_PER_HOST;
  if (!(concurrent >= 1)) throw new RangeError(`maxConcurrentPerHost must be ≥ 1, got ${concurrent}`);
  const link = migrationLink(opts.link);
  return { ...link, bandwidthMiBps: link.bandwidthMiBps / concurrent };
}

/** Estimates and one-off costs (cost-model migrationCost of the estimated pause) of every VM of a state. */
export function estimateVms(state: ClusterState, opts: MigrationOptions = {}): { estimates: MigrationEstimate[]; costs: Float64Array } {
  const link = perMigrationLink(opts);
  const model = opts.model ?? DEFAULT_COST_MODEL;
  const dirty = opts.dirtyRateMiBps ?? DEFAULT_DIRTY_RATE_MIBPS;
  const estimates: MigrationEstimate[] = [];
  const costs = new Float64Array(state.vmCount);
  for (let v = 0; v < state.vmCount; v++) {
    const e = estimateMigration(state.migrationInput(v, dirty), link);
    estimates.push(e);
    costs[v] = migrationCost(model, e.downtimeS);
  }
  return { estimates, costs };
}
