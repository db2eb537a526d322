/**
 * The documents (README.md and every .md file under docs/) name only things that exist: every relative link and
 * image (Markdown or HTML <img>), every #section they point at (GitHub's anchors), and every repository
 * file they cite by path — above all the test files the threat model offers as proof of a mitigation.
 * Every picture in docs/images/ is used by a document (a screenshot nobody shows is a stale one), and
 * the index by reader (docs/README.md) links every document, so none is left where nobody finds it.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DOCS = path.join(ROOT, 'docs');

/** GitHub's heading anchor: lower case, punctuation dropped, spaces → '-'. */
function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Fenced code blocks blanked out (line count kept), so their text is not taken for links. */
function withoutFences(md: string): string {
  let inFence = false;
  return md
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

function anchorsOf(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutFences(md).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = githubSlug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of md.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

interface Problem {
  file: string;
  line: number;
  what: string;
}

/** Relative link and image targets of one Markdown text, with their line numbers. */
function linksOf(md: string): { target: string; line: number; image: boolean }[] {
  const out: { target: string; line: number; image: boolean }[] = [];
  const lines = withoutFences(md).split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, '');
    for (const m of line.matchAll(/(!?)\[(?:[^\]]|\][^(])*?\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[2], line: i + 1, image: m[1] === '!' });
    for (const m of line.matchAll(/<img\s[^>]*src="([^"]+)"/g)) out.push({ target: m[1], line: i + 1, image: true });
    for (const m of line.matchAll(/<a\s[^>]*href="([^"]+)"/g)) out.push({ target: m[1], line: i + 1, image: false });
  });
  return out;
}

/** Repository paths cited in the text (inline code or prose): test files, sources, scripts. */
function citedPathsOf(md: string): { path: string; line: number }[] {
  const out: { path: string; line: number }[] = [];
  md.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/(?<![\w./-])((?:test|src|bench|scripts|web\/src|docs)\/[\w./-]*\.(?:ts|tsx|json|md|png))/g)) out.push({ path: m[1], line: i + 1 });
  });
  return out;
}

/** Every broken link, image, anchor or cited path of one Markdown file. */
function checkMarkdown(file: string, md: string, root = ROOT): Problem[] {
  const problems: Problem[] = [];
  const rel = path.relative(root, file);
  for (const l of linksOf(md)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(l.target)) continue; // http:, https:, mailto: — not ours to check offline
    const [p, anchor] = l.target.split('#', 2);
    if (p === '') {
      if (!anchorsOf(md).has(anchor)) problems.push({ file: rel, line: l.line, what: `link ${l.target}: no such section here` });
      continue;
    }
    const target = path.resolve(path.dirname(file), decodeURIComponent(p));
    if (!target.startsWith(root + path.sep) && target !== root) {
      problems.push({ file: rel, line: l.line, what: `${l.target} points outside the repository` });
      continue;
    }
    if (!existsSync(target)) {
      problems.push({ file: rel, line: l.line, what: `${l.image ? 'image' : 'link'} ${l.target}: ${path.relative(root, target)} does not exist` });
      continue;
    }
    if (anchor && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
      problems.push({ file: rel, line: l.line, what: `link ${l.target}: no section #${anchor} in ${path.relative(root, target)}` });
    }
  }
  for (const c of citedPathsOf(md)) {
    if (!existsSync(path.join(root, c.path))) problems.push({ file: rel, line: c.line, what: `cites ${c.path}, which does not exist` });
  }
  return problems;
}

function markdownFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return markdownFiles(p);
    return n.endsWith('.md') ? [p] : [];
  });
}

const DOCUMENTS = ['docs/README.md', 'docs/solution-document.md', 'docs/onboarding-and-consent.md', 'docs/runbook.md', 'docs/operators/configuration.md'];

describe('the documents', () => {
  it('exist and are linked from the README', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const linked = new Set(linksOf(readme).map((l) => l.target.split('#')[0]));
    for (const d of DOCUMENTS) {
      expect(existsSync(path.join(ROOT, d)), d).toBe(true);
      expect(linked.has(d), `README links ${d}`).toBe(true);
    }
  });

  it('are all linked from the index by reader (docs/README.md)', () => {
    const index = path.join(DOCS, 'README.md');
    const linked = new Set(linksOf(readFileSync(index, 'utf8')).map((l) => path.resolve(DOCS, decodeURIComponent(l.target.split('#')[0]))));
    const unlisted = markdownFiles(DOCS).filter((f) => f !== index && !linked.has(f));
    expect(unlisted.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('name only links, images, sections and repository files that exist', () => {
    const files = [path.join(ROOT, 'README.md'), ...markdownFiles(DOCS)];
    expect(files.length).toBeGreaterThan(DOCUMENTS.length);
    const problems = files.flatMap((f) => checkMarkdown(f, readFileSync(f, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('cite the tests that prove each mitigation of the threat model, and those tests exist', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/solution-document.md'), 'utf8');
    const tests = citedPathsOf(doc).filter((c) => /\.test\.ts$/.test(c.path));
    expect(new Set(tests.map((t) => t.path)).size).toBeGreaterThanOrEqual(20);
    for (const t of tests) expect(existsSync(path.join(ROOT, t.path)), `${t.path} (line ${t.line})`).toBe(true);
  });

  it('show every screenshot in docs/images/, and each one shown is there', () => {
    const images = existsSync(path.join(DOCS, 'images')) ? readdirSync(path.join(DOCS, 'images')).filter((n) => n.endsWith('.png')) : [];
    expect(images.length).toBeGreaterThan(0);
    const shown = new Set(
      markdownFiles(DOCS).flatMap((f) =>
        linksOf(readFileSync(f, 'utf8'))
          .filter((l) => l.image)
          .map((l) => path.relative(path.join(DOCS, 'images'), path.resolve(path.dirname(f), l.target))),
      ),
    );
    for (const n of images) expect(shown.has(n), `docs/images/${n} is shown by a document`).toBe(true);
  });

  it('carry their sequence diagrams as Mermaid blocks GitHub renders', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/solution-document.md'), 'utf8');
    const blocks = [...doc.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    expect(blocks.filter((b) => b.trimStart().startsWith('sequenceDiagram')).length).toBeGreaterThanOrEqual(5);
  });
});

describe('the link checker itself', () => {
  const root = ROOT;
  const file = path.join(ROOT, 'docs/example.md');

  it('reports a missing image, a missing link target, a missing section and a missing cited test', () => {
    const md = [
      '# Title',
      '![a picture](images/nope.png)',
      '[the runbook](runbook-that-is-not-there.md)',
      '[README section](../README.md#no-such-section-anywhere) and [here](#nowhere-here)',
      'Proved by `test/api/nowhere/absent.test.ts`.',
    ].join('\n');
    const what = checkMarkdown(file, md, root).map((p) => p.what);
    expect(what).toEqual([
      'image images/nope.png: docs/images/nope.png does not exist',
      'link runbook-that-is-not-there.md: docs/runbook-that-is-not-there.md does not exist',
      'link ../README.md#no-such-section-anywhere: no section #no-such-section-anywhere in README.md',
      'link #nowhere-here: no such section here',
      'cites test/api/nowhere/absent.test.ts, which does not exist',
    ]);
  });

  it('accepts what exists, and ignores external links and code blocks', () => {
    const md = [
      '# Title',
      '[install](operators/install.md#running-on-postgresql-and-redis) and [README](../README.md#the-demo-world) and [top](#title) and <https://example.com>',
      '[external](https://example.com/x.md) `[not a link](nowhere.md)`',
      '```ts',
      '[inside a fence](nowhere.md)',
      '```',
      'Proved by `test/api/platform/docs-links.test.ts`.',
    ].join('\n');
    expect(checkMarkdown(file, md, root)).toEqual([]);
  });

  it('makes GitHub anchors', () => {
    expect(githubSlug('Running on PostgreSQL and Redis')).toBe('running-on-postgresql-and-redis');
    expect(githubSlug('5. Threat model (STRIDE per boundary)')).toBe('5-threat-model-stride-per-boundary');
    expect(githubSlug('Keys: rotate `SECRET_KEY`?')).toBe('keys-rotate-secret_key');
  });
});
