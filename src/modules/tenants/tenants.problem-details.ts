/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  alreadyMemberTenant: { id: 'problem.already_tenant_member.already_member_tenant', defaultMessage: "You are already a member of this tenant." },
  onlyPlatformOperatorChanges: { id: 'problem.tenant_status_forbidden.only_platform_operator_changes_status', defaultMessage: "Only the platform operator changes the status or tier of a tenant." },
});
