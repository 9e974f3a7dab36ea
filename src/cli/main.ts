#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { registerCapabilities } from '../http/server.js';
import { createApiKey } from '../platform/auth/api-keys.js';
import { ConfigError, loadConfig, ROLES, type Role } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { closePlatform, migratePlatform, openPlatform } from '../platform/platform.js';
import type { FleetSimulator } from '../sim/index.js';
import { VERSION } from '../version.js';
import { serve } from './serve.js';

const USAGE = `novacron-ai ${VERSION} — NovaCron AI Operations Engine

Usage:
  novacron-ai serve                      serve the HTTP API (migrates the database first)
  novacron-ai migrate                    apply pending database migrations and exit
  novacron-ai worker                     process jobs from the Redis queue (needs REDIS_URL)
  novacron-ai keys create --name N --role viewer|operator|admin
                                         create an API key and print it (shown only once)
  novacron-ai keys list                  list API keys (never their secrets)
  novacron-ai keys revoke <id>           revoke an API key
  novacron-ai simulate --out DIR [--seed N] [--hosts N] [--days N] [--step SECONDS] [--start TIME]
                       [--post URL [--api-key KEY]] [--batch SAMPLES]
                                         simulate a fleet with failures: write telemetry.ndjson,
                                         inventory.json, events.ndjson and truth.json to DIR and/or
                                         POST them to a running engine (see docs/simulator.md)
  novacron-ai train-failure [--out FILE] [--quick]
                                         train the failure predictor on simulated fleets (seeds 101
                                         and 102) and write it as gzipped JSON; without --out, to
                                         models/failure-default.json.gz (the model served by default)
  novacron-ai --version | --help

Configuration is read from environment variables; see the README's configuration table.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    console.log(VERSION);
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  switch (command) {
    case 'serve':
      await serve(config, logger);
      return -1; // keeps running until a signal
    case 'migrate': {
      const platform = await openPlatform(config, logger, { migrate: false });
      try {
        const applied = await migratePlatform(platform);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await closePlatform(platform, 0);
      }
      return 0;
    }
    case 'worker': {
      if (!config.redisUrl) throw new UsageError('worker needs REDIS_URL: without Redis, jobs run inside `novacron-ai serve`');
      const platform = await openPlatform(config, logger);
      registerCapabilities(platform);
      await platform.jobs.startProcessing();
      logger.info({ types: platform.jobs.types() }, 'worker processing jobs');
      const stop = async () => {
        await closePlatform(platform, config.shutdownTimeoutMs);
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop());
      process.on('SIGINT', () => void stop());
      return -1;
    }
    case 'keys':
      return keys(config, logger, rest);
    case 'simulate':
      return simulate(config, rest);
    case 'train-failure':
      return trainFailure(rest);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function keys(config: ReturnType<typeof loadConfig>, logger: ReturnType<typeof createLogger>, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, options: { name: { type: 'string' }, role: { type: 'string' } }, allowPositionals: true });
  const platform = await openPlatform(config, logger);
  try {
    switch (sub) {
      case 'create': {
        const role = (values.role ?? '').toLowerCase();
        if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
        if (!values.name) throw new UsageError('--name is required');
        const issued = await createApiKey(platform.store, values.name, role as Role);
        console.log(issued.key);
        console.error(`created key ${issued.id} (${issued.role}); store it now: it is not shown again`);
        return 0;
      }
      case 'list': {
        const list = await platform.store.apiKeys.list();
        for (const k of list) {
          const state = k.revoked_at ? `revoked ${new Date(Number(k.revoked_at)).toISOString()}` : 'active';
          console.log([k.id, k.role.padEnd(8), state.padEnd(32), k.name].join('  '));
        }
        return 0;
      }
      case 'revoke': {
        const id = positionals[0];
        if (!id) throw new UsageError('keys revoke needs a key id');
        const ok = await platform.store.apiKeys.revoke(id, Date.now());
        if (!ok) throw new UsageError(`no active key ${id}`);
        console.log(`revoked ${id}`);
        return 0;
      }
      default:
        throw new UsageError('keys needs create, list or revoke');
    }
  } finally {
    await closePlatform(platform, 0);
  }
}

async function simulate(config: ReturnType<typeof loadConfig>, args: string[]): Promise<number> {
  const parse = () => parseArgs({
    args,
    options: {
      seed: { type: 'string' },
      hosts: { type: 'string' },
      days: { type: 'string' },
      step: { type: 'string' },
      start: { type: 'string' },
      out: { type: 'string' },
      post: { type: 'string' },
      'api-key': { type: 'string' },
      batch: { type: 'string' },
    },
  });
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const number = (name: keyof typeof values): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${raw}")`);
    return n;
  };
  if (!values.out && !values.post) throw new UsageError('simulate needs --out DIR, --post URL, or both');
  // Loaded here, not at the top: `serve` must not pay for the simulator at start-up.
  const { EngineRequestError, exportSimulation, FleetSimulator } = await import('../sim/index.js');
  if (values.post !== undefined && !URL.canParse(values.post)) throw new UsageError(`--post must be a URL such as http://localhost:8093 (got "${values.post}")`);
  let sim: FleetSimulator;
  try {
    // Digits are epoch ms; anything else RFC 3339.
    const start = values.start === undefined ? undefined : /^\d+$/.test(values.start) ? Number(values.start) : values.start;
    sim = new FleetSimulator({ seed: number('seed'), hosts: number('hosts'), days: number('days'), stepSeconds: number('step'), start });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
  // The engine's own limits by default, so every body is one it accepts.
  const maxSamples = number('batch') ?? config.telemetryMaxBatch;
  if (!Number.isInteger(maxSamples) || maxSamples < 1) throw new UsageError('--batch must be a positive integer');
  const began = performance.now();
  let summary: Awaited<ReturnType<typeof exportSimulation>>;
  try {
    summary = await exportSimulation(sim, {
      outDir: values.out,
      post: values.post ? { url: values.post, apiKey: values['api-key'] ?? process.env.NOVACRON_API_KEY } : undefined,
      maxSamples,
      maxInventoryBatch: config.inventoryMaxBatch,
    });
  } catch (err) {
    // The engine's answer says what went wrong; a stack trace would not.
    if (!(err instanceof EngineRequestError)) throw err;
    console.error(`novacron-ai: ${err.message}`);
    return 1;
  }
  const o = sim.options;
  const modes = Object.entries(summary.failures).map(([m, n]) => `${m} ${n}`).join(', ');
  console.log(`seed ${o.seed}: ${summary.hosts} hosts, ${summary.vms} VMs, ${o.days} day${o.days === 1 ? '' : 's'} from ${new Date(o.start).toISOString()} at ${o.stepSeconds} s`);
  console.log(`${summary.samples} samples in ${summary.bodies} bodies, ${summary.events} events, ${summary.benign} benign look-alikes`);
  console.log(`failures: ${modes} (${summary.suddenFailures} without precursor)`);
  if (values.out) console.log(`wrote ${values.out}/{telemetry.ndjson,inventory.json,events.ndjson,truth.json}`);
  const p = summary.posted;
  if (p) {
    console.log(`posted to ${values.post}: ${p.nodes} nodes, ${p.vms} VMs, ${p.accepted} samples accepted (${p.stored} new, ${p.duplicates} duplicates, ${p.rejected} rejected), ${p.events} events; ${p.retriedRequests} requests retried`);
  }
  console.error(`took ${((performance.now() - began) / 1000).toFixed(1)} s`);
  return p && p.rejected > 0 ? 1 : 0;
}

async function trainFailure(args: string[]): Promise<number> {
  let values: { out?: string; quick?: boolean };
  try {
    values = parseArgs({ args, options: { out: { type: 'string' }, quick: { type: 'boolean' } } }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // Loaded here: `serve` must not pay for training code at start-up.
  const { DEFAULT_SIMULATOR_TRAINING, QUICK_SIMULATOR_TRAINING, trainOnSimulator } = await import('../failure/simulator-training.js');
  const { DEFAULT_FAILURE_MODEL_PATH, writeFailureModel } = await import('../failure/model-file.js');
  const config = values.quick ? QUICK_SIMULATOR_TRAINING : DEFAULT_SIMULATOR_TRAINING;
  const out = values.out ?? DEFAULT_FAILURE_MODEL_PATH;
  const trained = await trainOnSimulator(config, (m) => console.error(m));
  const bytes = writeFailureModel(out, trained.predictor, config);
  const e = trained.predictor.report.byModel.ensemble.events;
  console.log(`wrote ${out} (${(bytes / 1e6).toFixed(2)} MB) in ${(trained.seconds.simulate + trained.seconds.fit).toFixed(0)} s`);
  console.log(`validation (seed ${config.validation.seed}): event recall ${(100 * e.recall).toFixed(1)} % at ${e.falseAlarmsPerEntityDay.toFixed(3)} false alarms per host-day; weights ${JSON.stringify(trained.predictor.weights)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError) {
      console.error(`novacron-ai: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
