/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  organizationRequiresSecondFactor: { id: 'problem.ciba_mfa_required.organization_requires_second_factor_approve', defaultMessage: "Your organization requires a second factor to approve partner access: confirm it is you with your authenticator app or passkey, then approve again." },
  requestHasExpiredApp: { id: 'problem.ciba_request_decided.request_has_expired_app_has', defaultMessage: "This request has expired: the app has to ask again." },
  requestWasAlready: { id: 'problem.ciba_request_decided.request_was_already', defaultMessage: "This request was {status} already." },
  requestWasDecidedAlready: { id: 'problem.ciba_request_decided.request_was_decided_already', defaultMessage: "This request was decided already." },
  accountBillMustOne: { id: 'problem.consent_invalid.account_bill_must_one_shared', defaultMessage: "The account to bill must be one of the shared accounts." },
  chooseLeastOneBilling: { id: 'problem.consent_invalid.choose_least_one_billing_account', defaultMessage: "Choose at least one billing account to share." },
  chosenBillingAccountNot: { id: 'problem.consent_invalid.chosen_billing_account_not_one', defaultMessage: "A chosen billing account is not one of the organisation’s active accounts." },
  doesNotActCustomers: { id: 'problem.consent_partner_not_delegated.does_not_act_customers_own', defaultMessage: "{name} does not act for customers; {name2} is for its own team." },
  chooseDurationMostDays: { id: 'problem.consent_invalid.choose_duration_most_days', defaultMessage: "Choose a duration of at most {maxDays, plural, one {# day} other {# days}}." },
});
