/**
 * An app's keys and signed requests (CAMARA's profile, OpenID Dynamic Client Registration's
 * metadata): apps.jwks_uri is the address the app publishes its public keys at, instead of a key
 * set pasted into jwks; apps.require_signed_request_object refuses the app's authorization, pushed
 * authorization and backchannel requests that do not come as a signed request object (RFC 9101).
 *
 * And the built-in "Service management" purpose answers to the W3C DPV term that means it since
 * DPV 2.3: dpv:ServiceManagement (providing and monitoring services). dpv:ServiceProvision is now
 * only its providing part. Only where the operator has not changed the term.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('apps').addColumn('jwks_uri', 'text').execute();
    await db.schema.alterTable('apps').addColumn('require_signed_request_object', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await sql`update purposes set dpv = 'ServiceManagement' where id = 'service_management' and built_in = 1 and dpv = 'ServiceProvision'`.execute(db);
  },
};
