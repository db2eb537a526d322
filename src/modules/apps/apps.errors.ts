import { defineErrors } from '../../platform/errors/app-error.ts';

export const appErrors = defineErrors('apps', {
  app_not_found: { status: 404, title: 'App not found' },
  app_capability_required: { status: 403, title: 'Only partners with the delegated, wholesale or managed_services capability can have apps' },
  app_grant_types_invalid: { status: 400, title: 'The grant types are not allowed for this app' },
  app_redirect_uri_invalid: { status: 400, title: 'A redirect URI is not acceptable' },
  app_scope_invalid: { status: 400, title: 'A scope is not one an app may ask for' },
  app_jwks_invalid: { status: 400, title: 'The JSON Web Key Set is not acceptable' },
  app_logo_uri_invalid: { status: 400, title: 'The logo URL must be an https URL' },
  app_limit_reached: { status: 409, title: 'The partner has as many apps as allowed' },
  app_auth_method_change_refused: { status: 409, title: 'The app cannot switch to this client authentication method' },
  app_auth_methods_invalid: { status: 400, title: 'The client authentication methods do not go together' },
  app_secret_not_applicable: { status: 409, title: 'The app authenticates with private_key_jwt and has no secret' },
  app_keys_not_at_address: { status: 409, title: 'The app’s keys are not read from an address' },
  resold_tenant_home_missing: { status: 409, title: 'The wholesaler has no own billing account to bill' },
});
