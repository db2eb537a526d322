/**
 * The portal takes the server's wire types from the generated client (web/src/api/schema.ts, which reads
 * packages/client/src/schema.d.ts written by `npm run generate:client`), never from a copy written by hand:
 * a copy keeps compiling when the server changes a field, and the page breaks for a user instead of in the
 * typecheck. This scan reads every object type the generated file describes (named schemas, request bodies,
 * inline answers) and fails when a file in web/src/api declares an interface or object type whose fields are
 * those of one of them (all, or most: a copy that dropped or added a field is still a copy). Reference the
 * generated type instead: `Schemas['Invoice']`, `Answer<'/api/v1/…', 'get'>`, `Body<'/api/v1/…', 'post'>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const GENERATED = 'packages/client/src/schema.d.ts';
const SCANNED = 'web/src/api';

/** A declaration mirrors a generated object when it shares at least this many fields with it… */
const MIN_SHARED = 3;
/** …and they are at least this part of the declaration's own fields. */
const MIN_SHARE = 0.75;

function propertyName(name: ts.PropertyName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return null;
}

function fieldsOf(members: ts.NodeArray<ts.TypeElement>): string[] {
  return members.flatMap((m) => (ts.isPropertySignature(m) && m.name ? [propertyName(m.name)].filter((n): n is string => n !== null) : []));
}

/** Every object type the generated client describes, as its set of field names (wrappers like `responses` included: they match nothing). */
function generatedFieldSets(): Set<string>[] {
  const source = ts.createSourceFile(GENERATED, readFileSync(path.join(ROOT, GENERATED), 'utf8'), ts.ScriptTarget.Latest);
  const seen = new Map<string, Set<string>>();
  const visit = (node: ts.Node) => {
    if (ts.isTypeLiteralNode(node)) {
      const fields = fieldsOf(node.members);
      if (fields.length >= MIN_SHARED) seen.set([...fields].sort().join(','), new Set(fields));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...seen.values()];
}

/** The object types a portal file declares at its top level: `interface X {…}` and `type X = {…}` (or an intersection with one). */
function declaredObjectTypes(file: string, text: string): { name: string; line: number; fields: string[] }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: { name: string; line: number; fields: string[] }[] = [];
  const add = (st: ts.Statement, name: ts.Identifier, fields: string[]) => out.push({ name: name.text, line: source.getLineAndCharacterOfPosition(st.getStart()).line + 1, fields });
  for (const st of source.statements) {
    if (ts.isInterfaceDeclaration(st)) add(st, st.name, fieldsOf(st.members));
    else if (ts.isTypeAliasDeclaration(st)) {
      const parts: readonly ts.TypeNode[] = ts.isIntersectionTypeNode(st.type) ? st.type.types : [st.type];
      const literals = parts.flatMap((p) => (ts.isTypeLiteralNode(p) ? [p] : []));
      if (literals.length) add(st, st.name, literals.flatMap((l) => fieldsOf(l.members)));
    }
  }
  return out;
}

/** The generated object a declaration mirrors, as its fields, or null. */
function mirrored(fields: string[], generated: Set<string>[]): string[] | null {
  if (fields.length < MIN_SHARED) return null;
  for (const g of generated) {
    const shared = fields.filter((f) => g.has(f)).length;
    if (shared >= MIN_SHARED && shared >= MIN_SHARE * fields.length) return [...g];
  }
  return null;
}

function hits(file: string, text: string, generated: Set<string>[]): string[] {
  return declaredObjectTypes(file, text).flatMap((d) => {
    const g = mirrored(d.fields, generated);
    return g ? [`${file}:${d.line}: ${d.name} { ${d.fields.join(', ')} } mirrors the generated { ${g.sort().join(', ')} }`] : [];
  });
}

function apiSources(): string[] {
  return readdirSync(path.join(ROOT, SCANNED), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

describe('portal server types', () => {
  const generated = generatedFieldSets();

  it('come from the generated client: no file in web/src/api declares a copy of a server schema', () => {
    expect(generated.length).toBeGreaterThan(200);
    const files = apiSources();
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap((f) => hits(f, readFileSync(path.join(ROOT, f), 'utf8'), generated));
    expect(found).toEqual([]);
  });

  it('would catch a copy (whole, trimmed, or as an intersection) and leave references and view models alone', () => {
    const copies = [
      'export interface Person { user_id: string; name: string; email: string; partner_id: string | null; partner_name: string | null }',
      'export interface Invoice { id: string; number: string; period: string; total_cents: number; balance_cents: number; status: string }',
      'export type ExportJob = { id: string; status: string; progress_pct: number; rows_done: number; total_rows: number; extra_ui_flag: boolean };',
      'export type Row = { tenant_id: string } & { tenant_name: string; compliance_pct: number };',
    ];
    for (const c of copies) expect(hits('sample.ts', c, generated), c).toHaveLength(1);
    const fine = [
      "export type Invoice = Schemas['PartnerInvoice'];",
      "export interface Page<T> { data: T[]; next_cursor: string | null }",
      "export type Choice = { value: string; label: string; icon: string; tone: 'ok' | 'warn' };",
      "export type Row = Schemas['Order'] & { selected: boolean };",
    ];
    for (const c of fine) expect(hits('sample.ts', c, generated), c).toEqual([]);
  });
});
