/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  appUsesCanSwitch: { id: 'problem.app_auth_method_change_refused.app_uses_can_switch_between', defaultMessage: "The app uses {token_endpoint_auth_method}; it can switch between client_secret_basic and client_secret_post only. Register a new app to change to or from private_key_jwt." },
  nameLeastOneClient: { id: 'problem.app_auth_methods_invalid.name_least_one_client_authentication', defaultMessage: "Name at least one client authentication method." },
  privateKeyJwtGoes: { id: 'problem.app_auth_methods_invalid.private_key_jwt_goes_no', defaultMessage: "private_key_jwt goes with no other method: an app proves who it is with its keys or with a secret." },
  tokenEndpointAuthMethod: { id: 'problem.app_auth_methods_invalid.token_endpoint_auth_method_not', defaultMessage: "token_endpoint_auth_method {registered} is not one of token_endpoint_auth_methods." },
  appsPartnersApprovedDelegated: { id: 'problem.app_capability_required.apps_partners_approved_delegated_wholesale', defaultMessage: "Apps are for partners approved with the delegated, wholesale or managed_services capability; ask the operator." },
  cibaAsksCustomersConsent: { id: 'problem.app_grant_types_invalid.ciba_asks_customers_consent_needs', defaultMessage: "CIBA asks customers for consent: it needs the partner capability delegated." },
  grantTypeNeedsPartner: { id: 'problem.app_grant_types_invalid.grant_type_needs_partner_capability', defaultMessage: "The {g} grant type needs the partner capability {named}." },
  notSupportedGrantType: { id: 'problem.app_grant_types_invalid.not_supported_grant_type', defaultMessage: "{g} is not a supported grant type." },
  pingModeNeedsNotification: { id: 'problem.app_grant_types_invalid.ping_mode_needs_notification_endpoint', defaultMessage: "The ping mode needs the notification endpoint Partnergate calls." },
  pollingAppHasNo: { id: 'problem.app_grant_types_invalid.polling_app_has_no_notification', defaultMessage: "A polling app has no notification endpoint." },
  refreshTokenComesAuthorization: { id: 'problem.app_grant_types_invalid.refresh_token_comes_authorization_code', defaultMessage: "refresh_token comes with authorization_code." },
  tokenExchangeExchangesClient: { id: 'problem.app_grant_types_invalid.token_exchange_exchanges_client_credentials', defaultMessage: "Token exchange exchanges a client-credentials token: add client_credentials." },
  withoutWholesaleCapabilityClient: { id: 'problem.app_grant_types_invalid.without_wholesale_capability_client_credentials', defaultMessage: "Without the wholesale capability, a client-credentials app only asks Partnergate for access decisions: give it the authzen.evaluate scope and no other, or use the authorization code grant." },
  appProvesWhoKeys: { id: 'problem.app_jwks_invalid.app_proves_who_keys_registers', defaultMessage: "An app that proves who it is with its keys registers its public keys (jwks) or the address it publishes them at (jwks_uri)." },
  giveKeysAddressThey: { id: 'problem.app_jwks_invalid.give_keys_address_they_published', defaultMessage: "Give the keys or the address they are published at, not both." },
  keysMustEcRsa: { id: 'problem.app_jwks_invalid.keys_must_ec_rsa_okp', defaultMessage: "Keys must be EC, RSA or OKP public keys." },
  onlyAppRegisteredKeys: { id: 'problem.app_jwks_invalid.only_app_registered_keys_can', defaultMessage: "Only an app with registered keys can sign its requests (private_key_jwt)." },
  onlyAppsProveWho: { id: 'problem.app_jwks_invalid.only_apps_prove_who_they', defaultMessage: "Only apps that prove who they are with their keys (private_key_jwt) register keys." },
  registerPublicKeysOnly: { id: 'problem.app_jwks_invalid.register_public_keys_only_key', defaultMessage: "Register public keys only: this key holds its private half. Keep that with the app and paste the public key." },
  partnerMayHaveMost: { id: 'problem.app_limit_reached.partner_may_have_most_apps', defaultMessage: "A partner may have at most {maxAppsPerPartner} apps." },
  appUsingAuthorizationCode: { id: 'problem.app_redirect_uri_invalid.app_using_authorization_code_needs', defaultMessage: "An app using authorization_code needs at least one redirect URI." },
  onlyAppsUsingAuthorization: { id: 'problem.app_redirect_uri_invalid.only_apps_using_authorization_code', defaultMessage: "Only apps using authorization_code have redirect URIs." },
  aboutSignedPersonNeeds: { id: 'problem.app_scope_invalid.about_signed_person_needs_authorization', defaultMessage: "\"{s}\" is about a signed-in person; it needs the authorization_code grant type." },
  appNeedsLeastOne: { id: 'problem.app_scope_invalid.app_needs_least_one_resource', defaultMessage: "An app needs at least one resource scope." },
  onlyWholesalersProvisionTenants: { id: 'problem.partner_capability_missing.only_wholesalers_provision_tenants_they', defaultMessage: "Only wholesalers provision the tenants they resell (capability wholesale)." },
  partner: { id: 'problem.partner_inactive.partner', defaultMessage: "The partner is {status}." },
  partnerDoesNotExist: { id: 'problem.partner_inactive.partner_does_not_exist', defaultMessage: "The partner does not exist." },
});
