import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { OrganizationDomainsTable } from '../../platform/db/schema.ts';

export type DomainRow = Selectable<OrganizationDomainsTable>;
export type OwnerType = DomainRow['owner_type'];
export interface Owner {
  type: OwnerType;
  id: string;
}

export function listDomainsOfOwner(db: Executor, owner: Owner): Promise<DomainRow[]> {
  return db.selectFrom('organization_domains').selectAll().where('owner_type', '=', owner.type).where('owner_id', '=', owner.id).orderBy('domain').orderBy('id').execute();
}

export function listAllDomains(db: Executor, q: { limit: number; cursor?: string; domain?: string }): Promise<DomainRow[]> {
  let s = db.selectFrom('organization_domains').selectAll();
  if (q.cursor) s = s.where('id', '<', q.cursor);
  if (q.domain) s = s.where('domain', '=', q.domain);
  return s.orderBy('id', 'desc').limit(q.limit).execute();
}

export function findDomainOfOwner(db: Executor, owner: Owner, id: string): Promise<DomainRow | undefined> {
  return db.selectFrom('organization_domains').selectAll().where('owner_type', '=', owner.type).where('owner_id', '=', owner.id).where('id', '=', id).executeTakeFirst();
}

export function findDomain(db: Executor, id: string): Promise<DomainRow | undefined> {
  return db.selectFrom('organization_domains').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findVerified(db: Executor, domain: string): Promise<DomainRow | undefined> {
  return db.selectFrom('organization_domains').selectAll().where('domain', '=', domain).where('status', '=', 'verified').executeTakeFirst();
}

export function findVerifiedDomains(db: Executor, domains: string[]): Promise<DomainRow[]> {
  if (domains.length === 0) return Promise.resolve([]);
  return db.selectFrom('organization_domains').selectAll().where('domain', 'in', domains).where('status', '=', 'verified').execute();
}

/** Verified domains last checked before `beforeIso` (or never), the oldest check first: the periodic re-check's work. */
export function listVerifiedCheckedBefore(db: Executor, beforeIso: string, limit: number): Promise<DomainRow[]> {
  return db
    .selectFrom('organization_domains')
    .selectAll()
    .where('status', '=', 'verified')
    .where((eb) => eb.or([eb('last_checked_at', 'is', null), eb('last_checked_at', '<', beforeIso)]))
    .orderBy('last_checked_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function insertDomain(db: Executor, row: Insertable<OrganizationDomainsTable>): Promise<void> {
  await db.insertInto('organization_domains').values(row).execute();
}

export async function updateDomain(db: Executor, id: string, patch: Partial<Insertable<OrganizationDomainsTable>>): Promise<void> {
  await db.updateTable('organization_domains').set(patch).where('id', '=', id).execute();
}

export async function deleteDomain(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('organization_domains').where('id', '=', id).execute();
}
