/**
 * A partner's brand: its owner sets a display name and colours (refused, with the contrast, when
 * not readable on white) and uploads a logo (recognised from its bytes, small, never SVG), served
 * from the database under its content hash with a year-long cache; its customers see it where the
 * operator allows it, and not once the operator switches it off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import type { TestPartner } from '../../helpers/world.ts';
import { GIF, SVG_WITH_SCRIPT, png } from '../../helpers/images.ts';
import { provisionCustomer } from '../plans/helpers.ts';
import { link } from '../gateway/helpers.ts';

let t: TestApp;
let operator: Client;
let partner: TestPartner;
let owner: Client;

type Brand = { display_name: string | null; primary_color: string | null; accent_color: string | null; logo: { url: string; width: number; height: number; content_type: string } | null; customer_branding: string };
type Shown = { brand: { name: string; primary_color: string | null; logo_url: string | null; powered_by: string } | null };

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
  partner = await t.world.partner({ capabilities: ['wholesale', 'managed_services'] });
  owner = await partner.owner.login();
});
afterAll(() => t.close());

const upload = (c: Client, data: Buffer, who = partner.slug) => c.put<Brand & Problem>(`/api/v1/partners/${who}/branding/logo`, { content_base64: data.toString('base64') });

describe('a partner’s brand', () => {
  it('takes a display name and readable colours, and refuses an unreadable one with its contrast', async () => {
    const ok = await owner.patch<Brand>(`/api/v1/partners/${partner.id}/branding`, { display_name: 'Fabrikam Fibre', primary_color: '#1864AB', accent_color: '#2F9E44' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ display_name: 'Fabrikam Fibre', primary_color: '#1864ab', accent_color: '#2f9e44', customer_branding: 'allowed' });

    const pale = await owner.patch<Problem>(`/api/v1/partners/${partner.id}/branding`, { primary_color: '#FFD43B' });
    expect([pale.status, pale.body.code]).toEqual([400, 'brand_contrast_too_low']);
    expect(pale.body.detail).toBe('#FFD43B has a contrast of 1.42:1 with white. The main colour carries white text and colours links, so it needs at least 4.5:1 (WCAG AA). Choose a darker shade.');
    expect(pale.body.errors?.[0]?.pointer).toBe('/body/primary_color');
    expect(pale.body.errors?.[0]?.detail).toBe('#FFD43B has a contrast of 1.42:1 with white; at least 4.5:1 is needed (WCAG AA). Choose a darker shade.');
    // 3:1 is enough for the accent (lines and bars), not for the main colour
    expect((await owner.patch<Brand>(`/api/v1/partners/${partner.id}/branding`, { accent_color: '#f08c00' })).status).toBe(400);
    expect((await owner.patch<Brand>(`/api/v1/partners/${partner.id}/branding`, { accent_color: '#e8590c' })).status).toBe(200);
    expect((await owner.patch<Problem>(`/api/v1/partners/${partner.id}/branding`, { primary_color: 'blue' })).status).toBe(400);
    // nothing of a refused change was kept
    const now = await owner.get<Brand>(`/api/v1/partners/${partner.id}/branding`);
    expect(now.body.primary_color).toBe('#1864ab');
  });

  it('takes a logo recognised from its bytes and serves it under its content hash, cached for a year', async () => {
    const first = png(64, 32);
    const r = await upload(owner, first);
    expect(r.status).toBe(200);
    expect(r.body.logo).toMatchObject({ content_type: 'image/png', width: 64, height: 32 });
    expect(r.body.logo!.url).toMatch(/^\/brand\/logos\/[0-9a-f]{64}\.png$/);
    const file = await t.app.inject({ method: 'GET', url: r.body.logo!.url });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(file.rawPayload, first)).toBe(0);

    // a new logo is a new address; the old one keeps working (e-mails already sent point to it)
    const second = await upload(owner, png(48, 48, [200, 30, 30]));
    expect(second.body.logo!.url).not.toBe(r.body.logo!.url);
    expect((await t.app.inject({ method: 'GET', url: r.body.logo!.url })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/brand/logos/${'0'.repeat(64)}.png` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/brand/logos/..%2F..%2Fetc%2Fpasswd' })).statusCode).toBe(404);
  });

  it('refuses an SVG, another format, a file too large and a logo out of bounds, keeping the logo it had', async () => {
    const before = (await owner.get<Brand>(`/api/v1/partners/${partner.id}/branding`)).body.logo;
    const svg = await upload(owner, SVG_WITH_SCRIPT);
    expect([svg.status, svg.body.code]).toEqual([415, 'logo_type_not_allowed']);
    expect(svg.body.detail).toContain('SVG logos are not accepted');
    const gif = await upload(owner, GIF);
    expect([gif.status, gif.body.code]).toEqual([415, 'logo_type_not_allowed']);
    const text = await upload(owner, Buffer.from('just some text, not an image'));
    expect([text.status, text.body.code]).toEqual([415, 'logo_type_not_allowed']);
    const wide = await upload(owner, png(2000, 20));
    expect([wide.status, wide.body.code]).toEqual([400, 'logo_dimensions_not_allowed']);
    const heavy = await upload(owner, png(64, 64, [0, 0, 0], 300 * 1024));
    expect([heavy.status, heavy.body.code]).toEqual([413, 'logo_too_large']);
    expect((await owner.get<Brand>(`/api/v1/partners/${partner.id}/branding`)).body.logo).toEqual(before);
  });

  it('is read by its staff, changed only by its owner and the operator, and hidden from other partners', async () => {
    const staff = await partner.staff.login();
    expect((await staff.get<Brand>(`/api/v1/partners/${partner.id}/branding`)).status).toBe(200);
    const no = await staff.patch<Problem>(`/api/v1/partners/${partner.id}/branding`, { display_name: 'Mine now' });
    expect(no.status).toBe(403);
    expect((await operator.patch<Brand>(`/api/v1/partners/${partner.slug}/branding`, { display_name: 'Fabrikam Fibre' })).status).toBe(200);
    const other = await t.world.partner();
    const theirs = await (await other.owner.login()).get<Problem>(`/api/v1/partners/${partner.slug}/branding`);
    expect([theirs.status, theirs.body.code]).toEqual([404, 'partner_not_found']);
    const own = await staff.get<Shown>('/api/v1/me/brand');
    expect(own.body.brand).toMatchObject({ name: 'Fabrikam Fibre', primary_color: '#1864ab', powered_by: 'Partnergate' });
    // the operator's switch is the operator's
    expect((await owner.put<Problem>(`/api/v1/partners/${partner.id}/branding/customers`, { allowed: false })).status).toBe(403);
    const ev = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?partner_id=${partner.id}&action=partner.*&limit=50`);
    expect(new Set(ev.body.data.map((e) => e.action))).toEqual(new Set(['partner.branding_changed', 'partner.logo_changed', 'partner.created', 'partner.approved', 'partner.user_added']));
  });

  it('is shown to the customers it resells or manages alone, until the operator switches it off for them', async () => {
    const resold = await provisionCustomer(t, { ...partner });
    const admin = await resold.admin.login();
    const seen = await admin.get<Shown>(`/api/v1/tenants/${resold.id}/brand`);
    expect(seen.body.brand).toMatchObject({ name: 'Fabrikam Fibre', primary_color: '#1864ab', powered_by: 'Partnergate' });
    expect(seen.body.brand!.logo_url).toMatch(/^\/brand\/logos\//);

    // a customer managed by this partner alone sees it; one managed by two partners sees the provider's look
    const managed = await t.world.tenant();
    await link(t, partner, managed);
    const managedAdmin = await managed.admin.login();
    expect((await managedAdmin.get<Shown>(`/api/v1/tenants/${managed.id}/brand`)).body.brand?.name).toBe('Fabrikam Fibre');
    const second = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, second, managed);
    expect((await managedAdmin.get<Shown>(`/api/v1/tenants/${managed.id}/brand`)).body.brand).toBeNull();
    // another tenant's brand answers as a missing tenant
    const stranger = await admin.get<Problem>(`/api/v1/tenants/${managed.id}/brand`);
    expect([stranger.status, stranger.body.code]).toEqual([404, 'tenant_not_found']);

    const off = await operator.put<Brand>(`/api/v1/partners/${partner.id}/branding/customers`, { allowed: false, reason: 'Co-branding contract not signed' });
    expect(off.body).toMatchObject({ customer_branding: 'off' });
    expect((await admin.get<Shown>(`/api/v1/tenants/${resold.id}/brand`)).body.brand).toBeNull();
    // its own people still see it
    expect((await owner.get<Shown>('/api/v1/me/brand')).body.brand?.name).toBe('Fabrikam Fibre');
    await operator.put(`/api/v1/partners/${partner.id}/branding/customers`, { allowed: true });
    expect((await admin.get<Shown>(`/api/v1/tenants/${resold.id}/brand`)).body.brand?.name).toBe('Fabrikam Fibre');
    // a suspended partner's brand is not shown to its customers
    await operator.post(`/api/v1/partners/${partner.id}/suspend`, { reason: 'unpaid' });
    expect((await admin.get<Shown>(`/api/v1/tenants/${resold.id}/brand`)).body.brand).toBeNull();
    await operator.post(`/api/v1/partners/${partner.id}/reactivate`, {});
  });
});
