/**
 * The Wholesaler persona: a wholesaler provisions the end-customer
 * tenants it resells. Provisioning creates the tenant, its billing account, optionally invites its
 * admin, and creates a `wholesale` delegation billed to the wholesaler's own account — all in one
 * transaction. Token exchange (RFC 8693) then turns the wholesaler's client-credentials token into
 * one acting for that customer, still billed to the wholesaler.
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { enterDbContext, mutate } from '../../platform/db/database.ts';
import { tenantContext } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { delegationViews, type DelegationsService } from '../delegations/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { tenantQueries, type TenantsService } from '../tenants/index.ts';
import { authzErrors } from '../authz/index.ts';
import { partnerQueries } from '../partners/index.ts';
import type { AppsService } from './apps.service.ts';
import { appErrors as E } from './apps.errors.ts';
import { insertTenant, openBillingAccount } from './tenant-provisioning.ts';
import { problemDetails as PD } from './apps.problem-details.ts';

const DAY_MS = 86_400_000;

export interface ResoldTenantsDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  apps: AppsService;
  delegations: DelegationsService;
  identity: IdentityService;
  tenants: TenantsService;
}

export interface ResoldTenantView {
  tenant: { id: string; slug: string; name: string; status: string };
  delegation_id: string;
  delegation_status: string;
  ends_at: string;
  bill_to_ban: string | null;
  billing_accounts: { id: string; account_number: string; name: string }[];
  created_at: string;
}

export class ResoldTenantsService {
  readonly #d: ResoldTenantsDeps;
  constructor(d: ResoldTenantsDeps) {
    this.#d = d;
  }

  async provision(
    ctx: RequestContext,
    partnerId: string,
    input: { name: string; slug: string; billing_account_name?: string; admin?: { email: string; name?: string }; ends_at?: string },
  ): Promise<{ resold: ResoldTenantView; invitation: { url: string; expires_at: string } | null }> {
    try {
      return await mutate(this.#d.db, async (trx) => {
        const partner = await partnerQueries.findPartnerById(trx, partnerId);
        if (!partner) throw authzErrors.partner_inactive(PD.partnerDoesNotExist);
        if (partner.status !== 'active') throw authzErrors.partner_inactive(PD.partner, { values: { status: partner.status } });
        const caps = JSON.parse(partner.capabilities) as string[];
        if (!caps.includes('wholesale')) throw authzErrors.partner_capability_missing(PD.onlyWholesalersProvisionTenants);
        const homeTenantId = await this.#d.apps.ensureHomeTenant(trx, ctx, partner);
        const homeBan = (await tenantQueries.listBillingAccounts(trx, homeTenantId)).find((b) => b.status === 'active');
        if (!homeBan) throw E.resold_tenant_home_missing();

        const now = this.#d.clock.now();
        const actx: RequestContext = { ...ctx, actor: { ...ctx.actor, partnerId } };
        const deps = { db: this.#d.db, audit: this.#d.audit, feed: this.#d.feed, tenants: this.#d.tenants };
        const tenant = await insertTenant(deps, trx, actx, { name: input.name, slug: input.slug, tier: 'resold', now: now.toISOString(), details: { resold_by: partnerId } });
        const ban = await openBillingAccount(deps, trx, actx, tenant.id, input.billing_account_name ?? `${input.name} — main account`);
        let invitation: { url: string; expires_at: string } | null = null;
        if (input.admin) invitation = await this.#inviteAdmin(trx, actx, tenant.id, input.admin);

        const endsAt = input.ends_at ?? new Date(now.getTime() + this.#d.delegations.maxDays * DAY_MS - 60_000).toISOString();
        const delegation = await this.#d.delegations.createDelegation(trx, actx, {
          partnerId,
          tenantId: tenant.id,
          origin: 'wholesale',
          role: 'WHOLESALE',
          banIds: null,
          endsAt,
          billToBanId: homeBan.id,
          justification: 'Resold end customer provisioned by the wholesaler',
        });
        await this.#d.audit.record(trx, actx, {
          action: 'partner.customer_provisioned',
          partnerId,
          tenantId: tenant.id,
          ban: homeBan.account_number,
          targetType: 'tenant',
          targetId: tenant.id,
          details: { delegation_id: delegation.id, bill_to_ban: homeBan.account_number, admin_invited: !!input.admin },
        });
        return {
          resold: {
            tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status },
            delegation_id: delegation.id,
            delegation_status: delegation.status,
            ends_at: delegation.ends_at,
            bill_to_ban: homeBan.account_number,
            billing_accounts: [{ id: ban.id, account_number: ban.account_number, name: ban.name }],
            created_at: tenant.created_at,
          },
          invitation,
        };
      });
    } finally {
      await this.#d.feed.kick();
    }
  }

  /** The customer's admin joins when they accept the invitation: nobody is attached to a tenant without saying yes. */
  async #inviteAdmin(trx: Tx, ctx: RequestContext, tenantId: string, admin: { email: string; name?: string }) {
    // The new tenant is not yet in the partner's reach (the wall's list is the request's): its rows — the
    // invitation, its audit event and the event the notification center writes with it — are written in
    // the tenant's own context, as the delegation that follows is (DelegationsService.createDelegation).
    await enterDbContext(this.#d.db, trx, tenantContext(tenantId));
    const invitation = await this.#d.identity.invite(trx, { email: admin.email, scopeType: 'tenant', scopeId: tenantId, role: 'TENANT_ADMIN', invitedBy: ctx.actor.userId, acceptLanguage: ctx.acceptLanguage });
    await this.#d.audit.record(trx, ctx, { action: 'tenant.member_invited', tenantId, targetType: 'invitation', targetId: invitation.id, details: { role: 'TENANT_ADMIN', email: invitation.email } });
    return invitation;
  }

  /** The tenants a wholesaler resells: its wholesale delegations, newest first. */
  async list(partnerId: string): Promise<ResoldTenantView[]> {
    const db = this.#d.db.kysely;
    const rows = await delegationViews.listWholesaleOfPartner(db, partnerId, 500);
    const tenantIds = [...new Set(rows.map((r) => r.tenant_id))];
    const bans = tenantIds.length
      ? await tenantQueries.listBillingAccountsOfTenants(db, tenantIds)
      : [];
    return rows.map((r) => ({
      tenant: { id: r.tenant_id, slug: r.slug, name: r.name, status: r.tenant_status },
      delegation_id: r.id,
      delegation_status: r.status,
      ends_at: r.ends_at,
      bill_to_ban: r.bill_to,
      billing_accounts: bans.filter((b) => b.tenant_id === r.tenant_id).map((b) => ({ id: b.id, account_number: b.account_number, name: b.name })),
      created_at: r.created_at,
    }));
  }
}
