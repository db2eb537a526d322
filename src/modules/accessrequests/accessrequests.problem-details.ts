/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  lastsMostDays: { id: 'problem.access_duration_too_long.lasts_most_days', defaultMessage: "\"{name}\" lasts at most {maxDays} days." },
  request: { id: 'problem.access_request_closed.request', defaultMessage: "The request is {status}." },
  requestHasExpiredPartner: { id: 'problem.access_request_closed.request_has_expired_partner_can', defaultMessage: "The request has expired; the partner can ask again." },
  templateArchived: { id: 'problem.access_template_archived.template_archived', defaultMessage: "The template \"{name}\" is archived." },
  defaultDaysMustBetween: { id: 'problem.access_template_invalid.default_days_must_between_1', defaultMessage: "default_days must be between 1 and max_days." },
  delegateRoleGrantsNothing: { id: 'problem.access_template_invalid.delegate_role_grants_nothing_own', defaultMessage: "The DELEGATE role grants nothing of its own: list the permissions the template gives." },
  maxDaysMustBetween: { id: 'problem.access_template_invalid.max_days_must_between_1', defaultMessage: "max_days must be between 1 and {limit} (the longest a delegation may last)." },
  notRolePartnerCan: { id: 'problem.access_template_invalid.not_role_partner_can_ask', defaultMessage: "\"{role}\" is not a role a partner can ask for ({names})." },
  noSuchAccessTemplate: { id: 'problem.access_template_not_found.no_such_access_template', defaultMessage: "No such access template." },
  notDelegationRole: { id: 'problem.approval_policy_invalid.not_delegation_role', defaultMessage: "\"{r}\" is not a delegation role." },
  reminderGoesOutBefore: { id: 'problem.approval_policy_invalid.reminder_goes_out_before_request', defaultMessage: "The reminder goes out before the request expires: reminder_days must be less than expiry_days (0: no reminder)." },
  requestMayWait1: { id: 'problem.approval_policy_invalid.request_may_wait_1_days', defaultMessage: "A request may wait 1 to {maxExpiryDays} days." },
  askedAccessAnotherAdmin: { id: 'problem.self_approval.asked_access_another_admin_tenant', defaultMessage: "You asked for this access; another admin of the tenant must approve it." },
  noTenantHasSlug: { id: 'problem.tenant_not_found.no_tenant_has_slug', defaultMessage: "No tenant has this slug." },
});
