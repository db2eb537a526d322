/**
 * The decision engine's refusals as a person reads them (a problem's `detail`), in the reader's language:
 * one sentence per refusal code. The engine's own reason (decide.ts: "The tenant role TENANT_USER does not
 * grant billing.invoices.read.") stays the English detail and the `reason` of /authz/check and /explain;
 * a reader of another language gets the code's sentence (platform/errors/problem.ts: localizedDetail).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';
import type { LocalizedDetail } from '../../platform/errors/app-error.ts';

// keyed by the codes themselves (decide-answer.ts: RefusalCode, link-limits.ts: LinkLimitRefusal), which
// cannot be imported here without a cycle (the snapshot imports the link limits); the callers pass those
// types, so a code without a sentence does not compile
const REFUSED = defineMessages({
  user_inactive: { id: 'problem.refusal.user_inactive', defaultMessage: 'Your account is not active.' },
  partner_membership_inactive: { id: 'problem.refusal.partner_membership_inactive', defaultMessage: 'Your membership of the partner organization is deactivated.' },
  partner_inactive: { id: 'problem.refusal.partner_inactive', defaultMessage: 'The partner organization is not active.' },
  tenant_context_required: { id: 'problem.refusal.tenant_context_required', defaultMessage: 'Choose the customer to act for.' },
  delegation_not_found: { id: 'problem.refusal.delegation_not_found', defaultMessage: 'No partner access gives access to this customer.' },
  delegation_pending: { id: 'problem.refusal.delegation_pending', defaultMessage: 'The partner access is waiting for the customer’s approval.' },
  delegation_not_started: { id: 'problem.refusal.delegation_not_started', defaultMessage: 'The partner access has not started yet.' },
  delegation_expired: { id: 'problem.refusal.delegation_expired', defaultMessage: 'The partner access has expired.' },
  delegation_revoked: { id: 'problem.refusal.delegation_revoked', defaultMessage: 'The customer revoked the partner access.' },
  delegation_rejected: { id: 'problem.refusal.delegation_rejected', defaultMessage: 'The customer rejected the request for partner access.' },
  delegation_approver_inactive: { id: 'problem.refusal.delegation_approver_inactive', defaultMessage: 'The customer’s admin who approved the partner access is no longer an admin; a current admin must confirm it.' },
  partner_capability_missing: { id: 'problem.refusal.partner_capability_missing', defaultMessage: 'The partner no longer has the capability this access needs.' },
  tenant_inactive: { id: 'problem.refusal.tenant_inactive', defaultMessage: 'The customer is not active.' },
  ban_not_covered: { id: 'problem.refusal.ban_not_covered', defaultMessage: 'The access does not cover this billing account.' },
  feature_disabled: { id: 'problem.refusal.feature_disabled', defaultMessage: 'This feature is switched off for the partner.' },
  permission_denied: { id: 'problem.refusal.permission_denied', defaultMessage: 'Your role does not allow this.' },
  scope_insufficient: { id: 'problem.refusal.scope_insufficient', defaultMessage: 'What the customer consented to, or the token was issued for, does not include this.' },
  mfa_required: { id: 'problem.refusal.mfa_required', defaultMessage: 'Sign in with a second factor (an authenticator app or a passkey) to act for this customer.' },
  activation_required: { id: 'problem.refusal.activation_required', defaultMessage: 'This access is eligible only: activate it for a while first.' },
  role_not_allowed: { id: 'problem.refusal.role_not_allowed', defaultMessage: 'The role of this access may no longer be used by the partner.' },
  link_address_not_allowed: { id: 'problem.refusal.link_address_not_allowed', defaultMessage: 'The customer allows access through this link only from the addresses it listed.' },
  link_outside_hours: { id: 'problem.refusal.link_outside_hours', defaultMessage: 'The customer allows access through this link only during the hours it chose.' },
});

/** every module's catalog of details under one name (the catalog test reads each `problemDetails`) */
export const problemDetails = REFUSED;

export type RefusalSentenceCode = keyof typeof REFUSED;

/** A refusal's detail: the code's sentence in the reader's language, the engine's own reason in English. */
export function refusalDetail(code: RefusalSentenceCode, reason: string): LocalizedDetail {
  return { message: REFUSED[code], english: reason };
}
