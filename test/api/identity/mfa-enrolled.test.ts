/**
 * "Has a second factor" is one rule, asked in two places: signing in (read with the account, in
 * one statement) and every change to one's own factors (new recovery codes need a factor to
 * belong to). For each state of an account — nothing, an authenticator app still being set up, a
 * confirmed one, a passkey alone — both answers agree: sign-in asks for the second step exactly
 * when new recovery codes may be made, and someone else's passkey counts for nobody else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client, type Problem } from '../../helpers/http.ts';
import type { TestUser } from '../../helpers/world.ts';
import { loginAs } from '../gateway/helpers.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

function fresh(): Client {
  const c = new Client(t.app);
  c.ip = `10.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
  return c;
}

const now = () => new Date().toISOString();

async function addTotp(u: TestUser, status: 'pending' | 'active'): Promise<void> {
  await t.testDb.db.kysely
    .insertInto('mfa_totp')
    .values({ user_id: u.id, secret_enc: 'not-used-here', status, created_at: now(), confirmed_at: status === 'active' ? now() : null, last_used_at: null })
    .execute();
}

async function addPasskey(u: TestUser): Promise<void> {
  const id = `pk_${u.id}`;
  await t.testDb.db.kysely.insertInto('mfa_passkeys').values({ id, user_id: u.id, credential_id: id, public_key: 'not-used-here', name: 'Laptop', created_at: now(), last_used_at: null }).execute();
}

/**
 * What the account's owner meets once `factors` are written (behind the portal's back, as another
 * instance would): whether sign-in asks for a second step, and what asking for new recovery codes
 * answers in a session opened before — no second factor to attach them to, or prove the one you have.
 */
async function seen(u: TestUser, factors: () => Promise<void>): Promise<{ secondStep: boolean; newRecoveryCodes: string }> {
  const before = await loginAs(t, u);
  await factors();
  const r = await fresh().post<Problem>('/api/v1/auth/login', { email: u.email, password: u.password });
  expect([200, 202]).toContain(r.status);
  const codes = await before.post<Problem>('/api/v1/me/mfa/recovery-codes');
  return { secondStep: r.status === 202, newRecoveryCodes: `${codes.status} ${codes.body.code}` };
}

describe('whether an account has a second factor', () => {
  it('is answered alike at sign-in and for changes to the factors, in every state of the account', async () => {
    const [none, pending, app, passkey] = [await t.world.user(), await t.world.user(), await t.world.user(), await t.world.user()];
    const noFactor = { secondStep: false, newRecoveryCodes: '409 mfa_not_enrolled' };
    const aFactor = { secondStep: true, newRecoveryCodes: '403 step_up_required' };
    expect(await seen(none, async () => {})).toEqual(noFactor);
    expect(await seen(pending, () => addTotp(pending, 'pending'))).toEqual(noFactor);
    expect(await seen(app, () => addTotp(app, 'active'))).toEqual(aFactor);
    expect(await seen(passkey, () => addPasskey(passkey))).toEqual(aFactor);
    // the others' passkeys and apps count for nobody else
    const other = await t.world.user();
    expect(await seen(other, () => addTotp(other, 'pending'))).toEqual(noFactor);
  });
});
