// Prints the README's configuration table from src/platform/config.ts (`npm run docs:config`).
import { SETTINGS } from '../src/platform/config.js';

export function configTable(): string {
  const rows = SETTINGS.map((s) => `| \`${s.env}\` | \`${s.default}\` | ${s.meaning} |`);
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(configTable());
