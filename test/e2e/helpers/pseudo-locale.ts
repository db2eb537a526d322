/**
 * Reading the portal in a pseudo-locale: under `en-XA` every message of a catalog is accented, 40 % longer
 * and in brackets ("[Şīɠƞ īƞ··]"), under `en-XB` mirrored between right-to-left marks. A word a person sees
 * that is neither inside a message nor the server's data was written into the page by hand: it would stay
 * English in every language, and this finds it.
 *
 * Every letter of an `en-XA` message is accented, so a word of plain letters (two in a row) was not in one.
 * What counts as data is what the server said: every string of every JSON answer the page received (names,
 * e-mail addresses, invoice numbers, the operator's purpose names) is taken out of the text before it is
 * judged, and so are numbers, dates and the month and day names of the formatting locale.
 */
import type { Page } from 'playwright-core';

const serverText = new WeakMap<Page, Set<string>>();
/** answers whose body is still being read: what the page shows may already come from them */
const reading = new WeakMap<Page, Set<Promise<void>>>();

function collect(v: unknown, into: Set<string>): void {
  if (typeof v === 'string') {
    if (v.length >= 2) into.add(v);
  } else if (Array.isArray(v)) for (const x of v) collect(x, into);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
    // a map keyed by names (counts per currency, …) names things too
    if (k.length >= 2) into.add(k);
    collect(x, into);
  }
}

/** Starts noting what the server sends the page (call before the page loads what it will be judged on). */
export function watchServerText(page: Page): void {
  if (serverText.has(page)) return;
  const seen = new Set<string>();
  const pending = new Set<Promise<void>>();
  serverText.set(page, seen);
  reading.set(page, pending);
  page.on('response', (r) => {
    if (!(r.headers()['content-type'] ?? '').includes('json')) return;
    const read = r.json().then(
      (body) => collect(body, seen),
      // not JSON after all, or the page went away
      () => undefined,
    );
    pending.add(read);
    void read.finally(() => pending.delete(read));
  });
}

interface Node {
  nodeType: number;
  nodeValue: string | null;
  parentElement: El | null;
}
interface El {
  tagName: string;
  closest(s: string): El | null;
  getAttribute(n: string): string | null;
  checkVisibility?(o?: unknown): boolean;
  getClientRects(): ArrayLike<unknown>;
}
interface Win {
  document: {
    title: string;
    body: unknown;
    createTreeWalker(root: unknown, what: number): { nextNode(): Node | null };
    querySelectorAll(s: string): ArrayLike<El>;
  };
}

/**
 * The strings on the page (its text, its title, and the names, placeholders and tooltips of its elements)
 * that are neither a message of the catalog nor data. `[]` when the page speaks only through its catalogs.
 */
export async function untranslated(page: Page): Promise<string[]> {
  await Promise.all([...(reading.get(page) ?? [])]);
  const data = [...(serverText.get(page) ?? [])].sort((a, b) => b.length - a.length);
  return page.evaluate((data) => {
    const doc = (globalThis as unknown as Win).document;
    const visible = (e: El | null): boolean => !!e && (e.checkVisibility ? e.checkVisibility({ visibilityProperty: true }) : e.getClientRects().length > 0);
    const strings: string[] = [doc.title];
    const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
      // code a developer copies (client ids, scopes, curl lines) is marked so, and is not prose
      if (el.closest('[data-technical], code, pre, [translate="no"], [aria-hidden="true"]')) continue;
      if (visible(el)) strings.push(n.nodeValue ?? '');
    }
    for (const el of Array.from(doc.querySelectorAll('[aria-label], [placeholder], [title], img[alt]'))) {
      if (!visible(el) && el.getAttribute('aria-label') === null) continue;
      // what is hidden from everyone (a library's measuring copy of a text area) is read by no one
      if (el.closest('[data-technical], [translate="no"], [aria-hidden="true"]')) continue;
      for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
        const v = el.getAttribute(a);
        if (v) strings.push(v);
      }
    }
    const fmt = new Intl.DateTimeFormat('en', { month: 'long' });
    const names: string[] = [];
    for (let m = 0; m < 12; m++) {
      const d = new Date(Date.UTC(2026, m, 15));
      names.push(fmt.format(d), new Intl.DateTimeFormat('en', { month: 'short' }).format(d));
    }
    for (let w = 0; w < 7; w++) {
      const d = new Date(Date.UTC(2026, 10, 16 + w));
      names.push(new Intl.DateTimeFormat('en', { weekday: 'long' }).format(d), new Intl.DateTimeFormat('en', { weekday: 'short' }).format(d));
    }
    names.push('AM', 'PM', 'UTC', 'GMT');
    const left: string[] = [];
    for (const s of strings) {
      // messages: [ … ] (en-XA), U+202E … U+202C (en-XB); nested ones go with their outer message
      let t = s;
      for (let prev = ''; prev !== t; ) {
        prev = t;
        t = t.replace(/\[[^[\]]*\]/g, ' ').replace(/\u202e[^\u202e\u202c]*\u202c/g, ' ');
      }
      for (const d of data) if (t.includes(d)) t = t.split(d).join(' ');
      for (const w of names) t = t.replace(new RegExp(`\\b${w}\\b`, 'g'), ' ');
      // a message with a link or bold words inside is several text nodes: "[Want to work with us? ", the link's
      // "Apply as a partner", "]" — the opening and closing parts carry one bracket each, and every letter of a
      // message is accented, so what is left must have no word of plain letters: two in a row
      t = t.replace(/\[[^\]]*$/, ' ').replace(/^[^[]*\]/, ' ');
      if (/[A-Za-z]{2}/.test(t)) left.push(s.trim().slice(0, 80));
    }
    return [...new Set(left)];
  }, data);
}

interface Cut {
  scrollWidth: number;
  clientWidth: number;
  textContent: string | null;
  getClientRects(): ArrayLike<unknown>;
}

/** Labels, buttons, tabs and badges whose words do not fit: cut off by an ellipsis or by their box. */
export async function truncatedLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Cut> } }).document;
    const sel = 'label, button, [role="tab"], .mantine-Badge-label, .mantine-Button-label, .mantine-NavLink-label, .mantine-Tabs-tabLabel, th, .mantine-InputWrapper-label';
    return Array.from(doc.querySelectorAll(sel))
      .filter((e) => e.getClientRects().length > 0 && e.scrollWidth > e.clientWidth + 1)
      .map((e) => (e.textContent ?? '').trim().slice(0, 60));
  });
}
