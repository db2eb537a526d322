/** A statement compiled once and re-run with other values answers as the builder's own would. */
import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Executor } from './database.ts';
import { prepared } from './prepared.ts';

type Kv = Kysely<{ kv: { k: string; v: string | null; n: string | null } }>;
const kv = (d: Executor) => d as unknown as Kv;

describe('prepared', () => {
  it('compiles once per handle, substitutes every use of a value, and refuses a value it does not use', async () => {
    const db = openDatabase({ databaseUrl: null, dataDir: '', sqliteFile: ':memory:' });
    await sql`create table kv (k text primary key, v text, n text)`.execute(db.kysely);
    let builds = 0;
    // `v` is used twice (insert and update), like an upsert's row
    const put = prepared(2, (d, key, v) => {
      builds++;
      return kv(d).insertInto('kv').values({ k: key, v, n: null }).onConflict((oc) => oc.column('k').doUpdateSet({ v }));
    });
    const get = prepared(1, (d, key) => kv(d).selectFrom('kv').select('v').where('k', '=', key));
    await put(db.kysely, 'a', '1');
    await put(db.kysely, 'b', '2');
    await put(db.kysely, 'a', '3');
    expect(builds).toBe(1);
    expect((await get(db.kysely, 'a')).rows).toEqual([{ v: '3' }]);
    expect((await get(db.kysely, 'b')).rows).toEqual([{ v: '2' }]);
    expect((await get(db.kysely, 'c')).rows).toEqual([]);
    await expect(get(db.kysely)).rejects.toThrow('takes 1 values');
    const unused = prepared(2, (d, key) => kv(d).selectFrom('kv').select('v').where('k', '=', key));
    await expect(unused(db.kysely, 'a', 'b')).rejects.toThrow('every value');
    await db.close();
  });
});
