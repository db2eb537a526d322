/**
 * What the consent side tells people and apps:
 *  - the consent page says, in plain words, when approving will replace the app's existing
 *    connection to the same organisation (approving revokes the earlier consent delegation);
 *  - a signed-in person who administers no customer organisation is turned away, and the app is
 *    told `access_denied` with a description saying an administrator must approve — not that the
 *    customer denied the request (which stays the answer to a customer's "Deny").
 * Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { CALLBACK, authorizeViaHttp, customer, formValue, oidcClient, partnerWithApp, pkce, startOAuthApp, UserAgent, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(async () => {
  await t?.close();
});

async function authorizationUrl(app: RegisteredApp): Promise<string> {
  const config = await oidcClient(t, app.clientId, app.secret);
  const p = await pkce();
  return String(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }));
}

/** Sign in at the authorization server like a browser and stop at the page shown after sign-in. */
async function pageAfterSignIn(app: RegisteredApp, user: { email: string; password: string }) {
  const ua = new UserAgent();
  let url: string | null = await authorizationUrl(app);
  for (let step = 0; step < 10 && url; step++) {
    const page = await ua.request(url);
    if (page.status === 302 || page.status === 303) {
      url = page.location;
      continue;
    }
    if (page.body.includes('name="password"')) {
      const r = await ua.request(`${url.split('?')[0]}/login`, { form: { csrf: formValue(page.body, 'csrf') ?? '', email: user.email, password: user.password } });
      expect(r.status).toBe(303);
      url = r.location;
      continue;
    }
    return { ...page, url, ua };
  }
  throw new Error('no page after sign-in');
}

describe('the consent page', () => {
  it('says when approving replaces the app’s existing connection to the organisation, and only then', async () => {
    const app = await partnerWithApp(t, { name: 'Replacer' });
    const tenant = await customer(t);
    const first = await pageAfterSignIn(app, tenant.admin);
    expect(first.status).toBe(200);
    expect(first.body).toContain('name="ban_ids"');
    expect(first.body).not.toContain('data-testid="replaces-connection"');
    expect(first.body).not.toContain('already connected');

    const cb = await authorizeViaHttp(t, await authorizationUrl(app), tenant.admin);
    expect(cb.searchParams.get('code')).toBeTruthy();
    const before = await t.testDb.db.kysely.selectFrom('delegations').select(['id', 'status']).where('client_id', '=', app.clientId).where('tenant_id', '=', tenant.id).execute();
    expect(before.map((d) => d.status)).toEqual(['active']);

    const second = await pageAfterSignIn(app, tenant.admin);
    expect(second.status).toBe(200);
    expect(second.body).toContain('data-testid="replaces-connection"');
    expect(second.body).toContain(`Replacer is already connected to ${tenant.name}`);
    expect(second.body).toContain('Approving replaces that connection: it ends now');

    // Another organisation has no connection to replace.
    const other = await customer(t);
    expect((await pageAfterSignIn(app, other.admin)).body).not.toContain('data-testid="replaces-connection"');

    // And it is true: approving ends the earlier connection.
    await authorizeViaHttp(t, await authorizationUrl(app), tenant.admin);
    const after = await t.testDb.db.kysely.selectFrom('delegations').select(['id', 'status']).where('id', '=', before[0].id).executeTakeFirstOrThrow();
    expect(after.status).toBe('revoked');
  });
});

describe('turned away or denied: what the app is told', () => {
  it('a person who administers no organisation: access_denied saying an administrator must approve', async () => {
    const app = await partnerWithApp(t);
    const tenant = await customer(t);
    const page = await pageAfterSignIn(app, tenant.user);
    expect(page.status).toBe(403);
    expect(page.body).toContain('An administrator must approve Test app');
    // The refusal page's only button: back to the app.
    const r = await page.ua.request(`${page.url.split('?')[0]}/consent`, { form: { csrf: formValue(page.body, 'csrf') ?? '', decision: 'deny' } });
    const cb = await followToApp(page.ua, r.location);
    expect(cb.origin + cb.pathname).toBe(CALLBACK);
    expect(cb.searchParams.get('error')).toBe('access_denied');
    expect(cb.searchParams.get('error_description')).toMatch(/administrator of the customer organisation must approve/);
    expect(cb.searchParams.get('error_description')).not.toMatch(/customer denied/);
  });

  it('a tenant administrator who clicks Deny: the customer denied the request', async () => {
    const app = await partnerWithApp(t);
    const tenant = await customer(t);
    const cb = await authorizeViaHttp(t, await authorizationUrl(app), tenant.admin, { decision: 'deny' });
    expect(cb.searchParams.get('error')).toBe('access_denied');
    expect(cb.searchParams.get('error_description')).toBe('The customer denied the request.');
  });
});

async function followToApp(ua: UserAgent, location: string | null): Promise<URL> {
  let next = location;
  for (let step = 0; step < 10 && next; step++) {
    if (!next.startsWith(t.url)) return new URL(next);
    const r = await ua.request(next);
    next = r.location;
  }
  throw new Error('did not return to the app');
}
