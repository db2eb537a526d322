/** The feature catalog's queries (the partners module owns it; authz reads it for the decision snapshot). */
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { FeatureCatalogTable } from '../../platform/db/schema.ts';

export type FeatureRow = Selectable<FeatureCatalogTable>;

export function listFeatures(db: Executor): Promise<FeatureRow[]> {
  return db.selectFrom('feature_catalog').selectAll().orderBy('key').execute();
}

export function findFeature(db: Executor, key: string): Promise<FeatureRow | undefined> {
  return db.selectFrom('feature_catalog').selectAll().where('key', '=', key).executeTakeFirst();
}

/** The lifecycles of the features named (those the catalog holds). */
export function featureLifecycles(db: Executor, keys: readonly string[]): Promise<Pick<FeatureRow, 'key' | 'lifecycle'>[]> {
  return db.selectFrom('feature_catalog').select(['key', 'lifecycle']).where('key', 'in', [...keys]).execute();
}

export async function insertFeature(db: Executor, row: FeatureRow): Promise<void> {
  await db.insertInto('feature_catalog').values(row).execute();
}

export async function updateFeature(db: Executor, key: string, patch: Pick<FeatureRow, 'name' | 'description' | 'default_on' | 'lifecycle' | 'opt_in' | 'updated_at'>): Promise<void> {
  await db.updateTable('feature_catalog').set(patch).where('key', '=', key).execute();
}
