import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const partnerErrors = defineErrors('partners', {
  partner_not_found: { status: 404, title: 'Partner not found' },
  partner_slug_taken: { status: 409, title: 'The partner slug is taken' },
  invalid_partner_transition: { status: 409, title: 'The partner cannot move to that status from its current one' },
  partner_member_not_found: { status: 404, title: 'Partner member not found' },
  already_partner_member: { status: 409, title: 'The user already belongs to a partner organization' },
  last_partner_owner: { status: 409, title: 'A partner must keep at least one active owner' },
  feature_not_found: { status: 404, title: 'No feature with this key in the catalog' },
  feature_exists: { status: 409, title: 'The catalog already has a feature with this key' },
  invalid_lifecycle_transition: { status: 409, title: 'A feature moves only forward: beta → general → retired' },
  session_policy_looser: { status: 400, title: "A partner's session policy cannot be looser than the platform's" },
  cidr_invalid: { status: 400, title: 'An entry of the IP allow-list is not an address or a network' },
  quota_inconsistent: { status: 400, title: 'The daily quota is larger than the monthly quota' },
  config_version_conflict: { status: 409, title: 'The configuration changed since it was read' },
  capabilities_required: { status: 400, title: 'Approving a partner needs at least one capability' },
  template_partner_not_found: { status: 400, title: 'No partner to copy the configuration from' },
  partner_import_invalid: { status: 400, title: 'The file of partners cannot be read' },
  partner_import_not_confirmed: { status: 400, title: 'A file of partners is applied only after its check, with confirm: true' },
  reseller_depth_exceeded: { status: 409, title: 'Partners are two tiers at most: a distributor over its resellers' },
});

registerUniqueConstraint('partners_slug_key', 'partner_slug_taken', 'Another partner already uses this slug.');
registerUniqueConstraint('partner_members_user_id_key', 'already_partner_member', 'The user already belongs to a partner organization.');
registerUniqueConstraint('partner_members_pkey', 'already_partner_member', 'The user already belongs to this partner organization.');
registerUniqueConstraint('users_email_key', 'email_taken', 'A user with this email already exists.');
registerUniqueConstraint('feature_catalog_pkey', 'feature_exists', 'The catalog already has a feature with this key.');
