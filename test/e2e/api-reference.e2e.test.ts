/**
 * The API reference at /docs works with no internet: every file it loads comes from Partnergate itself
 * (no fonts or scripts from the reader's CDN), it shows nothing of the reader's hosted product (an AI
 * assistant, an MCP generator, a Deploy button), and axe-core finds no serious or critical accessibility
 * violation on it, at a laptop's width and a phone's. Its introduction carries the SDK's guide, and its token field
 * pre-fills nothing and hints no joke. Screenshots: artifacts/screenshots/api-reference-*.png.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkQuiet, screenshot, startPortal, type Portal } from './helpers/portal.ts';

const AXE_SOURCE: string = createRequire(import.meta.url)('axe-core').source;

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: { target: string[]; html: string; failureSummary: string }[] }[];
}

let portal: Portal;
beforeAll(async () => {
  portal = await startPortal();
}, 120_000);
afterAll(async () => {
  await portal?.close();
});

describe('the API reference', () => {
  for (const viewport of [
    { width: 1366, height: 900 },
    { width: 390, height: 844 },
  ]) {
    it(`at ${viewport.width} px: loads only from this server, offers no hosted-product features, and passes axe`, async () => {
      const page = await portal.newPage();
      await page.setViewportSize(viewport);
      const origin = new URL(portal.url).origin;
      const elsewhere: string[] = [];
      page.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) elsewhere.push(u);
      });
      await page.goto('/docs');
      // the reader has rendered the document: its title, and the first operation with its request example
      await page.getByRole('heading', { name: /Partnergate API/ }).first().waitFor({ timeout: 60_000 });
      await page.getByRole('heading', { name: 'The process is up' }).first().waitFor({ timeout: 60_000 });
      // no request open for half a second (Playwright's networkidle did not come on the phone-width load)
      await networkQuiet(page, 500);

      expect(elsewhere, 'requests to other hosts').toEqual([]);
      const text = await page.locator('body').innerText();
      for (const hosted of ['Ask AI', 'Generate MCP', 'Connect MCP', 'Deploy', 'Developer Tools']) {
        expect(text, `"${hosted}" on the page`).not.toContain(hosted);
      }

      // the SDK's guide is in the reference's introduction, and no joke stands in the token field
      await page.getByRole('heading', { name: 'TypeScript SDK' }).first().waitFor();
      expect(text).toContain('npm install @partnergate/client');
      const tokenHints = await page.locator('[placeholder], [data-placeholder]').evaluateAll((els) => els.map((e) => `${e.getAttribute('placeholder') ?? ''}${e.getAttribute('data-placeholder') ?? ''}`));
      expect(tokenHints.join(' | ')).not.toContain('QUxMIFlPVVIgQkFTRSBBUkUgQkVMT05HIFRPIFVT');

      await page.evaluate(AXE_SOURCE);
      const result = await page.evaluate(() =>
        (globalThis as unknown as { axe: { run(c: unknown, o: unknown): Promise<AxeResult> } }).axe.run(
          { exclude: [['[data-axe-skip]']] },
          { resultTypes: ['violations'] },
        ),
      );
      const bad = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        // what and where, with axe's own account of what to change
        .map((v) => `${v.id}/${v.impact} ×${v.nodes.length}: ${v.nodes.slice(0, 2).map((n) => `${n.html.slice(0, 300)} — ${n.failureSummary.slice(0, 300)}`).join(' | ')}`);
      await screenshot(page, `api-reference-${viewport.width}`);
      expect(bad, 'serious or critical accessibility violations').toEqual([]);
    }, 180_000);
  }
});
