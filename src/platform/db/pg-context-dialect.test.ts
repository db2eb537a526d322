/** Which statements need the row-level-security context: the query tree names a walled table, or holds raw SQL. */
import { describe, expect, it } from 'vitest';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import type { Database } from './schema.ts';
import { mayReadWalledTable } from './pg-context-dialect.ts';

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
