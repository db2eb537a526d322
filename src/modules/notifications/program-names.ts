/**
 * What the partner program's events name: a referral code's label and an agreement's version and
 * title, read in the transaction of the change the event reports. A cross-table read model
 * (table-owners.ts READERS) of the program module's tables: the program module depends on
 * notifications (its changes emit events here), so the outbox cannot ask it through its index.
 */
import type { Executor } from '../../platform/db/database.ts';

/** A referral code's label (null when the code has none, or is unknown). */
export async function referralCodeLabel(db: Executor, code: string): Promise<string | null> {
  return (await db.selectFrom('referral_codes').select('label').where('code', '=', code).executeTakeFirst())?.label ?? null;
}

/** A programme agreement's version and title. */
export function findAgreementTitle(db: Executor, id: string) {
  return db.selectFrom('program_agreements').select(['id', 'version', 'title']).where('id', '=', id).executeTakeFirst();
}
