/**
 * The demo world's agencies: a working token per demo tenant, printable again on every run, stored
 * only as a hash — and what `seed demo --json` prints stays true after an admin revokes or rotates
 * the demo token, deactivates the agency or the operator suspends the tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../src/demo/demo.seed.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';

type DemoAgency = { tenant_slug: string; agency_id: string; name: string; token: string | null; status: string };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function form(token: string | null) {
  const c = t.client();
  c.bearer = token;
  const r = await c.get('/embed/v1/form');
  return { status: r.status, code: r.body.code as string | undefined, agency: r.body.agency };
}

async function seedAgencies(): Promise<DemoAgency[]> {
  return ((await seedDemo(t.services)).agencies as DemoAgency[]).slice().sort((a, b) => a.tenant_slug.localeCompare(b.tenant_slug));
}

const tokenRows = () => t.services.db.kysely.selectFrom('partner_tokens').select(['id', 'token_hash', 'status']).orderBy('id').execute();

describe('seed demo: agencies', () => {
  let first: DemoAgency[];
  let acme: DemoAgency;
  let beta: DemoAgency;
  let acmeAdmin: Client;
  let betaAdmin: Client;

  it('lists {tenant_slug, agency_id, name, token, status}; the same working token on a re-run, nothing written twice', { timeout: 120_000 }, async () => {
    first = await seedAgencies();
    expect(first.map((a) => a.tenant_slug)).toEqual(['acme-fiber', 'beta-networks']);
    for (const a of first) {
      expect(a).toEqual({ tenant_slug: expect.any(String), agency_id: expect.stringMatching(/^agy_/), name: expect.any(String), token: expect.stringMatching(/^pgagt_[0-9A-Za-z]{49}$/), status: 'active' });
      const f = await form(a.token);
      expect(f.status).toBe(200);
      expect(f.agency).toEqual({ id: a.agency_id, name: a.name });
    }
    const before = await tokenRows();
    expect(before).toHaveLength(2);
    for (const a of first) expect(before.map((r) => r.token_hash)).toContain(t.services.hasher.hash(a.token!));

    expect(await seedAgencies()).toEqual(first);
    expect(await tokenRows()).toEqual(before);
    [acme, beta] = first;

    const world = await seedDemo(t.services);
    const creds = (slug: string) => world.tenants.find((x) => x.slug === slug)!;
    acmeAdmin = await t.client().login(creds('acme-fiber').admin.email, creds('acme-fiber').admin.password);
    betaAdmin = await t.client().login(creds('beta-networks').admin.email, creds('beta-networks').admin.password);
  });

  it('after an admin revokes or rotates the demo token, the next run prints a fresh working one — never the dead one again', { timeout: 120_000 }, async () => {
    const acmeTenant = (await t.services.tenants.findBySlug('acme-fiber'))!;
    const betaTenant = (await t.services.tenants.findBySlug('beta-networks'))!;
    const [acmeToken] = await t.services.agencies.listTokens(acmeTenant.id, acme.agency_id);
    const [betaToken] = await t.services.agencies.listTokens(betaTenant.id, beta.agency_id);
    expect((await acmeAdmin.post(`/api/v1/tenants/${acmeTenant.id}/agencies/${acme.agency_id}/tokens/${acmeToken.id}/revoke`)).status).toBe(200);
    expect((await betaAdmin.post(`/api/v1/tenants/${betaTenant.id}/agencies/${beta.agency_id}/tokens/${betaToken.id}/rotate`)).status).toBe(200);

    const second = await seedAgencies();
    for (const [was, now] of [
      [acme, second[0]],
      [beta, second[1]],
    ]) {
      expect(now).toEqual({ ...was, token: expect.stringMatching(/^pgagt_/), status: 'active' });
      expect(now.token).not.toBe(was.token);
      expect((await form(now.token)).status).toBe(200);
    }
    // the revoked one stays revoked, the rotated-away one stays dead (not re-issued from the same derivation)
    expect(await form(acme.token)).toMatchObject({ status: 401, code: 'agency_token_revoked' });
    expect(await form(beta.token)).toMatchObject({ status: 401, code: 'agency_token_invalid' });
    // deterministic: a further run prints the same and writes nothing
    const rows = await tokenRows();
    expect(rows).toHaveLength(4);
    expect(await seedAgencies()).toEqual(second);
    expect(await tokenRows()).toEqual(rows);
    acme = second[0];
    beta = second[1];
  });

  it('reports a deactivated agency or a suspended tenant instead of printing a token as if it worked', { timeout: 120_000 }, async () => {
    const acmeTenant = (await t.services.tenants.findBySlug('acme-fiber'))!;
    const betaTenant = (await t.services.tenants.findBySlug('beta-networks'))!;
    expect((await acmeAdmin.patch(`/api/v1/tenants/${acmeTenant.id}/agencies/${acme.agency_id}`, { status: 'inactive' })).status).toBe(200);
    await t.services.tenants.updateTenant(t.world.ctx, betaTenant.id, { status: 'suspended' });
    const rows = await tokenRows();

    const third = await seedAgencies();
    expect(third).toEqual([
      { ...acme, status: 'agency_inactive' },
      { ...beta, status: 'tenant_inactive' },
    ]);
    expect(await form(acme.token)).toMatchObject({ status: 403, code: 'agency_inactive' });
    expect(await form(beta.token)).toMatchObject({ status: 403, code: 'agency_tenant_inactive' });
    // the seed does not undo the admin's or the operator's decision
    expect((await t.services.agencies.requireAgency(acmeTenant.id, acme.agency_id)).status).toBe('inactive');
    expect(await tokenRows()).toEqual(rows);

    // an inactive agency whose demo token was also revoked: no token to print
    const [live] = (await t.services.agencies.listTokens(acmeTenant.id, acme.agency_id)).filter((r) => r.status === 'active');
    expect((await acmeAdmin.post(`/api/v1/tenants/${acmeTenant.id}/agencies/${acme.agency_id}/tokens/${live.id}/revoke`)).status).toBe(200);
    expect((await seedAgencies())[0]).toEqual({ ...acme, token: null, status: 'agency_inactive' });

    // once reactivated, the next run issues a fresh working token again
    expect((await acmeAdmin.patch(`/api/v1/tenants/${acmeTenant.id}/agencies/${acme.agency_id}`, { status: 'active' })).status).toBe(200);
    await t.services.tenants.updateTenant(t.world.ctx, betaTenant.id, { status: 'active' });
    const fourth = await seedAgencies();
    expect(fourth.map((a) => a.status)).toEqual(['active', 'active']);
    expect(fourth[0].token).not.toBe(acme.token);
    expect((await form(fourth[0].token)).status).toBe(200);
    expect(fourth[1].token).toBe(beta.token);
    expect((await form(fourth[1].token)).status).toBe(200);
  });
});
