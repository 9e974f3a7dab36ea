/**
 * docs/features.md, rendered from the catalogue (pure: `scripts/features-doc.ts` writes the file,
 * a test checks the committed file matches).
 */
import { FEATURES, featureCounts } from './catalogue.js';
import { FEATURE_GROUPS, type FeatureGroupName } from './feature-group.js';
import { RATIO_CAP_TEXT } from './change-features.js';
import { DEFAULT_MIN_FINITE_POINTS } from './window-feature-extractor.js';

const GROUP_TITLES: Record<FeatureGroupName, string> = {
  statistical: 'Statistical — the distribution of the values',
  trend: 'Trend — drift over the window',
  change: 'Change — where the window ends up',
  counter: 'Counter — cumulative error counters',
  spectral: 'Spectral — frequency content and autocorrelation',
  catch22: 'catch22 — canonical time-series characteristics',
};

export function renderFeatureCatalogue(): string {
  const counts = featureCounts();
  const lines: string[] = [
    '# Window features',
    '',
    '<!-- Generated from src/ml/features/catalogue.ts by `npm run docs:features`; edit the catalogue, not this file. -->',
    '',
    `One metric window (values at a fixed step, e.g. 60 one-minute points) becomes ${FEATURES.length} features, in this order ` +
      '(`WindowFeatureExtractor` in `src/ml/features`). For a host with several metrics, `HostFeatureExtractor` concatenates one ' +
      'block per metric and names each column `${metric}.${feature}`.',
    '',
    '- **Units.** "Steps" are sampling intervals of the window; slopes are per step. "Metric units" are the units of the input.',
    '- **Missing values.** NaN, ±Infinity and values beyond ±1e100 are missing. Interior gaps are interpolated linearly, leading and trailing gaps take the ' +
      `nearest finite value; \`missing_count\` and \`longest_missing_run\` record them. With fewer than ${DEFAULT_MIN_FINITE_POINTS} finite points ` +
      '(configurable upwards) every feature is NaN except those two.',
    '- **Constant windows** never produce ±Infinity. Our groups give 0 for scale-free statistics that a flat line makes 0/0 ' +
      '(skewness, z-scores, autocorrelation, spectral shares); catch22 z-scores the window first, so all its features are NaN then.',
    `- **Guarded ratios** are clipped to ±${RATIO_CAP_TEXT}; each one says what it gives for a zero denominator.`,
    '- **catch22** features are computed on the z-scored window, as the reference implementation does, and validated against its ' +
      'outputs (`src/ml/features/fixtures/catch22/`).',
    '',
    '| group | features |',
    '|---|---|',
    ...FEATURE_GROUPS.map((g) => `| ${g} | ${counts[g]} |`),
    `| **total** | **${FEATURES.length}** |`,
    '',
  ];
  for (const g of FEATURE_GROUPS) {
    lines.push(`## ${GROUP_TITLES[g]}`, '', '| # | name | definition, units, use |', '|---|---|---|');
    FEATURES.forEach((f, i) => {
      if (f.group === g) lines.push(`| ${i} | \`${f.name}\` | ${f.description.replace(/\|/g, '\\|')} |`);
    });
    lines.push('');
  }
  return lines.join('\n');
}
