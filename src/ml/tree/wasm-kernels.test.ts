import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { buildHistograms } from './histogram.js';
import { partitionRows } from './partition.js';
import { instantiateKernels, sharedMemory } from './wasm-kernels.js';

describe('WebAssembly training kernels', () => {
  const rng = new Random(1);
  const n = 5000;
  const F = 13;
  const memory = sharedMemory(1 << 20, 4 << 20);
  const k = instantiateKernels(memory);
  let top = 64;
  const take = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 64) * 64;
    return at;
  };
  const binsAt = take(n * F);
  const rowsAt = take(4 * n);
  const scratchAt = take(4 * n);
  const ghAt = take(16 * n);
  const orderedAt = take(16 * n);
  const histAt = take(F * 256 * 16);
  const buf = memory.buffer;
  const bins = new Uint8Array(buf, binsAt, n * F);
  for (let i = 0; i < bins.length; i++) bins[i] = rng.int(40);
  const gh = new Float64Array(buf, ghAt, 2 * n);
  for (let i = 0; i < gh.length; i++) gh[i] = rng.normal();
  const rows = new Uint32Array(buf, rowsAt, n);
  const selected = Array.from({ length: n }, (_, i) => i).filter(() => rng.float() < 0.7);

  it('build the same histograms, bit for bit, as a plain loop over the rows', () => {
    rows.set(selected);
    const offsets = Int32Array.from({ length: F + 1 }, (_, f) => f * 40);
    const features = Int32Array.from({ length: F }, (_, f) => f);
    const hist = new Float64Array(buf, histAt, offsets[F] * 2);
    const start = 7;
    const end = selected.length - 5;
    // Features 0..7 by hist8, 8..11 by hist4, 12 by hist1.
    k.gather(ghAt, rowsAt + 4 * start, end - start, orderedAt);
    buildHistograms(k, { bins: binsAt, n, rows: rowsAt + 4 * start, m: end - start, g: orderedAt }, features, 0, F, offsets, hist, histAt);
    const expected = new Float64Array(offsets[F] * 2);
    for (let f = 0; f < F; f++) {
      for (let i = start; i < end; i++) {
        const r = selected[i];
        const j = 2 * (offsets[f] + bins[f * n + r]);
        expected[j] += gh[2 * r];
        expected[j + 1] += gh[2 * r + 1];
      }
    }
    expect(Array.from(hist)).toEqual(Array.from(expected));
  });

  it('partition rows stably, with missing values on the chosen side, like the plain partition', () => {
    for (const [feature, bin, missingLeft] of [[2, 17, false], [5, 0, true], [9, 39, true], [11, 3, false]] as const) {
      rows.set(selected);
      const plain = Uint32Array.from(selected);
      const start = 3;
      const end = selected.length - 2;
      const nLeft = k.partition(binsAt + feature * n, rowsAt + 4 * start, end - start, bin, missingLeft ? 0 : 255, scratchAt);
      const plainLeft = partitionRows(bins, n, plain, start, end, feature, bin, missingLeft, new Uint32Array(n));
      expect(nLeft).toBe(plainLeft);
      expect(Array.from(rows.subarray(0, selected.length))).toEqual(Array.from(plain));
      // Stable: each side keeps ascending row order.
      for (let i = start + 1; i < start + nLeft; i++) expect(rows[i]).toBeGreaterThan(rows[i - 1]);
      for (let i = start + nLeft + 1; i < end; i++) expect(rows[i]).toBeGreaterThan(rows[i - 1]);
    }
  });

  it('keep working after the shared memory grows', () => {
    const before = memory.buffer.byteLength;
    memory.grow(2);
    expect(memory.buffer.byteLength).toBe(before + 2 * 65536);
    const at = before + 64;
    const view = new Float64Array(memory.buffer, at, 2);
    rows.set([0, 1]);
    k.gather(ghAt, rowsAt + 4, 1, at);
    expect(Array.from(view)).toEqual([gh[2], gh[3]]);
  });
});
