/**
 * Partner rate limits and quotas: the partners' usage by day. The gateway counts each partner's
 * requests in memory on the request path (admitted, and refused for a quota or a per-minute
 * limit) and adds them here in batches, every few seconds, from every instance — the record the
 * operator's and the partner's usage views read. The quotas themselves are counted in the rate
 * limiter's store (Redis, or memory), not here: this table is the history, never the decision.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('partner_usage')
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('partner_usage_pk', ['partner_id', 'day'])
      .execute();
  },
};
