import type { App } from '../http/fastify-types.js';
import type { Platform } from '../platform/platform.js';
import type { PlacementService } from './placement-service.js';
import {
  BatchBody,
  BatchResponse,
  FactorsQuery,
  FactorsResponse,
  MAX_BATCH_WORKLOADS,
  MAX_NODES,
  ObjectiveQuery,
  OptimizeBody,
  OptimizeResponse,
  PredictBody,
  PredictResponse,
} from './schemas.js';

const tags = ['placement'];

const FLEET_NOTE =
  'Without `available_nodes` (or with an empty list) the inventory is used: registered nodes (POST /api/v1/nodes) with their VMs, the newest telemetry of the last 15 minutes ' +
  '(utilisation, temperature, CPU steal/ready/iowait, disk latency, page faults, swap, network latency, packet loss), the failure capability\'s latest risk, cost and power columns, and labels named like catalogue facts; ' +
  'it is read once and reused for 5 s. With no nodes at all: 422. A node that breaks a hard rule (capacity, status, affinity, anti-affinity, data centre, security level, compliance, selectors, spread, exclusions, maintenance) ' +
  'is never a candidate: it is listed under `refused` with every reason. No allowed node is not an error: 200 with `recommendation: null`.';

export function placementRoutes(_platform: Platform, service: PlacementService) {
  return async (app: App): Promise<void> => {
    app.post('/api/v1/placement/optimize', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Where should this workload go? Allowed nodes ranked by the factor catalogue, with reasons (ai-engine shape)',
        description:
          `The seed's {workload_request, available_nodes} → {workload_id, candidates, recommendation}, extended with objective scores, top factors, coverage and refusals. ` +
          `\`objective\` may also be sent as the query parameter (as the seed did). At most ${MAX_NODES} nodes. ${FLEET_NOTE}`,
        querystring: ObjectiveQuery,
        body: OptimizeBody,
        response: { 200: OptimizeResponse },
      },
      handler: async (req) => service.optimize(req.body, req.query.objective),
    });

    app.post('/api/v1/placement/batch', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Place many workloads jointly (fewest hosts or balanced), every hard rule kept between them (ai-engine shape)',
        description:
          `The seed's {workload_requests, available_nodes} → {results: {id: [Candidate]}}: each list holds the chosen node's candidate (empty when the workload could not be placed). ` +
          `Workloads are placed jointly, so anti-affinity, spread and capacity hold among the batch too; \`assignments\` says where each went or why not, \`summary\` how many hosts it used. ` +
          `At most ${MAX_BATCH_WORKLOADS} workloads and ${MAX_NODES} nodes (413 above). ${FLEET_NOTE}`,
        querystring: ObjectiveQuery,
        body: BatchBody,
        response: { 200: BatchResponse },
      },
      handler: async (req) => service.batch(req.body, req.query.objective),
    });

    app.post('/api/v1/placement/predict', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'PlacementPrediction for NovaCron\'s unified scheduler: recommended node, confidence, alternatives, predicted metrics',
        description:
          'Send the VM (NovaCron VMConfig or seed workload), optionally the nodes (NovaCron NodeResourceInfo or seed shape) and the scheduler\'s filtered `candidate_node_ids` (only those may be recommended). ' +
          '`confidence` is the recommended node\'s coverage (share of the objective\'s weight with data); NovaCron uses the AI pick only at ≥ 0.7. ' +
          `With no allowed node: recommended_node_id "" and confidence 0, and the scheduler falls back to its policy. ${FLEET_NOTE}`,
        querystring: ObjectiveQuery,
        body: PredictBody,
        response: { 200: PredictResponse },
      },
      handler: async (req) => service.predict(req.body, req.query.objective),
    });

    app.get('/api/v1/placement/factors', {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The placement factor catalogue with the weights of an objective (ai-engine shape plus definitions)',
        description:
          '`placement_factors` is the seed\'s {name: {weight, type}}; `weight` is the factor\'s weight under `objective` (default balanced: each of the five categories a fifth, shared by the factors\' own weights), all weights summing to 1. ' +
          '`factors` lists every factor with its definition, inputs (fact names a node may carry), direction, objectives served and `catalogue_weight` (its own importance within its category).',
        querystring: FactorsQuery,
        response: { 200: FactorsResponse },
      },
      handler: async (req) => service.factors(req.query.objective),
    });
  };
}
