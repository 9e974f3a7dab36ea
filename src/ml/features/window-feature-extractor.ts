/**
 * Turns one metric window (an array of numbers at a fixed step, e.g. 60 one-minute points) into
 * a fixed-length vector of named features: statistical, trend, change, counter, spectral and the
 * 22 catch22 features (see catalogue.ts and docs/features.md).
 *
 *   const fx = new WindowFeatureExtractor();
 *   const row = fx.extract(cpuWindow);          // Float64Array(fx.names.length)
 *   fx.extract(nextWindow, matrixData, r * fx.size); // write straight into a feature matrix
 *
 * Missing values: NaN, ±Infinity and |x| > 1e100 are missing. Interior gaps are interpolated linearly, leading
 * and trailing gaps take the nearest finite value, and `missing_count` / `longest_missing_run`
 * record what was filled. With fewer than `minFinitePoints` finite values (default 8) every
 * feature is NaN except those two, which stay defined (a window that is mostly missing is itself
 * a signal); the tree models take NaN as missing.
 *
 * Scratch buffers are allocated per window length on the first window of that length and reused,
 * so extracting from windows of a length seen before allocates nothing (unless no `out` is given,
 * which allocates the result). An extractor is not safe to share between concurrent callers on
 * worker threads; create one per thread.
 */
import { MLInputError } from '../core/errors.js';
import { matrix, type Matrix } from '../core/matrix.js';
import { GROUP_ENTRIES, type GroupCompute } from './catalogue.js';
import { FEATURE_GROUPS, type FeatureGroupName, type FeatureInfo } from './feature-group.js';
import { STATISTICAL } from './statistical-features.js';
import { WindowWorkspace } from './window-workspace.js';

export const DEFAULT_MIN_FINITE_POINTS = 8;

/** Window lengths whose buffers are kept at once; the oldest is dropped beyond this. */
const MAX_CACHED_LENGTHS = 16;

export interface WindowFeatureParams {
  /** Fewest finite values a window needs for its features to be computed (default and minimum 8: the shortest window every definition covers). */
  minFinitePoints?: number;
  /** Groups to compute (default all); output follows catalogue order whatever order is given. */
  groups?: readonly FeatureGroupName[];
}

interface Block {
  readonly compute: GroupCompute;
  readonly offset: number;
  readonly size: number;
}

export class WindowFeatureExtractor {
  readonly params: Readonly<Required<WindowFeatureParams>>;
  readonly features: readonly FeatureInfo[];
  readonly names: readonly string[];
  /** Length of one output vector (names.length). */
  readonly size: number;
  private readonly blocks: readonly Block[];
  private readonly missingSlots: readonly number[];
  private readonly workspaces = new Map<number, WindowWorkspace>();
  private current: WindowWorkspace | undefined;

  constructor(params: WindowFeatureParams = {}) {
    const minFinitePoints = params.minFinitePoints ?? DEFAULT_MIN_FINITE_POINTS;
    if (!Number.isInteger(minFinitePoints) || minFinitePoints < DEFAULT_MIN_FINITE_POINTS) throw new MLInputError(`minFinitePoints must be an integer ≥ ${DEFAULT_MIN_FINITE_POINTS}, got ${minFinitePoints}`);
    const groups = params.groups ?? FEATURE_GROUPS;
    for (const g of groups) if (!FEATURE_GROUPS.includes(g)) throw new MLInputError(`unknown feature group "${g}"; known: ${FEATURE_GROUPS.join(', ')}`);
    this.params = Object.freeze({ minFinitePoints, groups: Object.freeze([...groups]) });

    const blocks: Block[] = [];
    const features: FeatureInfo[] = [];
    const missingSlots: number[] = [];
    for (const entry of GROUP_ENTRIES) {
      const def = entry.definition;
      if (!groups.includes(def.group)) continue;
      if (def === (STATISTICAL as unknown)) missingSlots.push(features.length + STATISTICAL.at.missing_count, features.length + STATISTICAL.at.longest_missing_run);
      blocks.push({ compute: entry.compute, offset: features.length, size: def.size });
      features.push(...def.features);
    }
    this.blocks = blocks;
    this.features = Object.freeze(features);
    this.names = Object.freeze(features.map((f) => f.name));
    this.size = features.length;
    this.missingSlots = missingSlots;
  }

  /**
   * Features of one window, written to out[offset .. offset + size) (a new array when `out` is
   * omitted). Returns `out`.
   */
  extract(window: ArrayLike<number>, out?: Float64Array, offset = 0): Float64Array {
    const target = out ?? new Float64Array(this.size);
    if (!Number.isInteger(offset) || offset < 0 || offset + this.size > target.length) {
      throw new MLInputError(`output has room for ${target.length - offset} features at offset ${offset}, need ${this.size}`);
    }
    const ws = this.workspace(window.length);
    if (!ws.load(window, this.params.minFinitePoints)) {
      for (let i = 0; i < this.size; i++) target[offset + i] = NaN;
      if (this.missingSlots.length) {
        target[offset + this.missingSlots[0]] = ws.missingCount;
        target[offset + this.missingSlots[1]] = ws.longestMissingRun;
      }
      return target;
    }
    const blocks = this.blocks;
    for (let b = 0; b < blocks.length; b++) blocks[b].compute(ws, target, offset + blocks[b].offset);
    return target;
  }

  /** Features of many windows as one row-major matrix (one row per window). */
  transform(windows: readonly ArrayLike<number>[]): Matrix {
    const data = new Float64Array(windows.length * this.size);
    for (let r = 0; r < windows.length; r++) this.extract(windows[r], data, r * this.size);
    return matrix(data, windows.length, this.size);
  }

  private workspace(n: number): WindowWorkspace {
    const current = this.current;
    if (current !== undefined && current.n === n) return current;
    let ws = this.workspaces.get(n);
    if (ws === undefined) {
      ws = new WindowWorkspace(n);
      if (this.workspaces.size >= MAX_CACHED_LENGTHS) this.workspaces.delete(this.workspaces.keys().next().value!);
      this.workspaces.set(n, ws);
    }
    this.current = ws;
    return ws;
  }
}
