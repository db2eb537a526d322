/**
 * Demo world, time-limited access: every state at once, on four small customers of
 * Fabrikam MSP that Acme Fiber's admin (alice, already a demo login) also administers — so no new
 * login is printed:
 *  - Cedar Telecom: support always on, billing on request; stella's two-hour activation is on;
 *    the link ends in 30 days (its 30-day notice is sent);
 *  - Delta Broadband: support always on, provisioning on request with approval; owen's request
 *    waits for alice; the link ends in 7 days (7-day notice);
 *  - Echo Mobile: billing, ends tomorrow (1-day notice), renewal turned off by the tenant;
 *  - Foxtrot Cable: auditor, already renewed once by auto-extend (in its history and the audit log).
 * Idempotent: a customer that exists is left as it is.
 */
import { mutate, type Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { systemContext } from '../../platform/http/request-context.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { DemoStep, DemoUserLookup } from '../../platform/demo-step.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditLog } from '../audit/index.ts';
import type { ActivationsService, EventSink, SecondFactorCheck } from './activations.ts';
import type { DelegationsService } from './delegations.service.ts';
import { LifecycleSweep } from './lifecycle-sweep.ts';
import { insertActivation } from './activations.repo.ts';
import type { DelegationsDeps } from './delegations.types.ts';

const DAY = 86_400_000;
const MIN = 60_000;

interface TenantsForDemo {
  findBySlug(slug: string): Promise<{ id: string } | undefined>;
  createTenant(ctx: RequestContext, input: { name: string; slug: string; tier?: string }, trx?: Tx): Promise<{ tenant: { id: string } }>;
  addMember(trx: Tx, m: { scopeId: string; userId: string; role: string; invitedBy: string | null; invitationId: string | null }, audit: RequestContext | null): Promise<void>;
}

export type JitDemoDeps = {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  feed: DelegationsDeps['feed'];
  roles: DelegationsDeps['roles'];
  config: { delegationMaxDays: number };
  delegations: DelegationsService;
  activations: ActivationsService;
  tenants: TenantsForDemo;
  identity: DemoUserLookup & { mfa: SecondFactorCheck };
  notifications: { outbox: EventSink };
};

const CUSTOMERS = [
  { slug: 'cedar-telecom', name: 'Cedar Telecom', role: 'MSP_SUPPORT', days: 29.5, settings: { eligible_roles: ['MSP_BILLING'], max_activation_minutes: 480 }, activation: { by: 'stella', status: 'active' as const, minutes: 120, why: 'Month-end invoice check requested by Cedar finance (ticket 5120).' } },
  { slug: 'delta-broadband', name: 'Delta Broadband', role: 'MSP_SUPPORT', days: 6.5, settings: { eligible_roles: ['MSP_PROVISIONING'], approval_required: true, max_activation_minutes: 240 }, activation: { by: 'owen', status: 'pending' as const, minutes: 120, why: 'Provision two new fibre lines for the Delta warehouse.' } },
  { slug: 'echo-mobile', name: 'Echo Mobile', role: 'MSP_BILLING', days: 0.5, settings: { auto_extend: false }, activation: null },
  { slug: 'foxtrot-cable', name: 'Foxtrot Cable', role: 'AUDITOR', days: 1 / (24 * 60), settings: null, activation: null },
];

export const seedDemoJit: DemoStep<JitDemoDeps> = async (s, world, opCtx) => {
  const fabrikam = world.partners.find((p) => p.slug === 'fabrikam-msp');
  const acme = world.tenants.find((t) => t.slug === 'acme-fiber');
  if (!fabrikam || !acme) return;
  const alice = await s.identity.findUserByEmail(acme.admin.email);
  const owner = await s.identity.findUserByEmail(fabrikam.owner.email);
  const staff = await s.identity.findUserByEmail(fabrikam.staff.email);
  if (!alice || !owner || !staff) return;
  const members: Record<string, string> = { owen: owner.id, stella: staff.id };
  const ownerCtx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: owner.id, partnerId: fabrikam.id } };
  const adminCtx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: alice.id, partnerId: null } };
  const out: { tenant: string; delegation_id: string }[] = [];
  let created = false;

  for (const c of CUSTOMERS) {
    const existing = await s.tenants.findBySlug(c.slug);
    if (existing) {
      const l = await s.delegations.list({ partnerId: fabrikam.id, tenantId: existing.id, origin: 'link', limit: 1 });
      if (l[0]) out.push({ tenant: c.slug, delegation_id: l[0].id });
      continue;
    }
    created = true;
    const tenant = await mutate(s.db, async (trx) => {
      const t = (await s.tenants.createTenant(opCtx, { name: c.name, slug: c.slug, tier: 'business' }, trx)).tenant;
      await s.tenants.addMember(trx, { scopeId: t.id, userId: alice.id, role: 'TENANT_ADMIN', invitedBy: opCtx.actor.userId ?? null, invitationId: null }, opCtx);
      return t;
    });
    await s.feed.kick();
    await s.feed.drain();
    const now = s.clock.now().getTime();
    const d = await s.delegations.requestLink(ownerCtx, fabrikam.id, { tenant_slug: c.slug, role: c.role, justification: `Managed services for ${c.name}.`, ends_at: new Date(now + c.days * DAY).toISOString() });
    await s.delegations.approve(adminCtx, tenant.id, d.id);
    if (c.settings) await s.activations.updateSettings(adminCtx, tenant.id, d.id, c.settings);
    if (c.activation) {
      const a = c.activation;
      const userId = members[a.by];
      const nowIso = new Date(now).toISOString();
      // written as the activation service would after the member's step-up (the demo has no session to step up in)
      await mutate(s.db, async (trx) => {
        await insertActivation(trx, {
          id: newId('act'),
          delegation_id: d.id,
          tenant_id: tenant.id,
          partner_id: fabrikam.id,
          user_id: userId,
          status: a.status,
          justification: a.why,
          duration_minutes: a.minutes,
          requested_at: nowIso,
          mfa_at: nowIso,
          decided_by: null,
          decided_at: null,
          decision_reason: null,
          starts_at: a.status === 'active' ? nowIso : null,
          ends_at: a.status === 'active' ? new Date(now + a.minutes * MIN).toISOString() : null,
        });
        await s.feed.record(trx, 'delegation_jit', d.id);
        await s.audit.record(trx, { ...ownerCtx, actor: { ...ownerCtx.actor, userId } }, { action: a.status === 'active' ? 'delegation.activated' : 'delegation.activation_requested', tenantId: tenant.id, partnerId: fabrikam.id, targetType: 'delegation', targetId: d.id, details: { minutes: a.minutes, justification: a.why, demo: true } });
      });
    }
    out.push({ tenant: c.slug, delegation_id: d.id });
  }
  world.jit = out;
  if (!created) return;
  // Foxtrot's link ends a minute from now: a sweep that looks two minutes ahead renews it (auto-extend is on by default)
  const ahead: Clock = { now: () => new Date(s.clock.now().getTime() + 2 * MIN), nowMs: () => s.clock.now().getTime() + 2 * MIN };
  const sweep = new LifecycleSweep({ db: s.db, audit: s.audit, feed: s.feed, clock: ahead, roles: s.roles, maxDays: s.config.delegationMaxDays, events: s.notifications.outbox, mfa: s.identity.mfa });
  const ctx = systemContext('demo-lifecycle');
  await sweep.autoExtend(ctx);
  // the 30/7/1-day notices of Cedar, Delta and Echo, as the scheduled sweep would send them
  await new LifecycleSweep({ db: s.db, audit: s.audit, feed: s.feed, clock: s.clock, roles: s.roles, maxDays: s.config.delegationMaxDays, events: s.notifications.outbox, mfa: s.identity.mfa }).sendExpiryNotices(ctx);
  await s.feed.kick();
  await s.feed.drain();
};
