/**
 * The embedded API as an agency's form uses it: the token alone decides tenant and agency; it
 * issues vouchers of the allowed types (attributed in the audit), looks up only its own vouchers,
 * is refused on its very next request after deactivation, revocation or rotation — on every
 * instance — and reaches nothing but /embed/v1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { newAgencyToken } from '../../../src/modules/agencies/index.ts';
import { REDIS_URL, startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { agencyWithToken, withoutRequestId } from './helpers.ts';
import { apiToken, gw, link } from '../gateway/helpers.ts';
import { fill } from '../../helpers/access-matrix.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('token validation', () => {
  it('refuses missing, malformed, foreign and unknown tokens with 401 and a Bearer challenge', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'agency_token_required'],
      [{ authorization: 'Basic Zm9vOmJhcg==' }, 'agency_token_invalid'],
      [{ authorization: 'Bearer' }, 'agency_token_invalid'],
      [{ authorization: 'Bearer not-a-token' }, 'agency_token_invalid'],
      [{ authorization: 'Bearer pgpat_' + 'a'.repeat(43) }, 'agency_token_invalid'],
      [{ authorization: `Bearer ${newAgencyToken()}` }, 'agency_token_invalid'], // well-formed, never issued
    ];
    const a = await agencyWithToken(t);
    const typo = a.token.slice(0, 30) + (a.token[30] === 'x' ? 'y' : 'x') + a.token.slice(31);
    cases.push([{ authorization: `Bearer ${typo}` }, 'agency_token_invalid']);
    for (const [headers, code] of cases) {
      const r = await t.client().get('/embed/v1/form', headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.body.code).toBe(code);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="partnergate-embed"/);
    }
    // a portal session is no credential here
    const admin = await a.tenant.admin.login();
    const cookie = await admin.get('/embed/v1/form');
    expect(cookie.status).toBe(401);
    expect(cookie.body.code).toBe('agency_token_required');
  });

  it('establishes tenant and agency context from the token', async () => {
    const a = await agencyWithToken(t);
    const r = await a.embed.get('/embed/v1/form');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      tenant: { name: a.tenant.name },
      agency: { id: a.agencyId, name: expect.stringMatching(/^Agency-/) },
      form: {
        label: 'Web form',
        intro_text: 'Welcome vouchers for our travellers.',
        rules_list: ['One voucher per booking.', 'Not exchangeable for cash.'],
        voucher_types: [expect.objectContaining({ id: 'credit_10', amount: 1000, currency: 'USD' }), expect.objectContaining({ id: 'free_installation', amount: null })],
      },
      rate_limit: { limit: 20, window_seconds: 60 },
    });
  });
});

describe('issuance', () => {
  it('issues a voucher of an allowed type, attributed to the agency in the voucher and the audit log', async () => {
    const a = await agencyWithToken(t);
    const r = await a.embed.post('/embed/v1/vouchers', { type: 'credit_10', recipient_name: 'Ada Lovelace', recipient_email: 'Ada@Example.test', reference: 'BOOK-42' }, { 'user-agent': 'agency-site/1.0' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ code: expect.stringMatching(/^VCH-/), type: 'credit_10', amount: 1000, currency: 'USD', status: 'issued', recipient_name: 'Ada Lovelace', recipient_email: 'ada@example.test', reference: 'BOOK-42' });

    const v = await t.services.db.kysely.selectFrom('vouchers').selectAll().where('code', '=', r.body.code).executeTakeFirstOrThrow();
    expect(v).toMatchObject({ tenant_id: a.tenant.id, partner_agency_id: a.agencyId, issued_by_type: 'agency', issued_by_token_id: a.tokenId, issued_by_user_id: null });

    // the tenant admin sees it, filtered by agency
    const listed = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/vouchers?agency_id=${a.agencyId}`);
    expect(listed.body.data.map((x: { code: string }) => x.code)).toEqual([r.body.code]);

    const ev = await t.services.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', 'voucher.issued').where('target_id', '=', v.id).executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ actor_type: 'agency', partner_agency_id: a.agencyId, tenant_id: a.tenant.id, actor_user_id: null, outcome: 'success', user_agent: 'agency-site/1.0' });
    expect(JSON.parse(ev.details)).toMatchObject({ type: 'credit_10', partner_agency_id: a.agencyId, token_id: a.tokenId });
    // and the tenant's own audit view shows the agency as the actor
    const view = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/audit-events?action=voucher.issued`);
    expect(view.body.data[0].actor).toMatchObject({ type: 'agency', agency_id: a.agencyId });
  });

  it('refuses types the form does not allow, unknown fields and bad input — with the refusal envelope, nothing written', async () => {
    const a = await agencyWithToken(t);
    const cases: [unknown, number, string][] = [
      [{ type: 'credit_50' }, 403, 'voucher_type_not_allowed'],
      [{ type: 'no_such_type' }, 403, 'voucher_type_not_allowed'],
      [{}, 400, 'validation_failed'],
      [{ type: 'credit_10', amount: 999999 }, 400, 'validation_failed'],
      [{ type: 'credit_10', recipient_email: 'not-an-email' }, 400, 'validation_failed'],
      ['{"type":', 400, 'malformed_json'],
    ];
    for (const [body, status, code] of cases) {
      const r = await a.embed.request('POST', '/embed/v1/vouchers', body, { 'content-type': 'application/json' });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.code).toBe(code);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
    const n = await t.services.db.kysely.selectFrom('vouchers').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', a.tenant.id).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });
});

describe('a tenant or agency in the payload', () => {
  it('is refused and can never move the request to another tenant or agency', async () => {
    const a = await agencyWithToken(t);
    const b = await agencyWithToken(t);
    const attempts: [string, string, unknown, Record<string, string>][] = [
      ['POST', '/embed/v1/vouchers', { type: 'credit_10', tenant_id: b.tenant.id }, {}],
      ['POST', '/embed/v1/vouchers', { type: 'credit_10', agency_id: b.agencyId }, {}],
      ['POST', '/embed/v1/vouchers', { type: 'credit_10', partner_agency_id: b.agencyId }, {}],
      ['POST', `/embed/v1/vouchers?tenant_id=${b.tenant.id}`, { type: 'credit_10' }, {}],
      ['POST', '/embed/v1/vouchers', { type: 'credit_10' }, { 'x-active-tenant-id': b.tenant.id }],
      ['GET', `/embed/v1/form?tenant_id=${b.tenant.id}`, undefined, {}],
    ];
    for (const [method, url, body, headers] of attempts) {
      const r = await a.embed.request(method, url, body, headers);
      expect(r.status, `${method} ${url} ${JSON.stringify(body)} ${JSON.stringify(headers)}`).toBe(400);
      expect(r.body.code).toBe('agency_context_in_payload');
      expect(r.body.errors[0].pointer).toMatch(/^\/(body|querystring|headers)\//);
    }
    const count = async (tenantId: string) =>
      Number((await t.services.db.kysely.selectFrom('vouchers').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n);
    expect(await count(a.tenant.id)).toBe(0);
    expect(await count(b.tenant.id)).toBe(0);

    // without them, the voucher lands in the token's tenant and agency
    const ok = await a.embed.post('/embed/v1/vouchers', { type: 'credit_10' });
    expect(ok.status).toBe(201);
    expect(await count(a.tenant.id)).toBe(1);
    expect(await count(b.tenant.id)).toBe(0);
  });
});

describe('lookup', () => {
  it("finds the agency's own vouchers; another agency's, another tenant's and missing ones answer the same 404", async () => {
    const a = await agencyWithToken(t);
    const sibling = await agencyWithToken(t, { tenant: a.tenant, admin: a.admin }); // same tenant, other agency
    const stranger = await agencyWithToken(t); // other tenant
    const own = (await a.embed.post('/embed/v1/vouchers', { type: 'credit_10' })).body.code as string;
    const siblings = (await sibling.embed.post('/embed/v1/vouchers', { type: 'credit_10' })).body.code as string;
    const strangers = (await stranger.embed.post('/embed/v1/vouchers', { type: 'credit_10' })).body.code as string;

    const found = await a.embed.get(`/embed/v1/vouchers/${own}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ code: own, type: 'credit_10', status: 'issued' });
    // typed from paper: lower case, no dashes
    expect((await a.embed.get(`/embed/v1/vouchers/${own.toLowerCase().replace(/-/g, '')}`)).body.code).toBe(own);

    const refusals = [];
    for (const code of [siblings, strangers, 'VCH-0000-0000-0000', 'garbage%2F..%2F']) {
      const r = await a.embed.get(`/embed/v1/vouchers/${code}`);
      expect(r.status, code).toBe(404);
      expect(r.body.code).toBe('voucher_not_found');
      refusals.push({ body: withoutRequestId(r.body), type: r.headers['content-type'] });
    }
    for (const r of refusals) expect(r).toEqual(refusals[0]);

    // the sibling agency still finds its own
    expect((await sibling.embed.get(`/embed/v1/vouchers/${siblings}`)).status).toBe(200);

    const lookups = await t.services.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'voucher.looked_up')
      .where('partner_agency_id', '=', a.agencyId)
      .orderBy('seq')
      .execute();
    expect(lookups.map((e) => e.outcome)).toEqual(['success', 'success', 'failure', 'failure', 'failure', 'failure']);
    for (const e of lookups) expect(e).toMatchObject({ actor_type: 'agency', tenant_id: a.tenant.id });
    // a failed lookup records nothing about the voucher it did not reveal
    expect(lookups.slice(2).every((e) => e.target_id === null && !e.details.includes('VCH-'))).toBe(true);
  });
  it("cannot look up the tenant's own vouchers (issued by an admin or through the gateway): they answer like missing ones", async () => {
    const a = await agencyWithToken(t);
    // issued by a tenant admin, not through any agency
    const adminCtx = { ...t.world.ctx, actor: { ...t.world.ctx.actor, type: 'user' as const, userId: a.tenant.admin.id } };
    const byAdmin = await t.services.vouchers.issue(adminCtx, { tenantId: a.tenant.id, type: 'credit_10', recipientName: 'Walk-in customer' });
    // issued by an MSP through the gateway's vouchers resource
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, msp, a.tenant, { role: 'MSP_PROVISIONING' });
    const pat = await apiToken(t, msp.staff);
    const viaGateway = await gw(t, 'POST', '/resources/v1/vouchers', { token: pat, headers: { 'x-active-tenant-id': a.tenant.id }, body: { type: 'free_installation' } });
    expect(viaGateway.status).toBe(201);
    const rows = await t.services.db.kysely.selectFrom('vouchers').select(['code', 'partner_agency_id', 'issued_by_type']).where('tenant_id', '=', a.tenant.id).orderBy('code').execute();
    expect(rows.map((r) => [r.code, r.partner_agency_id, r.issued_by_type]).sort()).toEqual(
      [
        [byAdmin.code, null, 'user'],
        [viaGateway.body.code, null, 'user'],
      ].sort(),
    );

    const missing = await a.embed.get('/embed/v1/vouchers/VCH-0000-0000-0000');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('voucher_not_found');
    for (const code of [byAdmin.code, viaGateway.body.code as string, byAdmin.code.toLowerCase()]) {
      const r = await a.embed.get(`/embed/v1/vouchers/${code}`);
      expect(r.status, code).toBe(404);
      expect(r.body.code).toBe('voucher_not_found');
      expect(r.headers['content-type']).toBe(missing.headers['content-type']);
      expect(withoutRequestId(r.body)).toEqual(withoutRequestId(missing.body));
      expect(Object.keys(r.body).sort()).toEqual(Object.keys(missing.body).sort());
    }
    // the admin still sees both in the portal
    const listed = await a.admin.get(`/api/v1/tenants/${a.tenant.id}/vouchers`);
    expect(listed.body.data.map((v: { code: string }) => v.code).sort()).toEqual([byAdmin.code, viaGateway.body.code].sort());
  });
});

describe('refused on the very next request', () => {
  it('after the agency is deactivated, and again allowed once it is reactivated', async () => {
    const a = await agencyWithToken(t);
    expect((await a.embed.get('/embed/v1/form')).status).toBe(200);
    await a.admin.patch(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}`, { status: 'inactive' });
    for (const r of [await a.embed.get('/embed/v1/form'), await a.embed.post('/embed/v1/vouchers', { type: 'credit_10' })]) {
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('agency_inactive');
    }
    await a.admin.patch(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}`, { status: 'active' });
    expect((await a.embed.get('/embed/v1/form')).status).toBe(200);
  });

  it("when the operator suspends the agency's tenant", async () => {
    const a = await agencyWithToken(t);
    const op = await (await t.world.operator()).login();
    expect((await op.patch(`/api/v1/tenants/${a.tenant.id}`, { status: 'suspended' })).status).toBe(200);
    // no waiting: the very next request on this instance is refused
    for (const r of [await a.embed.post('/embed/v1/vouchers', { type: 'credit_10' }), await a.embed.get('/embed/v1/form')]) {
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('agency_tenant_inactive');
    }
    expect((await op.patch(`/api/v1/tenants/${a.tenant.id}`, { status: 'active' })).status).toBe(200);
    expect((await a.embed.get('/embed/v1/form')).status).toBe(200);
    // the same, with nothing between the change and the check
    await t.services.tenants.updateTenant(t.world.ctx, a.tenant.id, { status: 'suspended' });
    expect(t.services.agencies.index.verify(a.token)).toMatchObject({ ok: false, code: 'agency_tenant_inactive' });
  });

  it('on every instance: a second instance on the same database follows revocation and rotation through the change feed', async () => {
    const useRedis = !!process.env.REDIS_URL;
    const second: FastifyInstance = await buildApp({ config: t.services.config, db: t.testDb.db, redis: useRedis ? redisFactory(REDIS_URL) : null, logger: false });
    await second.ready();
    try {
      const a = await agencyWithToken(t);
      const other = new Client(second);
      other.bearer = a.token;
      // Each probe of the embed API counts against the form's 20/min limit, so rather than poll
      // it, let the second instance read the feed (what its poll timer or a Redis nudge does), then
      // ask once. The second instance was not told about anything except through the feed.
      const form = async () => {
        await second.services.feed.drain();
        return other.get('/embed/v1/form');
      };
      expect((await form()).status).toBe(200);

      const rotated = await a.admin.post(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}/rotate`);
      const old = await form();
      expect(old.status).toBe(401);
      expect(old.body.code).toBe('agency_token_invalid');
      other.bearer = rotated.body.token;
      expect((await form()).status).toBe(200);

      await a.admin.post(`/api/v1/tenants/${a.tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}/revoke`);
      const revoked = await form();
      expect(revoked.status).toBe(401);
      expect(revoked.body.code).toBe('agency_token_revoked');
    } finally {
      await second.close();
    }
  });
});

describe('agency tokens reach nothing but /embed/v1', () => {
  it('are refused on every route of the OpenAPI document outside /embed/v1 — admin, audit, export, gateway, forward-auth — with 403 agency_token_not_allowed', async () => {
    const a = await agencyWithToken(t);
    const doc = (await t.client().get('/openapi.json')).body as { paths: Record<string, Record<string, { 'x-served-by'?: string }>> };
    const routes: [string, string][] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (path.startsWith('/embed/v1/')) continue;
      // the OAuth endpoints are documented but answered by oidc-provider, which takes no agency token at all
      for (const [method, op] of Object.entries(ops)) if (['get', 'post', 'put', 'patch', 'delete', 'head'].includes(method) && op['x-served-by'] !== 'oidc-provider') routes.push([method.toUpperCase(), path]);
    }
    // the walk reaches the places agencies are kept out of (no user accounts, only their own vouchers)
    const paths = new Set(routes.map(([, p]) => p));
    for (const p of ['/api/v1/partner/billing/invoices/export', '/api/v1/audit-events', '/api/v1/tenants/{tenant_id}/audit-events', '/api/v1/partners/{partner_id}/audit-events', '/api/v1/tenants/{tenant_id}/vouchers', '/resources/v1/vouchers', '/authz/forward-auth']) {
      expect(paths.has(p), p).toBe(true);
    }
    for (const p of paths) if (/export/.test(p)) expect(p).toMatch(/^\/(api|resources)\//);
    expect(routes.length).toBeGreaterThan(100);
    // and a few that are not in the document: the docs, the portal, any export path
    const undocumented: [string, string][] = [
      ['GET', '/openapi.json'],
      ['GET', '/docs'],
      ['GET', '/'],
      ['GET', '/api/v1/tenants/{tenant_id}/audit-events/export'],
      ['GET', '/api/v1/audit-events/export'],
      ['POST', '/api/v1/partner/billing/invoices/export'],
    ];
    const failures: string[] = [];
    for (const [method, path] of [...routes, ...undocumented]) {
      const url = fill(path, { tenant_id: a.tenant.id, partner_id: 'ptr_01jd9x0a8q4m7w2k3v5b6c8d9e' });
      const r = await a.embed.request(method, url, ['GET', 'HEAD', 'DELETE'].includes(method) ? undefined : {});
      const ok = r.status === 403 && (method === 'HEAD' || (r.body?.code === 'agency_token_not_allowed' && String(r.headers['content-type']).includes('application/problem+json')));
      if (!ok) failures.push(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    }
    expect(failures).toEqual([]);
    // The OAuth server (not in the document) keeps RFC 6749's error shape: the agency token is no
    // client credential, no access token and not introspectable by its holder.
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // (A Bearer header is not a client authentication method: 400 invalid_request.)
    const oauth: [string, string, string | undefined, string][] = [
      ['POST', '/oauth/token', 'grant_type=client_credentials&scope=orders.read', '400 invalid_request'],
      ['POST', '/oauth/token', `grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=${a.token}&subject_token_type=urn:ietf:params:oauth:token-type:access_token`, '400 invalid_request'],
      ['GET', '/oauth/me', undefined, '401 invalid_token'],
      ['POST', '/oauth/token/introspection', `token=${a.token}`, '400 invalid_request'],
    ];
    for (const [method, url, body, want] of oauth) {
      const r = await a.embed.request(method, url, body, body ? form : {});
      expect(`${r.status} ${r.body.error}`, `${method} ${url}: ${JSON.stringify(r.body)}`).toBe(want);
      expect(r.body.access_token).toBeUndefined();
      expect(r.body.active).toBeUndefined();
    }
    // nothing was done on its behalf
    const acted = await t.services.db.kysely.selectFrom('audit_events').select('action').where('partner_agency_id', '=', a.agencyId).where('actor_type', '=', 'agency').execute();
    expect(acted).toEqual([]);
  });

  it('answer other /embed/v1 paths with 404 in the same envelope (after authenticating)', async () => {
    const a = await agencyWithToken(t);
    for (const [method, url] of [
      ['GET', '/embed/v1/vouchers'],
      ['DELETE', `/embed/v1/vouchers/VCH-0000-0000-0000`],
      ['GET', '/embed/v1/audit-events'],
    ]) {
      const r = await a.embed.request(method, url);
      expect(r.status, `${method} ${url}`).toBe(404);
      expect(r.body.code).toBe('not_found');
      expect(r.headers['access-control-allow-origin']).toBe('*');
    }
    const anon = await t.client().get('/embed/v1/audit-events');
    expect(anon.status).toBe(401);
  });
});

describe('CORS and framing', () => {
  it('lets any origin call the API without credentials, on answers and refusals alike', async () => {
    const a = await agencyWithToken(t);
    const pre = await t.client().request('OPTIONS', '/embed/v1/vouchers', undefined, {
      origin: 'https://agency.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
    expect(pre.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    // whatever else a preflight asks for is not echoed back: the browser will not send it
    for (const asked of ['authorization, content-type, x-tenant-id', 'x-active-tenant-id', 'cookie, x-csrf-token', 'authorization, x-custom-header']) {
      const r = await t.client().request('OPTIONS', '/embed/v1/vouchers', undefined, { origin: 'https://agency.example', 'access-control-request-method': 'POST', 'access-control-request-headers': asked });
      expect(r.status, asked).toBe(204);
      expect(r.headers['access-control-allow-headers'], asked).toBe('Authorization, Content-Type');
    }

    const ok = await a.embed.get('/embed/v1/form', { origin: 'https://agency.example' });
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    expect(String(ok.headers['access-control-expose-headers'])).toContain('Retry-After');
    const refused = await t.client().get('/embed/v1/form', { origin: 'https://agency.example' });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    // the admin API stays same-origin
    const api = await (await a.tenant.admin.login()).get('/api/v1/me', { origin: 'https://agency.example' });
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets any site frame the form page — and only the form page — which runs no inline script', async () => {
    const page = await t.client().get('/embed/form');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['x-frame-options']).toBeUndefined();
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain('frame-ancestors *');
    // powerful features the form does not use are off, whatever the framing site allows
    const policy = Object.fromEntries(
      String(page.headers['permissions-policy'])
        .split(',')
        .map((d) => d.trim().split('=') as [string, string]),
    );
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'serial', 'hid', 'display-capture', 'fullscreen', 'clipboard-read', 'publickey-credentials-get']) {
      expect(policy[feature], feature).toBe('()');
    }
    expect(policy['clipboard-write']).toBe('(self)'); // the Copy button
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const scripts = [...String(page.body).matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      expect(s[1]).toMatch(/src="\/embed\/assets\/[a-z-]+\.js"/);
      expect(s[2].trim()).toBe('');
    }
    expect(String(page.body)).not.toMatch(/\son[a-z]+=|style=/i);

    for (const [file, type] of [
      ['form.js', 'text/javascript'],
      ['form-messages.js', 'text/javascript'],
      ['form-words.js', 'text/javascript'],
      ['form.css', 'text/css'],
      ['embed.js', 'text/javascript'],
    ]) {
      const r = await t.client().get(`/embed/assets/${file}`);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toContain(type);
      expect(r.headers['cross-origin-resource-policy']).toBe('cross-origin');
    }
    // the form's words travel with it: every language's catalog, complete; the loader's frame title in each
    const words = String((await t.client().get('/embed/assets/form-messages.js')).body);
    const catalogs = JSON.parse(/^self\.PG_EMBED_MESSAGES = (.*);$/m.exec(words)![1]!) as Record<string, Record<string, string>>;
    expect(Object.keys(catalogs).sort()).toEqual(['de', 'en', 'en-XA', 'en-XB', 'fr']);
    expect(Object.keys(catalogs.en!).length).toBeGreaterThan(50);
    for (const locale of ['fr', 'de']) expect(Object.keys(catalogs[locale]!).sort(), locale).toEqual(Object.keys(catalogs.en!).sort());
    expect(catalogs.fr!['embed_form.issue.button']).toBe('Émettre le bon');
    const loader = String((await t.client().get('/embed/assets/embed.js')).body);
    expect(loader).toContain('"fr":"Formulaire de bons"');
    expect(loader).toContain('"de":"Gutscheinformular"');
    expect((await t.client().get('/embed/assets/..%2Fembed.routes.ts')).status).toBe(404);

    // everything else keeps refusing to be framed, the form's own script and API included
    for (const url of ['/embed/v1/form', '/embed/assets/form.js', '/embed/assets/embed.js', '/embed/v1/vouchers/VCH-0000-0000-0000', '/healthz', '/', '/login', '/openapi.json', '/api/v1/me']) {
      const r = await t.client().get(url);
      expect(r.headers['x-frame-options'], url).toBe('DENY');
      expect(String(r.headers['content-security-policy'] ?? ''), url).not.toContain('frame-ancestors *');
      expect(r.headers['permissions-policy'], url).toBeUndefined();
    }
  });
});
