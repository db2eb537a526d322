/**
 * The purge of expired protocol rows, which runs every ten minutes: what has expired goes, what has
 * not (or never expires) stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { PURGE_BATCH } from '../../../src/modules/oauth/oauth-store.ts';

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
    // expiry alone); five grants, each with rows expired and rows live, none with a Grant row left.
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

  it('goes through more grants and more rows than one batch holds', async () => {
    const now = new Date();
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
    const grants = PURGE_BATCH.grants * 2 + 7;
    const rows = [
      // each grant: one expired row, one live
      ...Array.from({ length: grants }, (_, i) => [
        { model: 'RefreshToken', id: `purge-batch-x-${i}`, payload: '{}', grant_id: `purge-batch-grant-${String(i).padStart(5, '0')}`, expires_at: at(-5) },
        { model: 'RefreshToken', id: `purge-batch-l-${i}`, payload: '{}', grant_id: `purge-batch-grant-${String(i).padStart(5, '0')}`, expires_at: at(5) },
      ]).flat(),
      // rows of no grant: more expired than one batch
      ...Array.from({ length: PURGE_BATCH.rows + 5 }, (_, i) => ({ model: 'Interaction', id: `purge-batch-n-${i}`, payload: '{}', grant_id: null, expires_at: at(-5) })),
    ];
    for (let i = 0; i < rows.length; i += 1000) await t.testDb.owner.kysely.insertInto('oauth_store').values(rows.slice(i, i + 1000)).execute();

    expect(await t.services.oauth.store.purgeExpired(now)).toBeGreaterThanOrEqual(grants + PURGE_BATCH.rows + 5);
    const left = await t.testDb.owner.kysely.selectFrom('oauth_store').select('id').where('id', 'like', 'purge-batch-%').execute();
    expect(left.map((r) => r.id).sort()).toEqual(Array.from({ length: grants }, (_, i) => `purge-batch-l-${i}`).sort());
  });
});
