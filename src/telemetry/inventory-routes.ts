import type { FastifyRequest } from 'fastify';
import type { App } from '../http/fastify-types.js';
import { audit, type AuditContext } from '../platform/audit.js';
import { Problem, type FieldError } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import { eventToRecord, eventToView, findDuplicateId, mapBatch, nodeToRecord, nodeToView, vmToRecord, vmToView } from './inventory-mapping.js';
import {
  BulkResponse,
  Deleted,
  EventIngestBody,
  EventIngestResponse,
  EventList,
  EventListQuery,
  IdParams,
  NodeBody,
  NodeBulkBody,
  NodeList,
  NodeListQuery,
  NodePutBody,
  NodeView,
  VmBody,
  VmBulkBody,
  VmList,
  VmListQuery,
  VmPutBody,
  VmView,
  type EventBodyT,
} from './inventory-schemas.js';
import { parseQueryTime } from './timestamps.js';

const inventoryTags = ['inventory'];
const eventTags = ['events'];
/** Bulk audit entries name this many ids; the count is always exact. */
const AUDITED_IDS = 100;

const ctx = (req: FastifyRequest): AuditContext => ({ principal: req.principal, requestId: req.id });

function checkBatchSize(count: number, max: number, what: string): void {
  if (count > max) throw Problem.tooLarge(`The batch holds ${count} ${what}; the limit is ${max} (NOVACRON_INVENTORY_MAX_BATCH). Split it.`);
}

function checkUniqueIds(ids: readonly (string | undefined)[], field: string): void {
  const dup = findDuplicateId(ids);
  if (dup) {
    const path = `/body/${field}/${dup.index}/id`;
    throw Problem.badRequest(`${field}[${dup.index}] repeats the id "${ids[dup.index]}" of ${field}[${dup.first}]: send each id once per batch`, [
      { path, message: `duplicate of ${field}[${dup.first}]` },
    ]);
  }
}

function checkPathId(bodyId: string | undefined, pathId: string): void {
  if (bodyId !== undefined && bodyId !== pathId) {
    throw Problem.badRequest(`Body id "${bodyId}" differs from the path id "${pathId}": omit it or make them equal`, [{ path: '/body/id', message: 'must equal the path id' }]);
  }
}

function queryTime(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const t = parseQueryTime(raw);
  if (typeof t === 'string') throw Problem.badRequest(`${name}: ${t}`, [{ path: `/querystring/${name}`, message: t }]);
  return t;
}

interface AjvError {
  instancePath?: string;
  schemaPath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * The events body is one event or `{events: [...]}` (an anyOf). Ajv reports the failures of both
 * shapes; only those of the shape the client meant (by the presence of `events`) say what to fix.
 */
function eventBodyProblem(err: { validation?: unknown }, body: unknown): Problem {
  const all = (Array.isArray(err.validation) ? err.validation : []) as AjvError[];
  const branch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body ? '#/anyOf/1/' : '#/anyOf/0/';
  const chosen = all.filter((e) => e.schemaPath?.startsWith(branch));
  const errors: FieldError[] = (chosen.length ? chosen : all).slice(0, 50).map((e) => {
    let path = `/body${e.instancePath ?? ''}`;
    if (e.keyword === 'required' && typeof e.params?.missingProperty === 'string') path += `/${e.params.missingProperty}`;
    if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string') path += `/${e.params.additionalProperty}`;
    return { path, message: e.message ?? 'is invalid' };
  });
  const first = errors[0];
  return Problem.badRequest(first ? `${first.path} ${first.message}` : 'Send one event or {"events": [...]}', errors);
}

/** Hosts, VMs and operational events: the fleet the other capabilities reason about. */
export function inventoryRoutes(platform: Platform) {
  return async (app: App): Promise<void> => {
    const { store, logger, config } = platform;
    const inventory = store.inventory;

    // ------------------------------------------------------------ nodes

    /** Upserts one node; 201 when it is new, 200 when it replaced one. */
    const saveNode = async (req: FastifyRequest, body: Parameters<typeof nodeToRecord>[0]) => {
      const record = nodeToRecord(body, Date.now());
      const existed = (await inventory.getNode(record.id)) !== undefined;
      await inventory.upsertNodes([record]);
      // Read back: an update keeps the stored created_at.
      const saved = (await inventory.getNode(record.id)) ?? record;
      await audit(store, logger, ctx(req), 'node.upsert', record.id, { created: !existed });
      return { status: existed ? (200 as const) : (201 as const), view: nodeToView(saved) };
    };

    app.post('/api/v1/nodes', {
      config: { access: 'operator' },
      schema: { tags: inventoryTags, summary: 'Create or replace a host', body: NodeBody, response: { 200: NodeView, 201: NodeView } },
      handler: async (req, reply) => {
        const { status, view } = await saveNode(req, req.body);
        return reply.code(status).send(view);
      },
    });

    app.put('/api/v1/nodes/:id', {
      config: { access: 'operator' },
      schema: { tags: inventoryTags, summary: 'Create or replace the host with this id', params: IdParams, body: NodePutBody, response: { 200: NodeView, 201: NodeView } },
      handler: async (req, reply) => {
        checkPathId(req.body.id, req.params.id);
        const { status, view } = await saveNode(req, { ...req.body, id: req.params.id });
        return reply.code(status).send(view);
      },
    });

    app.get('/api/v1/nodes', {
      config: { access: 'viewer' },
      schema: { tags: inventoryTags, summary: 'Hosts, filtered by topology or status, in id order', querystring: NodeListQuery, response: { 200: NodeList } },
      handler: async (req) => {
        const q = req.query;
        const { items, total } = await inventory.listNodes({ datacenter: q.datacenter, zone: q.zone, rack: q.rack, status: q.status, limit: q.limit, offset: q.offset });
        return { items: items.map(nodeToView), total, limit: q.limit, offset: q.offset };
      },
    });

    app.get('/api/v1/nodes/:id', {
      config: { access: 'viewer' },
      schema: { tags: inventoryTags, summary: 'One host with what it has available', params: IdParams, response: { 200: NodeView } },
      handler: async (req) => {
        const node = await inventory.getNode(req.params.id);
        if (!node) throw Problem.notFound(`No node "${req.params.id}"`);
        return nodeToView(node);
      },
    });

    app.delete('/api/v1/nodes/:id', {
      config: { access: 'operator' },
      schema: { tags: inventoryTags, summary: 'Remove a host (its VMs, telemetry and events are kept)', params: IdParams, response: { 204: Deleted } },
      handler: async (req, reply) => {
        if (!(await inventory.deleteNode(req.params.id))) throw Problem.notFound(`No node "${req.params.id}"`);
        await audit(store, logger, ctx(req), 'node.delete', req.params.id);
        return reply.code(204).send(null);
      },
    });

    app.post('/api/v1/nodes/bulk', {
      config: { access: 'operator' },
      schema: { tags: inventoryTags, summary: 'Create or replace many hosts in one transaction', body: NodeBulkBody, response: { 200: BulkResponse } },
      handler: async (req) => {
        const nodes = req.body.nodes;
        checkBatchSize(nodes.length, config.inventoryMaxBatch, 'nodes');
        checkUniqueIds(nodes.map((n) => n.id), 'nodes');
        const now = Date.now();
        const records = mapBatch(nodes, (n, i) => nodeToRecord(n, now, `/body/nodes/${i}`));
        await inventory.upsertNodes(records);
        await audit(store, logger, ctx(req), 'node.bulk_upsert', null, { count: records.length, ids: records.slice(0, AUDITED_IDS).map((r) => r.id) });
        return { upserted: records.length };
      },
    });

    // ------------------------------------------------------------ VMs

    const saveVm = async (req: FastifyRequest, body: Parameters<typeof vmToRecord>[0]) => {
      const record = vmToRecord(body, Date.now());
      const existed = (await inventory.getVm(record.id)) !== undefined;
      await inventory.upsertVms([record]);
      const saved = (await inventory.getVm(record.id)) ?? record;
      await audit(store, logger, ctx(req), 'vm.upsert', record.id, { created: !existed });
      return { status: existed ? (200 as const) : (201 as const), view: vmToView(saved) };
    };

    app.post('/api/v1/vms', {
      config: { access: 'operator' },
      schema: { tags: inventoryTags, summary: 'Create or replace a VM (also accepts NovaCron\'s VMConfig)', body: VmBody, response: { 200: VmView, 201: VmView } },
      handler: async (req, reply) => {
        const { status, view } = await saveVm(req, req.body);
        return reply.code(status).send(view);
      },
    });

    app.put('/api/v1/vms/:id', {
      config: { access: 'operator' },
      schema: { tags: inventoryTags, summary: 'Create or replace the VM with this id', params: IdParams, body: VmPutBody, response: { 200: VmView, 201: VmView } },
      handler: async (req, reply) => {
        checkPathId(req.body.id, req.params.id);
        const { status, view } = await saveVm(req, { ...req.body, id: req.params.id });
        return reply.code(status).send(view);
      },
    });

    app.get('/api/v1/vms', {
      config: { access: 'viewer' },
      schema: { tags: inventoryTags, summary: 'VMs, filtered by host or state, in id order', querystring: VmListQuery, response: { 200: VmList } },
      handler: async (req) => {
        const q = req.query;
        const { items, total } = await inventory.listVms({ nodeId: q.node_id, state: q.state, limit: q.limit, offset: q.offset });
        return { items: items.map(vmToView), total, limit: q.limit, offset: q.offset };
      },
    });

    app.get('/api/v1/vms/:id', {
      config: { access: 'viewer' },
      schema: { tags: inventoryTags, summary: 'One VM', params: IdParams, response: { 200: VmView } },
      handler: async (req) => {
        const vm = await inventory.getVm(req.params.id);
        if (!vm) throw Problem.notFound(`No VM "${req.params.id}"`);
        return vmToView(vm);
      },
    });

    app.delete('/api/v1/vms/:id', {
      config: { access: 'operator' },
      schema: { tags: inventoryTags, summary: 'Remove a VM (its telemetry and events are kept)', params: IdParams, response: { 204: Deleted } },
      handler: async (req, reply) => {
        if (!(await inventory.deleteVm(req.params.id))) throw Problem.notFound(`No VM "${req.params.id}"`);
        await audit(store, logger, ctx(req), 'vm.delete', req.params.id);
        return reply.code(204).send(null);
      },
    });

    app.post('/api/v1/vms/bulk', {
      config: { access: 'operator' },
      schema: { tags: inventoryTags, summary: 'Create or replace many VMs in one transaction', body: VmBulkBody, response: { 200: BulkResponse } },
      handler: async (req) => {
        const vms = req.body.vms;
        checkBatchSize(vms.length, config.inventoryMaxBatch, 'VMs');
        checkUniqueIds(vms.map((v) => v.id), 'vms');
        const now = Date.now();
        const records = mapBatch(vms, (v, i) => vmToRecord(v, now, `/body/vms/${i}`));
        await inventory.upsertVms(records);
        await audit(store, logger, ctx(req), 'vm.bulk_upsert', null, { count: records.length, ids: records.slice(0, AUDITED_IDS).map((r) => r.id) });
        return { upserted: records.length };
      },
    });

    // ------------------------------------------------------------ events

    app.post('/api/v1/events', {
      config: { access: 'operator' },
      // Validation errors come to the handler so that they can be narrowed to the shape sent.
      attachValidation: true,
      schema: {
        tags: eventTags,
        summary: 'Record operational events (one, or {events: [...]}); idempotent on id',
        description:
          'Failures, maintenance, migrations, reboots and recoveries: the labels failure prediction learns from. ' +
          'Sending an id again updates that event, e.g. to add `ended_at` when a failure is over. The whole batch is stored or none of it.',
        body: EventIngestBody,
        response: { 201: EventIngestResponse },
      },
      handler: async (req, reply) => {
        if (req.validationError) throw eventBodyProblem(req.validationError, req.body);
        const body = req.body;
        const batch = 'events' in body;
        const events: EventBodyT[] = batch ? body.events : [body];
        checkBatchSize(events.length, config.inventoryMaxBatch, 'events');
        if (batch) checkUniqueIds(events.map((e) => e.id), 'events');
        const now = Date.now();
        const latest = now + config.telemetryFutureToleranceMs;
        const records = mapBatch(events, (e, i) => eventToRecord(e, now, latest, batch ? `/body/events/${i}` : '/body'));
        if (records.length) await store.events.upsert(records);
        return reply.code(201).send({ stored: records.length, ids: records.map((r) => r.id) });
      },
    });

    app.get('/api/v1/events', {
      config: { access: 'viewer' },
      schema: { tags: eventTags, summary: 'Events, newest first, filtered by entity, kind and start time', querystring: EventListQuery, response: { 200: EventList } },
      handler: async (req) => {
        const q = req.query;
        const from = queryTime(q.from, 'from');
        const to = queryTime(q.to, 'to');
        if (from !== undefined && to !== undefined && from >= to) {
          throw Problem.badRequest('`from` must be before `to`', [{ path: '/querystring/from', message: 'must be before to' }]);
        }
        const { items, total } = await store.events.list({ entityId: q.entity_id, kind: q.kind, from, to, limit: q.limit, offset: q.offset });
        return { items: items.map(eventToView), total, limit: q.limit, offset: q.offset };
      },
    });
  };
}
