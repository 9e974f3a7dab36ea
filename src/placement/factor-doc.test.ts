import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderFactorCatalogue } from './factor-doc.js';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/placement-factors.md');

describe('placement factor docs', () => {
  it('docs/placement-factors.md is the rendered catalogue (run `npm run docs:placement-factors` after changing a factor)', () => {
    expect(fs.readFileSync(DOC, 'utf8')).toBe(renderFactorCatalogue());
  });
});
