import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { PartnerAgenciesTable, PartnerTokensTable } from '../../platform/db/schema.ts';

export type AgencyRow = Selectable<PartnerAgenciesTable>;
export type AgencyTokenRow = Selectable<PartnerTokensTable>;

export function listAgencies(db: Executor, tenantId: string): Promise<AgencyRow[]> {
  return db.selectFrom('partner_agencies').selectAll().where('tenant_id', '=', tenantId).orderBy('name').orderBy('id').execute();
}

export function findAgency(db: Executor, tenantId: string, id: string): Promise<AgencyRow | undefined> {
  return db.selectFrom('partner_agencies').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export function findAgencyByName(db: Executor, tenantId: string, name: string): Promise<AgencyRow | undefined> {
  return db.selectFrom('partner_agencies').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
}

export function findAgenciesByIds(db: Executor, ids: string[]): Promise<AgencyRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('partner_agencies').selectAll().where('id', 'in', ids).execute();
}

export async function insertAgency(db: Executor, row: Insertable<PartnerAgenciesTable>): Promise<void> {
  await db.insertInto('partner_agencies').values(row).execute();
}

export async function updateAgency(db: Executor, tenantId: string, id: string, patch: Partial<Insertable<PartnerAgenciesTable>>): Promise<void> {
  await db.updateTable('partner_agencies').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** Active tokens and token counts per agency of a tenant. */
export async function countTokensByAgency(db: Executor, tenantId: string): Promise<Map<string, { active: number; total: number; lastUsedAt: string | null }>> {
  const rows = await db
    .selectFrom('partner_tokens')
    .select(['partner_agency_id', 'status', 'last_used_at'])
    .where('tenant_id', '=', tenantId)
    .execute();
  const out = new Map<string, { active: number; total: number; lastUsedAt: string | null }>();
  for (const r of rows) {
    const e = out.get(r.partner_agency_id) ?? { active: 0, total: 0, lastUsedAt: null };
    e.total++;
    if (r.status === 'active') e.active++;
    if (r.last_used_at && (!e.lastUsedAt || r.last_used_at > e.lastUsedAt)) e.lastUsedAt = r.last_used_at;
    out.set(r.partner_agency_id, e);
  }
  return out;
}

export function listTokens(db: Executor, tenantId: string, agencyId: string): Promise<AgencyTokenRow[]> {
  return db
    .selectFrom('partner_tokens')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('partner_agency_id', '=', agencyId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findToken(db: Executor, tenantId: string, agencyId: string, id: string): Promise<AgencyTokenRow | undefined> {
  return db
    .selectFrom('partner_tokens')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('partner_agency_id', '=', agencyId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findTokenByHash(db: Executor, hash: string): Promise<AgencyTokenRow | undefined> {
  return db.selectFrom('partner_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export function findTokensByIds(db: Executor, ids: string[]): Promise<AgencyTokenRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('partner_tokens').selectAll().where('id', 'in', ids).execute();
}

export function findTokensByAgencies(db: Executor, agencyIds: string[]): Promise<AgencyTokenRow[]> {
  if (agencyIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('partner_tokens').selectAll().where('partner_agency_id', 'in', agencyIds).execute();
}

export async function insertToken(db: Executor, row: Insertable<PartnerTokensTable>): Promise<void> {
  await db.insertInto('partner_tokens').values(row).execute();
}

export async function updateToken(db: Executor, tenantId: string, id: string, patch: Partial<Insertable<PartnerTokensTable>>): Promise<void> {
  await db.updateTable('partner_tokens').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function touchTokens(db: Executor, uses: [id: string, at: string][]): Promise<void> {
  for (const [id, at] of uses) {
    await db
      .updateTable('partner_tokens')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
      .execute();
  }
}
