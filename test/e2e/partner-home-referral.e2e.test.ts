/**
 * A referral partner's home in the demo world (Tailspin Referrals), at 1366 px and 390 px, by clicks only:
 *   the owner     Home shows the funnel (sign-ups → customers → paying customers), the next payout and
 *                 the agreement waiting for signature; the Earnings page says the same next payout
 *                 (one computation for both pages)
 *   the staff     the funnel of their own codes only, and the same next payout (signing is the owners')
 *   notices       a sign-up through a code is told to the owners and to the staff member whose code it
 *                 was (not to other staff), an approved agreement and a recorded payout to every
 *                 member; each notice opens a page the reader may use
 * No id or permission code on screen, no sideways scroll, no badge cut short, and axe-core finds no
 * serious or critical violation. Screenshots: artifacts/screenshots/partner-home-referral-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPortal, type Portal } from './helpers/portal.ts';
import { check, clickNav, openHome, signedIn, WIDTHS } from './helpers/partner-home.ts';
import { seedDemo, type DemoWorld } from '../../src/demo/demo.seed.ts';
import { Client } from '../helpers/http.ts';

let portal: Portal;
let world: DemoWorld;
const tailspin = () => world.partners.find((p) => p.slug === 'tailspin-referrals')!;

beforeAll(async () => {
  portal = await startPortal();
  world = await seedDemo(portal.t.services);
}, 240_000);
afterAll(() => portal?.close());

async function bellTitles(page: Page): Promise<string[]> {
  await page.getByTestId('bell').click();
  const dropdown = page.getByTestId('bell-dropdown');
  await dropdown.waitFor();
  await dropdown.getByText(/Loading/).waitFor({ state: 'detached' }).catch(() => undefined);
  return dropdown.getByTestId('bell-item').allInnerTexts();
}

describe("a referral partner's home", () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`Tailspin's owner at ${w}px: the funnel and the next payout, the same as on the Earnings page`, { timeout: 180_000 }, async () => {
      const page = await signedIn(portal, tailspin().owner.email, tailspin().owner.password, size);
      await openHome(page, phone);
      await page.getByTestId('funnel').waitFor();
      const text = await check(page, `referral-owner-${w}`);
      expect(await page.getByTestId('funnel-signups-value').innerText()).toBe('3');
      expect(await page.getByTestId('funnel-customers-value').innerText()).toBe('3');
      expect(await page.getByTestId('funnel-paying-value').innerText()).toMatch(/^\d+$/);
      const next = await page.getByTestId('figure-next-payout-value').innerText();
      expect(next).toMatch(/^€[\d,]+\.\d\d$/);
      expect(text).toContain('An agreement waits for your signature');
      // the Earnings page says the same amount for the next payout
      await page.getByTestId('referral-payout').getByRole('link', { name: /Earnings/ }).click();
      await page.waitForURL('**/partner/program/earnings');
      await page.getByTestId('earnings-totals').waitFor();
      expect(await page.getByTestId('earnings-totals').innerText()).toContain(`The next payout pays ${next}`);
      await page.close();
    });

    it(`Tailspin's staff member at ${w}px: the funnel of their own codes and the same next payout`, { timeout: 180_000 }, async () => {
      const page = await signedIn(portal, tailspin().staff.email, tailspin().staff.password, size);
      await openHome(page, phone);
      await page.getByTestId('funnel').waitFor();
      const text = await check(page, `referral-staff-${w}`);
      expect(await page.getByTestId('funnel-signups-value').innerText()).toBe('1');
      expect(text).toContain('Through your own codes');
      // signing is the owners' (the summary names no agreement to sign to staff)
      expect(text).not.toContain('An agreement waits for your signature');
      expect(await page.getByTestId('figure-next-payout-value').innerText()).toMatch(/^€[\d,]+\.\d\d$/);
      await page.close();
    });
  }

  it('tells the partner of a sign-up through its code, an approved agreement and a recorded payout', { timeout: 240_000 }, async () => {
    const t = tailspin();
    const program = world.program as { agreements: { to_sign: { id: string } }; codes: { code: string; created_by: string }[] };
    const staffCode = program.codes.find((c) => c.created_by === 'staff' && c.code.endsWith('W3BN'))!.code;
    const ownerCode = program.codes.find((c) => c.created_by === 'owner' && c.code.endsWith('7KQ2'))!.code;
    // two organizations sign up, one through each code (the public sign-up form's request)
    const anyone = new Client(portal.t.app);
    for (const [name, code] of [['Willow Yoga', staffCode], ['Kestrel Print', ownerCode]]) {
      const r = await anyone.post('/api/v1/signup', { organization_name: name, admin_name: 'Admin', email: `${name.split(' ')[0].toLowerCase()}@example.test`, password: 'a long enough password 1', referral_code: code });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    // the owner signs the new agreement, the operator approves it and records a payout
    const owner = await new Client(portal.t.app).login(t.owner.email, t.owner.password);
    expect((await owner.post(`/api/v1/partners/${t.id}/program/agreements/${program.agreements.to_sign.id}/sign`, { full_name: 'Opal Tailspin', accept: true })).status).toBe(200);
    const operator = await new Client(portal.t.app).login(world.operator.email, world.operator.password);
    expect((await operator.post(`/api/v1/program/agreements/${program.agreements.to_sign.id}/approve`, {})).status).toBe(200);
    const payout = await operator.post('/api/v1/program/payouts', { partner_id: t.id, reference: 'SEPA-TS-2026-11', paid_date: '2026-11-20' });
    expect(payout.status, JSON.stringify(payout.body)).toBe(201);
    await portal.t.services.notifications.worker.dispatchEvents();

    // the owner: all three, and the payout notice opens the Earnings page
    const page = await signedIn(portal, t.owner.email, t.owner.password, WIDTHS[0]);
    const ownerTitles = await bellTitles(page);
    expect(ownerTitles.join('\n')).toMatch(/Willow Yoga signed up with your code/);
    expect(ownerTitles.join('\n')).toMatch(/Kestrel Print signed up with your code/);
    expect(ownerTitles.join('\n')).toContain('Your program agreement was approved');
    expect(ownerTitles.join('\n')).toMatch(/A payout of €[\d,.]+ was recorded/);
    // the newest first: this payout's (the demo recorded an earlier one)
    await page.getByTestId('bell-item').filter({ hasText: /A payout of/ }).first().click();
    await page.waitForURL('**/partner/program/earnings');
    await check(page, 'referral-notice-payout-1366');
    // the payout was paid: nothing is due until new earnings are approved
    await openHome(page, false);
    await page.getByTestId('funnel').waitFor();
    expect(await page.getByTestId('figure-next-payout-value').innerText()).toBe('Nothing due yet');
    expect(await page.getByTestId('funnel-signups-value').innerText()).toBe('5');
    await page.close();

    // the staff member: the sign-up through their own code, not the owner's
    const staff = await signedIn(portal, t.staff.email, t.staff.password, WIDTHS[1]);
    const staffTitles = (await bellTitles(staff)).join('\n');
    expect(staffTitles).toMatch(/Willow Yoga signed up with your code/);
    expect(staffTitles).not.toContain('Kestrel Print');
    await staff.getByTestId('bell-item').filter({ hasText: /Willow Yoga/ }).click();
    await staff.waitForURL('**/partner/program/referrals');
    await staff.getByText('Willow Yoga').first().waitFor();
    await check(staff, 'referral-notice-signup-390');
    await clickNav(staff, true, /^Home/);
    await staff.close();
  });
});
