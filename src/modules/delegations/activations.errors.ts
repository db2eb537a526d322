/** Errors of eligible (just-in-time) access: settings, activations, approvals. */
import { defineErrors } from '../../platform/errors/app-error.ts';

export const activationErrors = defineErrors('activations', {
  not_eligible: { status: 409, title: 'This access is not eligible for activation' },
  link_only: { status: 409, title: 'Only links can be eligible or auto-extend' },
  link_not_active: { status: 409, title: 'The link is not active' },
  activation_too_long: { status: 400, title: 'The activation is longer than the tenant allows' },
  justification_required: { status: 400, title: 'Say why you need the access' },
  activation_step_up_required: { status: 403, title: 'Confirm it is you with your second factor before activating' },
  activation_open: { status: 409, title: 'You already have an activation waiting or running on this access' },
  activation_not_found: { status: 404, title: 'No such activation' },
  activation_not_pending: { status: 409, title: 'The activation is no longer waiting for approval' },
  role_invalid: { status: 400, title: 'Unknown role' },
});
