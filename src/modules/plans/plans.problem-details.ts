/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  caseWasAlready: { id: 'problem.kyc_case_already_reviewed.case_was_already', defaultMessage: "The case was already {status}." },
  notFile: { id: 'problem.kyc_document_type_not_allowed.not_file', defaultMessage: "\"{filename}\" is not a {kycContentTypes} file." },
  sayWhatCustomerMust: { id: 'problem.kyc_reason_required.say_what_customer_must_correct', defaultMessage: "Say what the customer must correct." },
  lowestPriceAboveHighest: { id: 'problem.offer_price_out_of_range.lowest_price_above_highest', defaultMessage: "The lowest price is above the highest." },
  priceMustBetweenMinor: { id: 'problem.offer_price_out_of_range.price_must_between_minor_units', defaultMessage: "The price must be between {min_price_minor} and {max_price_minor} (minor units)." },
  featureListedTwice: { id: 'problem.plan_invalid.feature_listed_twice', defaultMessage: "A feature is listed twice." },
  segmentListedTwice: { id: 'problem.plan_invalid.segment_listed_twice', defaultMessage: "A segment is listed twice." },
  operatorDoesNotAllow: { id: 'problem.plan_not_allowed.operator_does_not_allow_offer', defaultMessage: "The operator does not allow you to offer this plan." },
  partnerDoesNotExist: { id: 'problem.plan_not_allowed.partner_does_not_exist', defaultMessage: "The partner does not exist." },
  retiredPartnerCannotAllowed: { id: 'problem.plan_retired.retired_partner_cannot_allowed_offer', defaultMessage: "{name} is retired: a partner cannot be allowed to offer it." },
  planCatalogHasNo: { id: 'problem.plan_unknown.plan_catalog_has_no_plan', defaultMessage: "The plan catalog has no plan “{plan}”." },
  cancelCurrentSubscriptionBefore: { id: 'problem.subscription_exists.cancel_current_subscription_before_choosing', defaultMessage: "Cancel the current subscription before choosing another plan." },
  termsAcceptedNotTerms: { id: 'problem.terms_mismatch.terms_accepted_not_terms_plan', defaultMessage: "The terms you accepted are not the terms of this plan on record; read them again." },
  documentLargerThanKib: { id: 'problem.kyc_document_too_large.document_larger_than_kib', defaultMessage: "\"{filename}\" is larger than {kib} KiB." },
});
