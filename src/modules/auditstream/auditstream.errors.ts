/** Refusals of audit streaming destinations, audit export and retention. */
import { defineErrors } from '../../platform/errors/app-error.ts';

export const auditStreamErrors = defineErrors('auditstream', {
  audit_destination_not_found: { status: 404, title: 'No such audit streaming destination' },
  audit_destination_address_not_allowed: { status: 400, title: 'The destination address cannot be used' },
  audit_destination_ca_invalid: { status: 400, title: 'The CA certificate is not a PEM certificate' },
  audit_destination_secret_invalid: { status: 400, title: 'The header value cannot be sent' },
  audit_export_range_invalid: { status: 400, title: 'The time range is not valid' },
});
