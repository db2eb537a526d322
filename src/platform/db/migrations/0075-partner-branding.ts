/**
 * A partner's brand: its display name, colours and logo, and whether the provider lets its
 * customers see it (the operator's switch, per partner).
 *
 *  - partner_brands: one row per partner that set anything. Colours are #rrggbb text, checked
 *    for contrast when saved; `customer_branding` is 'allowed' or 'off' (the operator's switch,
 *    with its reason).
 *  - brand_logos: uploaded logos by the SHA-256 of their bytes (bytea / blob), so every instance
 *    serves them from the database under a content-hashed address (nothing on local disk), the
 *    same file uploaded twice is stored once, and an address once given out keeps working.
 *    A partner's row names its current logo.
 * Neither holds tenant data: no row-level security (partners' own tables have none).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    const bytes = dialect === 'postgres' ? sql`bytea` : sql`blob`;
    await db.schema
      .createTable('brand_logos')
      .addColumn('sha256', 'text', (c) => c.primaryKey())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('data', bytes, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('partner_brands')
      .addColumn('partner_id', 'text', (c) => c.primaryKey().references('partners.id').onDelete('cascade'))
      .addColumn('display_name', 'text')
      .addColumn('primary_color', 'text')
      .addColumn('accent_color', 'text')
      .addColumn('logo_sha256', 'text', (c) => c.references('brand_logos.sha256'))
      .addColumn('customer_branding', 'text', (c) => c.notNull().defaultTo('allowed'))
      .addColumn('customer_branding_reason', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
  },
};
