/** NAB's three application profiles (cost matrices), read from `config/profiles.json`. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { nabDir } from './corpus.js';

export const NAB_PROFILE_NAMES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
export type NabProfileName = (typeof NAB_PROFILE_NAMES)[number];

export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  /** Present in the file, unused by the NAB score (true negatives earn nothing). */
  tnWeight: number;
}

export type NabProfiles = Record<NabProfileName, CostMatrix>;

/** The values of NAB v1.1's config/profiles.json, for tests and for use without the data. */
export const NAB_DEFAULT_PROFILES: NabProfiles = {
  standard: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fnWeight: 1, fpWeight: 0.22, tnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fnWeight: 2, fpWeight: 0.11, tnWeight: 1 },
};

export async function loadNabProfiles(dir = nabDir()): Promise<NabProfiles> {
  const raw = JSON.parse(await fs.readFile(path.join(dir, 'config', 'profiles.json'), 'utf8')) as Record<string, { CostMatrix: CostMatrix }>;
  const profiles = {} as NabProfiles;
  for (const name of NAB_PROFILE_NAMES) {
    const cost = raw[name]?.CostMatrix;
    if (!cost) throw new Error(`profiles.json has no profile "${name}"`);
    profiles[name] = { tpWeight: cost.tpWeight, fpWeight: cost.fpWeight, fnWeight: cost.fnWeight, tnWeight: cost.tnWeight };
  }
  return profiles;
}
