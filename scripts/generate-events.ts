/**
 * `npm run generate:events`: writes docs/events.md, the catalog of domain events and their
 * payload schemas, from src/modules/notifications/events.catalog.ts.
 *
 *   npm run generate:events            # rewrite it
 *   npm run generate:events -- --check # exit 1 when it is out of date (test/api/notifications/catalog.test.ts checks the same)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventsMarkdown } from '../src/modules/notifications/index.ts';

const FILE = path.resolve(import.meta.dirname, '../docs/events.md');
let current = '';
try {
  current = readFileSync(FILE, 'utf8');
} catch {}
const next = eventsMarkdown();
if (process.argv.includes('--check')) {
  if (current !== next) {
    process.stderr.write('docs/events.md is out of date: run npm run generate:events\n');
    process.exit(1);
  }
  process.stdout.write('docs/events.md is up to date\n');
} else if (current === next) {
  process.stdout.write('docs/events.md is up to date\n');
} else {
  writeFileSync(FILE, next);
  process.stdout.write('wrote docs/events.md\n');
}
