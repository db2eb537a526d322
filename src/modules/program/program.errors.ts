import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const programErrors = defineErrors('program', {
  referral_code_invalid: { status: 400, title: 'The referral code is unknown or no longer active' },
  referral_code_not_found: { status: 404, title: 'Referral code not found' },
  referral_not_found: { status: 404, title: 'Referral not found' },
  referral_capability_required: { status: 403, title: 'Only a referral partner has a partner program' },
  agreement_not_found: { status: 404, title: 'Agreement not found' },
  agreement_not_signable: { status: 409, title: 'Only a draft agreement can be signed' },
  agreement_not_approvable: { status: 409, title: 'Only a signed agreement can be approved' },
  agreement_acceptance_required: { status: 400, title: 'Accept the agreement to sign it' },
  agreement_terms_invalid: { status: 400, title: 'An agreement needs a commission percentage, a bounty, or both' },
  operator_cannot_sign: { status: 403, title: 'The operator approves agreements; only the partner owner signs them' },
  line_items_forbidden: { status: 403, title: 'Only the partner owner sees earnings line by line' },
  export_forbidden: { status: 403, title: 'Only the partner owner exports earnings' },
  earnings_not_approvable: { status: 409, title: 'Only pending earnings can be approved' },
  payout_nothing_to_pay: { status: 409, title: 'There are no approved earnings to pay' },
  payout_below_threshold: { status: 409, title: 'The approved earnings are below the agreement’s payout threshold' },
  payout_net_not_positive: { status: 409, title: 'Refunds after earlier payouts take back at least what is approved: nothing to pay' },
  earning_not_found: { status: 404, title: 'Earnings line not found' },
  payout_lines_invalid: { status: 409, title: 'A payout pays approved earnings of one partner in one currency' },
});

registerUniqueConstraint('program_agreements_partner_id_version_key', 'agreement_not_signable', 'Another agreement version was drafted at the same time; reload and try again.');
