/**
 * A tenant's people with their names and e-mail addresses: a cross-table read model (table-owners.ts
 * READERS) over the tenant's memberships and identity's users, one query each, sorted and matched by
 * e-mail in the database; and its active administrators, who hear of the tenant's events.
 */
import type { Executor } from '../../platform/db/database.ts';

export function listMembers(db: Executor, tenantId: string) {
  return db
    .selectFrom('tenant_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.role', 'm.created_at', 'u.email', 'u.name', 'u.status'])
    .where('m.tenant_id', '=', tenantId)
    .orderBy('u.email')
    .execute();
}

export function findMemberByEmail(db: Executor, tenantId: string, email: string) {
  return db
    .selectFrom('tenant_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.role'])
    .where('m.tenant_id', '=', tenantId)
    .where('u.email', '=', email.toLowerCase())
    .executeTakeFirst();
}

/** The tenant's administrators whose accounts are active, with their names and e-mail addresses (who hears of the tenant's events). */
export function listActiveAdminContacts(db: Executor, tenantId: string) {
  return db
    .selectFrom('tenant_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.role', '=', 'TENANT_ADMIN')
    .where('u.status', '=', 'active')
    .execute();
}
