/** Layout checks for browser specs: nothing on the page is wider than the window. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

interface Box {
  getBoundingClientRect(): { right: number };
  children: ArrayLike<Box>;
  tagName: string;
  classList: ArrayLike<string>;
  textContent: string | null;
}
interface Win {
  document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): ArrayLike<Box> };
}

/**
 * After a resize the layout settles: tables become cards on a phone, and a menu or list that was
 * open at the old width closes or moves. Waits (up to 15 s: a busy CI machine re-renders slowly) until nothing sticks out, so a screenshot
 * shows what a person sees; a page that stays too wide is for `expectNoSidewaysScroll` to report.
 */
export async function settled(p: Page): Promise<void> {
  await p
    .waitForFunction(() => {
      const d = (globalThis as unknown as Win).document.documentElement;
      return d.scrollWidth <= d.clientWidth + 1;
    }, undefined, { timeout: 15_000 })
    .catch(() => undefined);
}

/**
 * Fails with the innermost elements that stick out, so the message says what is too wide. A chart
 * re-measures itself a moment after a resize and may stick out for that moment: a width that goes
 * away again is looked at once more after the layout settles, and only a lasting one fails.
 */
export async function expectNoSidewaysScroll(p: Page, what: string): Promise<void> {
  await settled(p);
  let m = await measureWidth(p);
  for (let again = 0; again < 2 && m.scroll > m.client + 1; again++) {
    await settled(p);
    m = await measureWidth(p);
  }
  expect(m.scroll, `${what}: page wider than the window: ${m.wide.join(' | ')}`).toBeLessThanOrEqual(m.client + 1);
}

function measureWidth(p: Page): Promise<{ scroll: number; client: number; wide: string[] }> {
  return p.evaluate(() => {
    const doc = (globalThis as unknown as Win).document;
    const client = doc.documentElement.clientWidth;
    const out = (e: Box) => e.getBoundingClientRect().right > client + 1;
    const wide = Array.from(doc.querySelectorAll('body *'))
      .filter((e) => out(e) && !Array.from(e.children).some(out))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${Array.from(e.classList).join('.')} "${(e.textContent ?? '').slice(0, 40)}"`);
    return { scroll: doc.documentElement.scrollWidth, client, wide };
  });
}

/**
 * A table fits its column: neither it nor a scroll area around it scrolls sideways, so its last column (the row's
 * actions) is on screen, not past the right edge of a scroller the page itself does not show.
 */
export async function expectTableFits(p: Page, testId: string): Promise<void> {
  const over = await p.getByTestId(testId).first().evaluate((el) => {
    const out: string[] = [];
    type Node = { scrollWidth: number; clientWidth: number; tagName: string; parentElement: Node | null };
    for (let e: Node | null = el as unknown as Node; e && e.tagName !== 'MAIN'; e = e.parentElement) {
      if (e.scrollWidth > e.clientWidth + 1) out.push(`${e.tagName.toLowerCase()} ${e.scrollWidth}>${e.clientWidth}`);
    }
    return out;
  });
  expect(over, `${testId}: the table scrolls sideways`).toEqual([]);
}
