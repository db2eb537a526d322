/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  anotherOrganizationHasAlready: { id: 'problem.domain_taken.another_organization_has_already_verified', defaultMessage: "Another organization has already verified {domain}. Ask the operator if you believe it is yours." },
});
