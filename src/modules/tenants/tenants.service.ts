/**
 * Tenants (customer organizations), their members (TENANT_ADMIN / TENANT_USER) and billing
 * accounts (BANs). Every mutation commits with its audit event and change-feed row.
 */
import { randomInt } from 'node:crypto';
import type { Db, Tx } from '../../platform/db/database.ts';
import { lockRows, serviceWrites } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService, InvitationLink, NewMember } from '../identity/index.ts';
import { identityErrors } from '../identity/index.ts';
import { tenantErrors as E } from './tenants.errors.ts';
import * as repo from './tenants.repo.ts';
import { problemDetails as PD } from './tenants.problem-details.ts';

export interface TenantsDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  identity: IdentityService;
}

export type TenantRole = 'TENANT_ADMIN' | 'TENANT_USER';

/**
 * The partner program's part in creating a tenant with a referral code: `resolve`
 * refuses an unknown or inactive code before anything is written, `record` writes the
 * attribution in the tenant's own transaction. Registered by the program module (services.ts),
 * so tenants depends on no program code.
 */
export interface ReferralHook {
  resolve(trx: Tx, code: string): Promise<{ partnerId: string; code: string }>;
  record(trx: Tx, ctx: RequestContext, tenantId: string, ref: { partnerId: string; code: string }, source: 'signup' | 'operator', at?: string): Promise<void>;
}
/**
 * The number of people a customer's plan allows (the plan's `users` limit), asked in the
 * transaction that adds one. Registered by the plans module (services.ts), so tenants depends on no
 * plans code; null: no plan, or one without that limit.
 */
export type MemberLimit = (trx: Tx, tenantId: string) => Promise<{ limit: number; plan: string } | null>;

const TENANT_ROLES: readonly string[] = ['TENANT_ADMIN', 'TENANT_USER'];

export class TenantsService {
  readonly #d: TenantsDeps;
  #referrals: ReferralHook | null = null;
  #memberLimit: MemberLimit | null = null;
  constructor(d: TenantsDeps) {
    this.#d = d;
    d.identity.onInvitationAccepted('tenant', (trx, ctx, i) => this.#joinFromInvitation(trx, ctx, i));
  }

  /** the time now, and a write that nudges the change feed */
  readonly #w = serviceWrites(() => this.#d);

  setReferralHook(hook: ReferralHook): void {
    this.#referrals = hook;
  }

  setMemberLimit(limit: MemberLimit): void {
    this.#memberLimit = limit;
  }

  /**
   * Guarantee (the plan's people limit holds): the tenant row is locked before its members (and,
   * for an invitation, its pending invitations) are counted, so two additions at once are decided
   * one after the other and the second sees the first.
   */
  async #withinMemberLimit(trx: Tx, tenantId: string, countPending: boolean): Promise<void> {
    if (this.#memberLimit === null) return;
    const m = await this.#memberLimit(trx, tenantId);
    if (m === null) return;
    await lockRows(this.#d.db, trx, 'tenants', { id: tenantId });
    const counted = await repo.countMembersAndInvitations(trx, tenantId, this.#w.now());
    const members = counted.members;
    const pending = countPending ? counted.pending : 0;
    if (members + pending >= m.limit) {
      const waiting = pending > 0 ? ` (${members} ${members === 1 ? 'member' : 'members'} and ${pending} open ${pending === 1 ? 'invitation' : 'invitations'})` : '';
      throw E.plan_member_limit_reached(`Your plan (${m.plan}) allows ${m.limit} ${m.limit === 1 ? 'person' : 'people'}, and you have ${members + pending}${waiting}. Remove someone, withdraw an invitation, or choose a larger plan.`);
    }
  }

  /**
   * `trx`: create it inside the caller's transaction (the caller kicks the change feed).
   * `referral_code`: attribute the new tenant to the code's partner, once and for good (refused with 400 when the code is not valid).
   */
  async createTenant(
    ctx: RequestContext,
    input: { name: string; slug: string; tier?: string; admin?: { email: string }; referral_code?: string; referral_source?: 'signup' | 'operator'; /** the demo world's back-dated sign-ups only */ referral_at?: string },
    trx?: Tx,
  ): Promise<{ tenant: repo.TenantRow; invitation: InvitationLink | null }> {
    const now = this.#w.now();
    const tenant: repo.TenantRow = {
      id: newId('tnt'),
      locale: null,
      slug: input.slug,
      name: input.name,
      status: 'active',
      tier: input.tier ?? 'standard',
      referred_by_partner_id: null,
      invite_code: null,
      created_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    };
    const work = async (t: Tx) => {
      let ref: { partnerId: string; code: string } | null = null;
      if (input.referral_code !== undefined) {
        if (!this.#referrals) throw new Error('no referral hook registered');
        ref = await this.#referrals.resolve(t, input.referral_code);
        tenant.referred_by_partner_id = ref.partnerId;
      }
      await repo.insertTenant(t, tenant);
      await this.#d.feed.record(t, 'tenant', tenant.id);
      await this.#d.audit.record(t, ctx, { action: 'tenant.created', tenantId: tenant.id, targetType: 'tenant', targetId: tenant.id, details: { slug: tenant.slug, name: tenant.name } });
      if (ref && this.#referrals) await this.#referrals.record(t, ctx, tenant.id, ref, input.referral_source ?? 'operator', input.referral_at);
      let invitation = null;
      if (input.admin) invitation = await this.#inviteMember(t, ctx, tenant.id, { email: input.admin.email, role: 'TENANT_ADMIN' });
      return { tenant, invitation };
    };
    return trx ? work(trx) : this.#w.write(work);
  }

  getTenant(id: string): Promise<repo.TenantRow | undefined> {
    return repo.findTenantById(this.#d.db.kysely, id);
  }

  async requireTenant(id: string): Promise<repo.TenantRow> {
    const t = await repo.findTenantById(this.#d.db.kysely, id);
    if (!t) throw E.tenant_not_found();
    return t;
  }

  findBySlug(slug: string): Promise<repo.TenantRow | undefined> {
    return repo.findTenantBySlug(this.#d.db.kysely, slug);
  }

  listTenants(f: { ids?: string[]; q?: string; status?: string; cursor?: string; limit: number }) {
    return repo.listTenants(this.#d.db.kysely, f);
  }

  /** Tenants' names by id (the ones that exist): id and name only, for views that show many at once. */
  tenantNames(ids: readonly string[]): Promise<Map<string, string>> {
    return repo.findTenantNames(this.#d.db.kysely, ids);
  }

  /** The partners that referred any of these customers, each once. */
  async referrersOf(ids: readonly string[]): Promise<string[]> {
    const referrers = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) for (const p of await repo.findReferrersOf(this.#d.db.kysely, ids.slice(i, i + 1000))) referrers.add(p);
    return [...referrers];
  }

  /** The operator's overview figures (see repo.tenantFigures). */
  figures(sinceIso: string) {
    return repo.tenantFigures(this.#d.db.kysely, sinceIso);
  }

  async updateTenant(ctx: RequestContext, id: string, patch: { name?: string; tier?: string; status?: 'active' | 'suspended' | 'closed'; locale?: string | null }): Promise<repo.TenantRow> {
    const t = await this.requireTenant(id);
    const changes = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && (t as Record<string, unknown>)[k] !== v));
    if (Object.keys(changes).length === 0) return t;
    const updated = await this.#w.write(async (trx) => {
      await repo.updateTenant(trx, id, { ...changes, updated_at: this.#w.now() });
      await this.#d.feed.record(trx, 'tenant', id);
      const action = patch.status && patch.status !== t.status ? `tenant.${patch.status === 'active' ? 'reactivated' : patch.status}` : 'tenant.updated';
      await this.#d.audit.record(trx, ctx, { action, tenantId: id, targetType: 'tenant', targetId: id, details: { changes } });
      return { ...t, ...changes } as repo.TenantRow;
    });
    // A suspended tenant's partners and agency forms are refused on their very next request:
    // #write delivered the change to this instance's in-memory snapshots before answering.
    return updated;
  }

  // ---- members -----------------------------------------------------------------------------

  listMembers(tenantId: string) {
    return repo.listMembers(this.#d.db.kysely, tenantId);
  }

  /** One person's membership of the tenant, whatever its status (one row, not the member list). */
  member(tenantId: string, userId: string) {
    return repo.findMember(this.#d.db.kysely, tenantId, userId);
  }

  /**
   * Invite someone by email: a pending invitation they accept (new account through the link,
   * existing account while logged in). The answer is the same whether or not the email has an
   * account; only someone already in the member list — which the inviter sees — is refused.
   */
  async inviteMember(ctx: RequestContext, tenantId: string, input: { email: string; role: TenantRole }): Promise<InvitationLink> {
    return this.#w.write((trx) => this.#inviteMember(trx, ctx, tenantId, input));
  }

  async #inviteMember(trx: Tx, ctx: RequestContext, tenantId: string, input: { email: string; role: TenantRole }): Promise<InvitationLink> {
    const email = input.email.trim().toLowerCase();
    if (await repo.findMemberByEmail(trx, tenantId, email)) throw E.already_tenant_member();
    await this.#withinMemberLimit(trx, tenantId, true);
    const link = await this.#d.identity.invite(trx, { email, scopeType: 'tenant', scopeId: tenantId, role: input.role, invitedBy: ctx.actor.userId, acceptLanguage: ctx.acceptLanguage });
    await this.#d.audit.record(trx, ctx, { action: 'tenant.member_invited', tenantId, targetType: 'invitation', targetId: link.id, details: { email, role: input.role } });
    return link;
  }

  /** The membership an accepted invitation creates, in the acceptance's transaction (the invitation-acceptance contract). */
  async #joinFromInvitation(trx: Tx, ctx: RequestContext, i: NewMember): Promise<void> {
    if (!(await repo.findTenantById(trx, i.scopeId)) || !TENANT_ROLES.includes(i.role)) throw identityErrors.invitation_invalid();
    if (await repo.findMember(trx, i.scopeId, i.userId)) throw E.already_tenant_member(PD.alreadyMemberTenant);
    await this.#withinMemberLimit(trx, i.scopeId, false);
    await this.addMember(trx, i, ctx);
  }

  /**
   * Add a member, in the caller's transaction: the row, its change-feed entry (the snapshots and
   * the user's memberships follow) and, as `audit`'s actor, the `tenant.member_added` event. The one
   * way a membership is written — by an accepted invitation, the demo world and the tests' world
   * (which passes `audit: null`: building a world is nobody's action). The caller checks the role.
   */
  async addMember(trx: Tx, m: NewMember, audit: RequestContext | null): Promise<void> {
    await repo.insertMember(trx, { tenant_id: m.scopeId, user_id: m.userId, role: m.role as TenantRole, invited_by: m.invitedBy, created_at: this.#w.now() });
    await this.#d.feed.record(trx, 'user', m.userId);
    if (!audit) return;
    await this.#d.audit.record(trx, audit, {
      action: 'tenant.member_added',
      tenantId: m.scopeId,
      targetType: 'user',
      targetId: m.userId,
      details: { role: m.role, invitation_id: m.invitationId, invited_by: m.invitedBy },
    });
  }

  /**
   * Add a member whom the tenant's own directory provisions (SCIM), in the caller's transaction:
   * within the plan's people limit like an accepted invitation, then as addMember.
   */
  async addProvisionedMember(trx: Tx, m: NewMember, ctx: RequestContext): Promise<void> {
    if (!TENANT_ROLES.includes(m.role)) throw identityErrors.invitation_invalid();
    await this.#withinMemberLimit(trx, m.scopeId, false);
    await this.addMember(trx, m, ctx);
  }

  listInvitations(tenantId: string) {
    return this.#d.identity.listPendingInvitations('tenant', tenantId);
  }

  async revokeInvitation(ctx: RequestContext, tenantId: string, invitationId: string): Promise<void> {
    await this.#w.write(async (trx) => {
      const inv = await this.#d.identity.revokeInvitation(trx, 'tenant', tenantId, invitationId);
      await this.#d.audit.record(trx, ctx, { action: 'tenant.invitation_revoked', tenantId, targetType: 'invitation', targetId: inv.id, details: { email: inv.email, role: inv.role } });
    });
  }

  async changeMemberRole(ctx: RequestContext, tenantId: string, userId: string, role: TenantRole): Promise<void> {
    await this.#w.write(async (trx) => {
      const m = await repo.findMember(trx, tenantId, userId);
      if (!m) throw E.tenant_member_not_found();
      if (m.role === role) return;
      if (m.role === 'TENANT_ADMIN' && (await this.#lockedAdmins(trx, tenantId)) <= 1) throw E.last_tenant_admin();
      await repo.updateMemberRole(trx, tenantId, userId, role);
      await this.#d.feed.record(trx, 'user', userId);
      await this.#d.audit.record(trx, ctx, { action: 'tenant.member_role_changed', tenantId, targetType: 'user', targetId: userId, details: { from: m.role, to: role } });
    });
  }

  /**
   * Guarantee (a tenant keeps an admin): the tenant's admin rows are locked before they are
   * counted, so two admins demoted or removed at once are decided one after the other and the
   * second sees one admin left.
   */
  async #lockedAdmins(trx: Tx, tenantId: string): Promise<number> {
    await lockRows(this.#d.db, trx, 'tenant_members', { tenant_id: tenantId, role: 'TENANT_ADMIN' });
    return repo.countAdmins(trx, tenantId);
  }

  async removeMember(ctx: RequestContext, tenantId: string, userId: string): Promise<void> {
    await this.#w.write(async (trx) => {
      const m = await repo.findMember(trx, tenantId, userId);
      if (!m) throw E.tenant_member_not_found();
      if (m.role === 'TENANT_ADMIN' && (await this.#lockedAdmins(trx, tenantId)) <= 1) throw E.last_tenant_admin();
      await repo.deleteMember(trx, tenantId, userId);
      await this.#d.feed.record(trx, 'user', userId);
      await this.#d.audit.record(trx, ctx, { action: 'tenant.member_removed', tenantId, targetType: 'user', targetId: userId, details: { role: m.role } });
    });
  }

  // ---- billing accounts --------------------------------------------------------------------

  listBillingAccounts(tenantId: string) {
    return repo.listBillingAccounts(this.#d.db.kysely, tenantId);
  }

  async requireBillingAccount(tenantId: string, id: string): Promise<repo.BillingAccountRow> {
    const b = await repo.findBillingAccount(this.#d.db.kysely, tenantId, id);
    if (!b) throw E.billing_account_not_found();
    return b;
  }

  async createBillingAccount(ctx: RequestContext, tenantId: string, input: { name: string; account_number?: string; currency?: string }, trx?: Tx): Promise<repo.BillingAccountRow> {
    const now = this.#w.now();
    const row: repo.BillingAccountRow = {
      id: newId('ban'),
      tenant_id: tenantId,
      account_number: input.account_number ?? generateAccountNumber(),
      name: input.name,
      status: 'active',
      currency: input.currency ?? 'USD',
      created_at: now,
      updated_at: now,
    };
    const work = async (t: Tx) => {
      await repo.insertBillingAccount(t, row);
      await this.#d.feed.record(t, 'billing_account', row.id);
      await this.#d.audit.record(t, ctx, { action: 'billing_account.created', tenantId, ban: row.account_number, targetType: 'billing_account', targetId: row.id, details: { name: row.name } });
      return row;
    };
    return trx ? work(trx) : this.#w.write(work);
  }

  async updateBillingAccount(ctx: RequestContext, tenantId: string, id: string, patch: { name?: string; status?: 'active' | 'closed' }): Promise<repo.BillingAccountRow> {
    if (patch.name !== undefined && patch.status === undefined) {
      const renamed = await this.#rename(ctx, tenantId, id, patch.name);
      if (renamed !== null) return renamed;
    }
    const b = await this.requireBillingAccount(tenantId, id);
    const changes = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && b[k as keyof repo.BillingAccountRow] !== v));
    if (Object.keys(changes).length === 0) return b;
    return this.#w.write(async (trx) => {
      await repo.updateBillingAccount(trx, id, { ...changes, updated_at: this.#w.now() });
      await this.#d.feed.record(trx, 'billing_account', id);
      const action = changes.status === 'closed' ? 'billing_account.closed' : changes.status === 'active' ? 'billing_account.reopened' : 'billing_account.updated';
      await this.#d.audit.record(trx, ctx, { action, tenantId, ban: b.account_number, targetType: 'billing_account', targetId: id, details: { changes } });
      return { ...b, ...changes } as repo.BillingAccountRow;
    });
  }

  /**
   * A rename alone, in one statement that travels with BEGIN: the account is renamed if it is the
   * tenant's and its name differs, and the row it returns is the answer and the audit's account
   * number (no read before). Null when it renamed nothing: the caller reads, to answer 404 or the
   * unchanged account, as for any other change.
   */
  async #rename(ctx: RequestContext, tenantId: string, id: string, name: string): Promise<repo.BillingAccountRow | null> {
    return this.#w.write(async (trx) => {
      const row = await repo.renameBillingAccount(trx, tenantId, id, name, this.#w.now());
      if (!row) return null;
      await this.#d.feed.record(trx, 'billing_account', id);
      await this.#d.audit.record(trx, ctx, { action: 'billing_account.updated', tenantId, ban: row.account_number, targetType: 'billing_account', targetId: id, details: { changes: { name } } });
      return row;
    });
  }
}

/** BAN-<10 digits>, e.g. BAN-4021739951 */
export function generateAccountNumber(): string {
  let digits = '';
  for (let i = 0; i < 10; i++) digits += String(randomInt(10));
  return `BAN-${digits}`;
}

export function toTenantDto(t: repo.TenantRow) {
  return { id: t.id, slug: t.slug, name: t.name, status: t.status, tier: t.tier, created_at: t.created_at, updated_at: t.updated_at, locale: t.locale };
}

export function toBillingAccountDto(b: repo.BillingAccountRow) {
  return { id: b.id, tenant_id: b.tenant_id, account_number: b.account_number, name: b.name, status: b.status, currency: b.currency, created_at: b.created_at };
}
