import type { Matrix } from '../core/index.js';
import type { FlatForestArrays } from './flat-tree.js';

function shared<T extends Int32Array | Float64Array>(Type: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T {
  return new Type(new SharedArrayBuffer(Math.max(1, n) * Type.BYTES_PER_ELEMENT));
}

/**
 * The walk layout of a forest, or null when its siblings are not stored side by side
 * (right = left + 1), which every forest this library builds has.
 */
export function buildWalkLayout(a: FlatForestArrays): WalkLayout | null {
  const n = a.feature.length;
  const feature = shared(Int32Array, n);
  const threshold = shared(Float64Array, n);
  const left = shared(Int32Array, n);
  const nanRight = shared(Int32Array, n);
  for (let i = 0; i < n; i++) {
    if (a.feature[i] < 0) {
      threshold[i] = Infinity;
      left[i] = i;
      continue;
    }
    if (a.right[i] !== a.left[i] + 1) return null;
    feature[i] = a.feature[i];
    threshold[i] = a.threshold[i];
    left[i] = a.left[i];
    nanRight[i] = a.missing[i] === a.right[i] ? 1 : 0;
  }
  const depth = shared(Int32Array, a.roots.length);
  const nodeDepth = new Int32Array(n);
  for (let t = 0; t < a.roots.length; t++) {
    const end = t + 1 < a.roots.length ? a.roots[t + 1] : n;
    // Children come after their parent, so one forward pass sets every depth.
    let max = 0;
    nodeDepth[a.roots[t]] = 0;
    for (let i = a.roots[t]; i < end; i++) {
      if (a.feature[i] < 0) {
        if (nodeDepth[i] > max) max = nodeDepth[i];
        continue;
      }
      nodeDepth[a.left[i]] = nodeDepth[i] + 1;
      nodeDepth[a.right[i]] = nodeDepth[i] + 1;
    }
    depth[t] = max;
  }
  const value = shared(Float64Array, a.value.length);
  value.set(a.value);
  const roots = shared(Int32Array, a.roots.length);
  roots.set(a.roots);
  const output = shared(Int32Array, a.output.length);
  output.set(a.output);
  return { feature, threshold, left, nanRight, depth, value, roots, output };
}

/**
 * A forest rearranged for walking: leaves loop to themselves (feature 0, threshold +Infinity,
 * left = self), so every walk takes exactly its tree's depth in steps and a step is arithmetic,
 * not a branch the processor mispredicts half the time. The arrays live in SharedArrayBuffers so
 * prediction threads walk the same memory without a copy.
 */
export interface WalkLayout {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  /** 1 where a missing value goes right. */
  nanRight: Int32Array;
  /** Depth of each tree. */
  depth: Int32Array;
  value: Float64Array;
  roots: Int32Array;
  output: Int32Array;
}

export interface ForestWalkers {
  row(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number, from: number, to: number): void;
  batch(X: Matrix, out: Float64Array, from: number, to: number): void;
}

/**
 * The walks over one forest's branch-free layout.
 *
 * Each forest gets its own copy of the walk code, compiled from source with `new Function` (as
 * fastify compiles its serialisers): V8 specialises a closure to the arrays it captures (their
 * lengths and data pointers become constants of the optimised loop) only while it is the sole
 * closure of its code, so one shared copy ran every forest but the first ~2.3× slower. Only the
 * layout arrays and two integers reach the generated code; no input is ever spliced into source.
 *
 * A step goes right (left + 1) when the value is above the threshold, or is missing where
 * missing values go right. Walks run in lockstep — four trees for one row, eight rows for one
 * tree — because independent walks are independent chains of loads the processor overlaps.
 * A batch without missing values takes the same walk without the missing-value test (~20%
 * faster; a missing value there would compare false and so go left, hence the scan first).
 * Every row sums its trees in tree order, in every walk, so all give identical sums.
 */
export function forestWalkers(layout: WalkLayout, dim: number, K: number): ForestWalkers {
  const { feature, threshold, left, nanRight, depth, value, roots, output } = layout;
  const make = new Function('feature', 'threshold', 'left', 'nanRight', 'depth', 'value', 'roots', 'output', 'dim', 'K', WALK_SOURCE) as (
    ...args: [Int32Array, Float64Array, Int32Array, Int32Array, Int32Array, Float64Array, Int32Array, Int32Array, number, number]
  ) => { row: ForestWalkers['row']; batchWith(missing: boolean, data: Float32Array | Float64Array, rows: number, cols: number, out: Float64Array, from: number, to: number): void };
  const walk = make(feature, threshold, left, nanRight, depth, value, roots, output, dim, K);
  return {
    row: walk.row,
    batch: (X, out, from, to) => walk.batchWith(hasMissing(X.data), X.data, X.rows, X.cols, out, from, to),
  };
}

function hasMissing(data: Float32Array | Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) return true;
  return false;
}

/** The lockstep walk of eight rows through one tree, with `STEP` as the step function's name. */
function eightRowWalk(step: string): string {
  const rows = [0, 1, 2, 3, 4, 5, 6, 7];
  return `
        for (; r + 8 <= r1; r += 8) {
          const b = r * cols;
          ${rows.map((i) => `let n${i} = root;`).join(' ')}
          for (let d = 0; d < D; d++) {
            ${rows.map((i) => `n${i} = ${step}(n${i}, data[b + ${i} * cols + feature[n${i}]]);`).join('\n            ')}
          }
          if (dim === 1) {
            const q = r * K + o;
            ${rows.map((i) => `out[q + ${i} * K] += value[n${i}];`).join(' ')}
          } else {
            ${rows.map((i) => `add(n${i}, out, (r + ${i}) * K, t);`).join(' ')}
          }
        }
        for (; r < r1; r++) {
          const b = r * cols;
          let n = root;
          for (let d = 0; d < D; d++) n = ${step}(n, data[b + feature[n]]);
          add(n, out, r * K, t);
        }`;
}

function blockedBatch(name: string, step: string): string {
  return `
  // Rows in blocks: a tree's nodes stay in cache while the block's rows walk it.
  const ${name} = (data, rows, cols, out, from, to) => {
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = Math.min(rows, r0 + BLOCK);
      for (let t = from; t < to; t++) {
        const root = roots[t];
        const D = depth[t];
        const o = output[t];
        let r = r0;${eightRowWalk(step)}
      }
    }
  };`;
}

const WALK_SOURCE = `'use strict';
  const BLOCK = 256;
  const step = (node, v) => left[node] + (+(v > threshold[node]) | (nanRight[node] & +(v !== v)));
  const stepFinite = (node, v) => left[node] + +(v > threshold[node]);
  const add = (node, out, o, t) => {
    if (dim === 1) out[o + output[t]] += value[node];
    else for (let k = 0, p = node * dim; k < dim; k++) out[o + k] += value[p + k];
  };
  const row = (x, offset, out, outOffset, from, to) => {
    let t = from;
    for (; t + 4 <= to; t += 4) {
      let n0 = roots[t], n1 = roots[t + 1], n2 = roots[t + 2], n3 = roots[t + 3];
      // Leaves loop to themselves, so walking the deepest tree's depth is safe for all four.
      const D = Math.max(depth[t], depth[t + 1], depth[t + 2], depth[t + 3]);
      for (let d = 0; d < D; d++) {
        n0 = step(n0, x[offset + feature[n0]]);
        n1 = step(n1, x[offset + feature[n1]]);
        n2 = step(n2, x[offset + feature[n2]]);
        n3 = step(n3, x[offset + feature[n3]]);
      }
      add(n0, out, outOffset, t);
      add(n1, out, outOffset, t + 1);
      add(n2, out, outOffset, t + 2);
      add(n3, out, outOffset, t + 3);
    }
    for (; t < to; t++) {
      let n = roots[t];
      for (let d = depth[t]; d > 0; d--) n = step(n, x[offset + feature[n]]);
      add(n, out, outOffset, t);
    }
  };
  ${blockedBatch('batchMissing', 'step')}
  ${blockedBatch('batchFinite', 'stepFinite')}
  const batchWith = (missing, data, rows, cols, out, from, to) =>
    missing ? batchMissing(data, rows, cols, out, from, to) : batchFinite(data, rows, cols, out, from, to);
  return { row, batchWith };
`;
