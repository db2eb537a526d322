/**
 * Whom a ticket may be assigned to (a cross-table read model, listed in READERS in
 * src/app/table-owners.ts): an active person who is an active member of the tenant, or of a
 * partner acting on it. Memberships, people and delegations are three modules' tables; the check
 * is two queries run side by side, where asking each owner in turn would chain four. It only reads.
 */
import type { Executor } from '../../platform/db/database.ts';

/**
 * May the user be named as a ticket's assignee: an active member (with an active account) of the
 * tenant, or of the partner acting on it — `partnerId` when a partner acts; when the tenant
 * acts itself, any partner with an active delegation on the tenant. Read as the system by the
 * caller, like loadAffiliations.
 */
export async function isActiveMemberOf(db: Executor, userId: string, of: { tenantId: string; partnerId: string | null }): Promise<boolean> {
  const inTenant = db
    .selectFrom('tenant_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.user_id', '=', userId)
    .where('m.tenant_id', '=', of.tenantId)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
  let partner = db
    .selectFrom('partner_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.user_id', '=', userId)
    .where('m.status', '=', 'active')
    .where('u.status', '=', 'active');
  partner = of.partnerId
    ? partner.where('m.partner_id', '=', of.partnerId)
    : partner.where('m.partner_id', 'in', db.selectFrom('delegations').select('partner_id').where('tenant_id', '=', of.tenantId).where('status', '=', 'active'));
  const [tm, pm] = await Promise.all([inTenant, partner.executeTakeFirst()]);
  return tm !== undefined || pm !== undefined;
}
