import { BIN_NODE, LEVEL_ANSWER, SPLIT_ENTRY, type PendingTree } from './boost-core.js';
import type { BoostEngine } from './boost-engine.js';
import type { ForestBuilder } from './flat-tree.js';
import { leafWeight, SPLIT_RECORD } from './split-finder.js';

/**
 * Grows one boosted tree on histograms (XGBoost `hist`): depth-wise (a level per message) or
 * loss-guided (always the leaf with the best gain next, LightGBM's leaf-wise). The threads
 * partition rows, build the smaller child's histogram and subtract it from the parent's for the
 * larger child (histogram subtraction), and return each child's best split; this side only
 * decides which nodes split and what the leaves are worth.
 */

export interface GrowConfig {
  /** 0 = unlimited (lossguide only). */
  maxDepth: number;
  /** 0 = unlimited. */
  maxLeaves: number;
  growPolicy: 'depthwise' | 'lossguide';
  lambda: number;
  alpha: number;
  minChildWeight: number;
  minSplitGain: number;
  learningRate: number;
  /** Pinball loss: leaves take the alpha-quantile of their residuals. */
  renewQuantiles: boolean;
}

export interface GrowRequest {
  /** Output (class) of the tree. */
  k: number;
  features: Int32Array;
  sampleBuf: number;
  /** Rows in the sample. */
  m: number;
  /** Rows outside the sample need the tree on bins. */
  subsampled: boolean;
  /** The previous tree, applied to margins before this one starts. */
  prev: PendingTree | null;
  /** Recompute gradients after applying prev (the first tree of a round). */
  gradients: boolean;
}

interface GrowNode {
  id: number;
  start: number;
  end: number;
  G: number;
  H: number;
  depth: number;
  slot: number;
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  GL: number;
  HL: number;
  left?: GrowNode;
  right?: GrowNode;
  value: number;
}

/** Gains at or below this are rounding noise, not structure (XGBoost uses 1e-6). */
const MIN_GAIN = 1e-10;

export class BoostTreeGrower {
  constructor(
    private readonly engine: BoostEngine,
    private readonly cfg: GrowConfig,
    private readonly thresholdOf: (feature: number, bin: number) => number,
  ) {}

  /** Grows a tree, appending its nodes to `forest`; returns it for the threads to apply next. */
  async grow(req: GrowRequest, forest: ForestBuilder): Promise<PendingTree> {
    const { k, features, sampleBuf, m } = req;
    const rootSlot = this.engine.allocSlot();
    const ans = await this.engine.run({ type: 'tree', features, prev: req.prev, gradients: req.gradients, next: { k, sampleBuf, m, rootSlot } });
    forest.beginTree(k);
    const root = this.newNode(forest, 0, m, ans[0], ans[1], 0);
    root.slot = rootSlot;
    const leaves: GrowNode[] = [];
    if (this.canSplit(root)) {
      this.setRecord(root, ans, 2);
      if (this.cfg.growPolicy === 'lossguide') await this.growLossguide(root, k, features, forest, leaves);
      else await this.growDepthwise(root, k, features, forest, leaves);
    } else this.finalize(root, leaves);
    if (this.cfg.renewQuantiles) {
      const spans = new Float64Array(leaves.length * 2);
      leaves.forEach((l, i) => spans.set([l.start, l.end], 2 * i));
      const q = await this.engine.run({ type: 'renew', k, leaves: spans });
      leaves.forEach((l, i) => (l.value = q[i] * this.cfg.learningRate));
    }
    const spans = new Float64Array(leaves.length * 3);
    leaves.forEach((l, i) => {
      forest.setValue(l.id, 0, l.value);
      spans.set([l.start, l.end, l.value], 3 * i);
    });
    return { k, sampleBuf, m, leaves: spans, nodes: req.subsampled ? binTree(root) : null };
  }

  private async growDepthwise(root: GrowNode, k: number, features: Int32Array, forest: ForestBuilder, leaves: GrowNode[]): Promise<void> {
    const { maxLeaves } = this.cfg;
    let level = [root];
    let nLeaves = 1;
    while (level.length) {
      let chosen = level.filter((nd) => this.valid(nd));
      if (maxLeaves > 0 && chosen.length > maxLeaves - nLeaves) {
        // Leaf budget: the best gains of the level win (ties: the earlier node).
        chosen = [...chosen].sort((a, b) => b.gain - a.gain || a.id - b.id).slice(0, Math.max(0, maxLeaves - nLeaves));
        chosen.sort((a, b) => a.id - b.id);
      }
      const chosenSet = new Set(chosen);
      for (const nd of level) if (!chosenSet.has(nd)) this.finalize(nd, leaves);
      if (!chosen.length) break;
      nLeaves += chosen.length;
      level = await this.splitNodes(chosen, k, features, forest, leaves);
    }
  }

  private async growLossguide(root: GrowNode, k: number, features: Int32Array, forest: ForestBuilder, leaves: GrowNode[]): Promise<void> {
    const { maxLeaves } = this.cfg;
    const open: GrowNode[] = [];
    const admit = (nd: GrowNode) => (this.valid(nd) ? open.push(nd) : this.finalize(nd, leaves));
    admit(root);
    let nLeaves = 1;
    while (open.length && (maxLeaves === 0 || nLeaves < maxLeaves)) {
      let best = 0;
      for (let i = 1; i < open.length; i++) {
        if (open[i].gain > open[best].gain || (open[i].gain === open[best].gain && open[i].id < open[best].id)) best = i;
      }
      const nd = open.splice(best, 1)[0];
      nLeaves++;
      for (const c of await this.splitNodes([nd], k, features, forest, leaves)) admit(c);
    }
    for (const nd of open) this.finalize(nd, leaves);
  }

  /**
   * Splits nodes in one message: the threads partition their rows and evaluate the children
   * that may split further, which are returned; the other children become leaves.
   */
  private async splitNodes(nodes: GrowNode[], k: number, features: Int32Array, forest: ForestBuilder, leaves: GrowNode[]): Promise<GrowNode[]> {
    const entries = new Float64Array(nodes.length * SPLIT_ENTRY);
    const evals: [boolean, boolean][] = [];
    const slots: [number, number][] = [];
    nodes.forEach((nd, i) => {
      const L = this.newNode(forest, -1, -1, nd.GL, nd.HL, nd.depth + 1);
      const R = this.newNode(forest, -1, -1, nd.G - nd.GL, nd.H - nd.HL, nd.depth + 1);
      nd.left = L;
      nd.right = R;
      forest.setSplit(nd.id, nd.feature, this.thresholdOf(nd.feature, nd.bin), L.id, R.id, nd.missingLeft, nd.gain);
      const eL = this.canSplit(L);
      const eR = this.canSplit(R);
      evals.push([eL, eR]);
      let parentSlot = -1;
      let newSlot = -1;
      if (eL || eR) {
        parentSlot = nd.slot;
        newSlot = this.engine.allocSlot();
      } else this.engine.freeSlot(nd.slot);
      nd.slot = -1;
      slots.push([parentSlot, newSlot]);
      entries.set([nd.start, nd.end, nd.feature, nd.bin, nd.missingLeft ? 1 : 0, parentSlot, newSlot, eL ? 1 : 0, eR ? 1 : 0, L.G, L.H, R.G, R.H], i * SPLIT_ENTRY);
    });
    const ans = await this.engine.run({ type: 'level', k, features, splits: entries });
    const next: GrowNode[] = [];
    nodes.forEach((nd, i) => {
      const o = i * LEVEL_ANSWER;
      const L = nd.left!;
      const R = nd.right!;
      const mid = nd.start + ans[o];
      L.start = nd.start;
      L.end = mid;
      R.start = mid;
      R.end = nd.end;
      // The threads built the smaller child into the new slot; the larger took the parent's.
      const [parentSlot, newSlot] = slots[i];
      if (newSlot >= 0) {
        const leftSmall = L.end - L.start <= R.end - R.start;
        L.slot = leftSmall ? newSlot : parentSlot;
        R.slot = leftSmall ? parentSlot : newSlot;
      }
      const [eL, eR] = evals[i];
      if (eL) this.setRecord(L, ans, o + 1);
      if (eR) this.setRecord(R, ans, o + 1 + SPLIT_RECORD);
      for (const [c, e] of [[L, eL], [R, eR]] as const) {
        if (e && this.valid(c)) next.push(c);
        else this.finalize(c, leaves);
      }
    });
    return next;
  }

  private setRecord(nd: GrowNode, a: Float64Array, o: number): void {
    nd.gain = a[o];
    nd.feature = a[o + 1];
    nd.bin = a[o + 2];
    nd.missingLeft = a[o + 3] === 1;
    nd.GL = a[o + 4];
    nd.HL = a[o + 5];
  }

  private newNode(forest: ForestBuilder, start: number, end: number, G: number, H: number, depth: number): GrowNode {
    return { id: forest.addNode(H), start, end, G, H, depth, slot: -1, gain: -Infinity, feature: -1, bin: 0, missingLeft: false, GL: 0, HL: 0, value: 0 };
  }

  /** Whether a node may split at all (depth, hessian); the threads also refuse nodes under 2 rows. */
  private canSplit(nd: GrowNode): boolean {
    const { maxDepth, minChildWeight } = this.cfg;
    return (maxDepth === 0 || nd.depth < maxDepth) && nd.H >= 2 * minChildWeight && nd.H > 0;
  }

  private valid(nd: GrowNode): boolean {
    return nd.feature >= 0 && nd.gain > this.cfg.minSplitGain && nd.gain > MIN_GAIN;
  }

  private finalize(nd: GrowNode, leaves: GrowNode[]): void {
    const { lambda, alpha, learningRate } = this.cfg;
    nd.value = leafWeight(nd.G, nd.H, lambda, alpha) * learningRate;
    leaves.push(nd);
    if (nd.slot >= 0) {
      this.engine.freeSlot(nd.slot);
      nd.slot = -1;
    }
  }
}

/** The tree on bins (PendingTree.nodes), nodes numbered depth-first from the root. */
function binTree(root: GrowNode): Float64Array {
  const order: GrowNode[] = [];
  const index = new Map<GrowNode, number>();
  const stack = [root];
  while (stack.length) {
    const nd = stack.pop()!;
    index.set(nd, order.length);
    order.push(nd);
    if (nd.left && nd.right) stack.push(nd.right, nd.left);
  }
  const out = new Float64Array(order.length * BIN_NODE);
  order.forEach((nd, i) => {
    const o = i * BIN_NODE;
    if (nd.left && nd.right) out.set([nd.feature, nd.bin, nd.missingLeft ? 1 : 0, index.get(nd.left)!, index.get(nd.right)!, 0], o);
    else out.set([-1, 0, 0, 0, 0, nd.value], o);
  });
  return out;
}
