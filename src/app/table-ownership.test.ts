/**
 * Each table has one owner: only the owning module's repository (its `*.repo.ts`, a `queries/`
 * folder, or a store file table-owners.ts names) queries a table; another module asks the owner
 * through its index.ts. The dependency rules see imports, not table names, so this test reads
 * every `.ts` under src/ with the TypeScript compiler and finds each table a statement names:
 *   - Kysely: selectFrom / insertInto / updateTable / deleteFrom / replaceInto / mergeInto and the
 *     joins (innerJoin, leftJoin, …), with `'t as x'` aliases and arrays of tables;
 *   - raw SQL: `sql` templates, and string fragments that start like SQL, by FROM / JOIN / INTO /
 *     UPDATE <table>;
 *   - `table: '<t>'` in row sets (insertRows) and lockRows(…, '<t>', …) (a lock is a statement too).
 * The tables come from the migrations (createTable), so a new table without an owner fails here.
 * Migrations are exempt: they build every module's tables. There are no exceptions: a query of
 * another module's table moves to its owner, or into a cross-table reader table-owners.ts names
 * with its reason.
 */
import ts from 'typescript';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READERS, STORE_FILES, TABLE_OWNERS } from './table-owners.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const MIGRATIONS = 'src/platform/db/migrations/';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) out.push(relative(ROOT, p).split(sep).join('/'));
  }
  return out;
}

const FILES = walk(join(ROOT, 'src'));
const TABLES = new Set(
  FILES.filter((f) => f.startsWith(MIGRATIONS)).flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(/createTable\('([a-z0-9_]+)'\)/g)].map((m) => m[1] as string)),
);

const WRITES = new Set(['insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);
const KYSELY = new Set([...WRITES, 'selectFrom', 'innerJoin', 'leftJoin', 'rightJoin', 'fullJoin', 'innerJoinLateral', 'leftJoinLateral', 'crossJoin']);
const SQL_TABLE = /\b(from|join|into|update)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;
/** an untagged string counts as SQL only when it starts like a statement or a clause (not English that says "from partners") */
const SQL_START = /^\s*(select|insert|update|delete|with|from|(left |right |inner |full |cross )?join)\s/i;

interface Use { file: string; line: number; table: string; write: boolean; how: string }

function usesIn(file: string): Use[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Use[] = [];
  const add = (node: ts.Node, table: string, how: string, write: boolean) => {
    if (TABLES.has(table)) out.push({ file, line: src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1, table, write, how });
  };
  const literals = (n: ts.Node): string[] => (ts.isStringLiteralLike(n) ? [n.text] : ts.isArrayLiteralExpression(n) ? n.elements.flatMap(literals) : []);
  const sqlText = (text: string, node: ts.Node) => {
    for (const m of text.matchAll(SQL_TABLE)) {
      const verb = (m[1] as string).toLowerCase();
      add(node, m[2] as string, `sql ${verb}`, verb === 'into' || verb === 'update' || /\bdelete\s+from\s*$/i.test(text.slice(0, m.index + 5)));
    }
  };
  const templateText = (t: ts.TemplateLiteral) => (ts.isNoSubstitutionTemplateLiteral(t) ? t.text : [t.head.text, ...t.templateSpans.map((s) => s.literal.text)].join(' ? '));
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      if (ts.isPropertyAccessExpression(callee) && KYSELY.has(name) && n.arguments[0]) {
        for (const s of literals(n.arguments[0])) add(n, s.trim().split(/\s+as\s+/i)[0]!.trim(), name, WRITES.has(name));
      }
      if (name === 'lockRows' && n.arguments[2]) for (const s of literals(n.arguments[2])) add(n, s, 'lockRows', true);
      if ((name === 'table' || name === 'raw') && ts.isPropertyAccessExpression(callee) && n.arguments[0]) {
        for (const s of literals(n.arguments[0])) (name === 'table' ? add(n, s, 'sql.table', false) : sqlText(s, n));
      }
    }
    if (ts.isTaggedTemplateExpression(n)) {
      const tag = n.tag.getText(src);
      if (/^sql\b/.test(tag)) sqlText(templateText(n.template), n);
    } else if ((ts.isStringLiteralLike(n) || ts.isTemplateExpression(n)) && !ts.isTaggedTemplateExpression(n.parent)) {
      const text = ts.isTemplateExpression(n) ? templateText(n) : n.text;
      if (SQL_START.test(text)) sqlText(text, n);
    }
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === 'table' && ts.isStringLiteralLike(n.initializer)) add(n, n.initializer.text, 'table:', true);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

/** the module a file belongs to: src/modules/<m>/… → m; src/platform/… → platform; src/demo, src/app, src/cli */
function moduleOf(file: string): string {
  const m = /^src\/modules\/([^/]+)\//.exec(file);
  return m ? (m[1] as string) : (file.split('/')[1] as string);
}

function isRepositoryOf(owner: string, file: string): boolean {
  if (moduleOf(file) !== owner) return false;
  return file.endsWith('.repo.ts') || file.includes('/queries/') || file in STORE_FILES;
}

const USES = FILES.filter((f) => !f.startsWith(MIGRATIONS)).flatMap(usesIn);
const READER_BY_FILE = new Map(READERS.map((r) => [r.file, r]));

function verdict(u: Use): 'ok' | 'reader' | 'violation' {
  const owner = TABLE_OWNERS[u.table];
  if (owner === undefined) return 'violation';
  if (isRepositoryOf(owner, u.file)) return 'ok';
  // a lock taken by the owning module's own service, in the transaction it owns
  if (u.how === 'lockRows' && moduleOf(u.file) === owner) return 'ok';
  const reader = READER_BY_FILE.get(u.file);
  if (reader && !u.write && reader.tables.includes(u.table)) return 'reader';
  return 'violation';
}

describe('each table has one owner', () => {
  it('reads the tables from the migrations', () => {
    expect(TABLES.size).toBeGreaterThan(50);
    expect(USES.length).toBeGreaterThan(100);
  });

  it('names an owner for every table, and only for tables that exist, each a module (or the platform)', () => {
    expect([...TABLES].filter((t) => !(t in TABLE_OWNERS)).sort(), 'tables without an owner in table-owners.ts').toEqual([]);
    expect(Object.keys(TABLE_OWNERS).filter((t) => !TABLES.has(t)), 'owners of tables no migration creates').toEqual([]);
    const missing = Object.values(TABLE_OWNERS).filter((m) => m !== 'platform' && !existsSync(join(ROOT, 'src/modules', m)));
    expect([...new Set(missing)], 'owners that are not modules').toEqual([]);
  });

  it('queries each table only from its owner’s repository', () => {
    const bad = USES.filter((u) => verdict(u) === 'violation').map((u) => `${u.file}:${u.line} ${u.how} ${u.table} (owner: ${TABLE_OWNERS[u.table] ?? 'none'})`);
    expect(bad, 'move each query into the owner’s repository and call it through the owner’s index.ts').toEqual([]);
  });

  it('lets a cross-table reader only read, and only the tables it lists', () => {
    for (const r of READERS) {
      expect(existsSync(join(ROOT, r.file)), r.file).toBe(true);
      expect(r.why.trim().length, `${r.file} says why it reads across owners`).toBeGreaterThan(20);
      const uses = USES.filter((u) => u.file === r.file);
      expect(uses.filter((u) => u.write).map((u) => `${u.file}:${u.line} ${u.table}`), `${r.file} writes`).toEqual([]);
      expect([...new Set(uses.map((u) => u.table))].sort(), `${r.file} reads exactly its listed tables`).toEqual([...r.tables].sort());
    }
  });

  it('lists store files that exist and query their module’s own tables', () => {
    for (const f of Object.keys(STORE_FILES)) expect(USES.some((u) => u.file === f && TABLE_OWNERS[u.table] === moduleOf(f)), f).toBe(true);
  });
});
