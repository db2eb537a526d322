/**
 * The partner configuration manager's storage:
 *  - partners.config: the partner's current configuration, one JSON document with a section per
 *    concern (features, roles, session, limits, api). It rides on the partner row, so the change
 *    feed's `partner` entry that already reloads a partner into every instance's decision snapshot
 *    carries a change to the next request without a new path.
 *  - partners.config_version: bumped by every change (compare-and-set guard for concurrent editors).
 *  - partner_config_versions: one row per change — who, when, which section, the section before and
 *    after and the field-level diff — the history the operator reads.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('partners').addColumn('config', 'text', (c) => c.notNull().defaultTo('{}')).execute();
    await db.schema.alterTable('partners').addColumn('config_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema
      .createTable('partner_config_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('section', 'text', (c) => c.notNull())
      .addColumn('before', 'text', (c) => c.notNull())
      .addColumn('after', 'text', (c) => c.notNull())
      .addColumn('diff', 'text', (c) => c.notNull())
      .addColumn('changed_by', 'text')
      .addColumn('changed_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('partner_config_versions_version_uq', ['partner_id', 'version'])
      .execute();
  },
};
