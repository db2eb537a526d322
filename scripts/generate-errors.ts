/**
 * `npm run generate:errors`: writes docs/integrators/error-codes.md, the reference of every error
 * code the server declares (src/platform/errors/error-reference.ts).
 *
 *   npm run generate:errors            # write the file
 *   npm run generate:errors -- --check # exit 1 when it is out of date (error-reference.test.ts checks the same)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import '../src/app/build-app.ts'; // registers every module's codes
import { errorReference } from '../src/platform/errors/error-reference.ts';

const FILE = path.resolve(import.meta.dirname, '../docs/integrators/error-codes.md');
let current = '';
try {
  current = readFileSync(FILE, 'utf8');
} catch {
  // absent: out of date
}
const next = errorReference();
if (current === next) {
  process.stdout.write('docs/integrators/error-codes.md is up to date\n');
} else if (process.argv.includes('--check')) {
  process.stderr.write('docs/integrators/error-codes.md is out of date: run npm run generate:errors\n');
  process.exit(1);
} else {
  writeFileSync(FILE, next);
  process.stdout.write('wrote docs/integrators/error-codes.md\n');
}
