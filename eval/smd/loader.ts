/**
 * Reads the Server Machine Dataset (SMD, Su et al. KDD 2019) as staged under
 * `<datasets>/smd/` (see its PROVENANCE.md): per machine a gzipped train half and test half
 * (comma-separated, 38 metrics a line, one line a minute), the test point labels (0/1 a line) and
 * the interpretation labels (`start-end:d1,d2,…`, 1-based metric indices of each anomaly segment's
 * root-cause metrics, row indices in the test half).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** SMD's 38 metric names in column order (Ya Su, OmniAnomaly issue #22). */
export const SMD_METRICS = [
  'cpu_r', 'load_1', 'load_5', 'load_15', 'mem_shmem', 'mem_u', 'mem_u_e', 'total_mem', 'disk_q', 'disk_r',
  'disk_rb', 'disk_svc', 'disk_u', 'disk_w', 'disk_wa', 'disk_wb', 'si', 'so', 'eth1_fi', 'eth1_fo',
  'eth1_pi', 'eth1_po', 'tcp_tw', 'tcp_use', 'active_opens', 'curr_estab', 'in_errs', 'in_segs', 'listen_overflows', 'out_rsts',
  'out_segs', 'passive_opens', 'retransegs', 'tcp_timeouts', 'udp_in_dg', 'udp_out_dg', 'udp_rcv_buf_errs', 'udp_snd_buf_errs',
] as const;

/** One row a minute. */
export const SMD_MINUTES_PER_ROW = 1;

/** A labelled segment from interpretation_label: rows [start, end] (inclusive) and its root-cause metrics (0-based). */
export interface InterpretationSegment {
  start: number;
  end: number;
  metrics: number[];
}

export interface SmdMachine {
  name: string;
  cols: number;
  train: { data: Float64Array; rows: number };
  test: { data: Float64Array; rows: number };
  /** One 0/1 per test row. */
  labels: Uint8Array;
  interpretation: InterpretationSegment[];
}

/** The machines whose train and test halves are present in `dir`, sorted by name. */
export function listSmdMachines(dir: string): string[] {
  const trainDir = path.join(dir, 'train');
  const testDir = path.join(dir, 'test');
  if (!fs.existsSync(trainDir) || !fs.existsSync(testDir)) return [];
  return fs
    .readdirSync(trainDir)
    .filter((f) => /^machine-\d+-\d+\.txt(\.gz)?$/.test(f))
    .map((f) => f.replace(/\.txt(\.gz)?$/, ''))
    .filter((m) => fs.existsSync(path.join(testDir, `${m}.txt.gz`)) || fs.existsSync(path.join(testDir, `${m}.txt`)))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function readText(base: string): string {
  if (fs.existsSync(`${base}.gz`)) return zlib.gunzipSync(fs.readFileSync(`${base}.gz`)).toString('utf8');
  return fs.readFileSync(base, 'utf8');
}

/** Parses comma-separated numeric lines into one row-major array; every line must have the same width. */
export function parseMatrixText(text: string, what: string): { data: Float64Array; rows: number; cols: number } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const cols = lines.length ? lines[0].split(',').length : 0;
  const data = new Float64Array(lines.length * cols);
  lines.forEach((line, i) => {
    const parts = line.split(',');
    if (parts.length !== cols) throw new Error(`${what}: line ${i + 1} has ${parts.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) {
      const v = parts[j].trim();
      data[i * cols + j] = v === '' || v.toLowerCase() === 'nan' ? NaN : Number(v);
      if (Number.isNaN(data[i * cols + j]) && v !== '' && v.toLowerCase() !== 'nan') throw new Error(`${what}: line ${i + 1} column ${j + 1} is not a number: ${v}`);
    }
  });
  return { data, rows: lines.length, cols };
}

/** Parses interpretation_label text: `start-end:d1,d2,…` per line (1-based metrics; a trailing comma is tolerated). */
export function parseInterpretation(text: string, what = 'interpretation_label'): InterpretationSegment[] {
  const out: InterpretationSegment[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = /^(\d+)-(\d+):([\d,\s]*)$/.exec(line);
    if (!m) throw new Error(`${what}: line ${i + 1} is not start-end:d1,d2,…: ${line}`);
    const metrics = m[3]
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => Number(s) - 1);
    out.push({ start: Number(m[1]), end: Number(m[2]), metrics: [...new Set(metrics)].sort((a, b) => a - b) });
  });
  return out;
}

export function loadSmdMachine(dir: string, name: string): SmdMachine {
  const train = parseMatrixText(readText(path.join(dir, 'train', `${name}.txt`)), `${name} train`);
  const test = parseMatrixText(readText(path.join(dir, 'test', `${name}.txt`)), `${name} test`);
  if (train.cols !== test.cols) throw new Error(`${name}: train has ${train.cols} columns, test ${test.cols}`);
  const labelLines = readText(path.join(dir, 'test_label', `${name}.txt`)).split('\n').filter((l) => l.trim() !== '');
  if (labelLines.length !== test.rows) throw new Error(`${name}: ${labelLines.length} labels for ${test.rows} test rows`);
  const labels = Uint8Array.from(labelLines, (l, i) => {
    const v = Number(l.trim());
    if (v !== 0 && v !== 1) throw new Error(`${name}: label line ${i + 1} is ${l}`);
    return v;
  });
  const interpFile = path.join(dir, 'interpretation_label', `${name}.txt`);
  const interpretation = fs.existsSync(interpFile) ? parseInterpretation(fs.readFileSync(interpFile, 'utf8'), `${name} interpretation_label`) : [];
  for (const s of interpretation) {
    if (s.metrics.some((j) => j < 0 || j >= test.cols)) throw new Error(`${name}: interpretation segment ${s.start}-${s.end} names a metric outside 1..${test.cols}`);
  }
  return { name, cols: test.cols, train: { data: train.data, rows: train.rows }, test: { data: test.data, rows: test.rows }, labels, interpretation };
}
