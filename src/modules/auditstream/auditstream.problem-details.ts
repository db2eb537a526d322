/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  pasteCertificatePemForm: { id: 'problem.audit_destination_ca_invalid.paste_certificate_pem_form_begin', defaultMessage: "Paste the certificate in PEM form (-----BEGIN CERTIFICATE----- …)." },
  headerValueOneLine: { id: 'problem.audit_destination_secret_invalid.header_value_one_line', defaultMessage: "A header value is one line." },
  sinceMustBeforeUntil: { id: 'problem.audit_export_range_invalid.since_must_before_until', defaultMessage: "`since` must be before `until`." },
});
