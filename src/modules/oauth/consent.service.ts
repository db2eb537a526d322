/**
 * Customer consent: what the consent screen shows, and what approving does.
 *
 * The authorization request carries plain scopes (permission grants such as `orders.create`,
 * `billing.*`, plus `openid`, `profile`, `email`, `offline_access`); the customer selection —
 * which tenant, which billing accounts, which one is billed, for how long — is made by the tenant
 * admin on the consent screen, never by the app. (We chose plain scopes over RFC 9396
 * `authorization_details`: the customer, not the partner, decides the accounts, so there is
 * nothing for the app to pre-fill.)
 *
 * Approval creates, in one transaction, a `consent` delegation (role DELEGATE, its grant overrides
 * and scopes exactly the approved resource scopes, the chosen BANs, bill_to the chosen BAN, the
 * chosen end date) and the grant ↔ delegation link; an earlier consent of the same app on the same
 * tenant is superseded (revoked). The oidc-provider Grant carries the same scopes and lives as long
 * as the delegation; the grant is only usable while the delegation is active (see grantIsLive).
 * Only partners with the `delegated` capability act for customers who consent.
 *
 * A member of the app's own partner (an MSP's owner or staff, the partner holding
 * `managed_services`) authorizes the app for their own account instead: no tenant, no billing
 * accounts, no delegation — the Grant carries the approved scopes and is marked as a member grant
 * (oauth.repo MEMBER_GRANT_MODEL); it stands while the user is active, still an active member, and
 * the partner and app are active. The user picks the tenant per request at the gateway
 * (X-Active-Tenant-Id), decided through the partner's link delegations.
 */
import type { Provider } from 'oidc-provider';
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import type { RoleCatalog } from '../authz/index.ts';
import { listConnectedApps, type DelegationsService } from '../delegations/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import type { AppsService, ClientRecord } from '../apps/index.ts';
import { IDENTITY_SCOPES, OFFLINE_ACCESS } from '../apps/index.ts';
import type { OAuthStore } from './oauth-store.ts';
import { oauthErrors as E } from './oauth.errors.ts';
import * as repo from './oauth.repo.ts';
import { tenantContext, withDbContext } from '../../platform/db/db-context.ts';
import { problemDetails as PD } from './oauth.problem-details.ts';

const DAY_MS = 86_400_000;
const DURATION_CHOICES = [30, 90, 180, 365, 730];

export interface ConsentDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  feed: ChangeFeed;
  roles: RoleCatalog;
  apps: AppsService;
  delegations: DelegationsService;
  store: OAuthStore;
  provider: () => Provider;
  audience: string;
  maxDays: number;
  /** the purpose catalog (modules/purposes), from memory; null: no purposes offered */
  purposes?: PurposeChoices | null;
}

/** What the consent screen asks of the purpose catalog. */
export interface PurposeChoices {
  list(): { id: string; name: string; description: string }[];
  activeAmong(ids: Iterable<string>): string[];
  validate(ids: readonly string[]): string[];
  /** the active purpose that answers to a DPV term (CAMARA's dpv:<Purpose>#<scope> scopes) */
  byDpv(term: string): { id: string } | undefined;
}

export interface AdminTenant {
  id: string;
  name: string;
  slug: string;
}

export interface RequestedScopes {
  /** resource scopes the app asked for and may have */
  resource: string[];
  /** openid / profile / email asked for and allowed */
  identity: string[];
  offline: boolean;
}

export interface ApproveInput {
  userId: string;
  clientId: string;
  tenantId: string;
  banIds: string[];
  billTo: string;
  days: number;
  requested: RequestedScopes;
  /** the purposes the customer ticked (catalog ids) */
  purposes?: string[];
}

export class ConsentService {
  readonly #d: ConsentDeps;
  constructor(d: ConsentDeps) {
    this.#d = d;
  }

  /** The choices offered for "for how long", capped by DELEGATION_MAX_DAYS. */
  durations(): { days: number; label: string }[] {
    const max = this.#d.maxDays;
    const days = [...new Set([...DURATION_CHOICES.filter((d) => d < max), max])].sort((a, b) => a - b);
    return days.map((d) => ({ days: d, label: d % 365 === 0 ? `${d / 365} year${d === 365 ? '' : 's'}` : `${d} days` }));
  }

  defaultDays(): number {
    return Math.min(90, this.#d.maxDays);
  }

  /** Active tenants the user administers (may approve delegations for). */
  async adminTenants(userId: string): Promise<AdminTenant[]> {
    // the signed-in user's own memberships
    const rows = await withDbContext({ kind: 'user', userId }, () => tenantQueries.listActiveTenantsOfMember(this.#d.db.kysely, userId));
    return rows.filter((r) => this.#d.roles.grants(r.role, 'tenant.delegations.manage')).map(({ id, name, slug }) => ({ id, name, slug }));
  }

  /** When the operator approved the partner (shown as "Verified partner"); null when it never was. */
  async partnerApproval(partnerId: string): Promise<{ approved_at: string | null; status: 'active' } | undefined> {
    const p = await partnerQueries.findPartnerById(this.#d.db.kysely, partnerId);
    return p?.status === 'active' ? { approved_at: p.approved_at, status: p.status } : undefined;
  }

  /** The active accounts of a tenant the user administers (callers pass one of adminTenants()). */
  bans(tenantId: string) {
    return withDbContext(tenantContext(tenantId), () => tenantQueries.listActiveBillingAccounts(this.#d.db.kysely, tenantId));
  }

  /** What the app asked for, cut to what it is registered for. */
  requestedScopes(record: ClientRecord, scopeParam: unknown): RequestedScopes {
    const asked = typeof scopeParam === 'string' ? scopeParam.split(' ').filter(Boolean) : [];
    const allowed = new Set(JSON.parse(record.app.scopes) as string[]);
    const catalog = this.#d.apps.scopeCatalog();
    const grantTypes = JSON.parse(record.app.grant_types) as string[];
    return {
      resource: [...new Set(asked.filter((s) => catalog.has(s) && allowed.has(s)))],
      identity: [...new Set(asked.filter((s) => s in IDENTITY_SCOPES && allowed.has(s)))],
      offline: grantTypes.includes('refresh_token'),
    };
  }

  /**
   * May this user authorize the app for their own account? Yes when they are an active owner or
   * staff member of the app's own partner and that partner manages services for tenants
   * (`managed_services`); null otherwise.
   */
  async memberOfAppPartner(userId: string, record: ClientRecord): Promise<{ role: string } | null> {
    if (record.partner.status !== 'active' || !record.partner.capabilities.includes('managed_services')) return null;
    const m = await partnerQueries.findMemberWithUserStatus(this.#d.db.kysely, record.partner.id, userId);
    if (!m || m.status !== 'active' || m.user_status !== 'active' || (m.role !== 'PARTNER_OWNER' && m.role !== 'PARTNER_STAFF')) return null;
    return { role: m.role };
  }

  /** Does the app's partner act for customers who consent on this screen? */
  servesCustomers(record: ClientRecord): boolean {
    return record.partner.capabilities.includes('delegated');
  }

  /** How long a member's authorization lasts before they sign in to the app again. */
  memberGrantDays(): number {
    return this.defaultDays();
  }

  /**
   * The app's open connection to this tenant, if any: approving again replaces it (the earlier
   * consent delegation is revoked in the same transaction), so the consent page says so.
   */
  async existingConnection(clientId: string, tenantId: string): Promise<{ since: string; endsAt: string } | null> {
    // the consent page asks it for a tenant the signed-in user administers (adminTenants)
    const open = await withDbContext(tenantContext(tenantId), () => repo.findOpenConsents(this.#d.db.kysely, clientId, tenantId));
    if (open.length === 0) return null;
    const first = open.reduce((a, b) => (a.created_at <= b.created_at ? a : b));
    return { since: first.created_at, endsAt: open.reduce((a, b) => (a.ends_at >= b.ends_at ? a : b)).ends_at };
  }

  /**
   * What the app is told when the signed-in person declines or cannot approve (RFC 6749 §4.1.2.1
   * access_denied): a person who administers no customer organisation did not decide anything —
   * the app learns that an administrator must approve; a customer's "Deny" is a refusal.
   */
  async denialDescription(userId: string, record: ClientRecord | undefined): Promise<string> {
    if (record && !this.servesCustomers(record)) return `${record.partner.name} does not act for customer organisations; this app can only be authorized by ${record.partner.name}'s own team.`;
    if ((await this.adminTenants(userId)).length === 0) {
      return 'An administrator of the customer organisation must approve this app: the person who signed in is not one. Ask a tenant administrator to connect it.';
    }
    return 'The customer denied the request.';
  }

  /** The catalog's purposes, as the consent screen offers them. */
  purposeCatalog(): { id: string; name: string; description: string }[] {
    return this.#d.purposes?.list() ?? [];
  }

  /** The active catalog purpose that answers to a DPV term, if any. */
  purposeByDpv(term: string): { id: string } | undefined {
    return this.#d.purposes?.byDpv(term);
  }

  /** The purposes the app asked for (the authorization request's space-separated `purpose`), as active catalog ids. */
  requestedPurposes(purposeParam: unknown): string[] {
    const asked = typeof purposeParam === 'string' ? purposeParam.split(' ').filter(Boolean) : [];
    return this.#d.purposes?.activeAmong(asked) ?? [];
  }

  describe(scopes: string[]) {
    return scopes.map((s) => ({ scope: s, description: this.#d.apps.describeScope(s)?.description ?? s }));
  }

  async approve(ctx: RequestContext, input: ApproveInput): Promise<{ grantId: string; delegationId: string }> {
    const record = await this.#d.apps.findClientRecord(input.clientId);
    if (!record || record.app.status !== 'active' || record.partner.status !== 'active') throw E.consent_app_unavailable();
    if (!this.servesCustomers(record)) throw E.consent_partner_not_delegated(PD.doesNotActCustomers, { values: { name: record.partner.name, name2: record.app.name } });
    const tenants = await this.adminTenants(input.userId);
    if (!tenants.some((t) => t.id === input.tenantId)) throw E.consent_not_tenant_admin();
    const accounts = await this.bans(input.tenantId);
    const banIds = [...new Set(input.banIds)];
    if (banIds.length === 0) throw E.consent_invalid(PD.chooseLeastOneBilling);
    if (banIds.some((id) => !accounts.some((a) => a.id === id))) throw E.consent_invalid(PD.chosenBillingAccountNot);
    if (!banIds.includes(input.billTo)) throw E.consent_invalid(PD.accountBillMustOne);
    if (!Number.isInteger(input.days) || input.days < 1 || input.days > this.#d.maxDays) throw E.consent_invalid(PD.chooseDurationMostDays, { values: { maxDays: this.#d.maxDays } });
    const purposes = this.#d.purposes ? this.#d.purposes.validate(input.purposes ?? []) : [];

    const now = this.#d.clock.now();
    const endsAt = new Date(now.getTime() + input.days * DAY_MS - 60_000);
    const lifetimeSec = Math.floor((endsAt.getTime() - now.getTime()) / 1000);
    const { resource, identity, offline } = input.requested;

    // The library's grant: the scopes the customer approved, living as long as the delegation.
    const provider = this.#d.provider();
    const grant = new provider.Grant({ accountId: input.userId, clientId: input.clientId, expiresIn: lifetimeSec } as ConstructorParameters<typeof provider.Grant>[0]);
    const oidc = [...identity, ...(offline ? [OFFLINE_ACCESS] : [])];
    // Resource scopes are registered with the provider as scopes too (so a client's registered
    // scope list is enforced at the authorization endpoint), hence granted on both sides.
    if (oidc.length || resource.length) grant.addOIDCScope([...oidc, ...resource].join(' '));
    // The access token for the gateway carries the identity scopes too (provider.ts), so the
    // token response lists every granted scope and userinfo answers for it.
    if (resource.length) grant.addResourceScope(this.#d.audience, [...oidc, ...resource].join(' '));
    // Saved first: until the consent row below commits, the grant is not live (no consent), so a
    // failure here leaves nothing usable behind.
    const grantId = await grant.save();

    const actx: RequestContext = { ...ctx, actor: { ...ctx.actor, type: 'user', userId: input.userId, clientId: input.clientId } };
    try {
      // The tenant admin consents for its tenant (checked above): the writes are that tenant's.
      const delegationId = await withDbContext(tenantContext(input.tenantId), () => mutate(this.#d.db, async (trx) => {
        for (const old of await repo.findOpenConsents(trx, input.clientId, input.tenantId)) {
          await this.#d.delegations.revokeDelegation(trx, actx, old.id, { side: 'tenant', tenantId: input.tenantId, reason: 'replaced by a new consent' });
        }
        const d = await this.#d.delegations.createDelegation(trx, actx, {
          partnerId: record.partner.id,
          tenantId: input.tenantId,
          origin: 'consent',
          role: 'DELEGATE',
          scopes: resource,
          overrides: { grant: resource, deny: [] },
          banIds,
          endsAt: endsAt.toISOString(),
          clientId: input.clientId,
          billToBanId: input.billTo,
          requestedBy: input.userId,
          decidedBy: input.userId,
          justification: `Approved on the consent screen for the app ${record.app.name}`,
          purposes,
        });
        await repo.insertConsent(trx, { grant_id: grantId, delegation_id: d.id, client_id: input.clientId, user_id: input.userId, created_at: now.toISOString() });
        await this.#d.audit.record(trx, actx, {
          action: 'oauth.consent_granted',
          tenantId: input.tenantId,
          partnerId: record.partner.id,
          ban: accounts.find((a) => a.id === input.billTo)?.account_number ?? null,
          targetType: 'delegation',
          targetId: d.id,
          details: { client_id: input.clientId, app: record.app.name, scopes: [...resource, ...oidc], ban_ids: banIds, bill_to: input.billTo, ends_at: d.ends_at, purposes },
        });
        return d.id;
      }));
      return { grantId, delegationId };
    } catch (e) {
      await this.#d.store.deleteGrant(grantId).catch(() => undefined);
      throw e;
    } finally {
      await this.#d.feed.kick();
    }
  }

  /**
   * A member of the app's partner approves it for their own account: a Grant of the approved
   * scopes (living memberGrantDays), marked as a member grant with the purposes the app asked for
   * (its tokens carry them), audited — no delegation.
   */
  async approveAsMember(ctx: RequestContext, input: { userId: string; clientId: string; requested: RequestedScopes; purposes?: string[] }): Promise<{ grantId: string }> {
    const record = await this.#d.apps.findClientRecord(input.clientId);
    if (!record || record.app.status !== 'active' || record.partner.status !== 'active') throw E.consent_app_unavailable();
    if (!(await this.memberOfAppPartner(input.userId, record))) throw E.consent_not_partner_member();
    const now = this.#d.clock.now();
    const lifetimeSec = this.memberGrantDays() * 86_400;
    const expiresAt = new Date(now.getTime() + lifetimeSec * 1000).toISOString();
    const { resource, identity, offline } = input.requested;
    const purposes = this.#d.purposes ? this.#d.purposes.validate(input.purposes ?? []) : [];

    const provider = this.#d.provider();
    const grant = new provider.Grant({ accountId: input.userId, clientId: input.clientId, expiresIn: lifetimeSec } as ConstructorParameters<typeof provider.Grant>[0]);
    const oidc = [...identity, ...(offline ? [OFFLINE_ACCESS] : [])];
    if (oidc.length || resource.length) grant.addOIDCScope([...oidc, ...resource].join(' '));
    // The access token for the gateway carries the identity scopes too (provider.ts), so the
    // token response lists every granted scope and userinfo answers for it.
    if (resource.length) grant.addResourceScope(this.#d.audience, [...oidc, ...resource].join(' '));
    // Saved first: until the mark below commits, the grant is not live (neither a consent nor a member grant).
    const grantId = await grant.save();

    const actx: RequestContext = { ...ctx, actor: { ...ctx.actor, type: 'user', userId: input.userId, partnerId: record.partner.id, clientId: input.clientId } };
    try {
      await mutate(this.#d.db, async (trx) => {
        const mark = { user_id: input.userId, client_id: input.clientId, partner_id: record.partner.id, ...(purposes.length > 0 ? { purposes } : {}) };
        await repo.insertMemberGrant(trx, grantId, mark, expiresAt);
        await this.#d.audit.record(trx, actx, {
          action: 'oauth.member_authorized',
          partnerId: record.partner.id,
          targetType: 'app',
          targetId: input.clientId,
          details: { app: record.app.name, user_id: input.userId, scopes: [...resource, ...oidc], expires_at: expiresAt, ...(purposes.length > 0 ? { purposes } : {}) },
        });
      });
      return { grantId };
    } catch (e) {
      await this.#d.store.deleteGrant(grantId).catch(() => undefined);
      throw e;
    }
  }

  /**
   * The customer declined: audited, nothing else changes. The event goes to the tenant's log only
   * when the user administers the tenant the form named (a form may name any tenant).
   */
  async deny(ctx: RequestContext, input: { userId: string | null; clientId: string; tenantId: string | null }): Promise<void> {
    const record = await this.#d.apps.findClientRecord(input.clientId);
    const tenantId = input.tenantId && input.userId && (await this.adminTenants(input.userId)).some((t) => t.id === input.tenantId) ? input.tenantId : null;
    await withDbContext(tenantId ? tenantContext(tenantId) : null, () => mutate(this.#d.db, (trx) =>
      this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: input.userId ? 'user' : ctx.actor.type, userId: input.userId, clientId: input.clientId } }, {
        action: 'oauth.consent_denied',
        tenantId,
        partnerId: record?.partner.id ?? null,
        targetType: 'app',
        targetId: input.clientId,
        outcome: 'denied',
        details: { app: record?.app.name ?? null },
      }),
    ));
  }

  // ---- Connected partners (the tenant's side) ----------------------------------------------------

  async listConnected(tenantId: string, includeEnded: boolean) {
    const rows = await listConnectedApps(this.#d.db.kysely, tenantId, { includeEnded });
    const accounts = await tenantQueries.listBillingAccountSummaries(this.#d.db.kysely, tenantId);
    const byId = new Map(accounts.map((a) => [a.id, a]));
    const now = this.#d.clock.now().toISOString();
    return rows.map((r) => {
      const scopes = r.scopes ? (JSON.parse(r.scopes) as string[]) : [];
      const banIds = r.ban_ids ? (JSON.parse(r.ban_ids) as string[]) : accounts.map((a) => a.id);
      return {
        delegation_id: r.delegation_id,
        status: r.status === 'active' && r.ends_at <= now ? 'expired' : r.status,
        app: { client_id: r.client_id, name: r.app_name ?? '(deleted app)', logo_uri: r.app_logo_uri, deleted: r.app_status !== 'active' },
        partner: { id: r.partner_id, name: r.partner_name, slug: r.partner_slug, website: r.partner_website },
        permissions: this.describe(scopes),
        billing_accounts: banIds.map((id) => byId.get(id)).filter((b) => !!b).map((b) => ({ id: b!.id, account_number: b!.account_number, name: b!.name })),
        bill_to: r.bill_to_ban_id ? (byId.get(r.bill_to_ban_id)?.account_number ?? null) : null,
        approved_by: r.approver_email,
        connected_at: r.created_at,
        ends_at: r.ends_at,
        last_used_at: r.last_used_at,
        revoked_at: r.revoked_at,
        revoke_reason: r.revoke_reason,
      };
    });
  }

  /**
   * The tenant disconnects an app: the consent delegation is revoked (every instance's decision
   * snapshot hears it through the feed) and the grants behind it, with their refresh tokens, are
   * deleted — the refresh token fails and introspection says inactive from the next request.
   * Idempotent: disconnecting an app that is disconnected already (twice, or twice at once)
   * changes and records nothing more.
   */
  async revokeConnection(ctx: RequestContext, tenantId: string, delegationId: string, reason: string | null): Promise<void> {
    const d = await repo.findDelegation(this.#d.db.kysely, delegationId);
    if (!d || d.tenant_id !== tenantId || d.origin !== 'consent') throw E.connection_not_found();
    try {
      await mutate(this.#d.db, (trx) => this.#d.delegations.revokeDelegationIfOpen(trx, ctx, delegationId, { side: 'tenant', tenantId, reason: reason ?? 'disconnected by the customer' }));
    } finally {
      await this.#d.feed.kick();
    }
    await this.deleteGrantsOf(delegationId, reason);
  }

  /** Revoke the grants behind a consent delegation: refresh tokens gone, access tokens refused by their gid. */
  async deleteGrantsOf(delegationId: string, reason: string | null): Promise<void> {
    const why = `the customer disconnected the app${reason ? `: ${reason}` : ''}`;
    for (const { grant_id } of await repo.grantIdsOfDelegation(this.#d.db.kysely, delegationId)) await this.#d.store.deleteGrant(grant_id, why);
  }
}
