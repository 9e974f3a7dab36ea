/**
 * What the cluster routes and the envelope pairs share: how they reach the fleet (ClusterDeps),
 * and the two operations with the fleet loaded. Input mistakes surface as ClusterInputError /
 * MigrationInputError; each surface maps them (problem+json 4xx, or envelope success:false).
 */
import type { Platform } from '../platform/platform.js';
import { ClusterTooLargeError, inventoryClusterSource, type InventorySourceOptions, type LoadedCluster } from './cluster-inventory.js';
import type { CostModel } from './cost-model.js';
import { predictMigration, type PredictMigrationInput, type PredictMigrationResult } from './migration-prediction.js';
import { scopeToCluster } from './cluster-scope.js';
import { optimizeCluster, type OptimizeClusterInput, type OptimizeClusterResult } from './performance-optimization.js';

/** How the cluster routes and envelope pairs reach the fleet and the prices. */
export interface ClusterDeps {
  /** The registered fleet, or null when none is registered. May throw ClusterTooLargeError. */
  loadCluster(): Promise<LoadedCluster | null>;
  /** Prices for energy, migration and downtime (default: the default cost model). */
  costModel?: CostModel;
}

/**
 * The default deps over a platform: the store's inventory and telemetry (a load is reused for
 * `opts.ttlMs`, default 15 s, and answered up to `opts.maxStaleMs`, default 6 min, while it
 * refreshes) and the engine's cost model (NOVACRON_COST_MODEL, checked once by OptimizationService). `warm()` loads the fleet ahead
 * of the first request (call it from the engine's start; it never rejects).
 */
export function clusterDepsFor(platform: Pick<Platform, 'store'>, model: CostModel, opts: InventorySourceOptions = {}): ClusterDeps & { warm(): Promise<void> } {
  const source = inventoryClusterSource(platform.store, opts);
  return { loadCluster: () => source.loadCluster(), warm: () => source.warm(), costModel: model };
}

async function loadOrNote(deps: ClusterDeps, notes: string[]): Promise<LoadedCluster | null> {
  try {
    return await deps.loadCluster();
  } catch (e) {
    if (e instanceof ClusterTooLargeError) {
      notes.push(`the engine's inventory is not used: ${e.message}`);
      return null;
    }
    throw e;
  }
}

/** optimizeCluster with the inventory fleet loaded when cluster_data carries no hosts, scoped to the request's cluster_id. */
export async function runOptimizeCluster(deps: ClusterDeps, input: Omit<OptimizeClusterInput, 'cluster' | 'model'>): Promise<OptimizeClusterResult> {
  const notes = [...(input.notes ?? [])];
  const data = input.cluster_data;
  const carriesHosts = typeof data === 'object' && data !== null && Array.isArray((data as { hosts?: unknown }).hosts) && (data as { hosts: unknown[] }).hosts.length > 0;
  let cluster = carriesHosts ? null : await loadOrNote(deps, notes);
  if (cluster) {
    const scoped = scopeToCluster(cluster, input.cluster_id);
    cluster = scoped.cluster;
    notes.push(scoped.note);
  }
  return optimizeCluster({ ...input, notes, cluster, model: deps.costModel });
}

/** predictMigration with the inventory fleet loaded. */
export async function runPredictMigration(deps: ClusterDeps, input: Omit<PredictMigrationInput, 'cluster' | 'model'>): Promise<PredictMigrationResult> {
  const notes: string[] = [];
  const cluster = await loadOrNote(deps, notes);
  const r = predictMigration({ ...input, cluster, model: deps.costModel });
  if (notes.length) r.assumptions.push(...notes);
  return r;
}
