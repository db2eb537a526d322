import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const ssoErrors = defineErrors('sso', {
  sso_connection_not_found: { status: 404, title: 'This organization has no single sign-on connection' },
  sso_connection_exists: { status: 409, title: 'This organization already has a single sign-on connection' },
  sso_settings_invalid: { status: 400, title: 'The single sign-on settings are incomplete or wrong' },
  sso_issuer_not_allowed: { status: 400, title: "The provider's address is on a private or internal network" },
  sso_role_invalid: { status: 400, title: 'This role does not exist for this kind of organization' },
  sso_break_glass_invalid: { status: 400, title: 'The break-glass person must be an owner or administrator of the organization' },
  sso_required: { status: 403, title: 'Your organization requires you to sign in with your company account' },
  sso_provider_unreachable: { status: 502, title: "The organization's identity provider could not be reached" },
});

registerUniqueConstraint('sso_connections_org_key', 'sso_connection_exists', 'This organization already has a single sign-on connection.');
