/**
 * @partnergate/client: its checked-in types are what the server's OpenAPI document produces now (a route
 * changed without `npm run generate:client` fails here), and it talks to a real server, typed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { apiToken } from '../../../test/api/gateway/helpers.ts';
import { CLIENT_SCHEMA_FILE, generateClientSchema } from '../../../scripts/generate-client.ts';
import { createPartnergateClient, type Schemas } from '../src/index.ts';

describe('the generated types', () => {
  it('equal what the current server produces (run `npm run generate:client` after changing a route)', async () => {
    const generated = await generateClientSchema();
    const checkedIn = readFileSync(CLIENT_SCHEMA_FILE, 'utf8');
    // not toBe: a 500 KB diff helps no one; say which lines differ
    if (generated !== checkedIn) {
      const a = checkedIn.split('\n');
      const b = generated.split('\n');
      const first = b.findIndex((line, i) => line !== a[i]);
      expect.fail(`packages/client/src/schema.d.ts is out of date from line ${first + 1} (${JSON.stringify(a[first])} ≠ ${JSON.stringify(b[first])}): run npm run generate:client`);
    }
  }, 120_000);
});

describe('the client against a real server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ listen: true });
  });
  afterAll(() => t?.close());

  it('reads typed answers with a personal API token, and typed problems with their code', async () => {
    const tenant = await t.world.tenant();
    const other = await t.world.tenant();
    const pg = createPartnergateClient({ baseUrl: t.url!, token: await apiToken(t, tenant.admin) });

    const me = await pg.GET('/api/v1/me');
    expect(me.response.status).toBe(200);
    expect(me.data?.user.email).toBe(tenant.admin.email);

    const got = await pg.GET('/api/v1/tenants/{tenant_id}', { params: { path: { tenant_id: tenant.id } } });
    const row: Schemas['Tenant'] | undefined = got.data;
    expect(row).toMatchObject({ id: tenant.id, status: 'active' });

    const hidden = await pg.GET('/api/v1/tenants/{tenant_id}', { params: { path: { tenant_id: other.id } } });
    expect(hidden.response.status).toBe(404);
    const problem: Schemas['Problem'] | undefined = hidden.error;
    expect(problem?.code).toBe('tenant_not_found');

    const made = await pg.POST('/api/v1/tenants/{tenant_id}/billing-accounts', { params: { path: { tenant_id: tenant.id } }, body: { name: 'Branch office', currency: 'EUR' } });
    expect([made.response.status, made.data?.name]).toEqual([201, 'Branch office']);

    // the compiler knows the paths: an unknown one does not type-check
    // @ts-expect-error no such route
    await pg.GET('/api/v1/no-such-route').catch(() => undefined);
  });

  it('asks a token function on every request', async () => {
    const tenant = await t.world.tenant();
    const token = await apiToken(t, tenant.user);
    let asked = 0;
    const pg = createPartnergateClient({ baseUrl: `${t.url!}/`, token: () => {
      asked++;
      return token;
    } });
    expect((await pg.GET('/api/v1/me')).response.status).toBe(200);
    expect((await pg.GET('/api/v1/me')).response.status).toBe(200);
    expect(asked).toBe(2);
    const anonymous = createPartnergateClient({ baseUrl: t.url! });
    const refused = await anonymous.GET('/api/v1/me');
    expect([refused.response.status, refused.error?.code]).toEqual([401, 'authentication_required']);
  });
});
