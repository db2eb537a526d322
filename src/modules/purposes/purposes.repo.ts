/** purposes (the catalog) and gateway_route_purposes (the purpose each gateway route requires). */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { GatewayRoutePurposesTable, PurposesTable } from '../../platform/db/schema.ts';

export type PurposeRow = Selectable<PurposesTable>;
export type RoutePurposeRow = Selectable<GatewayRoutePurposesTable>;

export function listPurposes(db: Executor): Promise<PurposeRow[]> {
  return db.selectFrom('purposes').selectAll().orderBy('built_in', 'desc').orderBy('name').execute();
}

export function findPurpose(db: Executor, id: string): Promise<PurposeRow | undefined> {
  return db.selectFrom('purposes').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPurposeByDpv(db: Executor, dpv: string): Promise<PurposeRow | undefined> {
  return db.selectFrom('purposes').selectAll().where('dpv', '=', dpv).executeTakeFirst();
}

export async function insertPurpose(db: Executor, row: Insertable<PurposesTable>): Promise<void> {
  await db.insertInto('purposes').values(row).execute();
}

export async function updatePurpose(db: Executor, id: string, set: Partial<Pick<PurposeRow, 'name' | 'description' | 'dpv' | 'status' | 'updated_at'>>): Promise<void> {
  await db.updateTable('purposes').set(set).where('id', '=', id).execute();
}

export function listRoutePurposes(db: Executor): Promise<RoutePurposeRow[]> {
  return db.selectFrom('gateway_route_purposes').selectAll().execute();
}

export async function upsertRoutePurpose(db: Executor, row: RoutePurposeRow): Promise<void> {
  await db
    .insertInto('gateway_route_purposes')
    .values(row)
    .onConflict((oc) => oc.column('route').doUpdateSet({ purpose_id: row.purpose_id, updated_by: row.updated_by, updated_at: row.updated_at }))
    .execute();
}

export async function deleteRoutePurpose(db: Executor, route: string): Promise<void> {
  await db.deleteFrom('gateway_route_purposes').where('route', '=', route).execute();
}
