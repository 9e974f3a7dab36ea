import type { FailureMode } from '../options.js';
import type { FailureModeModel } from './conditions.js';
import { diskDegradation } from './disk-degradation.js';
import { memoryEccStorm } from './memory-ecc-storm.js';
import { memoryLeak } from './memory-leak.js';
import { nicFlapping } from './nic-flapping.js';
import { psuInstability } from './psu-instability.js';
import { thermalRunaway } from './thermal-runaway.js';

export { healthyConditions, resetConditions, type FailureModeModel, type HostConditions, type PrecursorClock } from './conditions.js';

export const FAILURE_MODE_MODELS: Readonly<Record<FailureMode, FailureModeModel>> = {
  disk: diskDegradation,
  memory_ecc: memoryEccStorm,
  thermal: thermalRunaway,
  psu: psuInstability,
  memory_leak: memoryLeak,
  nic: nicFlapping,
};
