/**
 * Demo world (seed 001): Fabrikam MSP holds an active MSP_FULL link to Acme Fiber and waits for
 * Beta Networks to approve its request. Idempotent: a pair that already has any delegation is
 * left as it is, and the world lists what exists.
 */
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DemoStep, DemoUserLookup } from '../../platform/demo-step.ts';
import type { DelegationsService } from './delegations.service.ts';

const DAY = 86_400_000;

const LINKS = [
  { partner: 'fabrikam-msp', tenant: 'acme-fiber', role: 'MSP_FULL', days: 365, approve: true, justification: 'Managed services contract MSA-2025-014: billing, support and provisioning for Acme Fiber.' },
  { partner: 'fabrikam-msp', tenant: 'beta-networks', role: 'MSP_SUPPORT', days: 180, approve: false, justification: 'Proposal: first-line support and SLA monitoring for Beta Networks.' },
];

export type DelegationsDemoDeps = { delegations: DelegationsService; identity: DemoUserLookup; clock: Clock };

export const seedDemoDelegations: DemoStep<DelegationsDemoDeps> = async (s, world, opCtx) => {
  const out: { id: string; partner: string; tenant: string; role: string; status: string; ends_at: string }[] = [];
  for (const l of LINKS) {
    const partner = world.partners.find((p) => p.slug === l.partner);
    const tenant = world.tenants.find((t) => t.slug === l.tenant);
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
