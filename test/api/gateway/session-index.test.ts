/**
 * Portal sessions at the gateway (the portal's own calls to /resources/v1 with its cookie) come
 * from memory (SessionIndex + the authz snapshot), not from the database on every request — and a
 * logout, a password change, a disabled user or an idle session is still refused on the very next
 * request. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { gw, link, loginAs, withoutTables } from './helpers.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { sha256 } from '../../../src/platform/crypto.ts';

let t: TestApp;
const clock = new ManualClock();
const IDLE_SEC = 600;
beforeAll(async () => {
  t = await startTestApp({ clock, config: { SESSION_IDLE_TIMEOUT: String(IDLE_SEC) } });
});
afterAll(() => t.close());

async function mspStaffSession() {
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  await link(t, msp, tenant);
  const me = await loginAs(t, msp.staff);
  const read = (c: Client = me) => gw(t, 'GET', '/resources/v1/orders', { headers: { cookie: c.cookie!, 'x-active-tenant-id': tenant.id } });
  return { msp, tenant, me, read };
}

describe('portal sessions at the gateway', () => {
  it('are admitted from memory: with the sessions, users and membership tables gone, the request is still decided and served', async () => {
    const w = await mspStaffSession();
    const r = await withoutTables(t, ['sessions', 'users', 'partner_members'], () => w.read());
    expect(r.status).toBe(200);
    expect(r.body.data).toBeInstanceOf(Array);
  });

  it('refuse a session cookie nobody was given', async () => {
    const r = await gw(t, 'GET', '/resources/v1/context', { headers: { cookie: 'partnergate_session=' + 'x'.repeat(43) } });
    expect([r.status, r.body.code]).toEqual([401, 'session_expired']);
  });

  it('refuse a session on the very next request after its logout', async () => {
    const w = await mspStaffSession();
    expect((await w.read()).status).toBe(200);
    const cookie = w.me.cookie!;
    expect((await w.me.post('/api/v1/auth/logout', {})).status).toBe(204);
    const r = await gw(t, 'GET', '/resources/v1/orders', { headers: { cookie, 'x-active-tenant-id': w.tenant.id } });
    expect([r.status, r.body.code]).toEqual([401, 'session_expired']);
  });

  it("end the user's other sessions on a password change, keep the one that changed it", async () => {
    const w = await mspStaffSession();
    const other = await loginAs(t, w.msp.staff);
    expect((await w.read(other)).status).toBe(200);
    const changed = await w.me.post('/api/v1/me/password', { current_password: w.msp.staff.password, new_password: 'another-long-passphrase-42' });
    expect(changed.status).toBe(204);
    expect([(await w.read(other)).status, (await w.read(other)).body.code]).toEqual([401, 'session_expired']);
    expect((await w.read()).status).toBe(200);
  });

  it('follow a batch of session changes delivered in one pass: each session ends up as the database has it', async () => {
    const w = await mspStaffSession();
    const second = await loginAs(t, w.msp.staff);
    const other = await mspStaffSession();
    for (const c of [w.me, second]) expect((await w.read(c)).status).toBe(200);
    expect((await other.read()).status).toBe(200);
    const idOf = (c: Client) => sha256(c.cookie!.slice(c.cookie!.indexOf('=') + 1));
    // one transaction, so one pass reads it all: a session ended, a user's sessions all ended, a session that stays
    await mutate(t.services.db, async (trx) => {
      await trx.deleteFrom('sessions').where('id', '=', idOf(w.me)).execute();
      await t.services.feed.record(trx, 'session', idOf(w.me));
      await trx.deleteFrom('sessions').where('user_id', '=', other.msp.staff.id).execute();
      await t.services.feed.record(trx, 'user_sessions', other.msp.staff.id);
      await t.services.feed.record(trx, 'session', idOf(second));
    });
    await t.services.feed.drain();
    // from memory, with the session tables gone: the one that stays is still served
    expect((await withoutTables(t, ['sessions', 'users', 'partner_members'], () => w.read(second))).status).toBe(200);
    // the ended ones are refused (were they still held in memory, they would be served without a look at the database)
    for (const r of [await w.read(w.me), await other.read()]) expect([r.status, r.body.code]).toEqual([401, 'session_expired']);
  });

  it('refuse the sessions of a user the operator disabled on the very next request', async () => {
    const w = await mspStaffSession();
    const operator = await loginAs(t, await t.world.operator());
    expect((await w.read()).status).toBe(200);
    expect((await operator.post(`/api/v1/users/${w.msp.staff.id}/disable`, {})).status).toBe(200);
    const r = await w.read();
    expect([r.status, r.body.code]).toEqual([401, 'session_expired']);
    // re-enabled, the account needs a new login: disabling ended its sessions
    expect((await operator.post(`/api/v1/users/${w.msp.staff.id}/enable`, {})).status).toBe(200);
    expect((await w.read()).status).toBe(401);
  });

  it('want the CSRF token for a mutation, as the portal API does', async () => {
    const w = await mspStaffSession();
    const body = { product_code: 'SDWAN-BRANCH', quantity: 1 };
    const without = await gw(t, 'POST', '/resources/v1/orders', { headers: { cookie: w.me.cookie!, 'x-active-tenant-id': w.tenant.id }, body });
    expect([without.status, without.body.code]).toEqual([403, 'csrf_token_invalid']);
    const wrong = await gw(t, 'POST', '/resources/v1/orders', { headers: { cookie: w.me.cookie!, 'x-active-tenant-id': w.tenant.id, 'x-csrf-token': 'not-it' }, body });
    expect([wrong.status, wrong.body.code]).toEqual([403, 'csrf_token_invalid']);
    const ok = await gw(t, 'POST', '/resources/v1/orders', { headers: { cookie: w.me.cookie!, 'x-active-tenant-id': w.tenant.id, 'x-csrf-token': w.me.csrf! }, body });
    expect(ok.status).not.toBe(403);
  });

  it('refuse a session idle past SESSION_IDLE_TIMEOUT, and keep one alive that is used', async () => {
    const w = await mspStaffSession();
    const idle = await loginAs(t, w.msp.staff);
    expect((await w.read(idle)).status).toBe(200);
    // the active session is used every 4 minutes (more than the once-a-minute note of activity)
    for (let i = 0; i < 3; i++) {
      clock.advance(240_000);
      expect((await w.read()).status).toBe(200);
    }
    // 12 minutes without use: past the 10-minute idle timeout
    const r = await w.read(idle);
    expect([r.status, r.body.code]).toEqual([401, 'session_expired']);
    expect((await w.read()).status).toBe(200);
  });

  it('note activity in memory and write it in batches, off the response path', async () => {
    const w = await mspStaffSession();
    const sessionId = (await t.services.db.kysely.selectFrom('sessions').select(['id', 'last_seen_at']).where('user_id', '=', w.msp.staff.id).orderBy('created_at', 'desc').executeTakeFirstOrThrow()).id;
    const lastSeen = async () => (await t.services.db.kysely.selectFrom('sessions').select('last_seen_at').where('id', '=', sessionId).executeTakeFirstOrThrow()).last_seen_at;
    const before = await lastSeen();
    clock.advance(120_000);
    const at = clock.now().toISOString();
    expect((await w.read()).status).toBe(200);
    expect(await lastSeen()).toBe(before); // not written by the request
    await t.services.identity.sessions.flush();
    expect(await lastSeen()).toBe(at);
  });
});
