/** axe-core in the page under test: the serious and critical violations, as "rule: selectors" lines. */
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

const AXE_SOURCE: string = createRequire(import.meta.url)('axe-core').source;
interface Axe {
  run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
}

/**
 * Serious and critical axe-core violations on the page as it is (elements marked data-axe-skip left out).
 * A frame of another site (the embedded voucher form) is checked on its own: pass the Frame.
 */
export async function seriousViolations(page: Page | Frame): Promise<string[]> {
  if (!(await page.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const r = await page.evaluate(() => (globalThis as unknown as { axe: Axe }).axe.run({ exclude: [['[data-axe-skip]']] }, { resultTypes: ['violations'] }));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
