/**
 * The Bitbrains GWA-T-12 Rnd trace, August 2013 (see the folder's PROVENANCE.md): one gzipped
 * CSV per VM, separator `;\t`, `Timestamp [ms]` really in epoch seconds, 5-minute samples.
 *
 * Each VM is put on one common 5-minute grid starting at GRID_T0 (the trace's first timestamp,
 * 2013-07-31 22:02:56 UTC, floored to 5 minutes). Per grid step:
 * - rows of the same step are averaged (some VMs have several rows per 5 minutes);
 * - CPU in use is in cores: `CPU usage [MHZ]` / (`CPU capacity provisioned [MHZ]` / `CPU cores`),
 *   the VM's own MHz per core (rows with 0 cores use the VM's MHz per core from its other rows);
 * - memory in use and provisioned in GiB (the KB columns / 1024²);
 * - a row with everything 0 (0 cores, nothing provisioned, nothing used) is a powered-off VM: it
 *   uses nothing (0), it provisions nothing;
 * - a step with no row takes the last value for up to an hour (the trace's longest gap is about an
 *   hour); beyond that, or before the VM's first row, the VM has no data (NaN).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { datasetPath } from './datasets-dir.js';

export const BITBRAINS_FOLDER = 'bitbrains-rnd/2013-8';
export const STEP_S = 300;
/** 2013-07-31 22:00:00 UTC: the first timestamp of the month (1375308176) floored to 5 minutes. */
export const GRID_T0 = 1375308000;
/** Steps up to 2013-08-30 22:00 UTC, past the last timestamp (1377899901). */
export const GRID_STEPS = 8641;
const CARRY_STEPS = 12;

export interface VmTrace {
  /** The file number (the VM id in the trace). */
  id: string;
  /** Per grid step: cores in use, memory in use (GiB), cores and memory (GiB) provisioned; NaN: no data. */
  cpu: Float32Array;
  mem: Float32Array;
  provCores: Float32Array;
  provMem: Float32Array;
  /** Rows read, rows outside the grid, steps with several rows. */
  rows: number;
  dropped: number;
  merged: number;
}

const EXPECTED_HEADER = ['Timestamp [ms]', 'CPU cores', 'CPU capacity provisioned [MHZ]', 'CPU usage [MHZ]', 'CPU usage [%]', 'Memory capacity provisioned [KB]', 'Memory usage [KB]'];

export function bitbrainsPresent(): boolean {
  return fs.existsSync(datasetPath(BITBRAINS_FOLDER, '1.csv.gz'));
}

/** Reads one VM's file onto the grid. */
export function readVm(n: number): VmTrace {
  const text = zlib.gunzipSync(fs.readFileSync(datasetPath(BITBRAINS_FOLDER, `${n}.csv.gz`))).toString('latin1');
  let pos = text.indexOf('\n');
  const header = text.slice(0, pos).replace(/\r$/, '').split(';\t');
  EXPECTED_HEADER.forEach((h, j) => {
    if (header[j] !== h) throw new Error(`bitbrains ${n}.csv: column ${j} is "${header[j]}", expected "${h}"`);
  });
  const S = GRID_STEPS;
  const sumCpuMhz = new Float64Array(S);
  const sumMem = new Float64Array(S);
  const count = new Uint16Array(S);
  const cores = new Float32Array(S);
  const provMhz = new Float64Array(S);
  const provMemKb = new Float64Array(S);
  let rows = 0;
  let dropped = 0;
  let mhzPerCoreSum = 0;
  let mhzPerCoreN = 0;
  const zeroCoreUse: [number, number][] = [];
  const f = new Float64Array(7);
  while (pos < text.length - 1) {
    const end = text.indexOf('\n', pos + 1);
    const stop = end < 0 ? text.length : end;
    let a = pos + 1;
    for (let j = 0; j < 7; j++) {
      let b = text.indexOf(';', a);
      if (b < 0 || b > stop) b = stop;
      f[j] = Number(text.slice(a, b));
      a = b + 2; // skip ";\t"
    }
    pos = stop;
    if (!Number.isFinite(f[0])) continue;
    rows++;
    const step = Math.floor((f[0] - GRID_T0) / STEP_S);
    if (step < 0 || step >= S) {
      dropped++;
      continue;
    }
    const [, c, capMhz, useMhz, , memProvKb, memUseKb] = f;
    count[step]++;
    sumMem[step] += memUseKb / 1048576;
    cores[step] = Math.max(cores[step], c);
    provMemKb[step] = Math.max(provMemKb[step], memProvKb);
    if (c > 0 && capMhz > 0) {
      mhzPerCoreSum += capMhz / c;
      mhzPerCoreN++;
      provMhz[step] = Math.max(provMhz[step], capMhz);
      sumCpuMhz[step] += useMhz;
    } else if (useMhz > 0) {
      zeroCoreUse.push([step, useMhz]);
    }
  }
  // Rows with 0 cores but CPU in use: convert with the VM's usual MHz per core.
  const perCore = mhzPerCoreN ? mhzPerCoreSum / mhzPerCoreN : 2600;
  for (const [step, mhz] of zeroCoreUse) sumCpuMhz[step] += mhz;
  const trace: VmTrace = { id: String(n), cpu: new Float32Array(S), mem: new Float32Array(S), provCores: new Float32Array(S), provMem: new Float32Array(S), rows, dropped, merged: 0 };
  let last = -1;
  for (let s = 0; s < S; s++) {
    if (count[s] > 0) {
      if (count[s] > 1) trace.merged++;
      const k = count[s];
      const mhzCore = cores[s] > 0 && provMhz[s] > 0 ? provMhz[s] / cores[s] : perCore;
      trace.cpu[s] = sumCpuMhz[s] / k / mhzCore;
      trace.mem[s] = sumMem[s] / k;
      trace.provCores[s] = cores[s];
      trace.provMem[s] = provMemKb[s] / 1048576;
      last = s;
    } else if (last >= 0 && s - last <= CARRY_STEPS) {
      trace.cpu[s] = trace.cpu[last];
      trace.mem[s] = trace.mem[last];
      trace.provCores[s] = trace.provCores[last];
      trace.provMem[s] = trace.provMem[last];
    } else {
      trace.cpu[s] = trace.mem[s] = trace.provCores[s] = trace.provMem[s] = NaN;
    }
  }
  return trace;
}

/** VMs 1…n (the trace has 500). */
export function loadBitbrains(n = 500): VmTrace[] {
  return Array.from({ length: n }, (_, i) => readVm(i + 1));
}
