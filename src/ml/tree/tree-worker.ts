// Worker thread of the tree ensembles: a BoostCore (a share of each boosted tree's work) or whole
// random-forest trees, over data shared through SharedArrayBuffers.
import { serveWorker } from '../core/worker-pool.js';
import { BoostCore, type CoreMessage, type CoreShared } from './boost-core.js';
import { growRandomTree, RandomTreeScratch, type RandomTreeConfig, type RandomTreeData } from './random-tree.js';

let core: BoostCore | undefined;
let forest: { data: RandomTreeData; cfg: RandomTreeConfig; scratch: RandomTreeScratch } | undefined;

type Message =
  | { type: 'boost-setup'; shared: CoreShared; index: number }
  | { type: 'boost'; msg: CoreMessage; newSlots: [number, number][] }
  | { type: 'forest-setup'; data: RandomTreeData; cfg: RandomTreeConfig }
  | { type: 'forest-tree'; seed: number; wantOob: boolean };

await serveWorker((m: Message) => {
  switch (m.type) {
    case 'boost-setup':
      core = new BoostCore(m.shared, m.index);
      return true;
    case 'boost': {
      if (!core) throw new Error('tree worker: boost message before boost-setup');
      for (const [id, off] of m.newSlots) core.addSlot(id, off);
      return core.handle(m.msg);
    }
    case 'forest-setup':
      forest = { data: m.data, cfg: m.cfg, scratch: new RandomTreeScratch(m.data.n, m.data.cols, Math.max(m.cfg.numClasses, 2) + 1) };
      return true;
    case 'forest-tree':
      if (!forest) throw new Error('tree worker: forest-tree before forest-setup');
      return growRandomTree(forest.data, forest.cfg, m.seed, forest.scratch, m.wantOob);
    default:
      throw new Error(`tree worker: unknown message ${(m as { type: string }).type}`);
  }
});
