/**
 * Two real server processes on one PostgreSQL and one Redis: a subscription suspended through
 * instance 1 is refused at instance 2's gateway within 1 second, and admitted again within 1
 * second of its resumption. The outbox is polled only every 30 s, so only the change feed's
 * Redis fan-out can deliver the change in time. Always runs on PostgreSQL + Redis.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInstancePair, type InstancePair, until } from '../../helpers/instance-pair.ts';
import { HttpClient } from '../../helpers/server-process.ts';
import type { TestPartner, TestUser } from '../../helpers/world.ts';
import { PDF, planBody } from './helpers.ts';

let pair: InstancePair;
let wholesaler: TestPartner;
let admin: TestUser;
let tenantId = '';
let subscriptionId = '';
let planId = '';

beforeAll(async () => {
  pair = await startInstancePair({
    name: 'pl',
    env: { CHANGE_FEED_POLL_MS: '30000' },
    before: async (world) => {
      const s = world.s;
      wholesaler = await world.partner({ capabilities: ['wholesale'] });
      const ctx = world.ctx;
      const pctx = { ...ctx, actor: { ...ctx.actor, partnerId: wholesaler.id } };
      const plan = await s.plans.createPlan(ctx, planBody() as never);
      planId = plan.id;
      await s.plans.allowPlan(ctx, wholesaler.id, { plan_id: plan.id, min_price_minor: 0, max_price_minor: 10_000 });
      await s.plans.setOffer(pctx, wholesaler.id, plan.id, { offered: true });
      const { resold } = await s.resold.provision(pctx, wholesaler.id, { name: 'Two Instance Co', slug: `two-instance-${Date.now().toString(36)}` });
      tenantId = resold.tenant.id;
      admin = await world.user({ label: 'twoadmin' });
      await world.joinTenant(tenantId, admin.id, 'TENANT_ADMIN');
      const actx = { ...ctx, actor: { ...ctx.actor, type: 'user' as const, userId: admin.id } };
      const k = await s.plans.submitKyc(actx, tenantId, { kind: 'company', details: { company_name: 'Two Instance Co', country: 'DE' }, documents: [{ filename: 'a.pdf', content_type: 'application/pdf', content_base64: PDF.toString('base64') }] });
      await s.plans.reviewKyc(pctx, wholesaler.id, k.kyc.id, { decision: 'verify' });
      await s.plans.setSegment(pctx, wholesaler.id, tenantId, 'company');
      const { subscription } = await s.plans.subscribe(actx, tenantId, plan.id);
      await s.plans.transition(actx, { tenantId }, subscription.id, 'sign', { terms_sha256: subscription.terms_sha256 });
      await s.plans.transition(pctx, { partnerId: wholesaler.id }, subscription.id, 'activate');
      subscriptionId = subscription.id;
    },
  });
}, 120_000);

afterAll(() => pair?.close());

it('suspended on instance 1, refused at instance 2 within 1 s; resumed, admitted again within 1 s', async () => {
  const owner1 = await new HttpClient(pair.one.base).login(wholesaler.owner.email, wholesaler.owner.password);
  const admin2 = await new HttpClient(pair.two.base).login(admin.email, admin.password);
  const pat = await admin2.req('POST', '/api/v1/me/api-tokens', { name: 'two instances' });
  expect(pat.status).toBe(201);
  const call = async () => {
    const r = await fetch(`${pair.two.base}/resources/v1/context`, { headers: { authorization: `Bearer ${pat.body.token}`, 'x-active-tenant-id': tenantId } });
    const text = await r.text();
    return { status: r.status, code: r.status >= 400 && text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : undefined };
  };
  expect((await call()).status).toBe(200);

  expect((await owner1.req('POST', `/api/v1/partners/${wholesaler.id}/subscriptions/${subscriptionId}/suspend`, { reason: 'two-instance test' })).status).toBe(200);
  const refused = await until(call, (r) => r.status === 403, 1000);
  console.log(`suspension on instance 1 refused on instance 2 after ${refused.elapsed.toFixed(1)} ms`);
  expect(refused.value).toEqual({ status: 403, code: 'subscription_suspended' });
  expect(refused.elapsed).toBeLessThan(1000);

  expect((await owner1.req('POST', `/api/v1/partners/${wholesaler.id}/subscriptions/${subscriptionId}/resume`, {})).status).toBe(200);
  const admitted = await until(call, (r) => r.status === 200, 1000);
  console.log(`resumption on instance 1 admitted on instance 2 after ${admitted.elapsed.toFixed(1)} ms`);
  expect(admitted.value.status).toBe(200);
  expect(admitted.elapsed).toBeLessThan(1000);
});

it("a plan's daily request limit changed on instance 1 is counted by instance 2 within 1 s, one counter for both", async () => {
  const operator = await pair.world.operator();
  const op1 = await new HttpClient(pair.one.base).login(operator.email, operator.password);
  const admin2 = await new HttpClient(pair.two.base).login(admin.email, admin.password);
  const pat = await admin2.req('POST', '/api/v1/me/api-tokens', { name: 'plan limit' });
  expect(pat.status).toBe(201);
  const call = async (base: string) => {
    const r = await fetch(`${base}/resources/v1/context`, { headers: { authorization: `Bearer ${pat.body.token}`, 'x-active-tenant-id': tenantId } });
    const text = await r.text();
    return { status: r.status, policy: r.headers.get('ratelimit-policy') ?? '', code: r.status >= 400 && text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : undefined };
  };
  expect((await call(pair.two.base)).policy).toContain('"plan_daily";q=10000');

  // far above what the polling below sends: it is the announcement that is timed
  const up = await op1.req('PATCH', `/api/v1/plans/${planId}`, { limits: { users: 25, api_requests_per_day: 5000 } });
  expect(up.status, JSON.stringify(up.body)).toBe(200);
  const seen = await until(() => call(pair.two.base), (r) => r.policy.includes('"plan_daily";q=5000'), 1000);
  console.log(`plan limit changed on instance 1, counted on instance 2 after ${seen.elapsed.toFixed(1)} ms`);
  expect(seen.value.policy).toContain('"plan_daily";q=5000');
  expect(seen.elapsed).toBeLessThan(1000);

  // the counter is one across both instances: spend what is left, half on each, then both refuse
  const remaining = Number(/"plan_daily";r=(\d+)/.exec((await fetch(`${pair.one.base}/resources/v1/context`, { headers: { authorization: `Bearer ${pat.body.token}`, 'x-active-tenant-id': tenantId } })).headers.get('ratelimit') ?? '')?.[1]);
  expect(remaining).toBeGreaterThan(0);
  const lowerTo = 5000 - remaining + 2; // what was used so far, and two more
  const down = await op1.req('PATCH', `/api/v1/plans/${planId}`, { limits: { users: 25, api_requests_per_day: lowerTo } });
  expect(down.status).toBe(200);
  const lowered = await until(() => call(pair.two.base), (r) => r.status === 429 || r.policy.includes(`"plan_daily";q=${lowerTo}`), 1000);
  expect(lowered.elapsed).toBeLessThan(1000);
  let admitted = 0;
  for (const base of [pair.one.base, pair.two.base, pair.one.base, pair.two.base]) if ((await call(base)).status === 200) admitted++;
  expect(admitted).toBeLessThan(3);
  for (const base of [pair.one.base, pair.two.base]) expect(await call(base)).toMatchObject({ status: 429, code: 'quota_exceeded' });
});
