/**
 * Verified domains per organization, the first step towards partner and customer staff signing in
 * with their own company's identity provider: an organization (a partner or a tenant) claims an
 * e-mail domain and proves it owns it by publishing a TXT record.
 *
 *  - organization_domains: one claim per organization and domain. The token is the random value the
 *    organization publishes in DNS (`partnergate-verification=<token>`); it is public by design, so it
 *    is stored as it is. A domain belongs to one organization at a time: at most one verified row
 *    per domain (a partial unique index); pending or failed claims by others do not block a claim.
 *
 * The owner is named by kind and id, like webhook endpoints; the rows are no tenant data (no
 * tenant_id), and every read and write is scoped by the owner in the domains module.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('organization_domains')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_type', 'text', (c) => c.notNull().check(sql`owner_type in ('partner','tenant')`))
      .addColumn('owner_id', 'text', (c) => c.notNull())
      // lower-case, IDNA (punycode) form, no trailing dot
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','verified','failed')`))
      .addColumn('verified_at', 'text')
      .addColumn('last_checked_at', 'text')
      // the last check's outcome in words ("no TXT record found at …")
      .addColumn('last_check_result', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await sql`create unique index organization_domains_owner_type_owner_id_domain_key on organization_domains (owner_type, owner_id, domain)`.execute(db);
    // a domain is verified by one organization at a time
    await sql`create unique index organization_domains_domain_key on organization_domains (domain) where status = 'verified'`.execute(db);
    await db.schema.createIndex('organization_domains_domain_idx').on('organization_domains').column('domain').execute();
  },
};
