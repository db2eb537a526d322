/**
 * A partner's people and its configuration's history with who made each change: a cross-table read
 * model (table-owners.ts READERS) over the partner's own tables and identity's users, one query
 * each, sorted and matched by e-mail (or paged by version) in the database.
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
