/**
 * The demo world: an operator, two tenants (each with an admin, a user and two BANs) and one
 * partner of each capability (each with an owner and a staff member). Idempotent: on a seeded
 * database it changes nothing and describes the same world. Each tenant and each partner is
 * created in one transaction, so a run that stops half-way leaves nothing half-made for the
 * next run to skip. Passwords are derived from the
 * installation's secret, so they can be printed again but differ between installations.
 *
 * Later capabilities extend the world through `DEMO_EXTENSIONS`.
 */
import { createHmac } from 'node:crypto';
import type { Services } from '../app/services.ts';
import { mutate } from '../platform/db/database.ts';
import type { Credentials, DemoStep, DemoWorld } from '../platform/demo-step.ts';
import { systemContext, type RequestContext } from '../platform/http/request-context.ts';
import type { Capability } from '../modules/partners/index.ts';
import { seedDemoAgencies } from '../modules/agencies/agencies.demo.ts';
import { seedDemoMfa } from '../modules/identity/mfa.demo.ts';
import { seedDemoResources } from '../modules/resources/resources.demo.ts';
import { seedDemoDelegations } from '../modules/delegations/delegations.demo.ts';
import { seedDemoApps } from '../modules/apps/apps.demo.ts';
import { seedDemoProgram } from '../modules/program/program.demo.ts';
import { seedDemoMspWorkspace } from '../modules/alerts/alerts.demo.ts';
import { seedDemoJit } from '../modules/delegations/jit.demo.ts';
import { seedDemoFeatures } from '../modules/partners/features.demo.ts';
import { seedDemoPlans } from '../modules/plans/plans.demo.ts';
import { seedDemoDataSource } from '../modules/datasources/index.ts';
import { seedDemoTwoTier } from '../modules/delegations/index.ts';

export type { Credentials, DemoWorld } from '../platform/demo-step.ts';

/** A module's demo step, given the application's services (which have what each step needs). */
export type DemoExtension = DemoStep<Services>;
// seedDemoPlans runs before seedDemoApps, which lists the resold customers (the plans' customers among
// them). seedDemoResources runs after the extensions that create tenants: it fills every tenant they
// created (and leaves alone the program's referred tenants, which have their own invoices).
// seedDemoJit creates four small customers of Fabrikam before the resource data fills them.
// seedDemoMspWorkspace (member roles, link commitments, a ticket, alerts) needs the resource data.
// seedDemoDataSource records the resource data as the built-in "Demo data" source's, so it runs after them.
// seedDemoTwoTier (a distributor over two resellers) draws no random numbers and comes after the resource data, so
// what the steps before it draw stays the same; its links are there before the MSP workspace evaluates every link.
export const DEMO_EXTENSIONS: DemoExtension[] = [seedDemoDelegations, seedDemoAgencies, seedDemoPlans, seedDemoApps, seedDemoProgram, seedDemoMfa, seedDemoJit, seedDemoResources, seedDemoTwoTier, seedDemoMspWorkspace, seedDemoFeatures, seedDemoDataSource];

const TENANTS = [
  { slug: 'acme-fiber', name: 'Acme Fiber ISP', domain: 'acme-fiber.demo', admin: 'alice', user: 'tom', bans: [['BAN-1000000001', 'Acme Fiber — Head office'], ['BAN-1000000002', 'Acme Fiber — Residential']] },
  { slug: 'beta-networks', name: 'Beta Networks', domain: 'beta-networks.demo', admin: 'bianca', user: 'uri', bans: [['BAN-2000000001', 'Beta Networks — Enterprise'], ['BAN-2000000002', 'Beta Networks — Retail']] },
] as const;

const PARTNERS: { slug: string; name: string; capability: Capability; domain: string; owner: string; staff: string; website: string }[] = [
  { slug: 'northwind-apps', name: 'Northwind Apps', capability: 'delegated', domain: 'northwind.demo', owner: 'olivia', staff: 'sam', website: 'https://northwind.example' },
  { slug: 'contoso-wholesale', name: 'Contoso Wholesale', capability: 'wholesale', domain: 'contoso.demo', owner: 'oscar', staff: 'sofia', website: 'https://contoso.example' },
  { slug: 'fabrikam-msp', name: 'Fabrikam MSP', capability: 'managed_services', domain: 'fabrikam.demo', owner: 'owen', staff: 'stella', website: 'https://fabrikam.example' },
  { slug: 'tailspin-referrals', name: 'Tailspin Referrals', capability: 'referral', domain: 'tailspin.demo', owner: 'opal', staff: 'simon', website: 'https://tailspin.example' },
];

export function demoPassword(secret: string, email: string): string {
  return 'demo-' + createHmac('sha256', secret).update('demo-password:' + email).digest('base64url').slice(0, 12);
}

function titleCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export async function seedDemo(s: Services): Promise<DemoWorld> {
  const ctx = systemContext('seed-demo');
  const cred = (email: string): Credentials => ({ email, password: demoPassword(s.config.secretKey, email) });

  const operator = cred('operator@partnergate.demo');
  if (!(await s.identity.findUserByEmail(operator.email))) {
    await s.identity.ensureSuperAdmin(ctx, operator.email, 'Olga Operator', operator.password);
  }
  const opUser = await s.identity.findUserByEmail(operator.email);
  const opCtx: RequestContext = { ...ctx, actor: { ...ctx.actor, type: 'user', userId: opUser!.id } };

  const world: DemoWorld = { portal_url: s.config.publicUrl, operator, tenants: [], partners: [] };

  for (const t of TENANTS) {
    const admin = cred(`${t.admin}@${t.domain}`);
    const user = cred(`${t.user}@${t.domain}`);
    let tenant = await s.tenants.findBySlug(t.slug);
    if (!tenant) {
      // One transaction: a run that stops half-way leaves no tenant, and the next run creates it whole.
      tenant = await mutate(s.db, async (trx) => {
        const created = (await s.tenants.createTenant(opCtx, { name: t.name, slug: t.slug, tier: 'business' }, trx)).tenant;
        for (const [c, role] of [
          [admin, 'TENANT_ADMIN'],
          [user, 'TENANT_USER'],
        ] as const) {
          const uid = await s.identity.createUser(trx, { email: c.email, name: titleCase(c.email.split('@')[0]) + ' ' + t.name.split(' ')[0], password: c.password });
          await s.tenants.addMember(trx, { scopeId: created.id, userId: uid, role, invitedBy: opUser!.id, invitationId: null }, opCtx);
        }
        for (const [number, name] of t.bans) await s.tenants.createBillingAccount(opCtx, created.id, { name, account_number: number, currency: 'USD' }, trx);
        return created;
      });
      await s.feed.kick();
    }
    const bans = await s.tenants.listBillingAccounts(tenant.id);
    world.tenants.push({
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      admin,
      user,
      // by number: BANs opened in the same millisecond have no creation order to go by
      bans: bans.map((b) => ({ id: b.id, account_number: b.account_number, name: b.name })).sort((a, b) => a.account_number.localeCompare(b.account_number)),
    });
  }

  for (const p of PARTNERS) {
    const owner = cred(`${p.owner}@${p.domain}`);
    const staff = cred(`${p.staff}@${p.domain}`);
    let partner = await s.partners.findBySlug(p.slug);
    if (!partner) {
      // One transaction: application, approval and staff commit together or not at all.
      partner = await mutate(s.db, async (trx) => {
        const applied = await s.partners.apply(
          ctx,
          {
            name: p.name,
            slug: p.slug,
            website: p.website,
            contact_email: owner.email,
            description: `${p.name} — demo ${p.capability.replace('_', ' ')} partner.`,
            requested_capabilities: [p.capability],
            owner: { name: titleCase(p.owner) + ' ' + p.name.split(' ')[0], email: owner.email, password: owner.password },
          },
          trx,
        );
        const approved = await s.partners.transition(opCtx, applied.partner.id, 'approve', { capabilities: [p.capability] }, trx);
        const ownerCtx: RequestContext = { ...ctx, actor: { ...ctx.actor, type: 'user', userId: applied.ownerId, partnerId: approved.id } };
        const uid = await s.identity.createUser(trx, { email: staff.email, name: titleCase(p.staff) + ' ' + p.name.split(' ')[0], password: staff.password });
        await s.partners.addMember(trx, { scopeId: approved.id, userId: uid, role: 'PARTNER_STAFF', invitedBy: applied.ownerId, invitationId: null }, ownerCtx);
        return approved;
      });
      await s.feed.kick();
    }
    world.partners.push({ id: partner.id, slug: partner.slug, name: partner.name, capabilities: JSON.parse(partner.capabilities) as string[], owner, staff });
  }
  await s.feed.kick();

  for (const ext of DEMO_EXTENSIONS) await ext(s, world, opCtx);
  return world;
}

export function describeWorld(w: DemoWorld): string {
  const lines = [`Portal: ${w.portal_url}`, '', 'Demo logins (seed demo --json prints them all as JSON):', `  operator           ${w.operator.email}  ${w.operator.password}`];
  for (const t of w.tenants) {
    lines.push(`  ${t.slug.padEnd(18)} admin ${t.admin.email}  ${t.admin.password}`);
    lines.push(`  ${''.padEnd(18)} user  ${t.user.email}  ${t.user.password}`);
  }
  for (const p of w.partners) {
    lines.push(`  ${p.slug.padEnd(18)} owner ${p.owner.email}  ${p.owner.password}   (${p.capabilities.join(', ')})`);
    lines.push(`  ${''.padEnd(18)} staff ${p.staff.email}  ${p.staff.password}`);
  }
  for (const c of (w.msp_customers as { slug: string; admin: Credentials }[] | undefined) ?? []) {
    lines.push(`  ${c.slug.padEnd(18)} admin ${c.admin.email}  ${c.admin.password}   (managed by Fabrikam MSP)`);
  }
  for (const m of (w.msp_members as { email: string; password: string; member_role: string }[] | undefined) ?? []) {
    if (m.email.startsWith('owen@') || m.email.startsWith('stella@')) continue;
    lines.push(`  ${''.padEnd(18)} ${m.member_role.replace('partner_msp_', '').replace('partner_', '').padEnd(5)} ${m.email}  ${m.password}`);
  }
  const mfa = w.mfa as { email: string; password: string; authenticator_key: string } | undefined;
  if (mfa) lines.push(`  two-step sign-in    ${mfa.email}  ${mfa.password}   (authenticator key ${mfa.authenticator_key})`);
  return lines.join('\n');
}
