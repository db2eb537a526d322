/** Partners named on other modules' records and their people's memberships, for a whole page at once. */
import type { Executor } from '../../platform/db/database.ts';

/** The names of these partners (unknown ids are left out). */
export function findPartnerNamesOf(db: Executor, ids: readonly string[]) {
  return db.selectFrom('partners').select(['id', 'name']).where('id', 'in', ids).execute();
}

/** The partner memberships (any status) of these users. */
export function findMembershipsOfUsers(db: Executor, userIds: readonly string[]) {
  return db.selectFrom('partner_members').select(['user_id', 'partner_id']).where('user_id', 'in', userIds).execute();
}

/** The partner organization's default language (its profile), or null: what is written to an address of no one known here. */
export async function findPartnerLocale(db: Executor, id: string): Promise<string | null> {
  const r = await db.selectFrom('partners').select('locale').where('id', '=', id).executeTakeFirst();
  return r?.locale ?? null;
}
