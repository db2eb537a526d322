/** platform_texts: the operator's own words per language on the sign-in and consent pages. */
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { PlatformTextsTable } from '../../platform/db/schema.ts';

export type PlatformTextsRow = Selectable<PlatformTextsTable>;

export function listPlatformTexts(db: Executor): Promise<PlatformTextsRow[]> {
  return db.selectFrom('platform_texts').selectAll().orderBy('locale').execute();
}

export async function upsertPlatformTexts(db: Executor, row: PlatformTextsRow): Promise<void> {
  const { locale, ...rest } = row;
  await db
    .insertInto('platform_texts')
    .values(row)
    .onConflict((oc) => oc.column('locale').doUpdateSet(rest))
    .execute();
}

export async function deletePlatformTexts(db: Executor, locale: string): Promise<void> {
  await db.deleteFrom('platform_texts').where('locale', '=', locale).execute();
}
