import { MISSING_BIN } from './binning.js';
import { buildHistograms, subtractHistograms, type HistPointers } from './histogram.js';
import { gradientsFor, quantile, type ObjectiveConfig } from './objectives.js';
import { findBestSplit, noSplit, SPLIT_RECORD, type SplitConfig } from './split-finder.js';
import { instantiateKernels, type Kernels, type WasmMemory } from './wasm-kernels.js';

/**
 * One thread's share of boosted-tree training. Every thread keeps its own copy of the row
 * partition (applying the same splits, so the copies stay identical), takes groups of features
 * from a shared counter and builds, subtracts and scans their histograms for every node of the
 * level, and updates margins and gradients for its share of rows. The main thread only decides
 * splits and leaf values; per-row work never runs there. With threads = 1 the same object runs on
 * the calling thread.
 *
 * Bit-for-bit independence of the thread count: a feature's histogram is summed over the node's
 * rows in partition order whoever builds it, every per-row update is a function of that row
 * alone, and best splits are reduced in feature order with a strict comparison.
 */

/**
 * Byte offsets in the kernels' shared memory: the column-major bins (feature f of row r at
 * bins + f*n + r), the gradient pairs (one block of 2n doubles per output), and each thread's
 * row partition, partition scratch and gathered gradients. Histograms are allocated above `top`.
 */
export interface ArenaLayout {
  bins: number;
  gh: number;
  threads: { rows: number; scratch: number; ordered: number }[];
  top: number;
  /** Pages the memory may grow to. */
  maxPages: number;
}

/** What every thread shares: the kernels' memory, plus SharedArrayBuffer views (threads > 1). */
export interface CoreShared {
  memory: WasmMemory;
  layout: ArenaLayout;
  n: number;
  /** Bin offset of each feature inside a histogram (length features + 1). */
  offsets: Int32Array;
  y: Float64Array;
  /** Per-row weights (class weights) or null. */
  weights: Float64Array | null;
  /** Raw margins, rows × outputs. */
  pred: Float64Array;
  /** Two row-sample buffers (rounds alternate, so a round's sample outlives the next one's draw). */
  samples: [Uint32Array, Uint32Array];
  /** Two in-sample masks matching `samples`. */
  masks: [Uint8Array, Uint8Array];
  /** [arrived, generation, aborted] for the barrier between threads, then the feature-group ticket. */
  barrier: Int32Array;
  objective: ObjectiveConfig;
  split: SplitConfig;
  threads: number;
}

/**
 * Doubles per split entry sent to the threads: start, end, feature, bin, missingLeft,
 * parentSlot, newSlot, evalLeft, evalRight, GL, HL, GR, HR. The thread partitions rows[start..end);
 * if newSlot >= 0 it builds the smaller child into newSlot and turns parentSlot into the larger
 * child by subtraction, then finds the best split of each child flagged for evaluation.
 */
export const SPLIT_ENTRY = 13;

/** Per split in a merged level answer: nLeft, then the left and right children's split records. */
export const LEVEL_ANSWER = 1 + 2 * SPLIT_RECORD;

/** Features [from, to) of the tree's feature list in group g. */
function groupRange(g: number, features: Int32Array): [number, number] {
  const [eights] = groupSplit(features.length);
  const from = g < eights ? 8 * g : 8 * eights + 4 * (g - eights);
  return [from, Math.min(features.length, from + (g < eights ? 8 : 4))];
}

/** A finished tree whose splits and leaf values the threads have not applied yet. */
export interface PendingTree {
  /** Output (class) the tree adds to. */
  k: number;
  sampleBuf: number;
  m: number;
  /** (start, end, value) per leaf, positions in the partition. */
  leaves: Float64Array;
  /**
   * The tree on bins for rows outside the round's sample (null without subsampling): per node
   * feature (-1 leaf), bin, missingLeft, left, right, value.
   */
  nodes: Float64Array | null;
}

/** Doubles per node of PendingTree.nodes. */
export const BIN_NODE = 6;

export interface TreeMessage {
  type: 'tree';
  /** The next tree's features (empty without a next tree). */
  features: Int32Array;
  prev: PendingTree | null;
  /** Compute every output's gradients (the start of a round) after applying prev. */
  gradients: boolean;
  /** The next tree: its sample, features and the root's histogram slot. */
  next: { k: number; sampleBuf: number; m: number; rootSlot: number } | null;
}

export interface LevelMessage {
  type: 'level';
  k: number;
  features: Int32Array;
  splits: Float64Array;
}

export interface RenewMessage {
  type: 'renew';
  features?: undefined;
  k: number;
  /** (start, end) per leaf. */
  leaves: Float64Array;
}

export type CoreMessage = TreeMessage | LevelMessage | RenewMessage;

/**
 * Work items: threads take groups of features from a shared counter. Groups of eight (the
 * histogram kernel's widest pass) first, then groups of four, so the last items are small and
 * the threads finish together.
 */
export function featureGroups(features: Int32Array): number {
  const [eights, fours] = groupSplit(features.length);
  return eights + fours;
}

/** Eight-feature groups and then four-feature groups (the last may be shorter) for nf features. */
function groupSplit(nf: number): [number, number] {
  const eights = Math.max(0, Math.floor((nf - 8) / 8));
  return [eights, Math.ceil((nf - 8 * eights) / 4)];
}

/**
 * Combines the threads' answers to one message into one record per node. Every thread answers
 * with a record per (node, feature group), filled for the groups it took and empty (-Infinity)
 * for the others; shared values (root sums, row counts) are computed alike by every thread. The
 * groups' records are then reduced in feature order with a strict comparison: the single-thread
 * scan's choice, whichever thread took which group. Renewed leaves come from their owners.
 */
export function mergeAnswers(msg: CoreMessage, parts: Float64Array[]): Float64Array {
  if (msg.type === 'renew') {
    const out = parts[0];
    for (let t = 1; t < parts.length; t++) for (let i = 0; i < out.length; i++) if (parts[t][i] === parts[t][i]) out[i] = parts[t][i];
    return out;
  }
  const { header, nodes, blocks, groups } = answerShape(msg);
  const perBlock = header + nodes * groups * SPLIT_RECORD;
  const out = new Float64Array(blocks * (header + nodes * SPLIT_RECORD));
  for (let b = 0; b < blocks; b++) {
    const src = b * perBlock;
    const dst = b * (header + nodes * SPLIT_RECORD);
    for (let h = 0; h < header; h++) out[dst + h] = parts[0][src + h];
    for (let nd = 0; nd < nodes; nd++) {
      let best: Float64Array | null = null;
      let bestAt = 0;
      for (let g = 0; g < groups; g++) {
        const o = src + header + (nd * groups + g) * SPLIT_RECORD;
        for (const part of parts) {
          if (best === null ? part[o] > -Infinity : part[o] > best[bestAt]) {
            best = part;
            bestAt = o;
          }
        }
      }
      if (best) out.set(best.subarray(bestAt, bestAt + SPLIT_RECORD), dst + header + nd * SPLIT_RECORD);
      else noSplit(out, dst + header + nd * SPLIT_RECORD);
    }
  }
  return out;
}

/** Layout of a thread's answer: per block (the root, or a split) a header and records per node and group. */
function answerShape(msg: TreeMessage | LevelMessage): { header: number; nodes: number; blocks: number; groups: number } {
  const groups = featureGroups(msg.features);
  if (msg.type === 'tree') return { header: 2, nodes: 1, blocks: msg.next ? 1 : 0, groups };
  return { header: 1, nodes: 2, blocks: msg.splits.length / SPLIT_ENTRY, groups };
}

/** An answer with every record empty. */
function emptyAnswer(msg: TreeMessage | LevelMessage): Float64Array {
  const { header, nodes, blocks, groups } = answerShape(msg);
  const perBlock = header + nodes * groups * SPLIT_RECORD;
  const out = new Float64Array(blocks * perBlock);
  for (let b = 0; b < blocks; b++) for (let r = 0; r < nodes * groups; r++) noSplit(out, b * perBlock + header + r * SPLIT_RECORD);
  return out;
}

export class BoostCore {
  private readonly k: Kernels;
  private readonly bins: Uint8Array;
  private readonly gh: Float64Array;
  /** My copy of the row partition (a view of my region of the memory). */
  private readonly rows: Uint32Array;
  private readonly ptr: { rows: number; scratch: number; ordered: number };
  private readonly slotDoubles: number;
  /** Histogram slots: byte offset and a view. */
  private readonly slots = new Map<number, { off: number; view: Float64Array }>();

  constructor(
    private readonly s: CoreShared,
    private readonly index: number,
  ) {
    const { memory, layout, n, offsets, objective } = s;
    this.k = instantiateKernels(memory);
    const buf = memory.buffer;
    this.bins = new Uint8Array(buf, layout.bins, n * (offsets.length - 1));
    this.gh = new Float64Array(buf, layout.gh, 2 * n * objective.numOutputs);
    this.ptr = layout.threads[index];
    this.rows = new Uint32Array(buf, this.ptr.rows, n);
    this.slotDoubles = offsets[offsets.length - 1] * 2;
  }

  /** Registers a histogram slot at byte `off` (the memory may have grown since the last view). */
  addSlot(id: number, off: number): void {
    this.slots.set(id, { off, view: new Float64Array(this.s.memory.buffer, off, this.slotDoubles) });
  }

  handle(msg: CoreMessage): Float64Array {
    switch (msg.type) {
      case 'tree':
        return this.tree(msg);
      case 'level':
        return this.level(msg);
      case 'renew':
        return this.renew(msg);
    }
  }

  /** This thread's share [from, to) of `count` items (features of a tree, rows, positions). */
  private share(count: number): [number, number] {
    const T = this.s.threads;
    return [Math.floor((this.index * count) / T), Math.floor(((this.index + 1) * count) / T)];
  }

  /** Applies the previous tree, updates margins (and gradients), then starts the next tree at its root. */
  private tree(msg: TreeMessage): Float64Array {
    const s = this.s;
    const { n, pred, y, weights, objective } = s;
    const gh = this.gh;
    const K = objective.numOutputs;
    let failed: unknown;
    try {
      const prev = msg.prev;
      if (prev) {
        const { leaves, k } = prev;
        // Sampled rows: my share of partition positions, leaf by leaf.
        const [a, b] = this.share(prev.m);
        const rows = this.rows;
        for (let e = 0; e < leaves.length; e += 3) {
          const from = Math.max(a, leaves[e]);
          const to = Math.min(b, leaves[e + 1]);
          const v = leaves[e + 2];
          for (let i = from; i < to; i++) pred[rows[i] * K + k] += v;
        }
        // Rows outside the sample: down the tree on bins, my share of row numbers.
        if (prev.nodes) {
          const mask = s.masks[prev.sampleBuf];
          const [ra, rb] = this.share(n);
          for (let r = ra; r < rb; r++) if (mask[r] === 0) pred[r * K + k] += binTreeValue(prev.nodes, this.bins, n, r);
        }
      }
    } catch (err) {
      failed = err;
    }
    if (msg.gradients) {
      // Gradients go in row order (sequential reads and writes), so every thread's margin
      // updates, made in partition order, must be in place first.
      if (msg.prev) this.barrier();
      if (!failed) {
        try {
          const [ra, rb] = this.share(n);
          gradientsFor(objective, pred, y, weights, gh, n, ra, rb);
        } catch (err) {
          failed = err;
        }
      }
    }
    // Every thread's gradients must be in place before any root histogram reads them.
    if (msg.next && msg.gradients) this.barrier();
    if (failed) throw failed;
    const next = msg.next;
    const out = emptyAnswer(msg);
    if (!next) return out;
    const { k, m, rootSlot } = next;
    const features = msg.features;
    this.rows.set(s.samples[next.sampleBuf].subarray(0, m));
    const g = gh.subarray(2 * k * n, 2 * (k + 1) * n);
    let G = 0;
    let H = 0;
    for (let i = 0; i < m; i++) {
      const r = this.rows[i] << 1;
      G += g[r];
      H += g[r + 1];
    }
    out[0] = G;
    out[1] = H;
    const hist = this.slot(rootSlot);
    // Without subsampling the root's rows are 0..n-1: its gradient pairs are already in row order.
    const ptr = this.pointers(k, 0, m, m === n);
    for (let grp = this.ticket(features); grp >= 0; grp = this.ticket(features)) {
      const [fFrom, fTo] = groupRange(grp, features);
      buildHistograms(this.k, ptr, features, fFrom, fTo, s.offsets, hist.view, hist.off);
      if (m >= 2) findBestSplit(hist.view, s.offsets, features, fFrom, fTo, G, H, s.split, out, 2 + grp * SPLIT_RECORD);
    }
    return out;
  }

  /** The next feature group to work on, or -1 when every group is taken. */
  private ticket(features: Int32Array): number {
    const g = Atomics.add(this.s.barrier, 3, 1);
    return g < featureGroups(features) ? g : -1;
  }

  /**
   * Kernel pointers for the node rows[start..end) of output k's tree. Its gradient pairs are
   * gathered into row order at the same positions of my scratch (the nodes of a level are
   * disjoint runs, so they never overlap there), unless the rows are 0..n-1 already.
   */
  private pointers(k: number, start: number, end: number, identity = false): HistPointers {
    const { layout, n } = this.s;
    const gh = layout.gh + 16 * n * k;
    const rows = this.ptr.rows + 4 * start;
    if (identity) return { bins: layout.bins, n, rows, m: end - start, g: gh };
    const g = this.ptr.ordered + 16 * start;
    this.k.gather(gh, rows, end - start, g);
    return { bins: layout.bins, n, rows, m: end - start, g };
  }

  /** Applies a level's splits and evaluates the children that may split further. */
  private level(msg: LevelMessage): Float64Array {
    const s = this.s;
    const { splits, features, k } = msg;
    const count = splits.length / SPLIT_ENTRY;
    const nLeft = new Int32Array(count);
    const { layout, n } = s;
    for (let i = 0, e = 0; i < count; i++, e += SPLIT_ENTRY) {
      // Stable partition; missing values count as bin 0 (left of every split) or 255 (right).
      const start = splits[e];
      nLeft[i] = this.k.partition(layout.bins + splits[e + 2] * n, this.ptr.rows + 4 * start, splits[e + 1] - start, splits[e + 3], splits[e + 4] === 1 ? 0 : 255, this.ptr.scratch);
    }
    const out = emptyAnswer(msg);
    const groups = featureGroups(features);
    const perBlock = 1 + 2 * groups * SPLIT_RECORD;
    // The smaller child of each split: its gradient pairs in row order, its histogram slot.
    const work: { i: number; e: number; mid: number; leftSmall: boolean; ptr: HistPointers; small: { off: number; view: Float64Array }; parent: { off: number; view: Float64Array } }[] = [];
    for (let i = 0, e = 0; i < count; i++, e += SPLIT_ENTRY) {
      const start = splits[e];
      const end = splits[e + 1];
      const mid = start + nLeft[i];
      out[i * perBlock] = nLeft[i];
      if (splits[e + 6] < 0) continue;
      const leftSmall = mid - start <= end - mid;
      const ptr = leftSmall ? this.pointers(k, start, mid) : this.pointers(k, mid, end);
      work.push({ i, e, mid, leftSmall, ptr, small: this.slot(splits[e + 6]), parent: this.slot(splits[e + 5]) });
    }
    for (let grp = this.ticket(features); grp >= 0; grp = this.ticket(features)) {
      const [fFrom, fTo] = groupRange(grp, features);
      for (const { i, e, mid, leftSmall, ptr, small, parent } of work) {
        buildHistograms(this.k, ptr, features, fFrom, fTo, s.offsets, small.view, small.off);
        subtractHistograms(parent.view, small.view, features, fFrom, fTo, s.offsets);
        const leftHist = leftSmall ? small.view : parent.view;
        const rightHist = leftSmall ? parent.view : small.view;
        const o = i * perBlock + 1;
        if (splits[e + 7] === 1 && mid - splits[e] >= 2) findBestSplit(leftHist, s.offsets, features, fFrom, fTo, splits[e + 9], splits[e + 10], s.split, out, o + grp * SPLIT_RECORD);
        if (splits[e + 8] === 1 && splits[e + 1] - mid >= 2) findBestSplit(rightHist, s.offsets, features, fFrom, fTo, splits[e + 11], splits[e + 12], s.split, out, o + (groups + grp) * SPLIT_RECORD);
      }
    }
    return out;
  }

  /**
   * Quantile leaf renewal: each thread computes the residual
   * alpha-quantile of the leaves it owns (leaf i belongs to thread i mod threads); the others
   * answer NaN.
   */
  private renew(msg: RenewMessage): Float64Array {
    const s = this.s;
    const K = s.objective.numOutputs;
    const count = msg.leaves.length / 2;
    const out = new Float64Array(count).fill(NaN);
    for (let i = this.index; i < count; i += s.threads) {
      const start = msg.leaves[2 * i];
      const end = msg.leaves[2 * i + 1];
      const res = new Float64Array(end - start);
      for (let p = start; p < end; p++) {
        const r = this.rows[p];
        res[p - start] = s.y[r] - s.pred[r * K + msg.k];
      }
      out[i] = quantile(res, s.objective.quantileAlpha);
    }
    return out;
  }

  private slot(id: number): { off: number; view: Float64Array } {
    const h = this.slots.get(id);
    if (!h) throw new Error(`boost core: unknown histogram slot ${id}`);
    return h;
  }

  /** Waits until every thread has arrived (Atomics; a no-op with one thread). */
  private barrier(): void {
    const T = this.s.threads;
    if (T === 1) return;
    const ctl = this.s.barrier;
    const gen = Atomics.load(ctl, 1);
    if (Atomics.add(ctl, 0, 1) === T - 1) {
      Atomics.store(ctl, 0, 0);
      Atomics.add(ctl, 1, 1);
      Atomics.notify(ctl, 1);
      return;
    }
    while (Atomics.load(ctl, 1) === gen) {
      if (Atomics.load(ctl, 2) !== 0) throw new Error('boost core: training was aborted');
      Atomics.wait(ctl, 1, gen, 200);
    }
  }
}

/** The leaf value row r reaches in a tree on bins (PendingTree.nodes). */
export function binTreeValue(nodes: Float64Array, bins: Uint8Array, n: number, r: number): number {
  let p = 0;
  for (;;) {
    const f = nodes[p];
    if (f < 0) return nodes[p + 5];
    const b = bins[f * n + r];
    const left = b === MISSING_BIN ? nodes[p + 2] === 1 : b <= nodes[p + 1];
    p = (left ? nodes[p + 3] : nodes[p + 4]) * BIN_NODE;
  }
}
