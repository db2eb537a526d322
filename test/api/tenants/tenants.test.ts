/** Tenants, members and billing accounts — and the wall between tenants. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
});
afterAll(() => t.close());

describe('tenants (operator)', () => {
  it('the operator creates a tenant with its first admin invited, and it is audited', async () => {
    const slug = unique('isp');
    const r = await operator.post<'/api/v1/tenants'>('/api/v1/tenants', { name: 'Gamma Fiber', slug, admin: { email: `${slug}@example.test` } });
    expect(r.status).toBe(201);
    expect(r.body.tenant).toMatchObject({ slug, name: 'Gamma Fiber', status: 'active' });
    expect(r.body.invitation).toMatchObject({ id: expect.stringMatching(/^inv_/), email: `${slug}@example.test`, role: 'TENANT_ADMIN', url: expect.stringContaining('/invite/') });
    // The admin joins when they accept; until then the invitation waits.
    expect((await operator.get<'/api/v1/tenants/{tenant_id}/members'>(`/api/v1/tenants/${r.body.tenant.id}/members`)).body.data).toEqual([]);
    const pending = await operator.get<'/api/v1/tenants/{tenant_id}/invitations'>(`/api/v1/tenants/${r.body.tenant.id}/invitations`);
    expect(pending.body.data).toEqual([expect.objectContaining({ id: r.body.invitation?.id, email: `${slug}@example.test`, role: 'TENANT_ADMIN' })]);
    const events = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?tenant_id=${r.body.tenant.id}`);
    expect(events.body.data.map((e: { action: string }) => e.action)).toEqual(['tenant.member_invited', 'tenant.created']);
  });

  it('search matches the text literally: _ and % are not wildcards (on both databases)', async () => {
    const tag = unique('lit').replace(/[^a-z0-9]/g, '');
    const names = [`Under_score ${tag}`, `Underxscore ${tag}`, `Fifty%Off ${tag}`, `FiftyPercentOff ${tag}`];
    for (const [i, name] of names.entries()) {
      expect((await operator.post<'/api/v1/tenants'>('/api/v1/tenants', { name, slug: `${tag}-${i}` })).status).toBe(201);
    }
    const search = async (q: string) => {
      const r = await operator.get<'/api/v1/tenants'>(`/api/v1/tenants?q=${encodeURIComponent(q)}`);
      expect(r.status).toBe(200);
      return r.body.data.map((x: { name: string }) => x.name).sort();
    };
    expect(await search(`r_score ${tag}`)).toEqual([`Under_score ${tag}`]);
    expect(await search(`y%off ${tag}`)).toEqual([`Fifty%Off ${tag}`]);
    expect(await search(tag)).toHaveLength(4);
    expect(await search(`\\ ${tag}`)).toEqual([]);
  });

  it('only the operator creates tenants or changes their status', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const r = await admin.post<Problem>('/api/v1/tenants', { name: 'Nope', slug: unique('nope') });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('permission_denied');
    const s = await admin.patch<Problem>(`/api/v1/tenants/${tenant.id}`, { status: 'suspended' });
    expect(s.status).toBe(403);
    expect(s.body.code).toBe('tenant_status_forbidden');
    const ok = await operator.patch<'/api/v1/tenants/{tenant_id}'>(`/api/v1/tenants/${tenant.id}`, { status: 'suspended' });
    expect(ok.body.status).toBe('suspended');
    const ev = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?tenant_id=${tenant.id}&action=tenant.suspended`);
    expect(ev.body.data).toHaveLength(1);
  });

  it('lists all tenants for the operator and only their own for members', async () => {
    const a = await t.world.tenant();
    const b = await t.world.tenant();
    const all = await operator.get<'/api/v1/tenants'>('/api/v1/tenants?limit=200');
    expect(all.body.data.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    const mine = await (await a.admin.login()).get<'/api/v1/tenants'>('/api/v1/tenants');
    expect(mine.body.data.map((x: { id: string }) => x.id)).toEqual([a.id]);
  });

  it('paginates with a cursor', async () => {
    for (let i = 0; i < 3; i++) await t.world.tenant({ bans: 0 });
    const p1 = await operator.get<'/api/v1/tenants'>('/api/v1/tenants?limit=2');
    expect(p1.body.data).toHaveLength(2);
    expect(p1.body.next_cursor).toEqual(expect.any(String));
    const p2 = await operator.get<'/api/v1/tenants'>(`/api/v1/tenants?limit=2&cursor=${p1.body.next_cursor}`);
    expect(p2.body.data[0].id > p1.body.data[1].id).toBe(true);
  });
});

describe('tenant admin: members and billing accounts', () => {
  let tenant: TestTenant;
  let admin: Client;
  beforeAll(async () => {
    tenant = await t.world.tenant();
    admin = await tenant.admin.login();
  });

  it('reads its tenant; members of any role read it', async () => {
    expect((await admin.get<'/api/v1/tenants/{tenant_id}'>(`/api/v1/tenants/${tenant.id}`)).body.slug).toBe(tenant.slug);
    expect((await (await tenant.user.login()).get<'/api/v1/tenants/{tenant_id}'>(`/api/v1/tenants/${tenant.id}`)).status).toBe(200);
  });

  it('invites an existing user, who accepts; changes the role, and removes them', async () => {
    const u = await t.world.user();
    const r = await admin.post<'/api/v1/tenants/{tenant_id}/members'>(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_USER' });
    expect(r.status).toBe(201);
    const invitee = await u.login();
    expect((await invitee.post<'/api/v1/me/invitations/{invitation_id}/accept'>(`/api/v1/me/invitations/${r.body.invitation.id}/accept`)).status).toBe(200);
    const dup = await admin.post<Problem>(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_USER' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('already_tenant_member');
    expect((await admin.patch<'/api/v1/tenants/{tenant_id}/members/{user_id}'>(`/api/v1/tenants/${tenant.id}/members/${u.id}`, { role: 'TENANT_ADMIN' })).status).toBe(204);
    expect((await admin.delete<'/api/v1/tenants/{tenant_id}/members/{user_id}'>(`/api/v1/tenants/${tenant.id}/members/${u.id}`)).status).toBe(204);
    const gone = await admin.delete<Problem>(`/api/v1/tenants/${tenant.id}/members/${u.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('tenant_member_not_found');
    const actions = (await admin.get<'/api/v1/tenants/{tenant_id}/audit-events'>(`/api/v1/tenants/${tenant.id}/audit-events?target_id=${u.id}`)).body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['tenant.member_removed', 'tenant.member_role_changed', 'invitation.accepted', 'tenant.member_added']);
  });

  it('keeps at least one admin', async () => {
    const r = await admin.delete<Problem>(`/api/v1/tenants/${tenant.id}/members/${tenant.admin.id}`);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('last_tenant_admin');
    const d = await admin.patch<Problem>(`/api/v1/tenants/${tenant.id}/members/${tenant.admin.id}`, { role: 'TENANT_USER' });
    expect(d.body.code).toBe('last_tenant_admin');
  });

  it('opens, renames and closes billing accounts; numbers are unique', async () => {
    const r = await admin.post<'/api/v1/tenants/{tenant_id}/billing-accounts'>(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'Branch office', currency: 'EUR' });
    expect(r.status).toBe(201);
    expect(r.body.account_number).toMatch(/^BAN-\d{10}$/);
    const dup = await admin.post<Problem>(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'Copy', account_number: r.body.account_number });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('account_number_taken');
    const closed = await admin.patch<'/api/v1/tenants/{tenant_id}/billing-accounts/{ban_id}'>(`/api/v1/tenants/${tenant.id}/billing-accounts/${r.body.id}`, { status: 'closed', name: 'Old branch' });
    expect(closed.body).toMatchObject({ status: 'closed', name: 'Old branch' });
    const list = await admin.get<'/api/v1/tenants/{tenant_id}/billing-accounts'>(`/api/v1/tenants/${tenant.id}/billing-accounts`);
    expect(list.body.data).toHaveLength(3);
    const ev = await admin.get<'/api/v1/tenants/{tenant_id}/audit-events'>(`/api/v1/tenants/${tenant.id}/audit-events?action=billing_account.*`);
    expect(ev.body.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['billing_account.closed', 'billing_account.created']));
  });

  it('a tenant user reads but does not administer', async () => {
    const user = await tenant.user.login();
    expect((await user.get<'/api/v1/tenants/{tenant_id}/billing-accounts'>(`/api/v1/tenants/${tenant.id}/billing-accounts`)).status).toBe(200);
    for (const r of [
      await user.get<Problem>(`/api/v1/tenants/${tenant.id}/members`),
      await user.post<Problem>(`/api/v1/tenants/${tenant.id}/members`, { email: 'x@example.test', role: 'TENANT_ADMIN' }),
      await user.post<Problem>(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: 'x' }),
      await user.patch<Problem>(`/api/v1/tenants/${tenant.id}`, { name: 'Renamed' }),
      await user.get<Problem>(`/api/v1/tenants/${tenant.id}/audit-events`),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('permission_denied');
    }
  });
});

describe('tenant isolation', () => {
  it('a tenant admin of A can neither read nor change anything of B: every route answers as if B did not exist', async () => {
    const a = await t.world.tenant();
    const b = await t.world.tenant();
    const admin = await a.admin.login();
    const bBan = b.bans[0].id;
    const attempts = [
      await admin.get<Problem>(`/api/v1/tenants/${b.id}`),
      await admin.patch<Problem>(`/api/v1/tenants/${b.id}`, { name: 'Hijacked' }),
      await admin.get<Problem>(`/api/v1/tenants/${b.id}/members`),
      await admin.post<Problem>(`/api/v1/tenants/${b.id}/members`, { email: 'spy@example.test', role: 'TENANT_ADMIN' }),
      await admin.patch<Problem>(`/api/v1/tenants/${b.id}/members/${b.admin.id}`, { role: 'TENANT_USER' }),
      await admin.delete<Problem>(`/api/v1/tenants/${b.id}/members/${b.user.id}`),
      await admin.get<Problem>(`/api/v1/tenants/${b.id}/billing-accounts`),
      await admin.get<Problem>(`/api/v1/tenants/${b.id}/billing-accounts/${bBan}`),
      await admin.post<Problem>(`/api/v1/tenants/${b.id}/billing-accounts`, { name: 'x' }),
      await admin.patch<Problem>(`/api/v1/tenants/${b.id}/billing-accounts/${bBan}`, { status: 'closed' }),
      await admin.get<Problem>(`/api/v1/tenants/${b.id}/audit-events`),
      // B's billing account addressed through A's own tenant
      await admin.get<Problem>(`/api/v1/tenants/${a.id}/billing-accounts/${bBan}`),
      await admin.patch<Problem>(`/api/v1/tenants/${a.id}/billing-accounts/${bBan}`, { status: 'closed' }),
    ];
    const missing = await admin.get<Problem>('/api/v1/tenants/tnt_01jd9x0a8q4m7w2k3v5b6c8d9e');
    for (const r of attempts) {
      expect(r.status).toBe(404);
      expect(['tenant_not_found', 'billing_account_not_found']).toContain(r.body.code);
    }
    // indistinguishable from a tenant that does not exist
    expect(attempts[0].body.detail).toBe(missing.body.detail);
    // and nothing changed
    const bNow = await t.services.tenants.getTenant(b.id);
    expect(bNow?.name).toBe(b.name);
    expect((await t.services.tenants.listMembers(b.id)).map((m) => m.role).sort()).toEqual(['TENANT_ADMIN', 'TENANT_USER']);
    expect((await t.services.tenants.requireBillingAccount(b.id, bBan)).status).toBe('active');
  });

  it("a tenant admin never sees another tenant's audit events", async () => {
    const a = await t.world.tenant();
    const b = await t.world.tenant();
    const admin = await a.admin.login();
    const r = await admin.get<'/api/v1/tenants/{tenant_id}/audit-events'>(`/api/v1/tenants/${a.id}/audit-events?limit=200`);
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBeGreaterThan(0);
    for (const e of r.body.data) expect(e.tenant_id).toBe(a.id);
    expect(JSON.stringify(r.body)).not.toContain(b.id);
  });
});
