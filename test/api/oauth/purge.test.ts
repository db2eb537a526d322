/**
 * The purge of expired protocol rows, which runs every ten minutes: what has expired goes, what has
 * not (or never expires) stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('the purge of expired OAuth rows', () => {
  it('drops every expired row and keeps the live ones', async () => {
    const now = new Date();
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
    // Rows issued from a grant (found by the grant's expiry range) and rows of no grant (by the
    // expiry alone); grants with some rows expired, one with all, one whose Grant row is gone.
    const rows = Array.from({ length: 23 }, (_, i) => ({
      model: i < 4 ? 'Session' : 'RefreshToken',
      id: `purge-test-${String(i).padStart(2, '0')}`,
      payload: '{}',
      grant_id: i < 4 ? null : `purge-test-grant-${i % 5}`,
      // every third row live, one with no expiry, the rest expired
      expires_at: i === 22 ? null : i % 3 === 0 ? at(60) : at(-60 - i),
    }));
    await t.testDb.owner.kysely.insertInto('oauth_store').values(rows).execute();
    const expired = rows.filter((r) => r.expires_at !== null && r.expires_at < now.toISOString()).map((r) => r.id);
    expect(expired.length).toBe(14);

    const gone = await t.services.oauth.store.purgeExpired(now);
    expect(gone).toBeGreaterThanOrEqual(expired.length);
    const left = (await t.testDb.owner.kysely.selectFrom('oauth_store').select('id').where('id', 'like', 'purge-test-%').orderBy('id').execute()).map((r) => r.id);
    expect(left).toEqual(rows.filter((r) => !expired.includes(r.id)).map((r) => r.id));
  });
});
