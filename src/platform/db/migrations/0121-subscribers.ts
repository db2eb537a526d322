/**
 * Subscribers: the provider's end-customer records under one of its customers — an ISP's or a
 * reseller's own subscribers, each on one of the customer's billing accounts — synced by the
 * provider's systems (a `subscriber` sync line, or a CSV import) like services and invoices.
 * Customer data behind the same wall as the provider's other records (the tenant's, and a
 * partner's for the tenants it may act on), read with one permission, `services.subscribers.read`,
 * which roles granting every service permission (`services.*`) include, and so do the auditors'
 * (read-only everywhere); a role that reads only services does not, since subscribers name people.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema
      .createTable('subscribers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('ban_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('plan', 'text')
      .addColumn('service_address', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('activated_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('subscribers_tenant_idx').on('subscribers').columns(['tenant_id', 'name']).execute();
    await db.schema.createIndex('subscribers_ban_idx').on('subscribers').columns(['ban_id']).execute();
    await enableTenantRls(db, dialect, { table: 'subscribers', managed: true });
    await db.insertInto('permissions').values({ name: 'services.subscribers.read', description: 'Read the subscribers under a customer: its own end customers, with their contact details' }).execute();
    // the auditors read everything the link allows: subscribers too
    for (const id of ['AUDITOR', 'partner_auditor']) {
      const row = await db.selectFrom('roles').select('grants').where('id', '=', id).executeTakeFirst();
      if (!row) continue;
      const grants = JSON.parse(row.grants) as string[];
      if (!grants.includes('services.subscribers.read')) await db.updateTable('roles').set({ grants: JSON.stringify([...grants, 'services.subscribers.read']) }).where('id', '=', id).execute();
    }
  },
};
