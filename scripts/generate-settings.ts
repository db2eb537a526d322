/**
 * `npm run generate:settings`: writes the settings table of docs/operators/configuration.md (the
 * operators' configuration reference) from the settings schema
 * (src/config/settings.ts: default, bounds and description of every setting).
 *
 *   npm run generate:settings            # rewrite the table
 *   npm run generate:settings -- --check # exit 1 when it is out of date (src/config/settings-table.test.ts checks the same)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withSettingsTable } from '../src/config/settings-table.ts';

const REFERENCE = path.resolve(import.meta.dirname, '../docs/operators/configuration.md');
const current = readFileSync(REFERENCE, 'utf8');
const next = withSettingsTable(current);
if (process.argv.includes('--check')) {
  if (current !== next) {
    process.stderr.write('docs/operators/configuration.md\'s settings table is out of date: run npm run generate:settings\n');
    process.exit(1);
  }
  process.stdout.write('docs/operators/configuration.md\'s settings table is up to date\n');
} else if (current === next) {
  process.stdout.write('docs/operators/configuration.md\'s settings table is up to date\n');
} else {
  writeFileSync(REFERENCE, next);
  process.stdout.write('wrote the settings table in docs/operators/configuration.md\n');
}
