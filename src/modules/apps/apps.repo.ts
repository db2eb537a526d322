import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { AppsTable } from '../../platform/db/schema.ts';

/** The algorithms an app's ID tokens may be signed with. */
export type IdTokenSigningAlg = 'RS256' | 'ES256';

export type AppRow = Selectable<AppsTable>;

/** An app with what the authorization server needs to know about its partner. */
export interface ClientRecord {
  app: AppRow;
  partner: {
    id: string;
    slug: string;
    name: string;
    website: string | null;
    status: string;
    capabilities: string[];
    homeTenantId: string | null;
  };
  /** the wholesaler's own billing account (first active one of its home tenant) */
  homeBan: { id: string; account_number: string } | null;
}

export function findApp(db: Executor, id: string): Promise<AppRow | undefined> {
  return db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listApps(db: Executor, partnerId: string): Promise<AppRow[]> {
  return db.selectFrom('apps').selectAll().where('partner_id', '=', partnerId).where('status', '=', 'active').orderBy('created_at').orderBy('id').execute();
}

export async function countApps(db: Executor, partnerId: string): Promise<number> {
  const r = await db
    .selectFrom('apps')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partner_id', '=', partnerId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function insertApp(db: Executor, row: Insertable<AppsTable>): Promise<void> {
  await db.insertInto('apps').values(row).execute();
}

export async function updateApp(db: Executor, id: string, patch: Partial<Insertable<AppsTable>>): Promise<void> {
  await db.updateTable('apps').set(patch).where('id', '=', id).execute();
}
