// Writes docs/features.md from the feature catalogue in src/ml/features (`npm run docs:features`).
// A test (src/ml/features/catalogue-doc.test.ts) fails when the committed file and the catalogue differ.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderFeatureCatalogue } from '../src/ml/features/index.js';

export const FEATURES_DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/features.md');

if (import.meta.url === `file://${process.argv[1]}`) {
  fs.mkdirSync(path.dirname(FEATURES_DOC), { recursive: true });
  fs.writeFileSync(FEATURES_DOC, renderFeatureCatalogue());
  console.log(`wrote ${path.relative(process.cwd(), FEATURES_DOC)}`);
}
