/**
 * Eligible (just-in-time) ROLES: a link keeps its role as *standing* access (always on while the link
 * is) and may carry further roles that are *eligible* — they grant nothing until a partner member
 * activates them for a while. `eligible_roles` is a JSON array of role ids on the link's access
 * settings; the older `eligible` switch still means "the link's own role is eligible too".
 * The table is already behind the tenant wall (0018), so no RLS change.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('delegation_jit_settings').addColumn('eligible_roles', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  },
};
