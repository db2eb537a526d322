/**
 * Access refusal codes shared by the portal guards (the partner API's access rules 1–4) and the decision engine.
 * 401 = no or bad credentials; 403 = known but not allowed; 404 = absent or not yours.
 */
import { defineErrors } from '../../platform/errors/app-error.ts';

export const authzErrors = defineErrors('authz', {
  authentication_required: { status: 401, title: 'Authentication required' },
  user_inactive: { status: 403, title: 'The user account is not active' },
  not_partner_member: { status: 403, title: 'Not a partner user' },
  partner_membership_inactive: { status: 403, title: 'The partner membership is not active' },
  partner_inactive: { status: 403, title: 'The partner is not active' },
  permission_denied: { status: 403, title: 'Permission denied' },
  invalid_permission: { status: 400, title: 'Malformed permission name' },
  // decision-engine refusals (decide.ts); 404 where the answer must not reveal that a tenant exists
  tenant_context_required: { status: 400, title: 'Choose the tenant to act on (X-Active-Tenant-Id)' },
  delegation_not_found: { status: 404, title: 'No delegation for this tenant' },
  delegation_pending: { status: 403, title: 'The delegation awaits the tenant approval' },
  delegation_not_started: { status: 403, title: 'The delegation has not started yet' },
  delegation_expired: { status: 403, title: 'The delegation has expired' },
  delegation_revoked: { status: 403, title: 'The delegation was revoked' },
  delegation_rejected: { status: 403, title: 'The delegation request was rejected' },
  delegation_approver_inactive: { status: 403, title: 'The tenant admin who approved the delegation is no longer an active admin; a current admin must confirm it' },
  partner_capability_missing: { status: 403, title: 'The partner lacks the capability this needs' },
  tenant_inactive: { status: 403, title: 'The tenant is not active' },
  ban_not_covered: { status: 403, title: 'The billing account is not covered' },
  feature_disabled: { status: 403, title: 'The feature is disabled for this partner' },
  scope_insufficient: { status: 403, title: 'The token scopes do not allow this' },
  mfa_required: { status: 403, title: 'Sign in with a second factor (authenticator app or passkey) to do this' },
  activation_required: { status: 403, title: 'This access is eligible only: activate it for a while first' },
  // the customer's own limits on a link (link-limits.ts)
  link_address_not_allowed: { status: 403, title: 'The customer allows access through this link only from the addresses it listed' },
  link_outside_hours: { status: 403, title: 'The customer allows access through this link only during the hours it chose' },
  // the partner configuration manager
  role_not_allowed: { status: 403, title: 'This role is not allowed for the partner' },
  unknown_role: { status: 400, title: 'Unknown role' },
  unknown_feature: { status: 400, title: 'Unknown feature' },
  feature_retired: { status: 400, title: 'The feature is retired and cannot be switched on' },
  feature_not_enabled: { status: 403, title: 'The feature is not enabled for this partner' },
  feature_not_opt_in: { status: 403, title: 'Only the operator can switch this feature' },
});
