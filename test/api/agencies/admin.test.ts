/**
 * The tenant admin API for agencies and their form tokens: who may use it, what it stores,
 * that the secret is shown once, rotation and revocation, form configuration, and the audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { agencyWithToken, DEFAULT_FORM } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('agencies', () => {
  it('a tenant admin creates, lists, renames and deactivates agencies; names are unique per tenant', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const base = `/api/v1/tenants/${tenant.id}/agencies`;

    const created = await admin.post(base, { name: 'Sunrise Travel' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^agy_/), tenant_id: tenant.id, name: 'Sunrise Travel', status: 'active' });
    const id = created.body.id;

    const dup = await admin.post(base, { name: 'Sunrise Travel' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('agency_name_taken');

    // the same name in another tenant is fine
    const other = await t.world.tenant();
    expect((await (await other.admin.login()).post(`/api/v1/tenants/${other.id}/agencies`, { name: 'Sunrise Travel' })).status).toBe(201);

    const list = await admin.get(base);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([expect.objectContaining({ id, name: 'Sunrise Travel', status: 'active', active_tokens: 0, total_tokens: 0, last_used_at: null })]);

    const renamed = await admin.patch(`${base}/${id}`, { name: 'Sunrise Travel Ltd' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Sunrise Travel Ltd');

    const off = await admin.patch(`${base}/${id}`, { status: 'inactive' });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('inactive');
    expect((await admin.get(`${base}/${id}`)).body.status).toBe('inactive');

    const noToken = await admin.post(`${base}/${id}/tokens`, { form_config: DEFAULT_FORM });
    expect(noToken.status).toBe(409);
    expect(noToken.body.code).toBe('agency_not_active');

    const audit = await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?limit=50`);
    const actions = audit.body.data.filter((e: { target: { id: string } }) => e.target.id === id).map((e: { action: string }) => e.action);
    expect(actions).toEqual(['agency.deactivated', 'agency.updated', 'agency.created']);
  });

  it('refuses tenant users (403), admins of other tenants (404 tenant) and other tenants’ agencies (404 agency)', async () => {
    const a = await agencyWithToken(t);
    const user = await a.tenant.user.login();
    for (const r of [
      await user.get(`/api/v1/tenants/${a.tenant.id}/agencies`),
      await user.post(`/api/v1/tenants/${a.tenant.id}/agencies`, { name: 'X' }),
      await user.post(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}/revoke`),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('permission_denied');
    }

    const b = await agencyWithToken(t);
    const cross = await b.admin.get(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}`);
    expect(cross.status).toBe(404);
    expect(cross.body.code).toBe('tenant_not_found');

    // B's admin naming A's agency under B's own tenant: it does not exist there
    for (const r of [
      await b.admin.get(`/api/v1/tenants/${b.tenant.id}/agencies/${a.agencyId}`),
      await b.admin.get(`/api/v1/tenants/${b.tenant.id}/agencies/${a.agencyId}/tokens`),
      await b.admin.patch(`/api/v1/tenants/${b.tenant.id}/agencies/${a.agencyId}`, { status: 'inactive' }),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('agency_not_found');
    }
    for (const r of [
      await b.admin.post(`/api/v1/tenants/${b.tenant.id}/agencies/${b.agencyId}/tokens/${a.tokenId}/revoke`),
      await b.admin.post(`/api/v1/tenants/${b.tenant.id}/agencies/${b.agencyId}/tokens/${a.tokenId}/rotate`),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('agency_token_not_found');
    }
    // A's token still works: nothing above touched it
    expect((await a.embed.get('/embed/v1/form')).status).toBe(200);
  });
});

describe('form tokens', () => {
  it('are shown once with a recognisable prefix and never listed again', async () => {
    const a = await agencyWithToken(t);
    expect(a.token).toMatch(/^pgagt_[0-9A-Za-z]{49}$/);
    const list = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens`);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    const [row] = list.body.data;
    expect(row).toMatchObject({ id: a.tokenId, label: 'Web form', status: 'active', token_prefix: a.token.slice(0, 12), form_config: DEFAULT_FORM, last_used_at: null });
    expect(row).not.toHaveProperty('token');
    expect(JSON.stringify(list.body)).not.toContain(a.token);
    const one = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}`);
    expect(JSON.stringify(one.body)).not.toContain(a.token);

    const stored = await t.services.db.kysely.selectFrom('partner_tokens').selectAll().where('id', '=', a.tokenId).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(t.services.hasher.hash(a.token));
    expect(stored.token_hash).not.toContain(a.token.slice(6, 20));
  });

  it('validate the form configuration against the voucher catalog', async () => {
    const a = await agencyWithToken(t);
    const base = `/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens`;
    const unknown = await a.admin.post(base, { form_config: { allowed_voucher_types: ['credit_10', 'free_car'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('voucher_type_unknown');
    const empty = await a.admin.post(base, { form_config: { allowed_voucher_types: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('validation_failed');
    const extra = await a.admin.post(base, { form_config: { allowed_voucher_types: ['credit_10'], html: '<b>' } });
    expect(extra.status).toBe(400);
    expect(extra.body.code).toBe('validation_failed');
  });

  it('form configuration changes reach the running form on its next request, and are audited', async () => {
    const a = await agencyWithToken(t);
    const r = await a.admin.patch(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}`, {
      label: 'Spring campaign',
      form_config: { allowed_voucher_types: ['speed_boost_1m'], intro_text: '  Spring offer  ', rules_list: ['Only in spring.', '   '] },
    });
    expect(r.status).toBe(200);
    expect(r.body.form_config).toEqual({ allowed_voucher_types: ['speed_boost_1m'], intro_text: 'Spring offer', rules_list: ['Only in spring.'] });
    const form = await a.embed.get('/embed/v1/form');
    expect(form.status).toBe(200);
    expect(form.body.form).toMatchObject({ label: 'Spring campaign', intro_text: 'Spring offer', rules_list: ['Only in spring.'] });
    expect(form.body.form.voucher_types.map((x: { id: string }) => x.id)).toEqual(['speed_boost_1m']);
    const refused = await a.embed.post('/embed/v1/vouchers', { type: 'credit_10' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('voucher_type_not_allowed');

    const audit = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/audit-events?action=agency_token.updated`);
    expect(audit.body.data[0]).toMatchObject({ action: 'agency_token.updated', target: { type: 'agency_token', id: a.tokenId } });
  });

  it('rotation gives a new secret for the same form and kills the old one at once', async () => {
    const a = await agencyWithToken(t);
    const base = `/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}`;
    const rotated = await a.admin.post(`${base}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: a.tokenId, status: 'active', form_config: DEFAULT_FORM, rotated_at: expect.any(String) });
    expect(rotated.body.token).toMatch(/^pgagt_/);
    expect(rotated.body.token).not.toBe(a.token);

    const old = await a.embed.get('/embed/v1/form');
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('agency_token_invalid');
    const fresh = t.client();
    fresh.bearer = rotated.body.token;
    expect((await fresh.get('/embed/v1/form')).status).toBe(200);

    const audit = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/audit-events?action=agency_token.rotated`);
    expect(audit.body.data[0].details).toEqual({ agency_id: a.agencyId, previous_prefix: a.token.slice(0, 12), token_prefix: rotated.body.token.slice(0, 12) });
    expect(JSON.stringify(audit.body)).not.toContain(rotated.body.token);
  });

  it('revocation is final: the next request is refused, revoking again changes nothing, a revoked token cannot be rotated', async () => {
    const a = await agencyWithToken(t);
    const base = `/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}`;
    expect((await a.embed.get('/embed/v1/form')).status).toBe(200);
    const revoked = await a.admin.post(`${base}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revoked_at: expect.any(String) });

    const next = await a.embed.get('/embed/v1/form');
    expect(next.status).toBe(401);
    expect(next.body.code).toBe('agency_token_revoked');

    const again = await a.admin.post(`${base}/revoke`);
    expect(again.status).toBe(200);
    expect(again.body.revoked_at).toBe(revoked.body.revoked_at);
    const rotate = await a.admin.post(`${base}/rotate`);
    expect(rotate.status).toBe(409);
    expect(rotate.body.code).toBe('agency_token_already_revoked');

    const audit = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/audit-events?action=agency_token.revoked`);
    expect(audit.body.data.filter((e: { target: { id: string } }) => e.target.id === a.tokenId)).toHaveLength(1);
  });

  it("every admin change to an agency or its tokens carries the agency's id, so the tenant's audit filtered by agency finds the whole story", async () => {
    const a = await agencyWithToken(t);
    const other = await agencyWithToken(t, { tenant: a.tenant, admin: a.admin });
    const base = `/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}`;
    expect((await a.admin.patch(`${base}/tokens/${a.tokenId}`, { label: 'Booking page' })).status).toBe(200);
    expect((await a.admin.post(`${base}/tokens/${a.tokenId}/rotate`)).status).toBe(200);
    const rotated = await a.admin.get(`${base}/tokens/${a.tokenId}`);
    expect(rotated.status).toBe(200);
    expect((await a.admin.post(`${base}/tokens/${a.tokenId}/revoke`)).status).toBe(200);
    expect((await a.admin.patch(base, { name: 'Sunrise Travel renamed' })).status).toBe(200);
    expect((await a.admin.patch(base, { status: 'inactive' })).status).toBe(200);

    const rows = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'partner_agency_id', 'actor_type']).where('tenant_id', '=', a.tenant.id).orderBy('seq').execute();
    const about = (agencyId: string) => rows.filter((r) => r.partner_agency_id === agencyId).map((r) => r.action);
    expect(about(a.agencyId)).toEqual(['agency.created', 'agency_token.created', 'agency_token.updated', 'agency_token.rotated', 'agency_token.revoked', 'agency.updated', 'agency.deactivated']);
    expect(about(other.agencyId)).toEqual(['agency.created', 'agency_token.created']);
    // the admin did these, not the agency
    expect(new Set(rows.filter((r) => r.partner_agency_id === a.agencyId).map((r) => r.actor_type))).toEqual(new Set(['user']));

    // the tenant's audit view, filtered by agency
    const view = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/audit-events?agency_id=${a.agencyId}&limit=200`);
    expect(view.status).toBe(200);
    expect(view.body.data.map((e: { action: string }) => e.action).reverse()).toEqual(about(a.agencyId));
    expect(view.body.data.every((e: { actor: { agency_id: string } }) => e.actor.agency_id === a.agencyId)).toBe(true);
    // and agency activity (an issuance) appears in the same filter
    const b = await agencyWithToken(t, { tenant: a.tenant, admin: a.admin });
    expect((await b.embed.post('/embed/v1/vouchers', { type: 'credit_10' })).status).toBe(201);
    const bView = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/audit-events?agency_id=${b.agencyId}`);
    expect(bView.body.data.map((e: { action: string }) => e.action)).toEqual(['voucher.issued', 'agency_token.created', 'agency.created']);
  });

  it('last_used_at is written off the request path, in batches', async () => {
    const a = await agencyWithToken(t);
    expect((await a.embed.get('/embed/v1/form')).status).toBe(200);
    const before = await t.services.db.kysely.selectFrom('partner_tokens').select('last_used_at').where('id', '=', a.tokenId).executeTakeFirstOrThrow();
    expect(before.last_used_at).toBeNull(); // not written by the request itself
    expect(t.services.agencies.usage.pending).toBeGreaterThanOrEqual(1);
    await t.services.agencies.usage.flush();
    const row = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}`);
    expect(row.body.last_used_at).toEqual(expect.any(String));
    const list = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/agencies`);
    expect(list.body.data[0]).toMatchObject({ active_tokens: 1, total_tokens: 1, last_used_at: row.body.last_used_at });
  });
});

describe('the admin API in the OpenAPI document', () => {
  it('documents every agency route, the admin ones for the tenant and the form ones under Embed', async () => {
    const doc = (await t.client().get('/openapi.json')).body as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const want = [
      ['get', '/api/v1/tenants/{tenant_id}/agencies'],
      ['post', '/api/v1/tenants/{tenant_id}/agencies'],
      ['get', '/api/v1/tenants/{tenant_id}/agencies/{agency_id}'],
      ['patch', '/api/v1/tenants/{tenant_id}/agencies/{agency_id}'],
      ['get', '/api/v1/tenants/{tenant_id}/agencies/{agency_id}/tokens'],
      ['post', '/api/v1/tenants/{tenant_id}/agencies/{agency_id}/tokens'],
      ['patch', '/api/v1/tenants/{tenant_id}/agencies/{agency_id}/tokens/{token_id}'],
      ['post', '/api/v1/tenants/{tenant_id}/agencies/{agency_id}/tokens/{token_id}/rotate'],
      ['post', '/api/v1/tenants/{tenant_id}/agencies/{agency_id}/tokens/{token_id}/revoke'],
      ['get', '/embed/v1/form'],
      ['post', '/embed/v1/vouchers'],
      ['get', '/embed/v1/vouchers/{code}'],
    ];
    for (const [method, path] of want) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/embed/v1/vouchers'].post).toMatchObject({ tags: ['Embed'], security: [{ agencyToken: [] }] });
    expect(doc.paths['/api/v1/tenants/{tenant_id}/agencies'].post).toMatchObject({ tags: ['Tenant'] });
  });
});
