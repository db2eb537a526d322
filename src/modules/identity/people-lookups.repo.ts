/** People named on other modules' records: their names and e-mail addresses, for a whole page at once. */
import type { Executor } from '../../platform/db/database.ts';

/** The names and e-mail addresses of these users (unknown ids are left out). */
export function findUserContacts(db: Executor, ids: readonly string[]) {
  return db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', ids).execute();
}
