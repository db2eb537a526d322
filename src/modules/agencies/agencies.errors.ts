import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const agencyErrors = defineErrors('agencies', {
  // ---- admin API -----------------------------------------------------------------------------
  agency_not_found: { status: 404, title: 'Agency not found' },
  agency_token_not_found: { status: 404, title: 'Agency token not found' },
  agency_name_taken: { status: 409, title: 'Another agency of this tenant has this name' },
  agency_not_active: { status: 409, title: 'The agency is inactive' },
  agency_token_already_revoked: { status: 409, title: 'The agency token is revoked' },
  // ---- embed API (token-authenticated) -------------------------------------------------------
  agency_token_required: { status: 401, title: 'An agency token is required' },
  agency_token_invalid: { status: 401, title: 'The agency token is not valid' },
  agency_token_revoked: { status: 401, title: 'The agency token has been revoked' },
  agency_inactive: { status: 403, title: 'The agency has been deactivated' },
  agency_tenant_inactive: { status: 403, title: "The agency's tenant is not active" },
  agency_token_not_allowed: { status: 403, title: 'Agency tokens are not accepted here' },
  agency_context_in_payload: { status: 400, title: 'Tenant and agency come from the token, not the request' },
  voucher_type_not_allowed: { status: 403, title: 'This form may not issue this voucher type' },
});

registerUniqueConstraint('partner_agencies_tenant_id_name_key', 'agency_name_taken', 'Another agency of this tenant already has this name.');
registerUniqueConstraint('partner_tokens_token_hash_key', 'conflict', 'The token could not be stored; try again.');
