/**
 * Browser journeys of strong authentication, in Chromium at 1366 px and 390 px:
 *  - a user sets up an authenticator app from Account → Security (QR code and typed key; codes
 *    made with otpauth), saves the recovery codes shown once, and signs in again with a code;
 *  - a user adds a passkey with Chromium's virtual authenticator (CDP WebAuthn) and signs in with it;
 *  - "Forgot password?": the link e-mailed through a real SMTP server in this test sets a new password;
 *  - the operator's and a tenant's MFA policies.
 * Every screen photographed is walked by axe-core too (no serious or critical finding).
 * The portal is served at http://localhost:PORT (WebAuthn's relying party is a domain, not an IP).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as OTPAuth from 'otpauth';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { login, logout, screenshot, startPortal, toggleSwitch, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { seriousViolations } from './helpers/axe.ts';
import { until } from '../api/gateway/helpers.ts';

let portal: Portal;
let smtp: SMTPServer;
const inbox: { to: string[]; raw: string }[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  portal = await startPortal({ SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` }, { localhost: true });
});
afterAll(async () => {
  await portal?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

const code = (secret: string, offsetMs = 0) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offsetMs });

/** Both widths: a screenshot each, and no horizontal scrolling. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const [w, h, tag] of [
    [1366, 900, 'laptop'],
    [390, 844, 'phone'],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await settled(page);
    await screenshot(page, `mfa-${name}-${tag}`);
    await expectNoSidewaysScroll(page, `${name} at ${w} px`);
    expect(await seriousViolations(page), `${name} at ${w} px: serious or critical accessibility problems`).toEqual([]);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

async function typeCode(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).locator('input').first().click();
  await page.keyboard.type(value);
}

describe('authenticator app', () => {
  it('is set up from Account → Security with its QR code, and asked for at the next sign-in', { timeout: 90_000 }, async () => {
    const u = await portal.t.world.user();
    const page = await portal.newPage();
    await login(page, u.email, u.password);
    await page.getByTestId('nav-account').getByRole('link', { name: 'Security' }).click();
    await page.getByText('Two-step verification is off').waitFor();
    await shoot(page, 'security-empty');

    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByTestId('totp-qr').waitFor();
    const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await shoot(page, 'totp-setup');
    await typeCode(page, 'totp-confirm-code', code(secret));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    const codes = page.getByTestId('recovery-codes');
    await codes.waitFor();
    const shown = (await codes.innerText()).split(/\s+/).filter(Boolean);
    expect(shown).toHaveLength(10);
    await shoot(page, 'recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('Two-step verification is on', { exact: true }).waitFor();
    await page.getByText('10 of 10 codes left').waitFor().catch(async () => expect(await page.getByTestId('recovery-card').innerText()).toContain('10 of 10'));
    await shoot(page, 'security-on');

    // Sign in again: the password, then a code (the next time step: the one used above is spent).
    await logout(page);
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel(/^Password/).fill(u.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Two-step verification').first().waitFor();
    await shoot(page, 'second-step');
    // a wrong code first: said in words
    await typeCode(page, 'totp-code', '000000');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('error-alert').waitFor();
    expect(await page.getByTestId('error-alert').innerText()).toMatch(/code/i);
    await typeCode(page, 'totp-code', code(secret, 30_000));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('user-menu').waitFor();

    // A recovery code works too, once.
    await logout(page);
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel(/^Password/).fill(u.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(shown[0]);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('user-menu').waitFor();
    await page.goto('/account/security');
    await page.getByText('9 of 10 codes left', { exact: false }).waitFor().catch(async () => expect(await page.getByTestId('recovery-card').innerText()).toContain('9'));
  });
});

describe('passkeys', () => {
  it('a passkey is added with a name and signs in (Chromium virtual authenticator)', { timeout: 90_000 }, async () => {
    const u = await portal.t.world.user();
    const page = await portal.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await login(page, u.email, u.password);
    await page.goto('/account/security');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('dialog').getByLabel(/^Name/).fill('Work laptop');
    await page.getByRole('dialog').getByRole('button', { name: 'Continue' }).click();
    await page.locator('[data-testid="passkeys-table"] [data-passkey="Work laptop"]').first().waitFor();
    await page.getByText('Two-step verification is on', { exact: true }).waitFor();
    await shoot(page, 'passkey-added');

    await logout(page);
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel(/^Password/).fill(u.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByTestId('user-menu').waitFor();
    await page.goto('/account/security');
    const row = page.locator('[data-testid="passkeys-table"] [data-passkey="Work laptop"]').first();
    await row.waitFor();
    expect(await row.innerText()).not.toContain('never');
    const events = await portal.t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', u.id).execute();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['user.mfa_passkey_added', 'user.logged_in']));
  });
});

describe('forgot password', () => {
  it('the e-mailed link sets a new password', { timeout: 90_000 }, async () => {
    const u = await portal.t.world.user();
    const page = await portal.newPage();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    // the login form's own Email field is gone only once the new page is there
    await page.getByText('Forgot your password?').waitFor();
    await page.getByLabel('Email').fill(u.email);
    await shoot(page, 'forgot-password');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByTestId('reset-sent').waitFor();
    await until('the reset mail', async () => inbox.some((m) => m.to.includes(u.email)), 15_000);
    const mail = inbox.find((m) => m.to.includes(u.email));
    const parsed = await simpleParser(mail!.raw);
    const link = /http:\/\/localhost:\d+\/reset-password\?token=[A-Za-z0-9_%-]+/.exec(parsed.text ?? '')![0];
    await page.goto(link);
    await page.getByText(`For ${u.email}`).waitFor();
    await page.getByLabel(/^New password/).fill('a completely new passphrase');
    await page.getByLabel(/^Repeat the new password/).fill('a completely new passphrase');
    await shoot(page, 'reset-password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByTestId('reset-done').waitFor();
    // the link worked once
    await page.goto(link);
    await page.getByText('This link does not work').waitFor();
    await login(page, u.email, 'a completely new passphrase');
  });
});

describe('MFA policies', () => {
  it('the operator requires MFA of a partner; a tenant requires it of the partners acting on it', { timeout: 90_000 }, async () => {
    const partner = await portal.t.world.partner({ capabilities: ['managed_services'] });
    const op = await portal.t.world.operator();
    const page = await portal.newPage();
    await login(page, op.email, op.password);
    await page.getByTestId('nav-operator').getByRole('link', { name: 'Sign-in security' }).click();
    await page.getByRole('textbox', { name: 'Partner', exact: true }).or(page.locator('input[placeholder="Choose a partner"]')).first().click();
    await page.getByRole('option', { name: partner.name }).click();
    await page.getByRole('button', { name: 'Require two-step verification' }).click();
    await page.locator(`[data-testid="partner-mfa-table"] [data-partner="${partner.name}"]`).first().waitFor();
    await shoot(page, 'operator-policy');
    expect(portal.t.services.authz.snapshot.mfa.partners.has(partner.id)).toBe(true);

    // the partner's staff see why on their Security page
    const staff = await portal.newPage();
    await login(staff, partner.staff.email, partner.staff.password);
    await staff.goto('/account/security');
    await staff.getByTestId('mfa-required-banner').waitFor();
    await shoot(staff, 'required-banner');

    const tenant = await portal.t.world.tenant();
    const admin = await portal.newPage();
    await login(admin, tenant.admin.email, tenant.admin.password);
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Partners with access' }).click();
    const sw = admin.getByRole('switch', { name: 'Partner people must use two-step verification' });
    await toggleSwitch(sw);
    await admin.getByText('Partner people now need two-step verification').waitFor();
    await shoot(admin, 'tenant-policy');
    expect(portal.t.services.authz.snapshot.mfa.tenants.has(tenant.id)).toBe(true);
  });
});
