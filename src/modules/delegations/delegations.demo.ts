/**
 * Demo world, MSP links: Fabrikam MSP holds an active MSP_FULL link to Acme Fiber and to three
 * more customers it manages (Woodgrove Clinics, Adventure Works Cycles, Wide World Importers —
 * created here with an admin and their billing accounts, so the MSP dashboard adds up several
 * customers), and waits for Beta Networks to approve its request. Idempotent: a tenant that
 * exists is reused, a pair that already has any delegation is left as it is, and the world lists
 * what exists.
 */
import { createHmac } from 'node:crypto';
import { mutate, type Db } from '../../platform/db/database.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DemoStep, DemoUserLookup } from '../../platform/demo-step.ts';
import type { DelegationsService } from './delegations.service.ts';

const DAY = 86_400_000;

/** The customers Fabrikam manages besides Acme Fiber (each: an admin and its billing accounts). */
const MSP_CUSTOMERS = [
  { slug: 'woodgrove-clinics', name: 'Woodgrove Clinics', domain: 'woodgrove.demo', admin: 'wendy', bans: [['BAN-3000000001', 'Woodgrove — Clinics network'], ['BAN-3000000002', 'Woodgrove — Head office']] },
  { slug: 'adventure-works', name: 'Adventure Works Cycles', domain: 'adventure-works.demo', admin: 'adam', bans: [['BAN-4000000001', 'Adventure Works — Stores']] },
  { slug: 'wide-world-importers', name: 'Wide World Importers', domain: 'wideworld.demo', admin: 'wanda', bans: [['BAN-5000000001', 'Wide World — Warehouses'], ['BAN-5000000002', 'Wide World — Offices']] },
] as const;

const LINKS = [
  { partner: 'fabrikam-msp', tenant: 'acme-fiber', role: 'MSP_FULL', days: 365, approve: true, justification: 'Managed services contract MSA-2025-014: billing, support and provisioning for Acme Fiber.' },
  { partner: 'fabrikam-msp', tenant: 'woodgrove-clinics', role: 'MSP_FULL', days: 300, approve: true, justification: 'Managed network and helpdesk for the clinics (MSA-2025-022).' },
  { partner: 'fabrikam-msp', tenant: 'adventure-works', role: 'MSP_FULL', days: 240, approve: true, justification: 'Store connectivity, billing and support (MSA-2025-031).' },
  { partner: 'fabrikam-msp', tenant: 'wide-world-importers', role: 'MSP_FULL', days: 330, approve: true, justification: 'Warehouse and office services, managed end to end (MSA-2025-040).' },
  { partner: 'fabrikam-msp', tenant: 'beta-networks', role: 'MSP_SUPPORT', days: 180, approve: false, justification: 'Proposal: first-line support and SLA monitoring for Beta Networks.' },
];

export type DelegationsDemoDeps = {
  delegations: DelegationsService;
  identity: DemoUserLookup & Pick<IdentityService, 'createUser'>;
  clock: Clock;
  db: Db;
  config: { secretKey: string };
  tenants: Pick<TenantsService, 'findBySlug' | 'createTenant' | 'addMember' | 'createBillingAccount'>;
  feed: Pick<ChangeFeed, 'kick'>;
};

/** The same demo password as the demo world's (src/demo/demo.seed.ts demoPassword). */
const demoPassword = (secret: string, email: string) => 'demo-' + createHmac('sha256', secret).update('demo-password:' + email).digest('base64url').slice(0, 12);

/** Fabrikam's other customers: created once (tenant, admin, billing accounts in one transaction). */
async function mspCustomers(s: DelegationsDemoDeps, opCtx: RequestContext): Promise<{ id: string; slug: string; name: string; admin: { email: string; password: string } }[]> {
  const out = [];
  for (const c of MSP_CUSTOMERS) {
    const admin = { email: `${c.admin}@${c.domain}`, password: demoPassword(s.config.secretKey, `${c.admin}@${c.domain}`) };
    let tenant = await s.tenants.findBySlug(c.slug);
    if (!tenant) {
      tenant = await mutate(s.db, async (trx) => {
        const created = (await s.tenants.createTenant(opCtx, { name: c.name, slug: c.slug, tier: 'business' }, trx)).tenant;
        const uid = await s.identity.createUser(trx, { email: admin.email, name: `${c.admin[0].toUpperCase()}${c.admin.slice(1)} ${c.name.split(' ')[0]}`, password: admin.password });
        await s.tenants.addMember(trx, { scopeId: created.id, userId: uid, role: 'TENANT_ADMIN', invitedBy: opCtx.actor.userId, invitationId: null }, opCtx);
        for (const [number, name] of c.bans) await s.tenants.createBillingAccount(opCtx, created.id, { name, account_number: number, currency: 'USD' }, trx);
        return created;
      });
      await s.feed.kick();
    }
    out.push({ id: tenant.id, slug: tenant.slug, name: tenant.name, admin });
  }
  return out;
}

export const seedDemoDelegations: DemoStep<DelegationsDemoDeps> = async (s, world, opCtx) => {
  const out: { id: string; partner: string; tenant: string; role: string; status: string; ends_at: string }[] = [];
  const customers = await mspCustomers(s, opCtx);
  world.msp_customers = customers;
  for (const l of LINKS) {
    const partner = world.partners.find((p) => p.slug === l.partner);
    const tenant = world.tenants.find((t) => t.slug === l.tenant) ?? customers.find((t) => t.slug === l.tenant);
    if (!partner || !tenant) continue;
    let existing = await s.delegations.list({ partnerId: partner.id, tenantId: tenant.id, origin: 'link', limit: 1 });
    if (existing.length === 0) {
      const owner = await s.identity.findUserByEmail(partner.owner.email);
      const admin = await s.identity.findUserByEmail(tenant.admin.email);
      const ownerCtx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: owner?.id ?? null, partnerId: partner.id } };
      const adminCtx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: admin?.id ?? null, partnerId: null } };
      const d = await s.delegations.requestLink(ownerCtx, partner.id, {
        tenant_slug: tenant.slug,
        role: l.role,
        justification: l.justification,
        ends_at: new Date(s.clock.now().getTime() + l.days * DAY).toISOString(),
      });
      if (l.approve) await s.delegations.approve(adminCtx, tenant.id, d.id);
      existing = await s.delegations.list({ partnerId: partner.id, tenantId: tenant.id, origin: 'link', limit: 1 });
    } else if (l.approve && existing[0].status === 'requested') {
      // A run that stopped between the request and its approval finishes it now.
      const admin = await s.identity.findUserByEmail(tenant.admin.email);
      await s.delegations.approve({ ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: admin?.id ?? null, partnerId: null } }, tenant.id, existing[0].id);
      existing = await s.delegations.list({ partnerId: partner.id, tenantId: tenant.id, origin: 'link', limit: 1 });
    }
    const d = existing[0];
    out.push({ id: d.id, partner: l.partner, tenant: l.tenant, role: d.role, status: d.status, ends_at: d.ends_at });
  }
  world.delegations = out;
};
