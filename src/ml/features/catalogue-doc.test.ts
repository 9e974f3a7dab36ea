import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderFeatureCatalogue } from './catalogue-doc.js';
import { describeFeature, FEATURES, featureCounts } from './catalogue.js';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/features.md');

describe('feature catalogue', () => {
  it('docs/features.md is the rendered catalogue (run `npm run docs:features` after changing a feature)', () => {
    expect(fs.readFileSync(DOC, 'utf8')).toBe(renderFeatureCatalogue());
  });

  it('has at least 100 features with unique names, counted per group', () => {
    expect(FEATURES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(FEATURES.map((f) => f.name)).size).toBe(FEATURES.length);
    const counts = featureCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(FEATURES.length);
    expect(counts.catch22).toBe(22);
  });

  it('describes per-metric names by their feature part', () => {
    expect(describeFeature('ols_slope')?.group).toBe('trend');
    expect(describeFeature('cpu.ols_slope')?.group).toBe('trend');
    expect(describeFeature('disk.reallocated.catch22.CO_f1ecac')?.group).toBe('catch22');
    expect(describeFeature('cpu.nothing')).toBeUndefined();
  });
});
