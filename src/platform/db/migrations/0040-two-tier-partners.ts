/**
 * Two-tier partners (a distributor over its resellers, as Microsoft CSP's indirect providers over
 * indirect resellers):
 *  - partners.parent_partner_id: the distributor a reseller sells under (null: none). Two tiers at
 *    most: the service refuses a parent that has a parent itself, or a reseller that has resellers.
 *  - partners.suspended_by_parent: 1 when the reseller's suspension was the distributor's (the
 *    distributor may resume only those; the operator's suspension is the operator's to lift).
 *  - delegations.distributor_access: 1 when the customer lets the reseller's distributor act through
 *    this link (customer-controlled, off by default). The distributor's access is then the link's
 *    permissions ∩ its own people's roles, and ends with the link.
 *  - permissions partner.resellers.read and partner.resellers.manage (the owner holds both).
 *  - PostgreSQL's tenant wall: a distributor's requests also see the links of its resellers that
 *    the customer opened to it, on the tenants its decision put in reach (a second permissive
 *    policy beside the partner's own rows; the application's decision stays the first wall).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { MANAGED_TERM } from '../rls.ts';

const PERMISSIONS = [
  { name: 'partner.resellers.read', description: "See the partner's resellers, their status and how many customers each serves" },
  { name: 'partner.resellers.manage', description: 'Onboard resellers under the partner, suspend and resume them' },
];

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema.alterTable('partners').addColumn('parent_partner_id', 'text', (c) => c.references('partners.id')).execute();
    await db.schema.alterTable('partners').addColumn('suspended_by_parent', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.createIndex('partners_parent_idx').on('partners').column('parent_partner_id').execute();
    await db.schema.alterTable('delegations').addColumn('distributor_access', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    if (dialect === 'postgres') {
      await sql
        .raw(
          `create policy delegations_distributor_read on delegations for select using (distributor_access = 1 and ${MANAGED_TERM} ` +
            `and partner_id in (select id from partners where parent_partner_id = (select current_setting('app.partner_id', true))))`,
        )
        .execute(db);
    }
    await db.insertInto('permissions').values(PERMISSIONS).execute();
    const owner = await db.selectFrom('roles').select('grants').where('id', '=', 'PARTNER_OWNER').executeTakeFirst();
    if (owner) {
      const grants = JSON.parse(owner.grants as string) as string[];
      for (const p of PERMISSIONS) if (!grants.includes(p.name)) grants.push(p.name);
      await db.updateTable('roles').set({ grants: JSON.stringify(grants) }).where('id', '=', 'PARTNER_OWNER').execute();
    }
  },
};
