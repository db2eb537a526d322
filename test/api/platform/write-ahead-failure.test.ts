/**
 * A write sent ahead of the transaction's next statement (no round trip of its own) that fails,
 * when no statement after it but the COMMIT reports it: the writer is told that write's error —
 * a unique index's refusal, which the API answers 409 — never "transaction aborted" (500), never
 * success for a transaction PostgreSQL rolled back, and nothing of it is kept (PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { mutate, readWithCommit } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { runAtCommit, writeAhead } from '../../../src/platform/db/pg-context-dialect.ts';

describe('a failed write sent ahead, reported by the COMMIT (PostgreSQL)', () => {
  let t: TestDb;
  const at = new Date().toISOString();
  const row = (id: string) => ({ id, type: 'test.event', version: 1, tenant_id: null, partner_id: null, payload: '{}', occurred_at: at, status: 'pending' as const, dispatched_at: null });
  const kept = async (ids: string[]) => (await t.owner.kysely.selectFrom('domain_events').select('id').where('id', 'in', ids).execute()).map((r) => r.id).sort();
  beforeAll(async () => {
    t = await createTestDb({ postgres: true });
    await t.owner.kysely.insertInto('domain_events').values(row('msg_taken')).execute();
  }, 60_000);
  afterAll(() => t.drop());

  const failing = (trx: Parameters<Parameters<typeof mutate>[1]>[0]) => writeAhead(trx, trx.insertInto('domain_events').values(row('msg_taken')).compile());

  it('with only the answer read with the COMMIT: the unique violation, and nothing kept', async () => {
    const done = asSystem(() =>
      mutate(t.db, async (trx) => {
        await trx.insertInto('domain_events').values(row('msg_a1')).execute();
        expect(await failing(trx)).toBe(true);
        return readWithCommit(trx, trx.selectFrom('domain_events').select('id').where('id', '=', 'msg_a1'));
      }),
    );
    await expect(done).rejects.toMatchObject({ code: '23505' });
    expect(await kept(['msg_a1'])).toEqual([]);
  });

  it('with a statement carried by the COMMIT: the unique violation, not "transaction aborted"', async () => {
    const done = asSystem(() =>
      mutate(t.db, async (trx) => {
        await trx.insertInto('domain_events').values(row('msg_b1')).execute();
        expect(await failing(trx)).toBe(true);
        await runAtCommit(trx, `insert into domain_events (id, type, version, payload, occurred_at, status) values ('msg_b2', 'test.event', 1, '{}', '${at}', 'pending')`);
        return readWithCommit(trx, trx.selectFrom('domain_events').select('id').where('id', '=', 'msg_b1'));
      }),
    );
    await expect(done).rejects.toMatchObject({ code: '23505' });
    expect(await kept(['msg_b1', 'msg_b2'])).toEqual([]);
  });

  it('a failure the writer recovered from at a savepoint does not fail the COMMIT', async () => {
    await asSystem(() =>
      mutate(t.db, async (trx) => {
        await sql`savepoint step`.execute(trx);
        await expect(trx.insertInto('domain_events').values(row('msg_taken')).execute()).rejects.toMatchObject({ code: '23505' });
        await sql`rollback to savepoint step`.execute(trx);
        await trx.insertInto('domain_events').values(row('msg_c1')).execute();
      }),
    );
    expect(await kept(['msg_c1'])).toEqual(['msg_c1']);
  });
});
