/**
 * Parameterised statements run as PostgreSQL prepared statements once they repeat, and a schema
 * change under a running instance (another instance's migration) does not break them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { APP_ROLE, createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { mutate } from './database.ts';
import { StatementNames } from './pg-statement-names.ts';
import { mapDbError } from '../errors/db-errors.ts';

describe('StatementNames', () => {
  it('names a text on its third run, and no more than MAX_NAMED texts', () => {
    const names = new StatementNames();
    const q = 'select "id" from "t" where "id" = $1';
    expect([names.of(q), names.of(q)]).toEqual([undefined, undefined]);
    const name = names.of(q);
    expect(name).toMatch(/^pg\d+_\d+$/);
    expect(names.of(q)).toBe(name);
    for (let i = 0; names.size < StatementNames.MAX_NAMED; i++) for (let r = 0; r < StatementNames.NAME_AFTER; r++) names.of(`select "id" from "t" where "n" = $1 limit ${i}`);
    for (let r = 0; r < 5; r++) expect(names.of('select "id" from "t" where "n" = $1 offset 1')).toBeUndefined();
    expect(names.of(q)).toBe(name);
    names.renew();
    for (let r = 1; r < StatementNames.NAME_AFTER; r++) expect(names.of(q)).toBeUndefined();
    expect(names.of(q)).not.toBe(name);
  });
});

type Probe = Kysely<{ probe: { id: string; label: string } }>;

describe('prepared statements on PostgreSQL', () => {
  let t: TestDb;
  let db: Probe;
  const prepared = async () => (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(t.db.kysely)).rows.map((r) => r.statement);
  const labelOf = (id: string) => db.selectFrom('probe').select(['id', 'label']).where('id', '=', id).executeTakeFirst();

  beforeAll(async () => {
    // one connection: what it has prepared is what pg_prepared_statements shows
    t = await createTestDb({ postgres: true, poolSize: 1 });
    db = t.db.kysely as unknown as Probe;
    await sql`create table probe (id text primary key, label varchar(20) not null)`.execute(t.owner.kysely);
    await sql`grant select, insert, update on probe to ${sql.id(APP_ROLE)}`.execute(t.owner.kysely);
    await db.insertInto('probe').values([{ id: 'a', label: 'first' }, { id: 'b', label: 'second' }]).execute();
  });
  afterAll(async () => {
    await t?.drop();
  });

  const everything = (id: string) => db.selectFrom('probe').selectAll().where('id', '=', id).executeTakeFirst();

  it('a statement that repeats is prepared once on the connection, and answers as before', async () => {
    for (let i = 0; i < 4; i++) expect(await labelOf(i % 2 ? 'a' : 'b')).toEqual(i % 2 ? { id: 'a', label: 'first' } : { id: 'b', label: 'second' });
    for (let i = 0; i < 4; i++) expect(await everything('a')).toEqual({ id: 'a', label: 'first' });
    const statements = await prepared();
    expect(statements.filter((s) => s.includes('"probe"') && s.includes('"label"'))).toHaveLength(1);
    expect(statements.filter((s) => s.includes('"probe"') && s.includes('*'))).toHaveLength(1);
  });

  it('a column added by another instance: a lone select * is prepared again and answers with it', async () => {
    await sql`alter table probe add column note text`.execute(t.owner.kysely);
    expect(await everything('a')).toEqual({ id: 'a', label: 'first', note: null });
    expect(await labelOf('a')).toEqual({ id: 'a', label: 'first' });
    expect(await everything('b')).toEqual({ id: 'b', label: 'second', note: null });
  });

  it("a returned column's type changed by another instance: a lone statement is prepared again and answers", async () => {
    await sql`alter table probe alter column label type text`.execute(t.owner.kysely);
    expect(await labelOf('b')).toEqual({ id: 'b', label: 'second' });
    expect(await labelOf('a')).toEqual({ id: 'a', label: 'first' });
  });

  it('in a transaction the change aborts that transaction, which writes nothing, answers 503 (try again), and the next one runs', async () => {
    const rename = (id: string, label: string) =>
      mutate(t.db, async (trx) => {
        const tx = trx as unknown as Probe;
        await tx.updateTable('probe').set({ label }).where('id', '=', id).execute();
        return tx.selectFrom('probe').selectAll().where('id', '=', id).executeTakeFirst();
      });
    for (let i = 0; i < 4; i++) await rename('a', `first ${i}`);
    await sql`alter table probe add column tag text`.execute(t.owner.kysely);
    const failed = await rename('a', 'lost').then(() => null, (e: unknown) => e);
    expect(mapDbError(failed)).toMatchObject({ status: 503, code: 'database_unavailable', headers: { 'retry-after': '5' } });
    expect(await labelOf('a')).toEqual({ id: 'a', label: 'first 3' });
    expect(await rename('a', 'kept')).toEqual({ id: 'a', label: 'kept', note: null, tag: null });
  });
});
