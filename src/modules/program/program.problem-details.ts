/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  tickBoxAcceptAgreement: { id: 'problem.agreement_acceptance_required.tick_box_accept_agreement', defaultMessage: "Tick the box to accept the agreement." },
  versionPartnerOwnerSigns: { id: 'problem.agreement_not_approvable.version_partner_owner_signs', defaultMessage: "This version is {status}; the partner owner signs it first." },
  versionWasApprovedMoment: { id: 'problem.agreement_not_approvable.version_was_approved_moment_ago', defaultMessage: "This version was approved a moment ago." },
  versionOnlyVersionWaiting: { id: 'problem.agreement_not_signable.version_only_version_waiting_signature', defaultMessage: "This version is {status}; only a version waiting for a signature can be signed." },
  versionWasSignedMoment: { id: 'problem.agreement_not_signable.version_was_signed_moment_ago', defaultMessage: "This version was signed a moment ago." },
  giveCommissionPercentageBounty: { id: 'problem.agreement_terms_invalid.give_commission_percentage_bounty_per', defaultMessage: "Give a commission percentage, a bounty per qualified sign-up, or both." },
  noneTheseEarningsPending: { id: 'problem.earnings_not_approvable.none_these_earnings_pending', defaultMessage: "None of these earnings is pending." },
  userEmailAlreadyExists: { id: 'problem.email_taken.user_email_already_exists', defaultMessage: "A user with this email already exists." },
  onlyPartnerOwnerExports: { id: 'problem.export_forbidden.only_partner_owner_exports_earnings', defaultMessage: "Only the partner owner exports earnings." },
  roleSeesEarningsSummary: { id: 'problem.line_items_forbidden.role_sees_earnings_summary_owner', defaultMessage: "Your role sees the earnings summary; the owner sees them line by line." },
  operatorApprovesAgreementsPartner: { id: 'problem.operator_cannot_sign.operator_approves_agreements_partner_owner', defaultMessage: "The operator approves agreements; the partner owner signs them." },
  approvedEarningsBelowPayout: { id: 'problem.payout_below_threshold.approved_earnings_below_payout_threshold', defaultMessage: "The approved earnings ({amount}) are below the payout threshold ({threshold})." },
  payoutOneCurrencyChoose: { id: 'problem.payout_lines_invalid.payout_one_currency_choose_lines', defaultMessage: "A payout is in one currency: choose the lines of one currency." },
  someTheseEarningsChanged: { id: 'problem.payout_lines_invalid.some_these_earnings_changed_moment', defaultMessage: "Some of these earnings changed a moment ago; reload and try again." },
  someTheseEarningsNot: { id: 'problem.payout_lines_invalid.some_these_earnings_not_approved', defaultMessage: "Some of these earnings are not approved earnings of this partner." },
  partnerHasNoApproved: { id: 'problem.payout_nothing_to_pay.partner_has_no_approved_earnings', defaultMessage: "This partner has no approved earnings to pay." },
  partnerNotReferralPartner: { id: 'problem.referral_capability_required.partner_not_referral_partner', defaultMessage: "This partner is not a referral partner." },
  referralCodeInvalidReferralCodeNotValid: { id: 'problem.referral_code_invalid.referral_code_not_valid_check', defaultMessage: "This referral code is not valid. Check it, or sign up without one." },
  referralCodeNotValid: { id: 'problem.referral_code_not_found.referral_code_not_valid', defaultMessage: "This referral code is not valid." },
  noTenantReferredPartner: { id: 'problem.referral_not_found.no_tenant_referred_partner_has', defaultMessage: "No tenant referred by this partner has this id." },
});
