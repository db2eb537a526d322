/** The brand tables (migration 0075): partner_brands and brand_logos. */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { BrandLogosTable, PartnerBrandsTable } from '../../platform/db/schema.ts';

export type BrandRow = Selectable<PartnerBrandsTable>;
export type LogoRow = Selectable<BrandLogosTable>;

export function findBrand(db: Executor, partnerId: string): Promise<BrandRow | undefined> {
  return db.selectFrom('partner_brands').selectAll().where('partner_id', '=', partnerId).executeTakeFirst();
}

/** Insert the partner's brand row, or change the given columns of it. */
export async function upsertBrand(db: Executor, partnerId: string, patch: Partial<Insertable<PartnerBrandsTable>> & { updated_at: string }): Promise<void> {
  await db
    .insertInto('partner_brands')
    .values({ partner_id: partnerId, display_name: null, primary_color: null, accent_color: null, logo_sha256: null, customer_branding_reason: null, updated_by: null, ...patch })
    .onConflict((oc) => oc.column('partner_id').doUpdateSet(patch))
    .execute();
}

/** A logo's description (no bytes). */
export function findLogoInfo(db: Executor, sha256: string) {
  return db.selectFrom('brand_logos').select(['sha256', 'content_type', 'width', 'height', 'size']).where('sha256', '=', sha256).executeTakeFirst();
}

export function findLogo(db: Executor, sha256: string): Promise<LogoRow | undefined> {
  return db.selectFrom('brand_logos').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

/** Store a logo once: the same bytes uploaded again (by anyone) are the same row. */
export async function insertLogo(db: Executor, row: Insertable<BrandLogosTable>): Promise<void> {
  await db.insertInto('brand_logos').values(row).onConflict((oc) => oc.column('sha256').doNothing()).execute();
}
