/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  breakGlassPersonMust: { id: 'problem.sso_break_glass_invalid.break_glass_person_must_active', defaultMessage: "The break-glass person must be an active owner (partner) or administrator (customer) of this organization." },
  connectionDoesNotUse: { id: 'problem.sso_connection_not_found.connection_does_not_use_saml', defaultMessage: "This connection does not use SAML: it has no certificate of ours." },
  connectionHasNoMetadata: { id: 'problem.sso_connection_not_found.connection_has_no_metadata_address', defaultMessage: "This connection has no metadata address to read." },
  connectionHasNoSaml: { id: 'problem.sso_connection_not_found.connection_has_no_saml_metadata', defaultMessage: "This connection has no SAML metadata to download." },
  signsCompanyAccountChoose: { id: 'problem.sso_required.signs_company_account_choose_sign', defaultMessage: "{domain} signs in with its company account. Choose \"Sign in with your company\" and enter your e-mail address." },
  notRoleOrganization: { id: 'problem.sso_role_invalid.not_role_organization', defaultMessage: "\"{default_role}\" is not a role of this organization." },
  ssoRoleInvalidNotRoleOrganization: { id: 'problem.sso_role_invalid.not_role_organization_2', defaultMessage: "\"{role}\" is not a role of this organization." },
  newCertificateAlreadyPrepared: { id: 'problem.sso_settings_invalid.new_certificate_already_prepared_switch', defaultMessage: "A new certificate is already prepared: switch to it, or keep waiting for the provider to take it." },
  noNewCertificatePrepared: { id: 'problem.sso_settings_invalid.no_new_certificate_prepared_prepare', defaultMessage: "No new certificate is prepared: prepare one first." },
  thereNoOldCertificate: { id: 'problem.sso_settings_invalid.there_no_old_certificate_remove', defaultMessage: "There is no old certificate to remove." },
});
