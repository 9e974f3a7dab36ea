/**
 * Summarises a V8 `.cpuprofile` (as written by `node --cpu-prof`): self time by function and by
 * where the code lives (an npm package, a file of ours, Node internals, GC), so a benchmark can
 * say where the server's CPU went without opening DevTools.
 */
import fs from 'node:fs';
import path from 'node:path';
import { round, table } from './harness.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function owner(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node: ' + url.slice(5).split('/')[0];
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return 'ours: ' + url.slice(dist + 6).replace(/^file:\/\//, '');
  return url.replace(/^file:\/\//, '');
}

export function summariseProfile(file: string, top = 15): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const idle = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const busy = total - idle || 1;

  const fnTime = new Map<string, number>();
  const ownerTime = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id);
    if (!n || n.callFrame.functionName === '(idle)') continue;
    const where = owner(n.callFrame.url, n.callFrame.functionName);
    const name = `${n.callFrame.functionName || '(anonymous)'}  [${where}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}]`;
    fnTime.set(name, (fnTime.get(name) ?? 0) + t);
    ownerTime.set(where, (ownerTime.get(where) ?? 0) + t);
  }
  const pct = (t: number) => `${round((100 * t) / busy, 1)}%`;
  const sortDesc = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `CPU profile ${path.basename(file)}: ${round(total / 1e6, 1)} s sampled, ${round((100 * idle) / total, 1)}% idle; shares below are of the busy time`,
    table(['self time by package / file', 'share'], sortDesc(ownerTime).map(([k, t]) => [k, pct(t)])),
    table(['self time by function', 'share'], sortDesc(fnTime).map(([k, t]) => [k.length > 110 ? `${k.slice(0, 107)}...` : k, pct(t)])),
  ].join('\n\n');
}

/** The newest `.cpuprofile` in a directory, if any. */
export function newestProfile(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0];
}
