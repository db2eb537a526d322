/**
 * Tenants a wholesaler causes to exist: its own "home" tenant (where client credentials act and
 * whose billing account it is billed on) and the end-customer tenants it resells. Both are created
 * inside the caller's transaction, together with the rest of the change, so nothing is left half
 * written. The row, feed entry and audit event mirror TenantsService.createTenant, which has no
 * transaction parameter yet (see the report to the lead); billing accounts go through the tenants
 * service, which has one.
 */
import { includeTenant, type Db, type Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { tenantQueries, type TenantsService, type TenantRow, type BillingAccountRow } from '../tenants/index.ts';

export interface ProvisioningDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  tenants: TenantsService;
}

export async function insertTenant(
  d: ProvisioningDeps,
  trx: Tx,
  ctx: RequestContext,
  input: { name: string; slug: string; tier?: string; now: string; details?: Record<string, unknown> },
): Promise<TenantRow> {
  const tenant: TenantRow = {
    id: newId('tnt'),
      locale: null,
    slug: input.slug,
    name: input.name,
    status: 'active',
    tier: input.tier ?? 'standard',
    referred_by_partner_id: null,
    invite_code: null,
    created_by: ctx.actor.userId,
    created_at: input.now,
    updated_at: input.now,
  };
  await tenantQueries.insertTenant(trx, tenant);
  // the tenant it just created is the caller's to fill (its account, the delegation, the audit event)
  await includeTenant(d.db, trx, tenant.id);
  await d.feed.record(trx, 'tenant', tenant.id);
  await d.audit.record(trx, ctx, {
    action: 'tenant.created',
    tenantId: tenant.id,
    partnerId: ctx.actor.partnerId,
    targetType: 'tenant',
    targetId: tenant.id,
    details: { slug: tenant.slug, name: tenant.name, ...input.details },
  });
  return tenant;
}

export function openBillingAccount(d: ProvisioningDeps, trx: Tx, ctx: RequestContext, tenantId: string, name: string): Promise<BillingAccountRow> {
  return d.tenants.createBillingAccount(ctx, tenantId, { name }, trx);
}
