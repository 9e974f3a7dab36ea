import { MISSING_BIN } from './binning.js';

/**
 * Splits the run rows[start..end) in place into the rows going left (first) and right, keeping
 * each side in its original order, so every node's rows stay ascending and its bin reads walk
 * memory forward. Returns the number of rows going left. `scratch` holds the right side meanwhile.
 * Branch-free: each row is written to both sides and only the matching cursor advances, because
 * a left/right branch would be mispredicted for half the rows.
 */
export function partitionRows(
  bins: Uint8Array,
  n: number,
  rows: Uint32Array,
  start: number,
  end: number,
  feature: number,
  bin: number,
  missingLeft: boolean,
  scratch: Uint32Array,
): number {
  const c = feature * n;
  let l = start;
  let r = 0;
  // The missing bin counts as 0 (left of every split) or 255 (right of every split).
  const missingAs = missingLeft ? 0 : 255;
  for (let i = start; i < end; i++) {
    const row = rows[i];
    let b = bins[c + row];
    if (b === MISSING_BIN) b = missingAs;
    rows[l] = row;
    scratch[r] = row;
    const left = +(b <= bin);
    l += left;
    r += 1 - left;
  }
  rows.set(scratch.subarray(0, r), l);
  return l - start;
}
