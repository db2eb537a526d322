/**
 * A change recorded in a transaction reaches the feed exactly when the transaction commits. On
 * PostgreSQL the outbox row is written by the COMMIT message itself (one round trip fewer per
 * write): a rolled-back transaction leaves none, a failing carried statement rolls the whole
 * transaction back, and the connection serves the next transaction cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { runAtCommit } from '../../../src/platform/db/pg-context-dialect.ts';
import { ChangeFeed, type ChangeEvent } from '../../../src/platform/events/change-feed.ts';

describe('change feed: the outbox row commits with its transaction', () => {
  let t: TestDb;
  let feed: ChangeFeed;
  const seen: ChangeEvent[] = [];
  beforeAll(async () => {
    // one connection: every transaction below runs on the one the previous one used
    t = await createTestDb({ poolSize: 1 });
    feed = new ChangeFeed({ db: t.db });
    feed.subscribe((events) => {
      seen.push(...events);
    });
    await feed.start();
  });
  afterAll(async () => {
    await feed.stop();
    await t.drop();
  });

  const delivered = async () => {
    seen.length = 0;
    await feed.drain();
    return seen.map((e) => `${e.entity}:${e.entityId}`);
  };

  it('delivers the changes of a committed transaction, ids with quotes and backslashes as written', async () => {
    await mutate(t.db, async (trx) => {
      await feed.record(trx, 'test_entity', "o'brien\\x");
      await feed.record(trx, 'test_entity', 'second');
    });
    expect((await delivered()).sort()).toEqual(["test_entity:o'brien\\x", 'test_entity:second']);
  });

  it('delivers nothing of a transaction that rolls back', async () => {
    await expect(
      mutate(t.db, async (trx) => {
        await feed.record(trx, 'test_entity', 'rolled-back');
        throw new Error('the caller gives up');
      }),
    ).rejects.toThrow('the caller gives up');
    expect(await delivered()).toEqual([]);
  });

  it('a failing statement carried by the commit fails the transaction and leaves the connection usable', async () => {
    if (t.db.dialect !== 'postgres') {
      // SQLite has no commit message to carry statements: runAtCommit declines, the caller runs them at once
      await mutate(t.db, async (trx) => expect(await runAtCommit(trx, 'select 1')).toBe(false));
      return;
    }
    await expect(
      mutate(t.db, async (trx) => {
        await feed.record(trx, 'test_entity', 'lost-with-the-commit');
        expect(await runAtCommit(trx, 'select 1 / 0')).toBe(true);
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await delivered()).toEqual([]);
    // the same (only) connection: no transaction left open, aborted or not
    const r = await sql<{ open: boolean }>`select pg_current_xact_id_if_assigned() is not null as open`.execute(t.db.kysely);
    expect(r.rows[0].open).toBe(false);
    await mutate(t.db, (trx) => feed.record(trx, 'test_entity', 'after'));
    expect(await delivered()).toEqual(['test_entity:after']);
  });
});
