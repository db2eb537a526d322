/**
 * Rooms the next engineer can find their way in: no source file of the server (src/) or the portal
 * (web/src/) is over 500 lines. A file that grows past it is split along its seams (storage,
 * loading and queries; writing, sealing and naming; a page and its panels) — generated files
 * (a name with ".generated." or a .d.ts) excepted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const LIMIT = 500;

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.includes('.generated.'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

describe('source files', () => {
  it(`are at most ${LIMIT} lines each in src/ and web/src/`, () => {
    const files = [...sources('src'), ...sources('web/src')];
    expect(files.length).toBeGreaterThan(400);
    const over = files
      .map((f) => ({ f, lines: readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1 }))
      .filter((x) => x.lines > LIMIT)
      .map((x) => `${x.f}: ${x.lines} lines`);
    expect(over).toEqual([]);
  });
});
