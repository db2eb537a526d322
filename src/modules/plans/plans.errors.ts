import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const planErrors = defineErrors('plans', {
  plan_not_found: { status: 404, title: 'Plan not found' },
  plan_unknown: { status: 400, title: 'The plan catalog has no such plan' },
  plan_name_taken: { status: 409, title: 'Another plan already has this name' },
  plan_invalid: { status: 400, title: 'The plan is not acceptable' },
  plan_not_allowed: { status: 409, title: 'The operator does not allow this partner to offer this plan' },
  plan_not_offered: { status: 409, title: 'The plan is not offered to this customer' },
  plan_retired: { status: 409, title: 'The plan is no longer available' },
  offer_price_out_of_range: { status: 400, title: "The price is outside the range the operator allows" },
  customer_not_found: { status: 404, title: 'Customer not found' },
  kyc_required: { status: 403, title: 'The customer must be verified (KYC) before a plan is available' },
  kyc_pending: { status: 403, title: "The customer's verification (KYC) is waiting for review" },
  kyc_rejected: { status: 403, title: "The customer's verification (KYC) was rejected" },
  segment_not_eligible: { status: 403, title: "The plan is not for the customer's segment" },
  kyc_case_not_found: { status: 404, title: 'Verification case not found' },
  kyc_document_not_found: { status: 404, title: 'Document not found' },
  kyc_already_submitted: { status: 409, title: 'A verification is already waiting for review or done' },
  kyc_case_already_reviewed: { status: 409, title: 'The verification case has already been reviewed' },
  kyc_document_too_large: { status: 413, title: 'A document is larger than allowed' },
  kyc_document_type_not_allowed: { status: 415, title: 'A document is not a PDF, PNG or JPEG file' },
  kyc_reason_required: { status: 400, title: 'A rejection needs a reason' },
  subscription_not_found: { status: 404, title: 'Subscription not found' },
  subscription_exists: { status: 409, title: 'The customer already has a subscription' },
  subscription_transition_invalid: { status: 409, title: 'The subscription cannot make this change in its current state' },
  terms_mismatch: { status: 409, title: 'The terms signed are not the plan terms on record' },
});

registerUniqueConstraint('plans_name_key', 'plan_name_taken', 'Another plan already has this name.');
registerUniqueConstraint('subscriptions_tenant_id_key', 'subscription_exists', 'The customer already has a subscription that is not cancelled.');
