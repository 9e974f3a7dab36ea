/**
 * How a host's fitted model and its scoring cursor are kept in `detector_checkpoints`.
 *
 * Two rows per host, because they change at very different rates: the model (tens to hundreds
 * of kilobytes) once per refit, the cursor (the last scored row and the open episode, a few
 * hundred bytes) on every scoring run. Keys start with `host-model:` (the streaming detectors'
 * `series:` rows are left alone); the host id is JSON-encoded, so any id is unambiguous:
 *
 *   host-model:"<host>"          the model
 *   host-model:cursor:"<host>"   the cursor
 *
 * (a JSON string starts with a quote, so no host id can make the two collide).
 */
import type { SerializedModel } from '../../ml/core/estimator.js';
import type { AnomalyMetricInput } from '../classification/index.js';
import type { Episode } from './episode-tracker.js';

export const HOST_MODEL_KEY_PREFIX = 'host-model:';
const CURSOR_PREFIX = `${HOST_MODEL_KEY_PREFIX}cursor:`;
const FORMAT = 1;

export function hostModelKey(hostId: string): string {
  return HOST_MODEL_KEY_PREFIX + JSON.stringify(hostId);
}

export function hostCursorKey(hostId: string): string {
  return CURSOR_PREFIX + JSON.stringify(hostId);
}

/** What a checkpoint key holds, or null when it is not one of ours. */
export function parseHostModelKey(key: string): { kind: 'model' | 'cursor'; hostId: string } | null {
  if (!key.startsWith(HOST_MODEL_KEY_PREFIX)) return null;
  const cursor = key.startsWith(CURSOR_PREFIX);
  try {
    const id: unknown = JSON.parse(key.slice(cursor ? CURSOR_PREFIX.length : HOST_MODEL_KEY_PREFIX.length));
    return typeof id === 'string' ? { kind: cursor ? 'cursor' : 'model', hostId: id } : null;
  } catch {
    return null;
  }
}

/** A fitted host model and what scoring needs besides it. */
export interface StoredHostModel {
  format: number;
  hostId: string;
  /** The grid the model was fitted on: step (ms) and columns, in order. */
  stepMs: number;
  metrics: string[];
  /** Columns aligned as counter rates. */
  counters: string[];
  /** Each metric's median over the last day of training: the "expected" value shown beside an anomalous one. */
  expected: number[];
  fittedAt: number;
  /** First and last training row. */
  trainedFrom: number;
  trainedTo: number;
  rows: number;
  model: SerializedModel;
}

/** The peak row's explanation, computed when the peak is scored and kept until the episode is reported. */
export interface PeakExplanation {
  metrics: AnomalyMetricInput[];
  /** The primary metric's recent values ending at the peak (for the pattern classifier). */
  window?: { timestamps: number[]; values: number[] };
}

/** Where scoring stopped for a host. */
export interface HostCursor {
  /** The last row scored (its bucket start). */
  lastScoredTs: number;
  episode: Episode<PeakExplanation> | null;
}

export function encodeModel(m: Omit<StoredHostModel, 'format'>): string {
  return JSON.stringify({ format: FORMAT, ...m });
}

export function decodeModel(text: string): StoredHostModel {
  const m = JSON.parse(text) as StoredHostModel;
  if (m?.format !== FORMAT || typeof m.hostId !== 'string' || !(m.stepMs > 0) || !Array.isArray(m.metrics) || !Array.isArray(m.expected) || m.expected.length !== m.metrics.length || !m.model) {
    throw new Error('host model checkpoint is malformed or from another format version');
  }
  return m;
}

export function encodeCursor(c: HostCursor): string {
  return JSON.stringify(c);
}

export function decodeCursor(text: string): HostCursor {
  const c = JSON.parse(text) as HostCursor;
  if (!c || !Number.isFinite(c.lastScoredTs)) throw new Error('host model cursor checkpoint is malformed');
  return { lastScoredTs: c.lastScoredTs, episode: c.episode ?? null };
}
