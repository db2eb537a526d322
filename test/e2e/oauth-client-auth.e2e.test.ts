/**
 * The app registration's "how your app proves who it is" chooser, in the browser: what the owner
 * picks is what the authorization server then accepts, and the other way of sending the same
 * secret is refused with a description naming the registered one; a private key needs a valid
 * public JWKS, explained in words when it is not one, and gets no secret.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { login, oneTimeSecret, screenshot, startPortal, type Portal } from './helpers/portal.ts';

let portal: Portal;
beforeAll(async () => {
  portal = await startPortal();
});
afterAll(() => portal?.close());

/** An introspection call (client authentication only) with the secret sent one way or the other. */
async function introspect(clientId: string, secret: string, how: 'basic' | 'post'): Promise<{ status: number; error?: string; error_description?: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = new URLSearchParams({ token: 'not-a-real-token' });
  if (how === 'basic') headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  else {
    form.set('client_id', clientId);
    form.set('client_secret', secret);
  }
  const r = await fetch(`${portal.url}/oauth/token/introspection`, { method: 'POST', headers, body: form.toString() });
  return { status: r.status, ...((await r.json()) as { error?: string; error_description?: string }) };
}

async function openRegistration(email: string, password: string) {
  const page = await portal.newPage();
  await login(page, email, password);
  await page.getByTestId('nav-partner').getByRole('link', { name: 'OAuth apps' }).click();
  await page.getByRole('button', { name: 'Register an app' }).click();
  const dialog = page.getByRole('dialog');
  return { page, dialog };
}

async function pickScope(page: Page, dialog: Locator): Promise<void> {
  await dialog.getByLabel(/^Scopes the app may ask for/).click();
  await page.getByRole('option', { name: /^orders\.read —/ }).click();
  await dialog.getByLabel(/^Name/).click(); // close the dropdown
}

describe('how a partner app proves who it is', () => {
  it('by default a secret is taken in the Authorization header and in the request body, and the apps page says so', { timeout: 120_000 }, async () => {
    const partner = await portal.t.world.partner({ capabilities: ['delegated'] });
    const { page, dialog } = await openRegistration(partner.owner.email, partner.owner.password);
    await dialog.getByLabel(/^Name/).fill('Tailspin Sync');
    await dialog.getByLabel(/^Redirect URIs/).fill('https://tailspin-sync.example/callback');
    await pickScope(page, dialog);
    expect(await dialog.getByRole('radio', { name: /A secret, in the Authorization header or the request body/ }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: /^Register/ }).click();
    const secret = await oneTimeSecret(page);

    const apps = await (await partner.owner.login()).get(`/api/v1/partners/${partner.id}/apps`);
    const app = apps.body.data.find((a: { name: string }) => a.name === 'Tailspin Sync');
    expect(app.token_endpoint_auth_methods).toEqual(['client_secret_basic', 'client_secret_post']);
    expect((await introspect(app.client_id, secret, 'post')).status).toBe(200);
    expect((await introspect(app.client_id, secret, 'basic')).status).toBe(200);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('app-authentication').first().innerText()).toBe('Client secret, in the Authorization header or the request body');
  });

  it('an app registered to send its secret in the request body is admitted that way and refused the other, with a reason', { timeout: 120_000 }, async () => {
    const partner = await portal.t.world.partner({ capabilities: ['delegated'] });
    const { page, dialog } = await openRegistration(partner.owner.email, partner.owner.password);
    await dialog.getByLabel(/^Name/).fill('Contoso Sync');
    await dialog.getByLabel(/^Redirect URIs/).fill('https://contoso-sync.example/callback');
    await pickScope(page, dialog);
    // the three ways, in words
    for (const name of [/A secret, sent in the Authorization header/, /A secret, sent in the request body/, /A signed statement, made with a private key/]) {
      expect(await dialog.getByRole('radio', { name }).count()).toBe(1);
    }
    await dialog.getByRole('radio', { name: /A secret, sent in the request body/ }).check();
    await screenshot(page, 'oauth-app-client-auth-chooser');
    await dialog.getByRole('button', { name: /^Register/ }).click();
    const secret = await oneTimeSecret(page);

    const apps = await (await partner.owner.login()).get(`/api/v1/partners/${partner.id}/apps`);
    const app = apps.body.data.find((a: { name: string }) => a.name === 'Contoso Sync');
    expect(app.token_endpoint_auth_method).toBe('client_secret_post');
    expect((await introspect(app.client_id, secret, 'post')).status).toBe(200);
    const refused = await introspect(app.client_id, secret, 'basic');
    expect(refused).toMatchObject({ status: 401, error: 'invalid_client' });
    expect(refused.error_description).toContain('registered for client_secret_post');
  });

  it('a private key needs the app\'s public keys: a bad entry is explained in words, a good one registers with no secret', { timeout: 120_000 }, async () => {
    const partner = await portal.t.world.partner({ capabilities: ['delegated'] });
    const { page, dialog } = await openRegistration(partner.owner.email, partner.owner.password);
    await dialog.getByLabel(/^Name/).fill('Fabrikam Signed Client');
    await dialog.getByLabel(/^Redirect URIs/).fill('https://fabrikam-signed.example/callback');
    await pickScope(page, dialog);
    await dialog.getByRole('radio', { name: /A signed statement, made with a private key/ }).check();
    const keys = dialog.getByLabel(/public keys \(JWKS\)/);
    await keys.fill('my private key');
    await expect.poll(() => dialog.getByText('Not valid JSON.').count()).toBe(1);
    expect(await dialog.getByRole('button', { name: /^Register/ }).isDisabled()).toBe(true);
    await keys.fill('{"key": "one"}');
    await expect.poll(() => dialog.getByText('A JWKS is an object with a "keys" list.').count()).toBe(1);

    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'fabrikam-1', use: 'sig', alg: 'ES256' };
    await keys.fill(JSON.stringify({ keys: [jwk] }));
    await screenshot(page, 'oauth-app-private-key-jwks');
    await dialog.getByRole('button', { name: /^Register/ }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(await page.getByTestId('one-time-secret').count()).toBe(0);

    const apps = await (await partner.owner.login()).get(`/api/v1/partners/${partner.id}/apps`);
    const app = apps.body.data.find((a: { name: string }) => a.name === 'Fabrikam Signed Client');
    expect(app).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [expect.objectContaining({ kid: 'fabrikam-1', kty: 'EC' })] } });
    await page.getByText('Fabrikam Signed Client').first().waitFor();
  });
});
