// Writes docs/placement-factors.md from the placement factor catalogue (`npm run docs:placement-factors`).
// A test (src/placement/factor-doc.test.ts) fails when the committed file and the catalogue differ.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderFactorCatalogue } from '../src/placement/factor-doc.js';

export const FACTORS_DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/placement-factors.md');

if (import.meta.url === `file://${process.argv[1]}`) {
  fs.writeFileSync(FACTORS_DOC, renderFactorCatalogue());
  console.log(`wrote ${path.relative(process.cwd(), FACTORS_DOC)}`);
}
