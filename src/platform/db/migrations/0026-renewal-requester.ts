/**
 * Who asked for a delegation's pending renewal. Whoever asks for a renewal may never approve it
 * (separation of duties: a person who is both a partner member and a tenant admin would otherwise
 * approve their own request), so the request keeps its requester next to `renewal_ends_at`, and
 * both are cleared together when the renewal is decided or the delegation ends. A renewal pending
 * from before this column reads null: its requester is unknown here (the audit log names it).
 * The table is behind the tenant wall already (0008), so no RLS change.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('delegations').addColumn('renewal_requested_by', 'text').execute();
  },
};
