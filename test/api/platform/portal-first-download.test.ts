/**
 * The portal's first download — what web/dist/index.html names: the entry chunk, the chunks it preloads and the
 * stylesheets — stays within 150 KB gzipped (level 9), and the shell with it within 230 KB
 * (scripts/check-bundle.ts says why each). Reads the portal the browser tests serve, built as they build it.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFigures } from '../../../scripts/check-bundle.ts';
import { ensurePortalBuilt } from '../../e2e/helpers/portal.ts';

const DIST = path.resolve(import.meta.dirname, '../../../web/dist');

describe('the portal first download', () => {
  beforeAll(ensurePortalBuilt, 300_000);

  it('is at most 150 KB gzipped, scripts and stylesheets together, and the shell with it at most 230 KB', () => {
    const figures = bundleFigures(DIST);
    expect(Object.keys(figures.files).some((f) => f.endsWith('.css')), 'the stylesheets are counted').toBe(true);
    expect(figures.first_download_kb, JSON.stringify(figures.files)).toBeLessThanOrEqual(150);
    expect(figures.first_screen_kb).toBeLessThanOrEqual(230);
  });
});
