/**
 * The reader's language: the language a person chose on their account page (null: follow their
 * organization, then their browser), an organization's default language for its people (a tenant's, a
 * partner's), and the operator's own words on the sign-in and consent pages per language.
 *
 *  - users.locale, tenants.locale, partners.locale: a language tag Partnergate has a catalog for, or null.
 *  - platform_texts: one row per language the operator wrote texts for — the product name, the support
 *    address and the legal links shown on the sign-in and consent pages; a missing row or column falls
 *    back to the default language's row, then to Partnergate's own words. Platform-wide, not tenant data.
 * Only columns and a table are added: safe while instances of the previous release serve.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('users').addColumn('locale', 'text').execute();
    await db.schema.alterTable('tenants').addColumn('locale', 'text').execute();
    await db.schema.alterTable('partners').addColumn('locale', 'text').execute();
    await db.schema
      .createTable('platform_texts')
      .addColumn('locale', 'text', (c) => c.primaryKey())
      .addColumn('product_name', 'text')
      .addColumn('support_email', 'text')
      .addColumn('terms_url', 'text')
      .addColumn('privacy_url', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
    await db.insertInto('permissions').values({ name: 'platform.texts.manage', description: 'Write the product name, support address and legal links the sign-in and consent pages show in each language.' }).execute();
  },
};
