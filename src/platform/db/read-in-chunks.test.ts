/**
 * forEachChunk hands over every row once, in id order and in chunks of at most the size asked, on
 * the database under test (a cursor on PostgreSQL, keyset pages on SQLite); on PostgreSQL the
 * cursor sees what the caller's row-level-security context may see, no more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, usingPostgres, type TestDb } from '../../../test/helpers/db.ts';
import type { Executor } from './database.ts';
import { asSystem, tenantContext, withDbContext } from './db-context.ts';
import { forEachChunk } from './read-in-chunks.ts';

let t: TestDb;
const ids = Array.from({ length: 23 }, (_, i) => `evt_${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  t = await createTestDb();
  // a walled table (a tenant_id column behind the wall) with no foreign keys to fill first
  await t.owner.kysely
    .insertInto('domain_events')
    .values([...ids].reverse().map((id, i) => ({ id, type: 'probe', version: 1, tenant_id: i % 2 === 0 ? 'tnt_a' : 'tnt_b', partner_id: null, payload: '{}', occurred_at: '2026-01-01T00:00:00.000Z', status: 'pending', dispatched_at: null })))
    .execute();
});
afterAll(async () => {
  await t?.drop();
});

const events = (db: Executor, after: string | null, limit: number | null) => {
  const q = db.selectFrom('domain_events').select(['id', 'tenant_id']);
  const paged = after === null ? q : q.where('id', '>', after);
  return limit === null ? paged.orderBy('id') : paged.orderBy('id').limit(limit);
};

async function read(size: number) {
  const chunks: string[][] = [];
  const n = await forEachChunk(t.db, events, size, (rows) => chunks.push(rows.map((r) => r.id)));
  return { n, chunks };
}

describe('forEachChunk', () => {
  it('reads every row once, in id order, in chunks of at most the size', async () => {
    const { n, chunks } = await asSystem(() => read(5));
    expect(n).toBe(23);
    expect(chunks.map((c) => c.length)).toEqual([5, 5, 5, 5, 3]);
    expect(chunks.flat()).toEqual(ids);
  });

  it('ends on an exact multiple of the size, and reads an empty result as none', async () => {
    const exact = await asSystem(() => read(23));
    expect(exact.chunks.map((c) => c.length)).toEqual([23]);
    const none = await asSystem(() => forEachChunk(t.db, (db, after, limit) => events(db, after, limit).where('type', '=', 'absent'), 5, () => expect.unreachable()));
    expect(none).toBe(0);
  });

  it("sees only what the caller's context may see (PostgreSQL: the cursor's transaction carries it; SQLite has no wall)", async () => {
    const tenant = await withDbContext(tenantContext('tnt_a'), () => read(4));
    const nobody = await withDbContext(null, () => read(4));
    if (usingPostgres) {
      expect(tenant.n).toBe(12);
      expect(tenant.chunks.flat()).toEqual(ids.filter((_, i) => (22 - i) % 2 === 0));
      expect(nobody.n).toBe(0);
    } else {
      expect([tenant.n, nobody.n]).toEqual([23, 23]);
    }
  });
});
