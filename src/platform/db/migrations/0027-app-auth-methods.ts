/**
 * Client authentication by a secret: an app accepts its secret in the Authorization header and in
 * the form body alike (what stock OAuth clients send on their defaults), unless its owner
 * restricts it to one. `apps.auth_methods` holds that restriction as a JSON array of methods;
 * null — every existing app — accepts both secret methods (a private_key_jwt app: its keys).
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('apps').addColumn('auth_methods', 'text').execute();
  },
};
