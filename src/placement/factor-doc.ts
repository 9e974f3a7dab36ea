/**
 * docs/placement-factors.md, rendered from the catalogue (pure: scripts/placement-factors-doc.ts
 * writes the file and a test fails when the committed file differs).
 */
import { FACTOR_CATEGORIES, OBJECTIVES } from './factor.js';
import { FACTORS } from './factor-catalogue.js';
import { objectiveWeights } from './objectives.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderFactorCatalogue(): string {
  const weights = Object.fromEntries(OBJECTIVES.map((o) => [o, objectiveWeights(o)]));
  const out: string[] = [
    '# Placement factors',
    '',
    `Generated from \`src/placement/factor-catalogue.ts\` by \`npm run docs:placement-factors\`; do not edit by hand. ${FACTORS.length} factors.`,
    '',
    'Every factor scores an allowed host in [0, 1], 1 being the better side, or is **unavailable** (NaN) for a host whose inputs are missing; the',
    'host\'s score is then the weighted mean of its available factors (the weights renormalise) and its `coverage` is the weight share that had data.',
    'Facts are read from the host\'s `facts` (request nodes: fields of that name; inventory: node columns, labels of that name, the newest telemetry',
    'sample of that metric, and the failure capability\'s `failure_probability`).',
    '',
    'Direction: `higher` / `lower` — more / less of the input is better; `target` — closest to an ideal; `match` — the host matches what the request asks.',
    'Type (the seed API\'s): c continuous, cat categorical, ord ordinal, t temporal. *Host-only* factors depend on the host alone and are computed once per fleet snapshot.',
    '',
    'Weights shown are the normalised weights under each objective (balanced: each category 20 %; a named objective: full weight for the factors serving it,',
    'a tenth for the others; factors serving no objective in particular — the operator\'s own wishes — keep full weight everywhere).',
    '',
  ];
  for (const c of FACTOR_CATEGORIES) {
    const fs = FACTORS.map((f, i) => [f, i] as const).filter(([f]) => f.category === c);
    out.push(`## ${c[0].toUpperCase()}${c.slice(1)} (${fs.length})`, '', '| factor | definition | inputs | direction | type | serves | host-only | balanced | perf. | cost | effic. | sustain. |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const [f, i] of fs) {
      const w = (o: string) => (weights[o][i] * 100).toFixed(2);
      out.push(`| \`${f.name}\` | ${cell(f.definition)} | ${f.inputs.map((x) => `\`${x}\``).join(', ')} | ${f.direction} | ${f.type} | ${f.serves.join(', ') || '(all)'} | ${f.hostOnly ? 'yes' : ''} | ${w('balanced')} | ${w('performance')} | ${w('cost')} | ${w('efficiency')} | ${w('sustainability')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
