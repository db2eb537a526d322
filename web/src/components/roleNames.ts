/**
 * The built-in roles' names and descriptions in the reader's language. The server's catalog
 * (GET /api/v1/roles) gives them in English, as its migrations seeded them; an operator may rename a
 * role or reword it, and such a role is shown as written. So a built-in role is translated only while
 * its name (or description) is still the seeded English one.
 */
import type { IntlShape } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const NAMES = defineMessages({
  MSP_FULL: { id: 'components.role_names.msp_full', defaultMessage: 'MSP — full' },
  MSP_BILLING: { id: 'components.role_names.msp_billing', defaultMessage: 'MSP — billing' },
  MSP_SUPPORT: { id: 'components.role_names.msp_support', defaultMessage: 'MSP — support' },
  MSP_PROVISIONING: { id: 'components.role_names.msp_provisioning', defaultMessage: 'MSP — provisioning' },
  ENTERPRISE_HQ: { id: 'components.role_names.enterprise_hq', defaultMessage: 'Enterprise HQ' },
  AUDITOR: { id: 'components.role_names.auditor', defaultMessage: 'Auditor' },
  DELEGATE: { id: 'components.role_names.delegate', defaultMessage: 'Delegate' },
  WHOLESALE: { id: 'components.role_names.wholesale', defaultMessage: 'Wholesaler' },
  partner_msp_full: { id: 'components.role_names.partner_msp_full', defaultMessage: 'Full access' },
  partner_msp_billing: { id: 'components.role_names.partner_msp_billing', defaultMessage: 'Billing' },
  partner_msp_support: { id: 'components.role_names.partner_msp_support', defaultMessage: 'Support' },
  partner_auditor: { id: 'components.role_names.partner_auditor', defaultMessage: 'Auditor' },
});

const DESCRIPTIONS = defineMessages({
  MSP_FULL: { id: 'components.role_names.msp_full_description', defaultMessage: 'Full access to every operation on the customer resources.' },
  MSP_BILLING: { id: 'components.role_names.msp_billing_description', defaultMessage: 'Billing and revenue only.' },
  MSP_SUPPORT: { id: 'components.role_names.msp_support_description', defaultMessage: 'Support and ticketing only.' },
  MSP_PROVISIONING: { id: 'components.role_names.msp_provisioning_description', defaultMessage: 'Orders, services and vouchers.' },
  ENTERPRISE_HQ: { id: 'components.role_names.enterprise_hq_description', defaultMessage: 'Subsidiary oversight: consolidated reporting, billing visibility, shared support.' },
  AUDITOR: { id: 'components.role_names.auditor_description', defaultMessage: 'Read-only access everywhere, for compliance and financial audits.' },
  DELEGATE: { id: 'components.role_names.delegate_description', defaultMessage: 'No grants of its own: exactly the permissions in the delegation overrides.' },
  WHOLESALE: { id: 'components.role_names.wholesale_description', defaultMessage: 'A wholesaler acting for an end customer it resells; billed to the wholesaler.' },
  partner_msp_full: { id: 'components.role_names.partner_msp_full_description', defaultMessage: 'Everything the link allows: billing, orders, support, reports and alerts.' },
  partner_msp_billing: { id: 'components.role_names.partner_msp_billing_description', defaultMessage: 'Invoices, receivables, exports and billing alerts; no tickets or orders.' },
  partner_msp_support: { id: 'components.role_names.partner_msp_support_description', defaultMessage: 'Tickets, services and SLA; no invoices or orders.' },
  partner_auditor: { id: 'components.role_names.partner_auditor_description', defaultMessage: 'Reads everything the link allows; changes nothing.' },
});

type Builtin = keyof typeof NAMES;
const isBuiltin = (id: string): id is Builtin => Object.hasOwn(NAMES, id);

/** A built-in role's name in the reader's language, from its id alone (before the catalog has loaded). */
export function builtinRoleName(intl: IntlShape, id: string): string | undefined {
  return isBuiltin(id) ? intl.formatMessage(NAMES[id]) : undefined;
}

/** The role as the reader should read it: a built-in role still worded as seeded, in their language. */
export function localizedRole<T extends { id: string; name: string; description?: string }>(intl: IntlShape, role: T): T {
  if (!isBuiltin(role.id)) return role;
  const name = role.name === NAMES[role.id].defaultMessage ? intl.formatMessage(NAMES[role.id]) : role.name;
  const description = role.description !== undefined && role.description === DESCRIPTIONS[role.id].defaultMessage ? intl.formatMessage(DESCRIPTIONS[role.id]) : role.description;
  return name === role.name && description === role.description ? role : { ...role, name, description };
}
