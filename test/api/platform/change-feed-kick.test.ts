/**
 * A writer's kick: once its COMMIT is kept, this instance's consumers have the change before the
 * kick settles — on PostgreSQL from what the COMMIT carried, without reading the outbox table
 * first — and nothing of a savepoint rolled back or a COMMIT refused is handed over. The next
 * drain reads the rows (every other instance's way) and skips the ones handed over; a hand-over a
 * consumer failed is delivered by that drain.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { runAtCommit } from '../../../src/platform/db/pg-context-dialect.ts';
import { ChangeFeed, type ChangeEvent } from '../../../src/platform/events/change-feed.ts';
import { sql } from 'kysely';
import { redisFactory } from '../../../src/platform/redis.ts';
import { REDIS_URL } from '../../helpers/app.ts';

describe('change feed: the writer hands its committed change to its own instance (PostgreSQL)', () => {
  let t: TestDb;
  let feed: ChangeFeed;
  const seen: string[] = [];
  /** set by a test to hold the consumer inside a batch */
  let hold: Promise<void> | null = null;
  /** set by a test to fail the consumer's next batch */
  let fail = false;
  let entered: (() => void) | null = null;
  beforeAll(async () => {
    t = await createTestDb({ postgres: true });
    // no poll in the way: every pass below is one a test asked for
    feed = new ChangeFeed({ db: t.db, pollIntervalMs: 3_600_000 });
    feed.subscribe(async (events: ChangeEvent[]) => {
      entered?.();
      if (hold) await hold;
      if (fail) {
        fail = false;
        throw new Error('the consumer could not re-read');
      }
      seen.push(...events.map((e) => `${e.entity}:${e.entityId}`));
    });
    await feed.start();
  }, 60_000);
  afterAll(async () => {
    await feed.stop();
    await t.drop();
  });

  it('the kick delivers the committed change without a drain; the next drain reads its rows and skips them', async () => {
    seen.length = 0;
    const before = feed.position;
    const skipped = feed.skipped;
    await mutate(t.db, async (trx) => {
      await feed.record(trx, 'test_entity', 'a');
      await feed.record(trx, 'test_entity', 'a');
      await feed.record(trx, 'test_entity', 'b');
    });
    await feed.kick();
    // once each, and the position the drains read from has not moved: the table was not read
    expect(seen.sort()).toEqual(['test_entity:a', 'test_entity:b']);
    expect(feed.position).toBe(before);
    seen.length = 0;
    await feed.drain();
    expect(seen).toEqual([]);
    expect(feed.skipped - skipped).toBe(3);
    expect(feed.position).not.toBe(before);
  });

  it('a hand-over the consumer failed is delivered by the next drain', async () => {
    seen.length = 0;
    const skipped = feed.skipped;
    await mutate(t.db, (trx) => feed.record(trx, 'test_entity', 'failed-once'));
    fail = true;
    await feed.kick();
    expect(seen).toEqual([]);
    await feed.drain();
    expect(seen).toEqual(['test_entity:failed-once']);
    expect(feed.skipped).toBe(skipped);
  });

  it('hands over nothing of a savepoint rolled back, nor of a COMMIT refused', async () => {
    seen.length = 0;
    await mutate(t.db, async (trx) => {
      await feed.record(trx, 'test_entity', 'kept');
      await sql`savepoint step`.execute(trx);
      await feed.record(trx, 'test_entity', 'undone');
      await sql`rollback to savepoint step`.execute(trx);
    });
    await expect(
      mutate(t.db, async (trx) => {
        await feed.record(trx, 'test_entity', 'refused');
        expect(await runAtCommit(trx, 'select 1 / 0')).toBe(true);
      }),
    ).rejects.toThrow(/division by zero/);
    await feed.kick();
    expect(seen).toEqual(['test_entity:kept']);
    seen.length = 0;
    await feed.drain();
    expect(seen).toEqual([]);
  });

  it('a kick made while a pass runs settles after that pass and its own, one batch at a time', async () => {
    seen.length = 0;
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    const inside = new Promise<void>((r) => (entered = r));
    await mutate(t.db, (trx) => feed.record(trx, 'test_entity', 'first'));
    const first = feed.kick();
    await inside;
    let again = 0;
    entered = () => again++;
    await mutate(t.db, (trx) => feed.record(trx, 'test_entity', 'second'));
    let settled = false;
    const second = feed.kick().then(() => (settled = true));
    // the first batch is still held: the second is not handed to the consumer meanwhile
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    expect(again).toBe(0);
    expect(settled).toBe(false);
    entered = null;
    hold = null;
    release();
    await Promise.all([first, second]);
    expect(seen).toEqual(['test_entity:first', 'test_entity:second']);
    await feed.drain();
  });

  // last: from here on this feed's kicks drain
  it('a change written at once (not carried by a COMMIT) is delivered by the kick, which drains from then on', async () => {
    seen.length = 0;
    // no transaction to carry it: the row is written now, and the feed cannot know when it commits
    await feed.record(t.db.kysely as unknown as Parameters<typeof feed.record>[0], 'test_entity', 'written-now');
    await feed.kick();
    expect(seen).toEqual(['test_entity:written-now']);
  });
});

describe('change feed: the nudge to the other instances (PostgreSQL + Redis)', () => {
  it('kicks made while a nudge is on its way share the next one, and the other instance reads the last change', async () => {
    const t = await createTestDb({ postgres: true });
    const channel = `partnergate:changes:test:${process.pid}:${Date.now()}`;
    const redis = redisFactory(REDIS_URL);
    const writer = new ChangeFeed({ db: t.db, pollIntervalMs: 3_600_000, redis, channel });
    const other = new ChangeFeed({ db: t.db, pollIntervalMs: 3_600_000, redis, channel });
    const listener = redis();
    const nudges: string[] = [];
    listener.on('message', (_c: string, m: string) => nudges.push(m));
    const seenThere: string[] = [];
    let last: (() => void) | null = null;
    const lastSeen = new Promise<void>((r) => (last = r));
    other.subscribe(async (events: ChangeEvent[]) => {
      for (const e of events) {
        seenThere.push(e.entityId);
        if (e.entityId === 'w19') last!();
      }
    });
    try {
      await listener.subscribe(channel);
      await writer.start();
      await other.start();
      // twenty writers whose COMMITs come back in the same turn, each kicking
      await Promise.all(Array.from({ length: 20 }, (_, i) => mutate(t.db, (trx) => writer.record(trx, 'test_entity', `w${i}`))));
      await Promise.all(Array.from({ length: 20 }, () => writer.kick()));
      await lastSeen;
      // every change reached the other instance, on one nudge and the one the other nineteen share
      expect(new Set(seenThere)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `w${i}`)));
      await vi.waitFor(() => expect(nudges.length).toBe(2));
      expect(new Set(nudges).size).toBe(1);
    } finally {
      listener.disconnect();
      await writer.stop();
      await other.stop();
      await t.drop();
    }
  }, 60_000);
});
