/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  reactivateAgencyBeforeGiving: { id: 'problem.agency_not_active.reactivate_agency_before_giving_new', defaultMessage: "Reactivate the agency before giving it a new form token." },
  revokedTokenCannotRotated: { id: 'problem.agency_token_already_revoked.revoked_token_cannot_rotated_generate', defaultMessage: "A revoked token cannot be rotated; generate a new one." },
});
