/** Which statements need the row-level-security context, and how a statement's parameters are inlined to share one message with it. */
import { describe, expect, it } from 'vitest';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import type { Database } from './schema.ts';
import { inlineParameters, mayReadWalledTable } from './pg-context-dialect.ts';

const db = new Kysely<Database>({
  dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (k) => new PostgresIntrospector(k), createQueryCompiler: () => new PostgresQueryCompiler() },
});

describe('mayReadWalledTable', () => {
  it.each([
    ['a read of a walled table', db.selectFrom('orders').selectAll().where('tenant_id', '=', 'tnt_x'), true],
    ['a walled table behind an alias, in a join', db.selectFrom('tenants as t').innerJoin('tenant_members as m', 'm.tenant_id', 't.id').select('t.id'), true],
    ['a walled table in a subquery', db.selectFrom('users').select('id').where('id', 'in', db.selectFrom('tenant_members').select('user_id')), true],
    ['an insert into one', db.insertInto('vouchers').values({ id: 'v' } as never), true],
    ['an update of one', db.updateTable('delegations').set({ last_used_at: 'x' }).where('id', '=', 'd'), true],
    ['a delete of one', db.deleteFrom('partner_tokens').where('id', '=', 'p'), true],
    ['raw SQL, whatever it names', { compile: () => sql`select 1`.compile(db) }, true],
    ['raw SQL inside a builder', db.selectFrom('users').selectAll().where(sql<boolean>`true`), true],
    ['tables outside the wall', db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').selectAll(), false],
    ['an insert outside the wall, whatever its values say', db.insertInto('change_events').values({ entity: 'orders', entity_id: 'tenant_members', created_at: 'x' }), false],
    ['a value list naming a walled table', db.selectFrom('partners').selectAll().where('id', 'in', ['orders', 'vouchers']), false],
  ])('%s', (_name, q, expected) => {
    expect(mayReadWalledTable((q as { compile(): { query: unknown } }).compile().query)).toBe(expected);
  });
});

describe('inlineParameters', () => {
  it.each([
    ['placeholders become untyped literals', 'select * from t where a = $1 and b = $2 limit $3', ['x', 5, 10n], "select * from t where a = 'x' and b = '5' limit '10'"],
    ['null, booleans and two-digit placeholders', 'select $1, $2, $10', [null, true, 3, 4, 5, 6, 7, 8, 9, 'ten'], "select NULL, 'true', 'ten'"],
    ['quotes are doubled; a backslash makes an E string', 'select $1, $2', ["o'clock", 'a\\b'], "select 'o''clock', E'a\\\\b'"],
    ['not inside string literals, identifiers or comments', `select '$1', "$2", $1 -- $2\n /* $2 /* nested */ $2 */ from t`, ['v', 'w'], `select '$1', "$2", 'v' -- $2\n /* $2 /* nested */ $2 */ from t`],
    ["not inside E strings with an escaped quote", `select E'it\\'s $1', $1`, ['v'], `select E'it\\'s $1', 'v'`],
    ['not inside dollar-quoted bodies', 'select $fn$ $1 $fn$, $$ $1 $$, $1', ['v'], "select $fn$ $1 $fn$, $$ $1 $$, 'v'"],
    ['not in an identifier that holds a $', 'select a$1 from t where x = $1', ['v'], "select a$1 from t where x = 'v'"],
  ])('%s', (_name, text, params, expected) => {
    expect(inlineParameters(text, params)).toBe(expected);
  });

  it.each([
    ['U+0000', ['a\0b']],
    ['a date', [new Date()]],
    ['bytes', [Buffer.from('x')]],
    ['an array', [['a']]],
    ['an object', [{ a: 1 }]],
    ['a non-finite number', [Number.NaN]],
    ['a missing parameter', []],
  ])('leaves a statement with %s to the extended protocol', (_name, params) => {
    expect(inlineParameters('select $1', params)).toBeNull();
  });
});
