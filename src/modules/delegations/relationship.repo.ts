/** delegation_relationships: the business details of a link (relationship.ts owns the rules). */
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DelegationRelationshipsTable } from '../../platform/db/schema.ts';
import { identityQueries } from '../identity/index.ts';

export type RelationshipRow = Selectable<DelegationRelationshipsTable>;

export function findRelationship(db: Executor, delegationId: string): Promise<RelationshipRow | undefined> {
  return db.selectFrom('delegation_relationships').selectAll().where('delegation_id', '=', delegationId).executeTakeFirst();
}

/** Insert the first version, or replace the row's fields (the caller holds the delegation's lock). */
export async function upsertRelationship(db: Executor, row: RelationshipRow, exists: boolean): Promise<void> {
  if (!exists) {
    await db.insertInto('delegation_relationships').values(row).execute();
    return;
  }
  const { delegation_id, tenant_id: _t, partner_id: _p, ...rest } = row;
  await db.updateTable('delegation_relationships').set(rest).where('delegation_id', '=', delegation_id).execute();
}

/** The name of the person who made a change, from identity (null once they are gone). */
export async function personName(db: Executor, userId: string): Promise<string | null> {
  return (await identityQueries.findUserNames(db, [userId])).get(userId) ?? null;
}
