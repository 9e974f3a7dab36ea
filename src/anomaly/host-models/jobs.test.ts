import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { JobContext, JobHandler } from '../../platform/jobs/job-queue.js';
import type { Platform } from '../../platform/platform.js';
import type { HostModelManager } from './host-model-manager.js';
import { HOST_MODEL_FIT_JOB, HOST_MODEL_SCORE_JOB, registerHostModelJobs } from './jobs.js';

describe('registerHostModelJobs', () => {
  it('registers the fit and score jobs, which run the manager and report progress and results', async () => {
    const handlers = new Map<string, JobHandler>();
    const platform = { logger: pino({ level: 'silent' }), jobs: { register: (type: string, h: JobHandler) => handlers.set(type, h) } } as unknown as Platform;
    const calls: string[] = [];
    const manager = {
      fitAll: async (_now: number, onProgress?: (done: number, total: number) => void) => {
        calls.push('fitAll');
        onProgress?.(1, 2);
        return [{ hostId: 'h1', rows: 900, metrics: ['cpu_utilization', 'memory_utilization'], dropped: [], stepMs: 60_000, trainedFrom: 0, trainedTo: 1, fitMs: 12, modelBytes: 3456, members: ['pca'] }];
      },
      scoreAll: async () => {
        calls.push('scoreAll');
        return 3;
      },
      hosts: () => ['h1', 'h2'],
    } as unknown as HostModelManager;
    registerHostModelJobs(platform, manager);
    expect([...handlers.keys()]).toEqual([HOST_MODEL_FIT_JOB, HOST_MODEL_SCORE_JOB]);
    const progress: [number, string | undefined][] = [];
    const ctx = { id: 'j', type: '', payload: {}, attempt: 1, signal: new AbortController().signal, reportProgress: async (f: number, m?: string) => void progress.push([f, m]) } as JobContext;
    expect(await handlers.get(HOST_MODEL_FIT_JOB)!(ctx)).toEqual({ fitted: 1, hosts: [{ host_id: 'h1', rows: 900, metrics: ['cpu_utilization', 'memory_utilization'], step_ms: 60_000, fit_ms: 12, model_bytes: 3456 }] });
    expect(progress.map((p) => p[0])).toEqual([0, 0.5, 1]);
    expect(await handlers.get(HOST_MODEL_SCORE_JOB)!(ctx)).toEqual({ anomalies: 3, hosts: 2 });
    expect(calls).toEqual(['fitAll', 'scoreAll']);
  });
});
