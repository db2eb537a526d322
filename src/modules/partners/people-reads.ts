/**
 * A partner's people and its configuration's history with who made each change: a cross-table read
 * model (table-owners.ts READERS) over the partner's own tables and identity's users, one query
 * each, sorted and matched by e-mail (or paged by version) in the database; and its active members,
 * who hear of the partner's events.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { ConfigSection } from '../authz/index.ts';

export function listMembers(db: Executor, partnerId: string) {
  return db
    .selectFrom('partner_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.role', 'm.member_role', 'm.status as member_status', 'm.created_at', 'u.email', 'u.name', 'u.status'])
    .where('m.partner_id', '=', partnerId)
    .orderBy('u.email')
    .execute();
}

export function findMemberByEmail(db: Executor, partnerId: string, email: string) {
  return db
    .selectFrom('partner_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.role'])
    .where('m.partner_id', '=', partnerId)
    .where('u.email', '=', email.toLowerCase())
    .executeTakeFirst();
}

/** The partner an address's person belongs to, if any (a person belongs to one partner at most). */
export function findMembershipByEmail(db: Executor, email: string) {
  return db
    .selectFrom('partner_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('partners as p', 'p.id', 'm.partner_id')
    .select(['m.partner_id', 'p.name as partner_name'])
    .where('u.email', '=', email.toLowerCase())
    .executeTakeFirst();
}

/** The partner's active members whose accounts are active (only its owners when asked), with their names and e-mail addresses: who hears of the partner's events. */
export function listActiveMemberContacts(db: Executor, partnerId: string, ownersOnly = false) {
  let q = db
    .selectFrom('partner_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name'])
    .where('m.partner_id', '=', partnerId)
    .where('m.status', '=', 'active')
    .where('u.status', '=', 'active');
  if (ownersOnly) q = q.where('m.role', '=', 'PARTNER_OWNER');
  return q.execute();
}

/** A user's membership of the partner with their account's status (whether they may act for the partner now). */
export function findMemberWithUserStatus(db: Executor, partnerId: string, userId: string) {
  return db
    .selectFrom('partner_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.role', 'm.status', 'u.status as user_status'])
    .where('m.partner_id', '=', partnerId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
}

/** The configuration's history, newest first (keyset on the version number), each change with its author's name and e-mail. */
export function listConfigVersionsWithEditors(db: Executor, partnerId: string, f: { limit: number; before?: number; section?: ConfigSection }) {
  let q = db
    .selectFrom('partner_config_versions')
    .leftJoin('users', 'users.id', 'partner_config_versions.changed_by')
    .selectAll('partner_config_versions')
    .select(['users.name as changed_by_name', 'users.email as changed_by_email'])
    .where('partner_id', '=', partnerId);
  if (f.before !== undefined) q = q.where('version', '<', f.before);
  if (f.section) q = q.where('section', '=', f.section);
  return q.orderBy('version', 'desc').limit(f.limit + 1).execute();
}
