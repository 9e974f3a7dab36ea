import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/http/fastify-types.js';
import { problemErrorHandler } from '../src/http/problem-handler.js';
import { validatorCompiler } from '../src/http/validators.js';
import { Random } from '../src/ml/core/random.js';
import type { Platform } from '../src/platform/platform.js';
import { workloadRoutes } from '../src/optimization/workload-routes.js';

const T0 = Date.UTC(2024, 0, 1); // a Monday
const STEP = 300_000;
const H = 3_600_000;
const D = 86_400_000;

/** §1B rows of a nightly batch VM, usage in percent. */
function batchRows(days: number, stamped = true) {
  const rng = new Random(4);
  return Array.from({ length: (days * D) / STEP }, (_, i) => {
    const t = T0 + i * STEP;
    const h = (t % D) / H;
    const on = h >= 1 && h < 3;
    return {
      ...(stamped ? { timestamp: new Date(t).toISOString() } : {}),
      cpu_usage: on ? 88 + rng.normal() : 4 + Math.abs(rng.normal()),
      memory_usage: on ? 60 : 25,
      io_usage: on ? 40 : 2,
      network_usage: 2 + Math.abs(rng.normal()),
      hostname: 'ignored',
    };
  });
}

let app: App;

beforeAll(async () => {
  // The route alone, with the engine's validator and problem+json error mapping (auth is the app's concern).
  app = Fastify().withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(problemErrorHandler);
  await app.register(workloadRoutes({} as Platform));
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

const post = (payload: unknown) => app.inject({ method: 'POST', url: '/analyze/workload', payload: payload as object });

describe('POST /analyze/workload', () => {
  it('answers the §1B shape plus seasonality, patterns and scores', async () => {
    const started = performance.now();
    const r = await post({ vm_id: 'vm-1', workload_data: batchRows(7), analysis_window: 3600 });
    const elapsed = performance.now() - started;
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(b.vm_id).toBe('vm-1');
    expect(b.workload_type).toBe('batch_processing');
    expect(b.confidence).toBeGreaterThan(0.6);
    expect(['periodic', 'batch']).toContain(b.pattern_type);
    expect(b.timestamp).toMatch(/Z$/);
    expect(b.characteristics.cpu_duty_cycle).toBeCloseTo(2 / 24, 2);
    expect(b.characteristics.cpu_mean).toBeLessThan(1);
    expect(b.seasonality.period).toBe(86_400_000_000_000);
    expect(b.seasonality.period_seconds).toBe(86_400);
    expect(b.patterns.find((p: { type: string }) => p.type === 'batch').frequency).toBe('daily');
    expect(Object.keys(b.classification_scores).sort()).toEqual(['batch_processing', 'data_streaming', 'database', 'general_purpose', 'web_application']);
    expect(b.recommendations.length).toBeGreaterThan(0);
    expect(b.notes).toContain('cpu_usage read as percent (values above 1)');
    expect(b.model_version).toMatch(/^workload-pattern-rules-/);
    // 2,016 rows, answered well under a second (typically a few ms of analysis).
    expect(elapsed).toBeLessThan(1000);
  });

  it('spaces rows without timestamps analysis_window seconds apart', async () => {
    const r = await post({ vm_id: 'vm-2', workload_data: batchRows(3, false), analysis_window: 300 });
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(b.data_quality.step_seconds).toBe(300);
    expect(b.workload_type).toBe('batch_processing');
    expect(b.notes[0]).toMatch(/no timestamps: taken as 300 s apart/);
  });

  it('answers 422 problem+json "insufficient data" for too little history', async () => {
    const r = await post({ vm_id: 'vm-3', workload_data: batchRows(1).slice(0, 6) });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.json().detail).toMatch(/^insufficient data: 6 observed points/);
    const empty = await post({ vm_id: 'vm-3', workload_data: [] });
    expect(empty.statusCode).toBe(422);
  });

  it('answers 400 problem+json for bodies that break the schema or mix timestamped and bare rows', async () => {
    const missing = await post({ workload_data: [] });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    const rows = batchRows(1);
    const over = await post({ vm_id: 'v', workload_data: rows.map((x, i) => (i === 5 ? { ...x, cpu_usage: 150 } : x)) });
    expect(over.statusCode).toBe(400);
    expect(over.json().errors[0].path).toBe('/body/workload_data/5/cpu_usage');
    const text = await post({ vm_id: 'v', workload_data: rows.map((x, i) => (i === 5 ? { ...x, cpu_usage: '50' } : x)) });
    expect(text.statusCode).toBe(400);
    const mixed = await post({ vm_id: 'v', workload_data: rows.map((x, i) => (i === 7 ? { cpu_usage: 5 } : x)) });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().detail).toMatch(/workload_data\/7\/timestamp is missing/);
    const badTime = await post({ vm_id: 'v', workload_data: rows.map((x, i) => (i === 2 ? { ...x, timestamp: '2024-01-01 00:00' } : x)) });
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json().errors[0].path).toBe('/body/workload_data/2/timestamp');
  });
});
