/**
 * Demo world, two-tier partners: Litware Distribution, a distributor, over two resellers it
 * onboarded — Adatum Resale, with a link to Beta Networks that Beta lets Litware act through, and
 * Trey Resale, with a link to Acme Fiber that Acme keeps closed to Litware. Logins are derived from
 * the installation's operator password (no new secret), so each installation has its own.
 * Appended after every other demo step, so the steps before it draw the same random numbers.
 * Idempotent.
 */
import { createHmac } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DemoStep, DemoWorld } from '../../platform/demo-step.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { PartnersService } from '../partners/index.ts';
import type { DelegationsService } from './delegations.service.ts';
import type { DelegationsDeps } from './delegations.types.ts';
import { DistributorAccess } from './distributor-access.ts';

const DAY = 86_400_000;
const DISTRIBUTOR = { slug: 'litware-distribution', name: 'Litware Distribution', owner: 'lena@litware.demo' };
const RESELLERS = [
  { name: 'Adatum Resale', owner: 'adam@adatum.demo', tenant: 'beta-networks', role: 'MSP_BILLING', open: true },
  { name: 'Trey Resale', owner: 'tia@trey.demo', tenant: 'acme-fiber', role: 'MSP_SUPPORT', open: false },
] as const;

export type TwoTierDemoDeps = {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  feed: DelegationsDeps['feed'];
  identity: IdentityService;
  partners: PartnersService;
  delegations: DelegationsService;
};

function passwordFor(world: DemoWorld, email: string): string {
  return 'demo-' + createHmac('sha256', world.operator.password).update('two-tier:' + email).digest('base64url').slice(0, 12);
}

async function ensureUser(s: TwoTierDemoDeps, world: DemoWorld, email: string, name: string): Promise<string> {
  const found = await s.identity.findUserByEmail(email);
  if (found) return found.id;
  return mutate(s.db, (trx) => s.identity.createUser(trx, { email, name, password: passwordFor(world, email) }));
}

export const seedDemoTwoTier: DemoStep<TwoTierDemoDeps> = async (s, world, opCtx) => {
  const creds = (email: string) => ({ email, password: passwordFor(world, email) });
  world.two_tier = { distributor: { name: DISTRIBUTOR.name, owner: creds(DISTRIBUTOR.owner) }, resellers: RESELLERS.map((r) => ({ name: r.name, owner: creds(r.owner), customer: r.tenant, distributor_may_act: r.open })) };
  if (await s.partners.findBySlug(DISTRIBUTOR.slug)) return;
  const applied = await s.partners.apply(opCtx, { name: DISTRIBUTOR.name, slug: DISTRIBUTOR.slug, contact_email: DISTRIBUTOR.owner, owner: { name: 'Lena Litware', email: DISTRIBUTOR.owner, password: passwordFor(world, DISTRIBUTOR.owner) } });
  await s.partners.transition(opCtx, applied.partner.id, 'approve', { capabilities: ['managed_services', 'wholesale'] });
  const ownerCtx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: applied.ownerId, partnerId: applied.partner.id } };
  const access = new DistributorAccess({ db: s.db, audit: s.audit, feed: s.feed, clock: s.clock, chainsOf: (ids) => s.partners.resellers.chainsOf(ids) });
  for (const r of RESELLERS) {
    const { reseller } = await s.partners.resellers.onboardReseller(ownerCtx, applied.partner.id, { name: r.name, contact_email: r.owner, owner_email: r.owner });
    // the demo's reseller owner signs in at once (the invitation it was sent is then moot)
    const uid = await ensureUser(s, world, r.owner, r.owner.split('@')[0].replace(/^./, (c) => c.toUpperCase()) + ' ' + r.name.split(' ')[0]);
    await mutate(s.db, (trx) => s.partners.addMember(trx, { scopeId: reseller.id, userId: uid, role: 'PARTNER_OWNER', invitedBy: applied.ownerId, invitationId: null }, ownerCtx));
    const tenant = world.tenants.find((t) => t.slug === r.tenant);
    if (!tenant) continue;
    // the customer's own admin approved the link (one approved by someone who is not its admin waits for a confirmation)
    const admin = await s.identity.findUserByEmail(tenant.admin.email);
    const adminCtx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: admin?.id ?? null, partnerId: null } };
    const link = await s.delegations.create(adminCtx, { partnerId: reseller.id, tenantId: tenant.id, origin: 'link', role: r.role, banIds: null, endsAt: new Date(s.clock.nowMs() + 180 * DAY).toISOString(), status: 'active' });
    if (!r.open) continue;
    await access.setDistributorAccess(adminCtx, tenant.id, link.id, true);
  }
  await s.feed.kick();
};
