/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  memberRoleDoesNot: { id: 'problem.permission_denied.member_role_does_not_allow', defaultMessage: "Your member role {mr} does not allow {perm}." },
  roleDoesNotAllow: { id: 'problem.permission_denied.role_does_not_allow', defaultMessage: "Your role {role} does not allow {perm}." },
});
