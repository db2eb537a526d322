/**
 * The configuration manager's feature catalog: the platform's features the operator
 * maintains — key, name, description, the default (on/off) every partner gets unless its
 * configuration's `features` section says otherwise, the lifecycle (beta → general → retired) and
 * whether the partner's owner may switch it (opt_in). The decision snapshot holds the catalog, so
 * gated code asks `snapshot.featureEnabled(partner, key)` and never reads this table per request.
 *
 * The permission partner.features.manage (PARTNER_OWNER) lets the owner switch opt-in features.
 * A clean install has the first gated feature: PDF invoice export in the MSP workspace (beta,
 * off by default, switched on per partner by the operator).
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const FEATURES_0023 = [
  {
    key: 'exports.pdf',
    name: 'PDF invoice export',
    description: 'Export the invoices of every managed customer as a PDF statement with totals per currency (MSP workspace).',
    default_on: 0,
    lifecycle: 'beta',
    opt_in: 0,
  },
] as const;

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('feature_catalog')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      // 1 = on unless the partner's configuration switches it off
      .addColumn('default_on', 'integer', (c) => c.notNull())
      .addColumn('lifecycle', 'text', (c) => c.notNull())
      // 1 = the partner's owner may switch it themselves
      .addColumn('opt_in', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    const now = new Date().toISOString();
    await db
      .insertInto('feature_catalog')
      .values(FEATURES_0023.map((f) => ({ ...f, created_at: now, updated_at: now })))
      .execute();
    // the partner's owner switches its opt-in features (the early-access page)
    await db.insertInto('permissions').values({ name: 'partner.features.manage', description: "Switch the partner's opt-in features on or off" }).execute();
    const owner = await db.selectFrom('roles').select('grants').where('id', '=', 'PARTNER_OWNER').executeTakeFirst();
    if (owner) {
      const grants = JSON.parse(owner.grants as string) as string[];
      if (!grants.includes('partner.features.manage')) grants.push('partner.features.manage');
      await db.updateTable('roles').set({ grants: JSON.stringify(grants) }).where('id', '=', 'PARTNER_OWNER').execute();
    }
  },
};
