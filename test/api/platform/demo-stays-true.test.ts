/**
 * The demo world says things about itself — in `seed demo --json` and in
 * docs/partners-and-customers/demo-world.md — and they stay true once its own schedules have run: each
 * plan customer's subscription is in the state the JSON gives and the guide names (Atlas Logistics
 * active, Nova Labs suspended …), each delegation in its stated status, each agency active, and the
 * alerts the guide says a first evaluation opens are open.
 *
 * The demo's history is drawn from a generator seeded by each customer's id, so an installation differs
 * from the next: five fresh installations are seeded, and on each the clock is moved on two minutes and
 * every schedule an instance runs is run twice (the non-payment sweep, the alert evaluation, the
 * delegation lifecycle, access-request expiry, the earnings run).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seedDemo, type DemoWorld } from '../../../src/demo/demo.seed.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

const INSTALLATIONS = 5;
const GUIDE = readFileSync(new URL('../../../docs/partners-and-customers/demo-world.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

/** "Pine Dental, Quarry Studio, Atlas Logistics and Nova Labs have subscriptions waiting for signature, signed, active (…) and suspended" */
function guideSubscriptions(): Map<string, string> {
  const m = /and ([A-Z][^.]+?) have subscriptions ([^.]+?)\./.exec(GUIDE);
  if (!m) throw new Error('the demo guide no longer says which subscriptions are in which state');
  const list = (s: string) => s.replace(/\([^)]*\)/g, '').split(/, | and /).map((x) => x.trim()).filter(Boolean);
  const words: Record<string, string> = { 'waiting for signature': 'signing', signed: 'signed', active: 'active', suspended: 'suspended', cancelled: 'cancelled' };
  const names = list(m[1]);
  const states = list(m[2]).map((w) => words[w] ?? w);
  expect(states).toHaveLength(names.length);
  return new Map(names.map((n, i) => [n, states[i]]));
}

async function runSchedules(t: TestApp) {
  const s = t.services;
  await asSystem(async () => {
    await s.plans.sweepNonPayment(systemContext('plans-sweep'));
    await s.alerts.evaluate(systemContext('alert-evaluation'));
    await s.lifecycle.autoExtend(systemContext('delegation-lifecycle'));
    await s.delegations.expireLapsed(systemContext('delegation-lifecycle'));
    await s.lifecycle.sendExpiryNotices(systemContext('delegation-lifecycle'));
    await s.accessRequests.sweep.runOnce();
    await s.program.runScheduled();
  });
  await s.feed.drain();
}

/** What the demo said, compared with what is, after its schedules ran. */
async function contradictions(t: TestApp, world: DemoWorld): Promise<string[]> {
  const out: string[] = [];
  const s = t.services;
  const plans = world.plans as { customers: { name: string; tenant_id: string; subscription: string | null }[] };
  const current = async (tenantId: string) => (await s.plans.listTenantSubscriptions(tenantId)).find((x) => x.status !== 'cancelled')?.status ?? null;
  for (const c of plans.customers) {
    const now = await current(c.tenant_id);
    if (now !== c.subscription) out.push(`seed demo --json: ${c.name}'s subscription is ${c.subscription}, but it is ${now}`);
  }
  for (const [name, state] of guideSubscriptions()) {
    const c = plans.customers.find((x) => x.name.startsWith(name));
    if (!c) out.push(`the guide names ${name}, the demo has no such customer`);
    else if ((await current(c.tenant_id)) !== state) out.push(`the guide: ${name}'s subscription is ${state}, but it is ${await current(c.tenant_id)}`);
  }
  for (const d of world.delegations as { id: string; tenant: string; partner: string; status: string }[]) {
    const now = (await s.delegations.get(d.id)).status;
    if (now !== d.status) out.push(`seed demo --json: ${d.partner} → ${d.tenant} is ${d.status}, but it is ${now}`);
  }
  for (const a of world.agencies as { tenant_slug: string; agency_id: string; status: string }[]) {
    const tenant = world.tenants.find((x) => x.slug === a.tenant_slug)!;
    const now = (await s.agencies.listAgencies(tenant.id)).find((x) => x.agency.id === a.agency_id)?.agency.status;
    if (now !== a.status) out.push(`seed demo --json: agency of ${a.tenant_slug} is ${a.status}, but it is ${now}`);
  }
  // "The Acme link … a first evaluation opens its alerts"
  if (GUIDE.includes('a first evaluation opens its alerts')) {
    const acme = world.tenants.find((x) => x.slug === 'acme-fiber')!;
    const open = await s.db.kysely.selectFrom('partner_alerts').select('id').where('tenant_id', '=', acme.id).where('resolved_at', 'is', null).execute();
    if (open.length === 0) out.push('the guide: the Acme link has open alerts, but none is open');
  }
  return out;
}

describe('the demo world, after its schedules run', () => {
  it(`says only what is true, on ${INSTALLATIONS} fresh installations`, { timeout: 600_000 }, async () => {
    const found: string[] = [];
    for (let i = 0; i < INSTALLATIONS; i++) {
      const clock = new ManualClock(Date.now());
      const t = await startTestApp({ clock });
      try {
        const world = await seedDemo(t.services);
        for (let run = 0; run < 2; run++) {
          clock.advance(60_000);
          await runSchedules(t);
        }
        // seeding again changes nothing and says the same
        expect(await seedDemo(t.services)).toEqual(world);
        found.push(...(await contradictions(t, world)).map((x) => `installation ${i + 1}: ${x}`));
      } finally {
        await t.close();
      }
    }
    expect(found).toEqual([]);
  });
});
