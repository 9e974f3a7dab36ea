/**
 * Where the shared real-world datasets live: `$NOVACRON_DATASETS_DIR` when set, else
 * `../shared/data` relative to the project root (the same default as bench/ml.ts, so one
 * environment variable points every benchmark and evaluation at the same copy).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function datasetsDir(): string {
  return path.resolve(projectRoot, process.env.NOVACRON_DATASETS_DIR ?? '../shared/data');
}

export function datasetPath(...parts: string[]): string {
  return path.join(datasetsDir(), ...parts);
}
