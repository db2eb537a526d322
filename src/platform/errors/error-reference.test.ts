/** The integrators' error-code reference is what the server declares now. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../app/build-app.ts'; // registers every module's codes
import { declaredErrorCodes } from './app-error.ts';
import { errorReference } from './error-reference.ts';

const FILE = path.resolve(import.meta.dirname, '../../../docs/integrators/error-codes.md');

describe('docs/integrators/error-codes.md', () => {
  it('lists every declared code with its status, and is current (npm run generate:errors)', () => {
    const text = readFileSync(FILE, 'utf8');
    for (const [code, spec] of declaredErrorCodes()) expect(text, code).toContain(`| \`${code}\` | ${spec.status} |`);
    expect(text).toBe(errorReference());
  });

  it('names every area in words, not by module name', () => {
    const headings = errorReference().match(/^## .+$/gm) ?? [];
    expect(headings.length).toBeGreaterThan(10);
    for (const h of headings) expect(h, h).toMatch(/^## [A-Z]/);
  });
});
