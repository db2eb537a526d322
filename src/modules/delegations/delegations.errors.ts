/**
 * Delegation lifecycle errors. Refusals the decision engine also gives (delegation_not_found,
 * partner_inactive, partner_capability_missing, tenant_inactive, invalid_permission) are declared
 * once, in authz.errors.ts, and reused here.
 */
import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const delegationErrors = defineErrors('delegations', {
  delegation_exists: { status: 409, title: 'An open link already exists between this partner and tenant' },
  invalid_delegation_transition: { status: 409, title: 'The delegation cannot make that change in its current status' },
  delegation_role_invalid: { status: 400, title: 'Unknown delegation role' },
  delegation_window_invalid: { status: 400, title: 'The delegation start and end dates are not valid' },
  delegation_too_long: { status: 400, title: 'The delegation is longer than the platform allows' },
  delegation_ban_invalid: { status: 400, title: 'A billing account does not belong to the tenant' },
  renewal_not_requested: { status: 409, title: 'No renewal is pending for this delegation' },
  tenant_reference_required: { status: 400, title: 'Name the tenant by slug or by invite code' },
  invite_code_not_found: { status: 404, title: 'No tenant has this invite code' },
  tenant_admin_required: { status: 403, title: 'Only a tenant admin of this tenant can approve or confirm a delegation' },
  self_approval_forbidden: { status: 403, title: 'Whoever asked for an activation or a renewal cannot approve it; another admin of the tenant must' },
  relationship_contact_invalid: { status: 400, title: 'A contact needs a name and a way to reach them (a valid e-mail address or a phone number)' },
  relationship_changed: { status: 409, title: 'The relationship details were changed by someone else since you opened them' },
  purpose_not_granted: { status: 409, title: 'The access does not hold this purpose (never granted, or revoked already)' },
  relationship_link_closed: { status: 409, title: 'The relationship details of an ended link can no longer be changed' },
  link_limits_invalid: { status: 400, title: 'The limits on this link are not valid' },
  link_limits_link_closed: { status: 409, title: 'The limits of an ended link can no longer be changed' },
});

registerUniqueConstraint('delegations_partner_id_tenant_id_key', 'delegation_exists', 'This partner already has an open (requested or active) link to this tenant.');
registerUniqueConstraint('tenants_invite_code_key', 'conflict', 'The invite code collided; try again.');
