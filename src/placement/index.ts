// The placement capability's public face: the service and routes the HTTP layer mounts, and the
// engine types other code may place with.
export { PlacementService, INVENTORY_CACHE_MS, type PlacementServiceOptions } from './placement-service.js';
export { placementRoutes } from './routes.js';
export { place, type PlacementDecision, type PlaceOptions } from './placement-engine.js';
export type { InterferencePredictor } from './factor-context.js';
export type { PlacementHost, PlacementRequest } from './problem.js';
