/**
 * An agency form token generated through one instance works on another on its very first request,
 * before the change feed has delivered it there: the token index looks a
 * well-formed token it does not hold up once, by its hash, before refusing it.
 *
 * Instance two is deaf to the feed's fan-out — its own REDIS_KEY_PREFIX (so its own pub/sub
 * channel) and an outbox poll of an hour — so whatever it admits of what was made after it started,
 * it found in the database itself: deterministic, not a race won or lost.
 * Always PostgreSQL + Redis: without DATABASE_URL a fresh database is created on the local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeafPair, type InstancePair } from '../../helpers/instance-pair.ts';
import { HttpClient, type ServerProcess } from '../../helpers/server-process.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { newAgencyToken } from '../../../src/modules/agencies/agency-token.ts';
import { DEFAULT_FORM } from './helpers.ts';

const TRIALS = 20;

let pair: InstancePair;
let one: ServerProcess;
let two: ServerProcess;
let tenant: TestTenant;

beforeAll(async () => {
  pair = await startDeafPair({
    name: 'nt',
    before: async (world) => {
      tenant = await world.tenant();
    },
  });
  ({ one, two } = pair);
}, 180_000);

afterAll(() => pair?.close());

async function embed(i: ServerProcess, token: string) {
  const r = await fetch(i.base + '/embed/v1/form', { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as { code?: string; agency?: { name?: string } } };
}

async function agencyWithToken(admin: HttpClient, tenantId: string, name: string) {
  const a = await admin.req('POST', `/api/v1/tenants/${tenantId}/agencies`, { name });
  expect(a.status).toBe(201);
  const tok = await admin.req('POST', `/api/v1/tenants/${tenantId}/agencies/${a.body.id}/tokens`, { label: 'Web form', form_config: DEFAULT_FORM });
  expect(tok.status).toBe(201);
  return { agencyId: a.body.id as string, tokenId: tok.body.id as string, token: tok.body.token as string };
}

describe('an agency token generated on instance one, used at once on an instance the feed has not reached', () => {
  it(`is admitted by instance two on its first request (${TRIALS} trials, each a new agency)`, async () => {
    const admin = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const answers: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const a = await agencyWithToken(admin, tenant.id, `Travel desk ${i} (new on instance one)`);
      const r = await embed(two, a.token);
      answers.push(`${r.status} ${r.body.code ?? ''}`.trim());
      // held by instance two from now on
      expect((await embed(two, a.token)).status).toBe(200);
    }
    expect(answers).toEqual(Array(TRIALS).fill('200'));
  }, 120_000);

  it('of a tenant created after instance two started, it is admitted there too', async () => {
    const fresh = await pair.world.tenant();
    const admin = await new HttpClient(one.base).login(fresh.admin.email, fresh.admin.password);
    const a = await agencyWithToken(admin, fresh.id, 'Harbor Relocation (new tenant)');
    expect((await embed(two, a.token)).status).toBe(200);
  });

  it('revoked on instance one before instance two ever saw it: instance two answers 401 agency_token_revoked, not 200', async () => {
    const admin = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const a = await agencyWithToken(admin, tenant.id, 'Short-lived desk');
    const revoke = await admin.req('POST', `/api/v1/tenants/${tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}/revoke`, {});
    expect(revoke.status).toBe(200);
    const r = await embed(two, a.token);
    expect([r.status, r.body.code]).toEqual([401, 'agency_token_revoked']);
  });

  it('a well-formed token nobody generated is refused with 401 agency_token_invalid by both', async () => {
    const forged = newAgencyToken();
    for (const i of [one, two]) {
      const r = await embed(i, forged);
      expect([r.status, r.body.code]).toEqual([401, 'agency_token_invalid']);
    }
  });
});
